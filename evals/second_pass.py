"""Agreement of the independent second labelling pass (`evals/data/corpus_second_pass/`).

`python -m evals.second_pass [--voices V ...]` prints it, over all answers or the chosen voices.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence

from agents.grading import COMPONENTS
from evals.corpus import CORPUS_DIR, load_corpus
from evals.grader_eval import cohen_kappa, quadratic_weighted_kappa


def second_pass_agreement(voices: Sequence[str] | None = None) -> dict[str, float]:
    """Agreement of the independent second labelling pass with the writers' labels (all answers,
    or only those of `voices`)."""
    first = {a.id: a for a in load_corpus()}
    path = CORPUS_DIR.parent / "corpus_second_pass" / "labels.jsonl"
    second = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if voices is not None:
        second = [r for r in second if first[r["id"]].voice in set(voices)]
    out: dict[str, float] = {"answers": float(len(second))}
    for comp in COMPONENTS:
        gold, other = [], []
        for rec in second:
            a = first[rec["id"]]
            flagged_a = bool(a.labels["hypothetical"] or a.labels["non_answer"])
            flagged_b = bool(rec["labels"]["hypothetical"] or rec["labels"]["non_answer"])
            gold.append(a.components[comp] and not flagged_a)
            other.append(any(comp in roles for roles in rec["roles"]) and not flagged_b)
        out[comp] = cohen_kappa(gold, other)
    m1 = [first[r["id"]].labels["measurability"] for r in second]
    m2 = [r["labels"]["measurability"] for r in second]
    out["measurability_qwk"] = quadratic_weighted_kappa(m1, m2)
    out["ownership"] = statistics.fmean(
        first[r["id"]].labels["ownership"] == r["labels"]["ownership"] for r in second
    )
    writer = [bool(first[r["id"]].labels["off_topic"]) for r in second]
    other = [bool(r["labels"]["off_topic"]) for r in second]
    out["off_topic_writer"] = float(sum(writer))
    pairs = list(zip(writer, other, strict=True))
    out["off_topic_both"] = float(sum(w and o for w, o in pairs))
    out["off_topic_second_only"] = float(sum(o and not w for w, o in pairs))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the agreement, one measure per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="+", help="only the answers of these corpus voices")
    args = parser.parse_args(argv)
    for name, value in second_pass_agreement(args.voices).items():
        print(f"{name}: {value:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
