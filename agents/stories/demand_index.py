"""Question demands in search: what a question asks a story to contain, and which stories do.

A behavioural question usually carries one demand (a disagreement, a failure, an unhappy
customer...; `leadership_principles/interview/demands.yaml`). In a bank written in one voice every
story shares its topic words, so what tells the right story apart is whether it contains that
demand. Both sides are read here, cheaply:
- a question: P(demand | question) from the learned reading of its MiniLM vector
  (`agents.lp.question_demand`, trained on the corpus's labelled questions);
- a story, once at import: its cue phrases (`story_demand_hits`) and its best window's
  similarity to first-person example sentences of each demand, through a fixed logistic curve,
  as P(story contains demand), or the off-topic check's learned reading of the story's vector
  (`DemandEmbedModel.shows`, trained on the corpus's answers) where that is higher: cue words
  catch a demand that is said, the learned reading one that is only told. Stored in the story
  record; search only reads it.
Search adds DEMAND_WEIGHT x sum over demands of P(demand | question) x min(1, P(story has it) /
DEMAND_SATURATION): a story that clearly shows the demand gets the full credit, however many cue
words it has. Constants were chosen on the `care` and `tech` slices of evals/data/fit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.lp.demands import load_demand_examples, load_demands, story_demand_hits
from agents.lp.question_demand import question_demand_model
from agents.text_vectors import cached_embed

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding

# P(story contains demand) = sigmoid(STORY_COEF . features + STORY_BIAS); features: cue hits
# (capped at 4, then at 8, each scaled to 0-1), the best window's cosine with the demand's example
# sentences, and "any cue at all". Fitted (logistic, L2) on the labelled stories of the care and
# tech slices; per-demand AUC 0.87 on the slice it was not fitted on.
STORY_COEF = (2.4, 1.0, 2.2, 1.1)
STORY_BIAS = -4.2
# Window cosine assumed for stories stored before demands were indexed (the corpus mean).
UNKNOWN_WINDOW_SIM = 0.29
# The ranking term: weight, and the story probability that already counts as "contains it".
# 0.20 and the learned story reading were chosen together on the care and tech slices (0.10 before).
DEMAND_WEIGHT = 0.20
DEMAND_SATURATION = 0.5
# A demand is named in a hit's reason when the question asks for it with P >= REASON_QUESTION_P;
# the story "seems to show it" from REASON_STORY_P (about half of those are labelled so: it is
# a ranking signal, not a verdict).
REASON_QUESTION_P = 0.5
REASON_STORY_P = 0.4


def demand_names() -> list[str]:
    """Every demand, in the order of demands.yaml (the order of every vector here)."""
    return list(load_demands())


def demand_ask(name: str) -> str:
    """How an interviewer names a demand ("a time you disagreed with someone or pushed back")."""
    return load_demands()[name].ask


def demand_prepare(name: str) -> str:
    """What story to prepare for a demand none of the user's stories shows."""
    return load_demands()[name].prepare


class DemandVectors:
    """The example sentences of every demand, embedded once."""

    def __init__(self, embedder: MiniLMEmbedding) -> None:
        """Embed the example sentences with `embedder` (about 120 short texts)."""
        names = demand_names()
        said = load_demand_examples().statements
        missing = [n for n in names if n not in said]
        if missing:
            raise ValueError(f"demand examples missing for: {', '.join(missing)}")
        statements: list[str] = []
        s_owner: list[int] = []
        for i, name in enumerate(names):
            statements += said[name]
            s_owner += [i] * len(said[name])
        self.names = names
        self.statements = cached_embed(statements, embedder, None, "demand-statements")
        self.s_groups = [np.flatnonzero(np.array(s_owner) == d) for d in range(len(names))]

    def question_probs(self, question: str, qv: np.ndarray) -> np.ndarray:
        """P(demand | question) over `names`, read from the question's vector."""
        model = question_demand_model()
        if model.names != self.names:
            raise ValueError("the question-demand model was trained for other demands")
        return model.probs(qv)

    def window_sims(self, window_vectors: np.ndarray) -> np.ndarray:
        """Per demand, the best cosine between any window and the demand's example sentences."""
        if len(window_vectors) == 0:
            return np.full(len(self.names), UNKNOWN_WINDOW_SIM)
        sims = (np.asarray(window_vectors, dtype=np.float32) @ self.statements.T).max(axis=0)
        return np.array([float(sims[g].max()) for g in self.s_groups])


_vectors: dict[int, DemandVectors] = {}
_lock = threading.Lock()


def demand_vectors(embedder: MiniLMEmbedding) -> DemandVectors:
    """The examples embedded with `embedder` (once per embedder and process, thread-safe)."""
    key = id(embedder)
    with _lock:
        found = _vectors.get(key)
        if found is None:
            if len(_vectors) >= 4:  # embedders come and go in tests; the model is the same
                _vectors.clear()
            found = _vectors[key] = DemandVectors(embedder)
        return found


def story_demand_probs(text: str, window_sims: Sequence[float] | None = None) -> dict[str, float]:
    """P(story contains demand) for each demand, from its cue phrases and window similarities."""
    names = demand_names()
    hits = story_demand_hits(text)
    sims = list(window_sims) if window_sims is not None else [UNKNOWN_WINDOW_SIM] * len(names)
    out = {}
    for name, sim in zip(names, sims, strict=True):
        h = hits.get(name, 0)
        features = (min(h, 4) / 4, min(h, 8) / 8, float(sim), 1.0 if h else 0.0)
        logit = STORY_BIAS + sum(c * f for c, f in zip(STORY_COEF, features, strict=True))
        out[name] = round(1.0 / (1.0 + float(np.exp(-logit))), 3)
    return out


def encode_story_demands(probs: Mapping[str, float]) -> str:
    """The story-record form of a story's demand probabilities (compact JSON)."""
    return json.dumps({k: v for k, v in probs.items() if v >= 0.01}, separators=(",", ":"))


def decode_story_demands(meta: Mapping[str, Any]) -> dict[str, float] | None:
    """A story record's demand probabilities; None when it was stored without them."""
    raw = meta.get("demands")
    if not raw:
        return None
    try:
        data = json.loads(str(raw))
    except json.JSONDecodeError:
        return None
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else None


def story_demand_reading(
    text: str, window_sims: Sequence[float] | None, story_vector: np.ndarray
) -> dict[str, float]:
    """P(story contains demand) for each demand: cue phrases and window similarities, raised to
    the off-topic check's learned reading of the story's vector where that is higher."""
    from agents.grading.relevance import load_relevance_model

    probs = story_demand_probs(text, window_sims)
    embed = load_relevance_model().embed
    if embed is None or embed.names != list(probs):
        return probs
    learned = embed.shows(story_vector)
    return {n: max(p, round(float(q), 3)) for (n, p), q in zip(probs.items(), learned,
                                                                strict=True)}  # fmt: skip


def story_demands_record(
    title: str, narrative: str, windows: np.ndarray, dv: DemandVectors, story_vector: np.ndarray
) -> str:
    """What a story record stores about demands: `story_demand_reading` of its text, window
    vectors and story vector."""
    return encode_story_demands(
        story_demand_reading(f"{title}. {narrative}", dv.window_sims(windows), story_vector)
    )


def demand_match(
    question_probs: np.ndarray, names: Sequence[str], story: Mapping[str, float]
) -> tuple[float, str | None, bool]:
    """(0-1 credit for containing what the question asks, the demand it clearly asks for or
    None, whether the story clearly shows that demand)."""
    has = np.array([min(1.0, story.get(n, 0.0) / DEMAND_SATURATION) for n in names])
    credit = float(question_probs @ has)
    top = int(np.argmax(question_probs))
    if question_probs[top] < REASON_QUESTION_P:
        return credit, None, False
    return credit, names[top], story.get(names[top], 0.0) >= REASON_STORY_P
