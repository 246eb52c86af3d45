"""The grader facade: the deterministic analyzer, plus the LLM judge when a model is configured."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from agents.grading.analyzer import prepare, without_halo
from agents.grading.grade import Grade
from agents.grading.judge import Judgement, combine
from agents.grading.learned import analyze_prepared
from agents.grading.relevance import apply_relevance
from agents.lp.demands import load_demands

if TYPE_CHECKING:
    from agents.llm import ChatModel


@lru_cache(maxsize=1)
def grader_system_prompt() -> str:
    """The judge's system prompt, with the demand ids it may name (the same bytes on every call,
    so a provider can cache it as the prompt's prefix)."""
    from agents.prompts import render

    return render("grader_system", demands=[(name, d.ask) for name, d in load_demands().items()])


class Grader:
    """Grades answers: the LLM judge when a model is configured, else the analyzer alone."""

    def __init__(self, llm: ChatModel | None = None) -> None:
        self.llm = llm

    def grade(
        self, answer: str, question: str = "", *, avoid_follow_ups: Iterable[str] = ()
    ) -> Grade:
        """Grade one answer; model failures fall back to the analyzer with a notice."""
        avoid = list(avoid_follow_ups)
        # Cleaned, bounded, split and flagged once, for every reading below.
        prepared = prepare(answer, question)
        # The relevance check runs on the final grade (offline or judged): it reads the
        # action/result evidence and caps the overall (agents.grading.relevance).
        base = analyze_prepared(prepared, question, avoid_follow_ups=avoid)
        if self.llm is None or not self.llm.available or "non_answer" in base.flags:
            return apply_relevance(base, question, answer)
        from agents.llm import LLMBackendError
        from agents.prompts import render

        # The bounded window as the analyzer prepares it, without the flagged spans and, as offline
        # (agents/grading/guard.py), without the spans next to them: around a payload nothing
        # gets the benefit of the doubt.
        story = " ".join(s.text for s in without_halo(prepared).spans)
        messages = [
            {"role": "system", "content": grader_system_prompt()},
            {"role": "user", "content": render("grader_user", question=question, answer=story)},
        ]
        try:
            judgement = self.llm.structured(messages, Judgement)
        except LLMBackendError as e:
            notice = e.user_message + " Graded offline instead."
            return apply_relevance(base, question, answer).model_copy(update={"notice": notice})
        # The judge's caps (ownership above all) read the text without the guard: a guarded
        # reading with no action left would let the judge's own "I" through.
        reference = (
            analyze_prepared(prepared, question, avoid_follow_ups=avoid, guard=False)
            if prepared.halo
            else base
        )
        judged = combine(reference, judgement, story, f"{question}|{answer}", avoid)
        # The judge can only add the off-topic verdict: an answer it calls on topic keeps the
        # offline check, so text that talks the model round cannot lift the cap.
        return apply_relevance(judged, question, answer, judged_missing=judgement.judged_missing)
