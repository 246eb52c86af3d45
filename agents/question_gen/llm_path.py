"""The LLM path: `prompts/question_gen.jinja` with structured output, in small calls, each reply
through the same quality filter; a failed call returns what was kept and the reason, so the
generator can fall back to the offline path and say so."""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from agents.llm import LLMBackendError
from agents.lp.principles import resolve_lp
from agents.prompts import render
from agents.question_gen.grammar import load_wording
from agents.question_gen.quality import (
    Accepted,
    Candidate,
    Practised,
    QualityFilter,
    balanced,
)
from agents.question_gen.request import (
    LEVEL_LABELS,
    ROLE_LABELS,
    PromptRequest,
    normalise_theme,
)

if TYPE_CHECKING:
    from agents.llm import ChatModel
    from agents.lp.principles import Principle
    from agents.question_gen.context import ContextHints

# Prompts per LLM call: five with their probes fit the default 800-token reply budget.
LLM_CHUNK = 5


class LLMPromptItem(BaseModel):
    """One prompt as the model returns it."""

    text: str
    lp: str
    theme: str | None = None
    strong_answer_shows: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)


class LLMPromptList(BaseModel):
    """The model's structured reply."""

    prompts: list[LLMPromptItem]


class LLMPath:
    """Asks a model for prompts and keeps those that pass the quality filter."""

    def __init__(self, principles: Mapping[str, Principle], quality: QualityFilter) -> None:
        """Use these principles for the prompt and this filter for the replies."""
        self.principles = principles
        self.quality = quality

    def messages(
        self,
        request: PromptRequest,
        lps: list[str],
        themes: list[str],
        n: int,
        hints: ContextHints,
        done: Sequence[str] = (),
    ) -> list[dict[str, str]]:
        """The system and user messages for one LLM round."""
        principles = [self.principles[lp] for lp in lps]
        examples = [q.text for p in principles for q in p.questions[:2]]
        # What the user practised and what earlier calls produced: both must not come back.
        avoid = [*[t for t in request.practised if t.strip()][:20], *done[-20:]]
        # The context is data inside a delimited block; it must not be able to close it.
        context = re.sub(r"</?\s*candidate_context\s*>", "", (request.context or ""))
        user = render(
            "question_gen",
            n=n,
            principles=principles,
            level=LEVEL_LABELS[request.level],
            role=ROLE_LABELS[request.role_family],
            themes=themes,
            context=context.strip()[:4000],
            context_kind=hints.kind,
            examples=examples,
            avoid=avoid,
        )
        return [
            {"role": "system", "content": render("question_gen_system")},
            {"role": "user", "content": user},
        ]

    def candidates(
        self, reply: LLMPromptList, lps: list[str], request: PromptRequest, rng: random.Random
    ) -> list[Candidate]:
        """Turn the model's items into candidates; unknown LPs are dropped here."""
        out: list[Candidate] = []
        for item in reply.prompts:
            try:
                lp = resolve_lp(item.lp)
            except ValueError:
                continue
            if lp not in lps:
                continue
            theme = None
            if item.theme:
                try:
                    theme = normalise_theme(item.theme)
                except ValueError:
                    theme = None
            principle = self.principles[lp]
            # Missing or malformed probes are topped up from the LP's probes after filtering.
            probes = [p.strip() for p in item.probes if p.strip().endswith("?")][:3]
            shows = [s.strip() for s in item.strong_answer_shows if s.strip()][:4]
            if not shows:
                shows = rng.sample(list(principle.signals), k=min(2, len(principle.signals)))
                shows.append(load_wording().levels[request.level].strong_answer_shows)
            out.append(Candidate(item.text, lp, theme, None, shows, probes, "llm"))
        return out

    def run(
        self,
        request: PromptRequest,
        llm: ChatModel,
        plan: tuple[list[str], list[str]],
        hints: ContextHints,
        practised: Practised,
        stats: Counter[str],
        rng: random.Random,
    ) -> tuple[list[Accepted], str | None]:
        """Ask the model for prompts in small calls and keep those that pass the filter.

        `plan` is the LPs and themes to cycle through. Returns the accepted prompts and, if a
        call failed, the user-facing reason (what was accepted before the failure is kept)."""
        lps, themes = plan
        new: list[Accepted] = []
        # Small calls: a reply of LLM_CHUNK prompts fits the default token budget, and each
        # call can steer towards the LPs that are still short.
        for _call in range(math.ceil(request.n / LLM_CHUNK) + 1):
            if len(new) >= request.n:
                break
            have = Counter(a.candidate.lp for a in new)
            order = sorted(range(len(lps)), key=lambda i: (have[lps[i]], i))
            chunk_lps = [lps[i] for i in order[:LLM_CHUNK]]
            ask = min(LLM_CHUNK, request.n - len(new) + 1)
            done = [a.candidate.text for a in new]
            messages = self.messages(request, chunk_lps, themes, ask, hints, done)
            try:
                reply = llm.structured(messages, LLMPromptList)
            except LLMBackendError as e:
                return balanced(new, lps, request.n), e.user_message
            candidates = self.candidates(reply, lps, request, rng)
            stats["rejected:unknown-lp"] += len(reply.prompts) - len(candidates)
            stats["candidates"] += len(reply.prompts) - len(candidates)
            new.extend(self.quality.filter(candidates, new, practised, stats))
        return balanced(new, lps, request.n), None
