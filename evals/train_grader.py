"""Train the sentence-role model from the corpus: `make train` (`python -m evals.train_grader`).

Fits `SentenceRoleModel` on every voice in `evals/data/corpus/` (the injection slice excluded:
its payload sentences are not roles), chooses one presence threshold per role from out-of-fold
predictions grouped by story, and writes `agents/grading/models/sentence_roles.npz` with its
SHA-256. Same corpus and seed, same bytes.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from agents.grading.roles_model import MODEL_FILE, ROLES, SEED, SentenceRoleModel, featurize
from evals.corpus import Answer, load_corpus
from evals.grader_eval import cohen_kappa

TRAIN_EXCLUDE = ("injection",)
THRESHOLD_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))


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


def answer_max(probs: np.ndarray, owner: Sequence[int], n_answers: int) -> np.ndarray:
    """Per answer, the highest probability of each role over its sentences."""
    out = np.zeros((n_answers, len(ROLES)))
    for row, a in enumerate(owner):
        out[a] = np.maximum(out[a], probs[row])
    return out


def choose_thresholds(answers: Sequence[Answer], c: float, folds: int = 5) -> np.ndarray:
    """Per role, the presence threshold with the best out-of-fold answer-level kappa."""
    from sklearn.model_selection import GroupKFold

    x, y, owner = rows_of(answers)
    groups = [answers[a].story for a in owner]
    oof = np.zeros(y.shape)
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        model = SentenceRoleModel(c=c).fit(x[train], y[train])
        oof[test] = model.predict_proba(x[test])
    best = answer_max(oof, owner, len(answers))
    gold = np.asarray([[a.components[r] for r in ROLES] for a in answers])
    chosen = []
    for k in range(len(ROLES)):
        scores = [cohen_kappa(list(gold[:, k]), list(best[:, k] >= t)) for t in THRESHOLD_GRID]
        chosen.append(THRESHOLD_GRID[int(np.argmax(scores))])
    return np.asarray(chosen, dtype=np.float32)


def fit_model(answers: Sequence[Answer], c: float = 4.0) -> SentenceRoleModel:
    """The full training recipe: thresholds from grouped out-of-fold predictions, then a fit."""
    data = trainable(answers)
    thresholds = choose_thresholds(data, c)
    x, y, _ = rows_of(data)
    model = SentenceRoleModel(c=c).fit(x, y)
    model.thresholds = thresholds
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
