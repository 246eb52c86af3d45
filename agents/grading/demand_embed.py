"""Which demand does an answer's story show? A learned reading of the answer's MiniLM vector.

Cue phrases catch "I pushed back"; the corpus's off-topic answers are on-theme stories that lack
only the one thing their question asks for (a mentoring story told for a hiring question), so
bag-of-words readings barely separate them. Here, per demand, a logistic regression (one against
the rest, scikit-learn, fixed seed) reads the whole answer's all-MiniLM-L6-v2 vector and scores
"this answer shows the demand"; the answers that miss a demand's question are its weighted hard
negatives. The question's demand is read from its vector against the example questions of
`demand_examples.yaml`, whose vectors are cached in the artefact, so a graded answer costs two
embeddings (question, answer) and two small matrix products. Relevance runs only when a question is
given: the question-less grade path never loads the embedding model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from agents.lp.demands import load_demand_examples, load_demands, question_demand_scores
from agents.text_vectors import cached_embed
from agents.textutil import split_sentences

# P(demand | question) from the question's vector: the mean cosine of the TOP_EXAMPLES closest
# example questions of each demand, plus QUESTION_CUE_WEIGHT per cue phrase (at most 2), softmax
# at QUESTION_TEMPERATURE (the values story search uses, agents/stories/demand_index.py).
TOP_EXAMPLES = 2
QUESTION_CUE_WEIGHT = 0.05
QUESTION_TEMPERATURE = 0.05
# Per-demand regression strength and the weight of a demand's known misses (hard negatives);
# chosen on the dev part (odd-numbered stories) of the leave-one-voice-out evaluation.
C = 3.0
MISS_WEIGHT = 10.0


def example_questions() -> tuple[list[str], list[str]]:
    """The example questions of every demand and, aligned, the demand each asks for."""
    demands = load_demands()
    asks = load_demand_examples().questions
    texts: list[str] = []
    owners: list[str] = []
    for name, d in demands.items():
        asked = [*asks.get(name, ()), f"Tell me about {d.ask}."]
        texts += asked
        owners += [name] * len(asked)
    return texts, owners


@dataclass
class DemandEmbedModel:
    """Per-demand logistic regressions over answer vectors; `fit` needs scikit-learn."""

    names: list[str] = field(default_factory=list)
    coef: np.ndarray | None = None  # demands x 384
    intercept: np.ndarray | None = None
    questions: np.ndarray | None = None  # example-question vectors (cached, float16 on disk)
    owners: np.ndarray | None = None  # index into `names` of each example question

    def fit(
        self,
        vectors: np.ndarray,
        asked: Sequence[str],
        missed: Sequence[bool],
        question_vectors: np.ndarray,
        question_owners: Sequence[str],
        seed: int,
    ) -> DemandEmbedModel:
        """Fit on answer vectors labelled with their question's demand and whether they miss it."""
        from sklearn.linear_model import LogisticRegression

        self.names = list(load_demands())
        index = {n: i for i, n in enumerate(self.names)}
        x = np.asarray(vectors, dtype=np.float64)
        own = np.array([index[a] for a in asked])
        off = np.asarray(missed, dtype=bool)
        self.coef = np.zeros((len(self.names), x.shape[1]), dtype=np.float32)
        self.intercept = np.zeros(len(self.names), dtype=np.float32)
        for d in range(len(self.names)):
            # An answer that misses another question's demand says nothing about this one.
            keep = ~off | (own == d)
            y = ((own == d) & ~off)[keep]
            w = np.where(off, MISS_WEIGHT, 1.0)[keep]
            clf = LogisticRegression(C=C, max_iter=2000, random_state=seed)
            clf.fit(x[keep], y, sample_weight=w)
            self.coef[d] = clf.coef_[0]
            self.intercept[d] = clf.intercept_[0]
        self.questions = np.asarray(question_vectors, dtype=np.float16)
        self.owners = np.array([index[o] for o in question_owners], dtype=np.int16)
        return self

    def question_probs(self, question: str, qv: np.ndarray) -> np.ndarray:
        """P(demand | question) over `names`, from the question's vector and cue phrases."""
        if self.questions is None or self.owners is None:
            raise RuntimeError("DemandEmbedModel is not fitted")
        sims = self.questions.astype(np.float32) @ np.asarray(qv, dtype=np.float32)
        scores = np.array(
            [float(np.sort(sims[self.owners == d])[-TOP_EXAMPLES:].mean()) for d in
             range(len(self.names))]
        )  # fmt: skip
        cues = question_demand_scores(question)
        scores += QUESTION_CUE_WEIGHT * np.array([min(cues.get(n, 0), 2) for n in self.names])
        z = (scores - scores.max()) / QUESTION_TEMPERATURE
        p = np.exp(z)
        return p / p.sum()

    def asks_for(self, question: str, qv: np.ndarray, demand: str) -> float:
        """P(`demand` | question) by the question's vector: how surely it asks for `demand`."""
        if demand not in self.names:
            return 0.0
        return float(self.question_probs(question, qv)[self.names.index(demand)])

    def shows(self, av: np.ndarray) -> np.ndarray:
        """P(the story shows the demand) per demand in `names`, for an answer or story vector."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("DemandEmbedModel is not fitted")
        z = self.coef.astype(np.float64) @ np.asarray(av, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def features(self, question: str, qv: np.ndarray, av: np.ndarray) -> list[float]:
        """[score of the question's likeliest demand, its gap to the best other demand, the
        question-probability-weighted score] for an answer vector `av`."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("DemandEmbedModel is not fitted")
        z = self.coef.astype(np.float64) @ np.asarray(av, dtype=np.float64) + self.intercept
        probs = self.question_probs(question, qv)
        d = int(np.argmax(probs))
        return [float(z[d]), float(z[d] - np.max(np.delete(z, d))), float(probs @ z)]


@lru_cache(maxsize=256)
def _question_vector(question: str) -> np.ndarray:
    from agents.embeddings import get_embedding_function

    return get_embedding_function().embed([question])[0]


# Sentences read per answer, and words kept of each: a spoken, rambling answer can run to one
# 500-word "sentence", and MiniLM pads a batch to its longest text (up to 256 tokens), so one such
# sentence made every sentence of the answer cost the most. The relevance corpus's and grader
# dataset's longest sentence has 62 words and longest answer 11 sentences: neither cap changes a
# trained reading.
MAX_SENTENCES = 30
MAX_SENTENCE_WORDS = 64


def _capped(sentence: str) -> str:
    words = sentence.split()
    return sentence if len(words) <= MAX_SENTENCE_WORDS else " ".join(words[:MAX_SENTENCE_WORDS])


def sentences(text: str) -> list[str]:
    """The sentences of an answer as the absence reading splits and caps them (at most
    MAX_SENTENCES, each cut to MAX_SENTENCE_WORDS words)."""
    return [_capped(s.text) for s in split_sentences(text)][:MAX_SENTENCES]


def embed_pair(question: str, answer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The MiniLM vectors of a question (cached per process), an answer and its sentences."""
    from agents.embeddings import get_embedding_function

    ef = get_embedding_function()
    # Two batches: in one, every short sentence would be padded to the whole answer's length.
    parts = sentences(answer) or [_capped(answer)]
    return _question_vector(question), ef.embed([answer])[0], np.vstack(ef.embed(parts))


@lru_cache(maxsize=1)
def _exemplar_vectors() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per demand: vectors of its example statements (shown) and its absence sentences."""
    from agents.embeddings import get_embedding_function

    ex = load_demand_examples()
    out = {}
    for name in load_demands():
        shown, absent = list(ex.statements.get(name, ())), list(ex.absent.get(name, ()))
        if shown and absent:
            v = cached_embed([*shown, *absent], get_embedding_function(), None, f"demand-{name}")
            out[name] = (np.vstack(v[: len(shown)]), np.vstack(v[len(shown) :]))
    return out


def absence_features(demand: str, sentence_vectors: np.ndarray) -> list[float]:
    """[closest answer sentence to a "the demand was not there" sentence of `demand`, that minus
    the closest to a sentence showing it]: the near miss names the theme, then its absence
    ("they never complained"). Zeros for a demand without both kinds of examples."""
    found = _exemplar_vectors().get(demand)
    if found is None or len(sentence_vectors) == 0:
        return [0.0, 0.0]
    sv = np.asarray(sentence_vectors, dtype=np.float32)
    shown, absent = (sv @ found[0].T).max(), (sv @ found[1].T).max()
    return [float(absent), float(absent - shown)]
