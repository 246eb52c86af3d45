"""Replying to the candidate's last turn: controls, non-answers and abuse here; answers in `flow`.

Controls (skip, repeat, clarify, pause, end) are obeyed. Gibberish, other languages, off-topic
replies, abuse and prompt injection are answered politely, recorded in the question's `flags`,
and never graded or obeyed: two in a row move on, three abusive replies end the drill.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator

from agents.drill.context import DrillContext, say
from agents.drill.flow import answer, ask_next, close, finish, long_answer_notice
from agents.drill.phrases import interviewer_phrases
from agents.drill.phrasing import COACHING_RE, candidate_numbers, llm_phrase, numbers_in
from agents.drill.policy import MAX_ABUSE, MAX_NON_SUBSTANTIVE
from agents.drill.state import DrillState, QuestionRecord, StreamEvent, Turn, drill_rng
from agents.prompts import leaks_prompt

NON_SUBSTANTIVE = ("gibberish", "off_topic", "abuse", "injection", "language")
# A clarification must not hint at what a good answer contains.
_HINTS_AT_RESULTS = re.compile(r"\b(?:metrics?|numbers?|results?|quantif)", re.I)


def reply(ctx: DrillContext, state: DrillState) -> Generator[StreamEvent, None, None]:
    """Dispatch on what the last candidate turn was."""
    turn = state.turns[-1]
    q = state.current
    if q is None:
        return
    intake = turn.meta.get("intake", "answer")
    if intake == "control":
        yield from _control(ctx, state, q, turn)
        return
    if turn.meta.get("truncated_from"):
        long_answer_notice(ctx, state, q, turn)
    q.replies += 1
    flags = turn.meta.get("flags", [])
    if "injection" in flags:
        q.flag("injection")
    if "abuse" in flags:
        q.flag("abuse")
        state.abuse_count += 1
        if state.abuse_count >= MAX_ABUSE:
            text = interviewer_phrases().non_answers.abuse_end
            say(ctx, state, "clarification", text, meta={"handling": "abuse_end"})
            close(ctx, state, q, feedback=False)
            finish(ctx, state, "ended")
            return
    if intake in NON_SUBSTANTIVE:
        _non_substantive(ctx, state, q, intake, turn)
        return
    yield from answer(ctx, state, q, turn)


def _restatement(state: DrillState, q: QuestionRecord) -> str:
    """The question, or the latest probe, said again."""
    phrases = interviewer_phrases().non_answers
    if state.awaiting == "probe" and q.probes:
        return phrases.restate_probe.format(probe=q.probes[-1])
    return phrases.restate_question.format(question=q.question)


def _non_substantive(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, intake: str, turn: Turn
) -> None:
    """Reply politely, record it, and move on after repeated non-answers."""
    phrases = interviewer_phrases().non_answers
    q.flag(intake)
    q.non_substantive += 1
    restate = _restatement(state, q)
    if intake in ("gibberish", "language", "abuse", "injection"):
        text = getattr(phrases, intake).format(restate=restate)
    elif "question_back" in turn.meta.get("flags", []):
        text = phrases.question_back.format(restate=f"{restate[0].lower()}{restate[1:]}")
    else:
        text = phrases.off_topic.format(restate=restate)
    if q.non_substantive >= MAX_NON_SUBSTANTIVE:
        move_on = phrases.move_on_answered if q.answers else phrases.move_on_unanswered
        say(ctx, state, "clarification", move_on, meta={"handling": intake, "moved_on": True})
        close(ctx, state, q, feedback=True)
        ask_next(ctx, state)
        return
    say(ctx, state, "clarification", text, lp=q.lp, meta={"handling": intake})


# --- candidate controls -------------------------------------------------------------------------


def _control(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, turn: Turn
) -> Iterator[StreamEvent]:
    """Obey a control: skip, end, repeat, pause, or clarify (the only one the LLM may phrase)."""
    replies = interviewer_phrases().controls
    control = turn.meta.get("control")
    if control == "skip":
        # Skipping after answering (e.g. a probe one would rather not take) moves on: the
        # question is scored on what was answered. Only an unanswered question counts as skipped.
        q.skipped = not q.answers
        say(ctx, state, "clarification", replies.skip, meta={"control": "skip"})
        close(ctx, state, q, feedback=not q.skipped)
        ask_next(ctx, state)
    elif control == "end":
        say(ctx, state, "clarification", replies.end, meta={"control": "end"})
        finish(ctx, state, "ended")
    elif control == "repeat":
        q.flag("repeat")
        prompt = q.probes[-1] if state.awaiting == "probe" and q.probes else q.question
        text = replies.repeat.format(prompt=prompt)
        say(ctx, state, "clarification", text, lp=q.lp, meta={"control": "repeat"})
    elif control == "pause":
        q.flag("pause")
        text = drill_rng(state, "pause").choice(replies.pause)
        say(ctx, state, "clarification", text, lp=q.lp, meta={"control": "pause"})
    else:
        q.flag("clarify")
        yield from _clarify(ctx, state, q, turn.meta.get("term"))


def _clarify(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, term: str | None
) -> Iterator[StreamEvent]:
    """Restate the scope (LLM-phrased when available) without giving the answer away."""
    template = clarification(ctx, state, q, term)
    variables = {
        "lp_name": ctx.principles[q.lp].name if q.lp in ctx.principles else q.lp,
        "question": q.question,
        "probe": q.probes[-1] if state.awaiting == "probe" and q.probes else "",
        "example": template,
    }
    phrased = yield from llm_phrase(ctx, state, "interviewer_clarify", variables, clarify_ok(state))
    meta = {"control": "clarify", "term": term, "source": "llm" if phrased else "template"}
    say(ctx, state, "clarification", phrased or template, lp=q.lp, meta=meta)


def clarify_ok(state: DrillState) -> Callable[[str], bool]:
    """Whether an LLM clarification may be said: no coaching, no hints, no invented numbers."""
    allowed = candidate_numbers(state)

    def ok(text: str) -> bool:
        return (
            10 <= len(text) <= 600
            and "<" not in text
            and not COACHING_RE.search(text)
            and not leaks_prompt(text)
            and not _HINTS_AT_RESULTS.search(text)
            and set(numbers_in(text)) <= allowed
        )

    return ok


def clarification(ctx: DrillContext, state: DrillState, q: QuestionRecord, term: str | None) -> str:
    """Restate the scope and define the asked-about term, without hinting at a good answer."""
    phrases = interviewer_phrases().clarify
    if state.awaiting == "probe" and q.probes:
        core = phrases.probe.format(probe=q.probes[-1])
    else:
        name = ctx.principles[q.lp].name if q.lp in ctx.principles else q.lp
        question = f"{q.question[0].lower()}{q.question[1:]}"
        core = phrases.question.format(lp_name=name, question=question)
    definition = define(term) if term else None
    return f"{core} {definition}" if definition else core


def define(term: str) -> str | None:
    """The glossary's definition of a term the candidate asked about, if any."""
    key = term.lower()
    for stem, definition in interviewer_phrases().glossary.items():
        if stem in key:
            return definition
    return None
