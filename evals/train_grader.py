"""Train the sentence-role model from the corpus: `make train` (`python -m evals.train_grader`).

Fits `SentenceRoleModel` on every voice in `evals/data/corpus/` (the injection slice excluded:
its payload sentences are not roles), chooses one presence threshold per role from out-of-fold
predictions grouped by story, fits measurability's effect reader (`EffectModel`) on the labelled
result sentences, and writes `agents/grading/models/sentence_roles.npz` with its
SHA-256. Same corpus and seed, same bytes.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse

from agents.grading.effect_model import EffectModel
from agents.grading.roles_model import MODEL_FILE, ROLES, SEED, SentenceRoleModel, featurize
from evals.corpus import Answer, load_corpus

TRAIN_EXCLUDE = ("injection",)


def trainable(answers: Sequence[Answer]) -> list[Answer]:
    """Answers whose sentences carry roles (not hypothetical, not non-answers, not injection)."""
    return [
        a for a in answers
        if a.voice not in TRAIN_EXCLUDE and not a.labels["hypothetical"]
        and not a.labels["non_answer"]
    ]  # fmt: skip


# Features of an answer depend only on its text: cached so cross-validation featurizes once.
_ROWS: dict[tuple[str, ...], sparse.csr_matrix] = {}


def answer_rows(spans: Sequence[str]) -> sparse.csr_matrix:
    """The sparse feature rows of one answer's sentences (cached)."""
    key = tuple(spans)
    if key not in _ROWS:
        _ROWS[key] = sparse.csr_matrix(featurize(spans))
    return _ROWS[key]


def rows_of(answers: Sequence[Answer]) -> tuple[sparse.csr_matrix, np.ndarray, list[int]]:
    """Stacked sparse features, role labels, and the answer index of every row."""
    blocks, labels, owner = [], [], []
    for n, a in enumerate(answers):
        blocks.append(answer_rows(a.spans))
        labels += [[1 if r in roles else 0 for r in ROLES] for roles in a.span_roles]
        owner += [n] * len(a.spans)
    return sparse.vstack(blocks).tocsr(), np.asarray(labels, dtype=np.int8), owner


def with_short_replies(answers: Sequence[Answer]) -> list[Answer]:
    """The answers plus, from each, one to three consecutive sentences told as a reply of their own.

    Whole answers open with the scene; in a drill a follow-up reply of one or two sentences often
    opens with the action or the result ("I rewrote the cache, which cut latency 40%"). Without
    such replies the model would read every opening sentence as the situation.
    """
    rng = random.Random(SEED)
    out = list(answers)
    for a in answers:
        for _ in range(2):
            if len(a.spans) < 3:
                break
            # At most all sentences but the opening one (a three-sentence answer drew 3 and failed).
            size = min(rng.randint(1, 3), len(a.spans) - 1)
            start = rng.randrange(1, len(a.spans) - size + 1)
            out.append(replace(
                a, id=f"{a.id}#{start}", spans=a.spans[start:start + size],
                span_roles=a.span_roles[start:start + size],
            ))  # fmt: skip
    return out


def effect_examples(answers: Sequence[Answer]) -> tuple[list[str], list[bool]]:
    """Result text and 'labelled 3' of every trainable answer labelled measurability 2 or 3."""
    texts, level3 = [], []
    for a in trainable(answers):
        result = " ".join(s["text"] for s in a.sentences if "result" in s["roles"])
        if a.labels["measurability"] >= 2 and result:
            texts.append(result)
            level3.append(a.labels["measurability"] == 3)
    return texts, level3


def fit_model(answers: Sequence[Answer], c: float = 4.0) -> SentenceRoleModel:
    """The full training recipe on the trainable answers (both passes, thresholds, effect)."""
    data = with_short_replies(trainable(answers))
    x, y, owner = rows_of(data)
    groups = [data[n].story for n in owner]
    model = SentenceRoleModel(c=c).fit(x, y, owner, groups)
    model.effect = EffectModel().fit(*effect_examples(answers))
    return model


def main(argv: Sequence[str] | None = None) -> int:
    """Train on the whole corpus and write the artefact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    np.random.seed(SEED)
    model = fit_model(load_corpus(), c=args.c)
    digest = model.save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size} bytes, sha256 {digest})")
    print("thresholds:", dict(zip(ROLES, model.thresholds.tolist(), strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
