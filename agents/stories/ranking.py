"""Retrieval: a user's stories ranked for a question, each hit with a 0-1 score and a reason.

The question is embedded once; Chroma returns the user's nearest windows; a story scores the mean
cosine of its PASSAGES best windows (one lucky window no longer decides), plus a bonus when its LP
tags match the LPs the question is about (the LP classifier, fed the same query vector), plus a
small BM25 keyword term, plus credit for containing the demand the question asks for (a
disagreement, a failure...: `demand_index`, read from the query vector and the story record).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from agents.stories.demand_index import (
    DEMAND_WEIGHT,
    decode_story_demands,
    demand_ask,
    demand_match,
    demand_vectors,
    story_demand_probs,
)
from agents.stories.model import MAX_EMBED_CHARS, Encoders, Story, bundled_principles
from agents.stories.records import story_from_meta, terms_of

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier
    from agents.stories.scope import UserScope
    from agents.stories.store import ChromaStore

# --- constants (chosen on the dev half of the eval; see evals/) ------------------------------

# Chunks Chroma returns per query, and how many of their stories are re-ranked. A user keeps
# 8-15 stories (~100 chunks), so this is everything; large banks re-rank their nearest stories.
CANDIDATE_CHUNKS = 400
CANDIDATES = 60
# The hybrid ranking: mean cosine of the PASSAGES best windows + LP_WEIGHT x (the story is tagged
# with an LP the question is about, from the classifier at LP_TEMPERATURE) + KEYWORD_WEIGHT x BM25
# (scaled to the best candidate) + DEMAND_WEIGHT x demand credit (`demand_index`). LP and BM25
# weights were chosen on the dev half of evals/data/retrieval (see evals/RESULTS.md) and kept
# when PASSAGES and the demand term were chosen on the care and tech slices of evals/data/fit.
PASSAGES = 2
LP_WEIGHT = 0.15
LP_TEMPERATURE = 2.0
KEYWORD_WEIGHT = 0.10
BM25_K1 = 1.2
BM25_B = 0.75
# The hybrid score mapped onto 0-1, where the interviewer reads >= 0.5 as "a good fit". On the
# care and tech slices of evals/data/fit, correct top hits score 0.50-0.83 raw (10th-90th
# percentile) and the top hit of a question no story fits 0.38-0.55, so raw 0.55 maps to 0.5
# (raw 0.50 before the demand term weighed 0.20).
SCORE_FLOOR = 0.30
SCORE_SPAN = 0.50
# P(the story answers the question): a logistic curve over the raw hybrid score, fitted on the
# top-3 hits of the care and tech slices of evals/data/fit (biz held out; its calibration is in
# evals/RESULTS.md). Below NO_FIT_P for the best hit, search says none of the stories fits well:
# on care and tech that names 12 of the 21 questions no story fits and 10 of the 199 others.
FIT_COEF = 7.22
FIT_BIAS = -4.10
NO_FIT_P = 0.35


class StoryHit(BaseModel):
    """One retrieval result: the story, a 0-1 fit score and why it matched."""

    id: str
    title: str
    score: float
    probability: float = 0.0  # calibrated P(the story answers the question)
    lps: list[str]
    reason: str
    text: str
    similarity: float
    matched_lp: str | None = None
    asked_demand: str | None = None  # the demand the question clearly asks for
    shows_demand: bool = False  # whether the story clearly contains it

    def public_dict(self) -> dict[str, Any]:
        """The `barraiser stories search --json` shape."""
        return {"id": self.id, "title": self.title, "score": self.score,
                "probability": self.probability, "lps": self.lps}  # fmt: skip


def rank_stories(
    store: ChromaStore, scope: UserScope, encoders: Encoders, question: str, k: int
) -> list[StoryHit]:
    """The top-k stories of `scope`'s user for a cleaned, non-empty question, best first."""
    qv = encoders.embedder.embed([question[:MAX_EMBED_CHARS]])[0]
    found = store.call("searching stories", scope.query_chunks, qv, CANDIDATE_CHUNKS)
    windows = story_windows(found, truncated=len(found) >= CANDIDATE_CHUNKS)
    if not windows:
        return []
    closeness = {sid: sum(sims) / len(sims) for sid, sims in windows.items()}
    ranked = sorted(closeness, key=lambda sid: -closeness[sid])[: max(k, CANDIDATES)]
    records = store.call("reading stories", scope.get_stories, ranked)
    metas = list(records.get("metadatas") or [])
    if not metas:
        return []
    stories = [story_from_meta(m) for m in metas]
    classifier = encoders.classifier
    lp_probs = question_lps(classifier, question, qv)
    keyword = bm25([terms_of(m) for m in metas], question_terms(question))
    dv = demand_vectors(encoders.embedder)
    q_demands = dv.question_probs(question, qv)
    scored = []
    for story, meta, kw in zip(stories, metas, keyword, strict=True):
        held = decode_story_demands(meta)
        if held is None:  # stored before demands were indexed: read them from the text
            held = story_demand_probs(f"{story.title}. {story.narrative}")
        demand = demand_match(q_demands, dv.names, held)
        sims = windows[story.id]
        scored.append(_scored_hit(story, closeness[story.id], sims[0], lp_probs, kw, demand))
    # Rank on the raw score: the 0-1 score is clipped, and clipped ties would lose order.
    scored.sort(key=lambda rh: (-rh[0], rh[1].title))
    top = [h for _, h in scored[:k]]
    return [h.model_copy(update={"reason": hit_reason(classifier, question, h)}) for h in top]


def story_windows(found: Sequence[tuple[str, float]], truncated: bool) -> dict[str, list[float]]:
    """Each story's PASSAGES best window cosines, best first, from Chroma's nearest chunks.

    When Chroma's answer was cut at CANDIDATE_CHUNKS, a story's window that did not make it is
    at most as close as the last one returned, so that cosine stands in for it.
    """
    out: dict[str, list[float]] = {}
    for sid, sim in found:
        out.setdefault(sid, []).append(sim)
    floor = min((sim for _, sim in found), default=0.0)
    for sims in out.values():
        sims.sort(reverse=True)
        del sims[PASSAGES:]
        if truncated and len(sims) < PASSAGES:
            sims += [floor] * (PASSAGES - len(sims))
    return out


def _scored_hit(
    story: Story,
    closeness: float,
    best: float,
    lp_probs: Mapping[str, float],
    kw: float,
    demand: tuple[float, str | None, bool],
) -> tuple[float, StoryHit]:
    """(raw hybrid score, hit without its reason) for one candidate story."""
    fit, lp = lp_fit(story.lps, lp_probs)
    credit, asked, shown = demand
    raw = closeness + LP_WEIGHT * fit + KEYWORD_WEIGHT * kw + DEMAND_WEIGHT * credit
    hit = StoryHit(
        id=story.id,
        title=story.title,
        score=round(min(1.0, max(0.0, (raw - SCORE_FLOOR) / SCORE_SPAN)), 4),
        probability=fit_probability(raw),
        lps=list(story.lps),
        reason="",
        text=story.narrative,
        similarity=round(best, 4),
        matched_lp=lp if fit >= 0.5 else None,
        asked_demand=asked,
        shows_demand=shown,
    )
    return raw, hit


def fit_probability(raw: float) -> float:
    """Calibrated P(the story answers the question) from the raw hybrid score."""
    return round(1.0 / (1.0 + math.exp(-(FIT_COEF * raw + FIT_BIAS))), 4)


def none_fits(hits: Sequence[StoryHit]) -> bool:
    """Whether even the best hit is unlikely to answer the question (see NO_FIT_P)."""
    return not hits or hits[0].probability < NO_FIT_P


@functools.lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """Question boilerplate and function words, stemmed like the texts they are removed from."""
    from agents.lp.cues import stems

    # Kept short on purpose: a longer list ("time", "one", "not", ...) measured worse on
    # the dev questions, because those words do carry meaning in behavioral questions.
    return frozenset(
        stems(
            "tell me about a time you the a an of to and in on for with was were i my we our "
            "had have how what when did do your that this it is be as at by from or"
        )
    )


def question_terms(question: str) -> list[str]:
    """Stemmed content words of a question."""
    from agents.lp.cues import stems

    stop = stop_stems()
    return [w for w in stems(question) if w not in stop]


def question_lps(classifier: LPClassifier, question: str, qv: np.ndarray) -> dict[str, float]:
    """P(LP | question): softmax of the classifier's scores, from the same query vector."""
    from agents.lp.classifier import softmax

    row = classifier.scores([question], qv[None, :])[0] / LP_TEMPERATURE
    p = softmax(row)
    return {slug: float(p[j]) for j, slug in enumerate(classifier.slugs)}


def hit_reason(classifier: LPClassifier, question: str, hit: StoryHit) -> str:
    """Why a story matched, in plain words: what the question asks for that the story shows, the
    LP they share, and what the question asks for that the story does not clearly show."""
    principles = bundled_principles()
    matches, missing = [], []
    if hit.asked_demand:
        (matches if hit.shows_demand else missing).append(demand_ask(hit.asked_demand))
    if hit.matched_lp:
        name = principles[hit.matched_lp].name
        cues = classifier.matched_cues(question).get(hit.matched_lp, [])
        matches.append(f"{name}" + (f" ('{cues[0]}')" if cues else ""))
    if not matches:
        matches.append("similar wording only")
    return f"matches: {' and '.join(matches)} — missing: {' and '.join(missing) or 'nothing'}"


def bm25(docs: Sequence[Mapping[str, int]], query: Sequence[str]) -> list[float]:
    """BM25 of each doc for the query, over the candidate set, scaled so the best is 1."""
    if not docs or not query:
        return [0.0] * len(docs)
    n = len(docs)
    lengths = [sum(d.values()) for d in docs]
    avg = max(1.0, sum(lengths) / n)
    scores = []
    for doc, length in zip(docs, lengths, strict=True):
        total = 0.0
        for term in set(query):
            tf = doc.get(term, 0)
            if not tf:
                continue
            df = sum(1 for d in docs if term in d)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += (
                idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
            )
        scores.append(total)
    top = max(scores)
    return [s / top if top > 0 else 0.0 for s in scores]


def lp_fit(story_lps: Sequence[str], lp_probs: Mapping[str, float]) -> tuple[float, str | None]:
    """How well the story's tags fit the question's LPs (0-1, relative to the top LP)."""
    if not story_lps or not lp_probs:
        return 0.0, None
    top = max(lp_probs.values())
    best = max(story_lps, key=lambda lp: lp_probs.get(lp, 0.0))
    return lp_probs.get(best, 0.0) / top if top > 0 else 0.0, best
