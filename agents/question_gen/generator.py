"""Amazon-style behavioral prompt generator: fresh questions for chosen LPs, level and role.

Two paths share one quality filter (`quality.py`):
- offline: the compositional grammar per LP (`grammar.py`, rendered by `composer.py`), seeded and
  deterministic;
- LLM: `prompts/question_gen.jinja` with structured output (`llm_path.py`); on any backend error
  it falls back to the offline path and says so in the batch's notices.

The filter keeps a prompt only if it is in behavioral past-event form, asks exactly one question,
is not a near-duplicate of the batch, the hand-written bank or what the user already practised
(embedding cosine of the prompt *core*, i.e. without its opener), and the independent LP
classifier (`agents.lp.classifier`) has its LP in the top `AGREEMENT_K`.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.lp.classifier import AGREEMENT_K, LPClassifier
from agents.lp.principles import Principle, load_principles
from agents.lp.roles import drill_role_for, role_lps
from agents.question_gen.composer import OfflineComposer
from agents.question_gen.context import ContextHints, analyse_context
from agents.question_gen.grammar import load_grammar
from agents.question_gen.llm_path import LLMPath
from agents.question_gen.quality import (
    NEAR_DUP_THRESHOLD,
    Accepted,
    Candidate,
    Practised,
    QualityFilter,
    balanced,
)
from agents.question_gen.request import GeneratedPrompt, PromptBatch, PromptRequest

if TYPE_CHECKING:
    from agents.config import Settings
    from agents.embeddings import MiniLMEmbedding
    from agents.llm import ChatModel


class PromptGenerator:
    """Generates and filters prompts; holds the grammar, classifier and cached bank vectors."""

    def __init__(
        self,
        principles: Mapping[str, Principle] | None = None,
        *,
        embedder: MiniLMEmbedding | None = None,
        classifier: LPClassifier | None = None,
        cache_dir: Path | None = None,
        near_dup_threshold: float = NEAR_DUP_THRESHOLD,
        agreement_k: int = AGREEMENT_K,
    ) -> None:
        """Load the grammar now; embeddings load on first use (bank vectors cached on disk)."""
        self.principles = dict(principles or load_principles())
        self.grammar = {lp: s for lp, s in load_grammar().items() if lp in self.principles}
        if embedder is None:
            from agents.embeddings import get_embedding_function

            embedder = get_embedding_function()
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.classifier = classifier or LPClassifier(
            self.principles, embedder=embedder, cache_dir=cache_dir
        )
        self.quality = QualityFilter(
            self.principles, embedder, self.classifier, cache_dir, near_dup_threshold, agreement_k
        )
        self.llm_path = LLMPath(self.principles, self.quality)

    @property
    def bank(self) -> list[str]:
        """The hand-written bank questions no prompt may repeat."""
        return self.quality.bank

    @property
    def threshold(self) -> float:
        """The near-duplicate cosine threshold."""
        return self.quality.threshold

    @property
    def agreement_k(self) -> int:
        """How far down the classifier's ranking the intended LP may be."""
        return self.quality.agreement_k

    def bank_vectors(self) -> np.ndarray:
        """Core vectors of the hand-written bank, embedded once and cached on disk."""
        return self.quality.bank_vectors()

    def warm_up(self) -> None:
        """Load the model and the bank and prototype vectors now rather than on first use."""
        self.quality.bank_vectors()
        self.quality.probe_index()
        self.classifier.rank(["Tell me about a time you helped a customer."])

    def plan(self, request: PromptRequest, hints: ContextHints) -> tuple[list[str], list[str]]:
        """Which LPs and themes to cycle through."""
        lps = [lp for lp in request.lps if lp in self.principles]
        if not lps:
            lps = [lp for lp in hints.lps if lp in self.principles]
        if not lps:
            role = drill_role_for(request.level, request.role_family)
            lps = [lp for lp in role_lps(role) if lp in self.principles]
        themes = list(request.themes) or list(hints.themes[:3])
        return lps, themes

    def _offline(
        self,
        request: PromptRequest,
        n: int,
        accepted: list[Accepted],
        practised: Practised,
        stats: Counter[str],
        hints: ContextHints,
        rng: random.Random,
    ) -> list[Accepted]:
        """Compose and filter offline prompts until `n` more are accepted or ideas run out."""
        lps, themes = self.plan(request, hints)
        composer = OfflineComposer(self.grammar, self.principles, request, hints, rng)
        new: list[Accepted] = []
        slot = 0
        for _round in range(8):
            need = n - len(new)
            if need <= 0 or not any(composer.remaining(lp) for lp in lps):
                break
            # Over-generate: about one candidate in five is filtered out.
            want = math.ceil(need * 1.3) + 2
            candidates: list[Candidate] = []
            misses = 0
            while len(candidates) < want and misses < len(lps) * 2:
                lp = lps[slot % len(lps)]
                theme = themes[(slot // len(lps)) % len(themes)] if themes else None
                slot += 1
                cand = composer.compose(lp, theme)
                if cand is None:
                    misses += 1
                    continue
                misses = 0
                candidates.append(cand)
            new.extend(self.quality.filter(candidates, accepted + new, practised, stats))
        return balanced(new, lps, n)

    def generate(self, request: PromptRequest, llm: ChatModel | None = None) -> PromptBatch:
        """Generate `request.n` filtered prompts: via the LLM when available, else offline."""
        started = time.perf_counter()
        seed = request.seed if request.seed is not None else random.SystemRandom().randrange(2**32)
        rng = random.Random(seed)
        stats: Counter[str] = Counter()
        batch = PromptBatch()
        hints = analyse_context(request.context, self.classifier)
        practised = self.quality.practised(request.practised)
        accepted: list[Accepted] = []
        if llm is not None and llm.available:
            plan = self.plan(request, hints)
            accepted, error = self.llm_path.run(request, llm, plan, hints, practised, stats, rng)
            _llm_notice(batch, request.n, len(accepted), error)
        if len(accepted) < request.n:
            accepted += self._offline(
                request, request.n - len(accepted), accepted, practised, stats, hints, rng
            )
        if len(accepted) < request.n:
            batch.notices.append(
                f"Only {len(accepted)} distinct prompts could be generated for this combination "
                "(LPs, level, themes and already-practised prompts); add LPs or themes for more."
            )
        batch.extend(_to_prompt(a, request) for a in accepted)
        batch.stats = stats
        batch.seconds = time.perf_counter() - started
        return batch


def _llm_notice(batch: PromptBatch, n: int, kept: int, error: str | None) -> None:
    """Tell the user when offline prompts stand in for the model's (it failed or fell short)."""
    short = n - kept
    if error is not None:
        which = "These prompts come" if not kept else f"{short} of the prompts come"
        batch.notices.append(f"{error}. {which} from the offline generator instead.")
    elif short > 0:
        batch.notices.append(
            f"The language model's prompts passed the quality filter for only "
            f"{kept} of {n}; {short} more come from the offline "
            "generator."
        )


def _to_prompt(item: Accepted, request: PromptRequest) -> GeneratedPrompt:
    """The public model for an accepted candidate."""
    cand = item.candidate
    return GeneratedPrompt(
        text=cand.text,
        lps=item.lps,
        level=request.level,
        role_family=request.role_family,
        theme=cand.theme,
        strong_answer_shows=cand.shows,
        probes=cand.probes,
        source=cand.source,
    )


_generators: dict[str | None, PromptGenerator] = {}
_generators_lock = threading.Lock()


def get_generator(settings: Settings | None = None) -> PromptGenerator:
    """A process-wide generator whose bank vectors are cached under `settings.data_dir`."""
    cache_dir = settings.data_dir / "cache" if settings is not None else None
    key = str(cache_dir) if cache_dir else None
    with _generators_lock:
        if key not in _generators:
            _generators[key] = PromptGenerator(cache_dir=cache_dir)
        return _generators[key]


def generate(
    request: PromptRequest,
    llm: ChatModel | None = None,
    *,
    settings: Settings | None = None,
    generator: PromptGenerator | None = None,
) -> PromptBatch:
    """Generate prompts for `request` (LLM when available, offline otherwise)."""
    return (generator or get_generator(settings)).generate(request, llm)
