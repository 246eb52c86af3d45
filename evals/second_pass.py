"""Agreement of the independent second labelling pass (`evals/data/corpus_second_pass/`)."""

from __future__ import annotations

import json
import statistics

from agents.grading import COMPONENTS
from evals.corpus import CORPUS_DIR, load_corpus
from evals.grader_eval import cohen_kappa, quadratic_weighted_kappa


def second_pass_agreement() -> dict[str, float]:
    """Agreement of the independent second labelling pass with the writers' labels."""
    first = {a.id: a for a in load_corpus()}
    path = CORPUS_DIR.parent / "corpus_second_pass" / "labels.jsonl"
    second = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
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
    return out
