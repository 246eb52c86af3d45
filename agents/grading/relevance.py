"""Does this answer answer its question? The learned off-topic check of the grade.

A behavioural question carries one demand (a disagreement, a failure, a person developed...;
`leadership_principles/interview/demands.yaml`). A well-told story that lacks it does not answer
the question, however complete its STAR(L). Here:
- the question's demand is read from its cue phrases and its word overlap with the example
  questions of each demand (`demand_examples.yaml`), cached per question;
- the answer is read against that demand: cue phrases in the whole answer and in the sentences
  the grader reads as action or result, and word overlap with the demand's example statements;
- the answer's MiniLM vector is read by per-demand regressions (`demand_embed`): does the
  answer show the demand the question's vector asks for, and more than any other demand?
- a logistic regression over those few features (`make train`, fixed seed, scikit-learn) gives
  P(off topic); the artefact is a small `.npz` checked by SHA-256 at load, applied with numpy.
The check runs only when a question is given (two embeddings, ~tens of ms); the question-less
grade path stays lexical and in milliseconds.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from agents.artefact import read_verified, save_npz
from agents.grading.demand_embed import DemandEmbedModel, absence_features, embed_pair
from agents.grading.grade import Grade
from agents.lp.demands import (
    load_demand_examples,
    load_demands,
    question_demand_scores,
    story_cue_count,
    story_demand_hits,
)
from agents.prompts import load_phrases

SEED = 20261205
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODEL_DIR / "relevance.npz"
# Replies shorter than this are not a whole story: the STAR(L) probes come first.
MIN_STORY_WORDS = 40
# A question's demand counts only when its score is clearly ahead (see `question_demand`).
QUESTION_CUE_WEIGHT = 1.0
# The demand read from the question's words is trusted for a flag only when the MiniLM reading of
# the question (its nearest example questions, `DemandEmbedModel.asks_for`) gives it at least this
# probability: one cue word ("team", "feedback") can name a demand the question does not ask for.
# On the dev part the MiniLM reading names the labelled demand 16% of the time below 0.05, 38%
# in 0.05-0.2 and 96% above 0.8; 0.2 flags nothing fewer there and removes golden false flags.
DEMAND_AGREEMENT_FLOOR = 0.2
_WORD = re.compile(r"[a-z]+")
# Words that carry no demand: function words and the frame every question shares.
_STOP_WORDS = """
a an the and or but so to of in on at for with from by as is was were be been being it its this
that these those i me my we our us you your he she him her his they them their there had have has
do did does done not no what when where who how why which time tell about describe give example
situation one some any all can could would should will just then than very really also out up
into over after before while
"""
QUESTION_STOP = frozenset(_STOP_WORDS.split())
FEATURES: tuple[str, ...] = (
    "question_confidence",
    "cue_hits",
    "any_cue",
    "cue_in_action_result",
    "cue_lead",
    "statement_overlap",
    "statement_overlap_action_result",
    "embed_own",
    "embed_gap",
    "embed_weighted",
    "absent_sentence",
    "absent_over_shown",
)
# The last EMBED_COLUMNS features come from MiniLM vectors (filled per model in training).
EMBED_COLUMNS = 5


def stem(word: str) -> str:
    """A crude suffix strip so "disagreed", "disagreeing" and "disagree" meet."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def bag(text: str) -> Counter[str]:
    """Content-word stems of a text."""
    return Counter(stem(w) for w in _WORD.findall(text.lower()) if w not in QUESTION_STOP)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


@lru_cache(maxsize=1)
def _examples() -> tuple[list[str], dict[str, list[Counter[str]]], dict[str, list[Counter[str]]]]:
    """Demand names with the bags of their example questions and example statements."""
    demands = load_demands()
    ex = load_demand_examples()
    names = list(demands)
    questions = {
        n: [bag(q) for q in (*ex.questions.get(n, ()), f"Tell me about {demands[n].ask}.")]
        for n in names
    }
    statements = {n: [bag(s) for s in ex.statements.get(n, ())] for n in names}
    return names, questions, statements


@lru_cache(maxsize=512)
def question_demand(question: str) -> tuple[str | None, float]:
    """The demand a question asks for and a 0-1 confidence (its lead over the runner-up)."""
    names, questions, _ = _examples()
    if not question.strip():
        return None, 0.0
    cues = question_demand_scores(question)
    qb = bag(question)
    scores = {
        n: QUESTION_CUE_WEIGHT * min(cues.get(n, 0), 2)
        + max((_cosine(qb, e) for e in questions[n]), default=0.0)
        for n in names
    }
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0.0:
        return None, 0.0
    return best, round(min(1.0, (top - second) / top + 0.25 * min(top, 2.0)), 4)


def is_story(answer: str) -> bool:
    """Long enough to be a whole story (the relevance check reads only those)."""
    return len(answer.split()) >= MIN_STORY_WORDS


def relevance_features(
    question: str,
    answer: str,
    action_result: Sequence[str],
    embed: DemandEmbedModel | None = None,
    vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, str | None]:
    """The feature row (order of FEATURES) and the question's demand; None when it asks none.
    `vectors` are the question's, answer's and sentences' MiniLM vectors (embedded when not given);
    without `embed` the embedding columns stay 0."""
    demand, confidence = question_demand(question)
    row = np.zeros(len(FEATURES), dtype=np.float64)
    if demand is None:
        return row, None
    _, _, statements = _examples()
    hits = story_demand_hits(answer)
    own = hits.get(demand, 0)
    others = max((v for k, v in hits.items() if k != demand), default=0)
    ar_text = " ".join(action_result)
    ar_hits = story_cue_count(ar_text, demand) if ar_text else 0
    sentences = [bag(s) for s in re.split(r"(?<=[.!?])\s+", answer) if s.strip()]
    ar_bags = [bag(s) for s in action_result]

    def overlap(bags: Sequence[Counter[str]]) -> float:
        return max((_cosine(b, e) for b in bags for e in statements[demand]), default=0.0)

    row[:] = (
        confidence,
        min(own, 4) / 4,
        1.0 if own else 0.0,
        1.0 if ar_hits else 0.0,
        (min(own, 4) - min(others, 4)) / 4,
        overlap(sentences),
        overlap(ar_bags),
        *embed_features(embed, question, answer, vectors, demand),
    )
    return row, demand


def embed_features(
    embed: DemandEmbedModel | None,
    question: str,
    answer: str,
    vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    demand: str | None = None,
) -> list[float]:
    """The embedding columns of the feature row (zeros without a model): the per-demand model's
    reading of the answer, then its sentences against the asked demand's absence sentences."""
    if embed is None:
        return [0.0] * EMBED_COLUMNS
    qv, av, sv = vectors if vectors is not None else embed_pair(question, answer)
    asked = demand if demand is not None else question_demand(question)[0]
    absent = absence_features(asked, sv) if asked else [0.0, 0.0]
    return [*embed.features(question, qv, av), *absent]


class Relevance(BaseModel):
    """The relevance reading of one answer: P(off topic), the demand asked, the verdict."""

    probability: float
    demand: str | None = None
    off_topic: bool = False


@dataclass
class RelevanceModel:
    """Standardised logistic regression over `relevance_features`; `fit` needs scikit-learn."""

    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    coef: np.ndarray | None = None
    intercept: float = 0.0
    threshold: float = 0.5
    c: float = 1.0
    embed: DemandEmbedModel | None = None

    def fit(self, rows: np.ndarray, labels: np.ndarray) -> RelevanceModel:
        """Fit the standardisation and the regression (unweighted, so probabilities calibrate)."""
        from sklearn.linear_model import LogisticRegression

        self.mean = rows.mean(axis=0)
        self.scale = rows.std(axis=0) + 1e-6
        clf = LogisticRegression(C=self.c, max_iter=5000, random_state=SEED)
        clf.fit((rows - self.mean) / self.scale, labels)
        self.coef = clf.coef_[0].astype(np.float64)
        self.intercept = float(clf.intercept_[0])
        return self

    def demand_is_clear(self, question: str, demand: str, qv: np.ndarray | None) -> bool:
        """Whether the question's vector also asks for `demand` (see DEMAND_AGREEMENT_FLOOR)."""
        if self.embed is None or qv is None:
            return True
        return self.embed.asks_for(question, qv, demand) >= DEMAND_AGREEMENT_FLOOR

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        """P(off topic) per row."""
        if self.coef is None or self.mean is None or self.scale is None:
            raise RuntimeError("RelevanceModel is not fitted")
        z = ((np.atleast_2d(rows) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None:
            raise RuntimeError("RelevanceModel is not fitted")
        arrays: dict[str, Any] = {
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": np.float64(self.intercept),
            "threshold": np.float64(self.threshold),
            "features": np.array(FEATURES),
        }
        e = self.embed
        if e is not None and e.coef is not None:
            arrays["embed_names"] = np.array(e.names)
            arrays["embed_coef"] = e.coef.astype(np.float16)
            arrays["embed_intercept"] = e.intercept
            arrays["embed_questions"] = e.questions
            arrays["embed_owners"] = e.owners
        return save_npz(path, **arrays)


class RelevanceModelError(RuntimeError):
    """The shipped relevance model is missing, tampered with, or built for other features."""


@lru_cache(maxsize=2)
def load_relevance_model(path: Path = MODEL_FILE) -> RelevanceModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    read_verified(path, "relevance model", RelevanceModelError)
    with np.load(path) as npz:
        if tuple(str(f) for f in npz["features"]) != FEATURES:
            raise RelevanceModelError(f"{path}: trained on other features; run `make train`")
        embed = None
        if "embed_coef" in npz.files:
            embed = DemandEmbedModel(
                names=[str(n) for n in npz["embed_names"]],
                coef=npz["embed_coef"].astype(np.float32),
                intercept=npz["embed_intercept"].astype(np.float32),
                questions=npz["embed_questions"],
                owners=npz["embed_owners"],
            )
        return RelevanceModel(
            embed=embed,
            mean=npz["mean"],
            scale=npz["scale"],
            coef=npz["coef"],
            intercept=float(npz["intercept"]),
            threshold=float(npz["threshold"]),
        )


def relevance_of(
    question: str,
    answer: str,
    action_result: Sequence[str],
    model: RelevanceModel | None = None,
) -> Relevance:
    """Whether `answer` answers `question`; a question without a clear demand, or a reply too
    short to be a story (a follow-up answer, a fragment), is never off topic."""
    if not is_story(answer):
        return Relevance(probability=0.0)
    m = model or load_relevance_model()
    vectors = embed_pair(question, answer) if m.embed is not None else None
    row, demand = relevance_features(question, answer, action_result, m.embed, vectors)
    if demand is None:
        return Relevance(probability=0.0)
    p = float(m.predict_proba(row)[0])
    clear = m.demand_is_clear(question, demand, vectors[0] if vectors is not None else None)
    return Relevance(probability=round(p, 4), demand=demand, off_topic=p >= m.threshold and clear)


# The documented cap: an answer that does not answer its question scores at most this overall,
# however complete its STAR(L) (README, "Relevance").
OFF_TOPIC_CAP = 2


class RelevancePhrases(BaseModel):
    """What the interviewer says when an answer misses its question (`relevance.yaml`)."""

    probes: list[str]
    redirects: dict[str, str]


@lru_cache(maxsize=1)
def relevance_phrases() -> RelevancePhrases:
    """The relevance probe phrasings, validated; every demand needs a redirect."""
    phrases: RelevancePhrases = load_phrases("relevance", RelevancePhrases)
    missing = set(load_demands()) - set(phrases.redirects)
    if missing or not phrases.probes:
        raise ValueError(f"prompts/phrases/relevance.yaml: no redirect for {sorted(missing)}")
    return phrases


def relevance_probe(demand: str, seed: str = "") -> str:
    """The interviewer's redirect for a missed demand ("... but I asked about a time you ...")."""
    phrases = relevance_phrases()
    start = int(hashlib.sha1(seed.encode("utf-8")).hexdigest(), 16) % len(phrases.probes)
    lead = phrases.probes[start].format(ask=load_demands()[demand].ask)
    return f"{lead} {phrases.redirects[demand]}"


def apply_relevance(
    grade: Grade, question: str, answer: str, judged_missing: str | None = None
) -> Grade:
    """The grade with the off-topic verdict applied: flag, missing demand, capped overall,
    `off_topic` as the top gap and the redirect as the follow-up. Non-stories are left alone.

    `judged_missing` is the LLM judge's verdict (the demand the story lacks, None when it says the
    story answers): it adds the flag where the offline check did not; it never removes one."""
    if not question.strip() or {"hypothetical", "non_answer"} & set(grade.flags):
        return grade
    evidence = [*grade.components["action"].evidence, *grade.components["result"].evidence]
    verdict = relevance_of(question, answer, evidence)
    demand = verdict.demand if verdict.off_topic else None
    if demand is None and judged_missing is not None and is_story(answer):
        demand = judged_missing
    if demand is None:
        return grade
    return grade.model_copy(
        update={
            "flags": [*grade.flags, "off_topic"],
            "missing_demand": demand,
            "overall": min(grade.overall, OFF_TOPIC_CAP),
            "gaps": ["off_topic", *grade.gaps],
            "follow_up": relevance_probe(demand, f"{question}|{answer}"),
        }
    )
