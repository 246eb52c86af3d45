"""Check a story-fit corpus slice against evals/data/fit/LABELS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from evals.corpus_check import DEMANDS, LPS

KINDS = {"direct", "paraphrase", "cross_lp", "indirect"}


def check_slice(folder: Path) -> list[str]:
    """Problems with one slice (empty when valid)."""
    errs: list[str] = []
    stories = yaml.safe_load((folder / "stories.yaml").read_text("utf-8"))
    ids = set()
    for s in stories:
        sid = s.get("id")
        if sid in ids:
            errs.append(f"duplicate story id {sid}")
        ids.add(sid)
        for key in ("id", "title", "lps", "text", "demands"):
            if key not in s:
                errs.append(f"story {sid}: missing {key}")
        if set(s.get("lps", [])) - LPS or set(s.get("demands", [])) - DEMANDS:
            errs.append(f"story {sid}: unknown lp or demand")
        if len(str(s.get("text", "")).split()) < 80:
            errs.append(f"story {sid}: text shorter than 80 words")
    qids = set()
    lines = (folder / "questions.jsonl").read_text("utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        q = json.loads(line)
        if q.get("id") in qids:
            errs.append(f"line {n}: duplicate id")
        qids.add(q.get("id"))
        if q.get("lp") not in LPS or q.get("demand") not in DEMANDS or q.get("kind") not in KINDS:
            errs.append(f"line {n}: bad lp, demand or kind")
        rel = q.get("relevant", {})
        if set(rel) - ids or any(v not in (1, 2) for v in rel.values()):
            errs.append(f"line {n}: relevant must map story ids of this bank to 1 or 2")
    return errs


def main(argv: list[str]) -> int:
    """Print every problem; exit 1 if there is one."""
    bad = 0
    for folder in map(Path, argv):
        errs = check_slice(folder)
        for e in errs:
            print(f"{folder}: {e}")
        print(f"{folder}: {len(errs)} problems")
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
