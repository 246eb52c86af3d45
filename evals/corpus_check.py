"""Check corpus JSONL files against evals/data/corpus/LABELS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROLES = {"situation", "task", "action", "result", "learning", "other"}
LPS = {
    "are-right-a-lot", "best-employer", "bias-for-action", "broad-responsibility",
    "customer-obsession", "deliver-results", "dive-deep", "earn-trust", "frugality",
    "have-backbone", "hire-and-develop-the-best", "insist-on-the-highest-standards",
    "invent-and-simplify", "learn-and-be-curious", "ownership", "think-big",
}
DEMANDS = {
    "disagreement", "failure", "unhappy_customer", "customer_need", "developed_person", "hiring",
    "scarce_resources", "quick_decision", "incomplete_data", "simplification", "beyond_role",
    "deep_dive", "high_standard", "big_vision", "learned_new", "tight_deadline", "trust",
    "wrong_call", "helped_teammate", "wider_impact", "team_wellbeing",
}
LABEL_KEYS = {
    "measurability", "metrics", "ownership", "hypothetical", "non_answer", "injection",
    "off_topic", "missing_demand",
}


def check_record(rec: dict) -> list[str]:
    """Problems with one record (empty when it is valid)."""
    errs: list[str] = []
    for key in ("id", "voice", "story", "lp", "question", "demand", "sentences", "labels"):
        if key not in rec:
            errs.append(f"missing field {key!r}")
    if errs:
        return errs
    if rec["lp"] not in LPS:
        errs.append(f"unknown lp {rec['lp']!r}")
    if rec["demand"] not in DEMANDS:
        errs.append(f"unknown demand {rec['demand']!r}")
    sents = rec["sentences"]
    if not isinstance(sents, list) or not sents:
        return [*errs, "sentences must be a non-empty list"]
    for i, s in enumerate(sents):
        roles = s.get("roles", [])
        if not s.get("text", "").strip() or s["text"] != s["text"].strip():
            errs.append(f"sentence {i}: empty or padded text")
        if not roles or set(roles) - ROLES or ("other" in roles and len(roles) > 1):
            errs.append(f"sentence {i}: bad roles {roles}")
    lab = rec["labels"]
    if set(lab) != LABEL_KEYS:
        errs.append(f"labels keys differ: {sorted(set(lab) ^ LABEL_KEYS)}")
        return errs
    results = " ".join(s["text"] for s in sents if "result" in s["roles"])
    for m in lab["metrics"]:
        if m not in results:
            errs.append(f"metric {m!r} not verbatim in a result sentence")
    if lab["measurability"] not in (0, 1, 2, 3):
        errs.append("measurability must be 0-3")
    if not results and lab["measurability"] != 0:
        errs.append("no result sentence but measurability > 0")
    if results and lab["measurability"] == 0:
        errs.append("result sentence present but measurability 0")
    if lab["measurability"] >= 2 and not lab["metrics"]:
        errs.append("measurability >= 2 needs metrics")
    has_action = any("action" in s["roles"] for s in sents)
    if lab["ownership"] not in ("i", "we", "none"):
        errs.append("ownership must be i/we/none")
    elif (lab["ownership"] == "none") == has_action and not lab["hypothetical"]:
        errs.append("ownership 'none' iff no action sentence")
    if lab["off_topic"] != (lab["missing_demand"] is not None):
        errs.append("off_topic and missing_demand disagree")
    if lab["missing_demand"] is not None and lab["missing_demand"] not in DEMANDS:
        errs.append(f"unknown missing_demand {lab['missing_demand']!r}")
    return errs


def main(argv: list[str]) -> int:
    """Print every problem; exit 1 if there is one."""
    bad = 0
    for path in argv:
        seen: set[str] = set()
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"{path}:{n}: not JSON: {e}")
                bad += 1
                continue
            errs = check_record(rec)
            if rec.get("id") in seen:
                errs.append(f"duplicate id {rec.get('id')}")
            seen.add(rec.get("id"))
            for e in errs:
                print(f"{path}:{n} ({rec.get('id')}): {e}")
            bad += bool(errs)
        print(f"{path}: {len(seen)} records, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
