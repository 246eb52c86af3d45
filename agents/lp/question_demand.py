"""Which demand does a question ask for? A learned reading of the question's MiniLM vector.

A behavioural question carries one demand (a disagreement, a failure...; `demands.yaml`). Cue
phrases with word overlap, and the nearest hand-written example questions, each guessed it: on the
three independent writers of `evals/data/fit` they named the labelled demand for 56% and 66% of
the questions. Here a multinomial logistic regression (scikit-learn, fixed seed) reads the
question's all-MiniLM-L6-v2 vector; it is trained by `python -m evals.train_question_demand` on
the corpus's labelled questions (every voice, each written from the label definitions) and the
example questions, stored as a small `.npz` checked by SHA-256, and applied with numpy.
Story search weighs stories by these probabilities (`agents.stories.demand_index`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from agents.artefact import Override, read_verified, save_npz
from agents.lp.demands import load_demands

MODEL_FILE = Path(__file__).resolve().parent / "models" / "question_demand.npz"
SEED = 0
# Regression strength, chosen by leave-one-voice-out accuracy on the corpus's questions.
C = 4.0


class QuestionDemandError(RuntimeError):
    """The shipped question-demand model is missing, tampered with, or built for other demands."""


@dataclass
class QuestionDemandModel:
    """Multinomial logistic regression over question vectors; `fit` needs scikit-learn."""

    names: list[str] = field(default_factory=list)
    coef: np.ndarray | None = None  # demands x dimension
    intercept: np.ndarray | None = None

    def fit(
        self, vectors: np.ndarray, demands: Sequence[str], c: float = C, seed: int = SEED
    ) -> QuestionDemandModel:
        """Fit on question vectors labelled with the demand each asks for."""
        from sklearn.linear_model import LogisticRegression

        self.names = list(load_demands())
        index = {n: i for i, n in enumerate(self.names)}
        missing = sorted(set(self.names) - set(demands))
        if missing:
            raise ValueError(f"no training question asks for: {', '.join(missing)}")
        y = np.array([index[d] for d in demands])
        clf = LogisticRegression(C=c, max_iter=5000, random_state=seed)
        clf.fit(np.asarray(vectors, dtype=np.float64), y)
        self.coef = clf.coef_.astype(np.float32)
        self.intercept = clf.intercept_.astype(np.float32)
        return self

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """P(demand | question), one row per question vector, columns in `names` order."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("QuestionDemandModel is not fitted")
        x = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
        z = x @ self.coef.T.astype(np.float64) + self.intercept.astype(np.float64)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def probs(self, qv: np.ndarray) -> np.ndarray:
        """P(demand | question) for one question vector."""
        return self.predict_proba(qv)[0]

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("QuestionDemandModel is not fitted")
        return save_npz(path, coef=self.coef, intercept=self.intercept, names=np.array(self.names))


@lru_cache(maxsize=2)
def load_question_demand_model(path: Path = MODEL_FILE) -> QuestionDemandModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    read_verified(path, "question-demand model", QuestionDemandError)
    with np.load(path) as npz:
        names = [str(n) for n in npz["names"]]
        if names != list(load_demands()):
            raise QuestionDemandError(f"{path}: trained for other demands; run `make train`")
        return QuestionDemandModel(names=names, coef=npz["coef"], intercept=npz["intercept"])


# Evaluation swaps in a model that never saw the voice it scores; the app uses the shipped one.
_OVERRIDE: Override[QuestionDemandModel] = Override("question_demand")
# Within the block, questions are read by the given model instead of the shipped artefact.
using = _OVERRIDE.using


def question_demand_model() -> QuestionDemandModel:
    """The model in use: an evaluation's override, else the shipped artefact."""
    return _OVERRIDE.get() or load_question_demand_model()
