"""The question flow: ask a question, grade the answer, probe or move on, close, finish.

Each step applies `agents.drill.policy` to the state and says the result; the steps that may
phrase with the LLM are generators of `StreamEvent`s.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from agents.drill.context import DrillContext, say
from agents.drill.debrief import build_debrief
from agents.drill.feedback import question_feedback, stronger_answer
from agents.drill.intake import MAX_ANSWER_CHARS
from agents.drill.phrases import interviewer_phrases
from agents.drill.phrasing import llm_notice
from agents.drill.policy import (
    LLM_COOLDOWN_SECONDS,
    max_probes,
    n_questions,
    next_gap,
    next_question,
    question_budget,
    question_elapsed,
    time_up,
    too_late_to_ask,
    wants_deep_dive,
)
from agents.drill.probes import ask_probe, deep_dive, template_probe
from agents.drill.state import DrillState, QuestionRecord, StreamEvent, Turn, drill_rng
from agents.drill.story_checks import check_story, stored_story_for, suggest_story
from agents.drill.transcript import debrief_markdown
from agents.drill.voice_coach import state_timeline
from agents.grading.grade import MAX_GRADED_WORDS, Grade
from agents.grading.grader import Grader
from agents.grading.learned import analyze
from agents.textutil import word_count


def ask_next(ctx: DrillContext, state: DrillState, transition: bool = False) -> None:
    """Ask the next question, or finish with the debrief."""
    if len(state.questions) >= n_questions(state.config):
        finish(ctx, state, "completed")
        return
    if too_late_to_ask(state, ctx.clock()):
        say(ctx, state, "clarification", interviewer_phrases().out_of_time.before_question)
        finish(ctx, state, "time")
        return
    chosen = next_question(state, ctx.principles)
    if chosen is None:
        finish(ctx, state, "completed")
        return
    lp, question = chosen
    record = QuestionRecord(
        lp=lp,
        question=question,
        asked_at=ctx.clock(),
        suspended_at_ask=state.suspended_seconds,
    )
    state.questions.append(record)
    state.status = "awaiting_answer"
    state.awaiting = "question"
    text = question
    if transition:
        text = (
            f"{drill_rng(state, 'transition').choice(interviewer_phrases().transitions)} {question}"
        )
    meta = {"question": question, "index": len(state.questions) - 1}
    say(ctx, state, "question", text, lp=lp, meta=meta)
    suggest_story(ctx, state, record)


def close(ctx: DrillContext, state: DrillState, q: QuestionRecord, feedback: bool) -> None:
    """Close the question; in coach mode show the card and a stronger-answer model."""
    if q.closed:
        return
    q.closed = True
    if q.grade is not None and q.answers:
        q.stronger_answer = stronger_answer("\n\n".join(q.answers), q.grade)
    if not feedback or state.config.mode != "coach" or q.grade is None:
        return
    meta = {
        "scope": "question",
        "index": state.questions.index(q),
        "stronger_answer": q.stronger_answer,
        "first_overall": q.first_grade.overall if q.first_grade else None,
        "flags": q.flags,
    }
    say(ctx, state, "feedback", question_feedback(q), lp=q.lp, grade=q.grade, meta=meta)


def finish(ctx: DrillContext, state: DrillState, reason: str) -> None:
    """Close the open question and say the debrief."""
    current = state.questions[-1] if state.questions else None
    if current is not None and not current.closed:
        close(ctx, state, current, feedback=False)
    state.status = "done"
    lookup = partial(stored_story_for, ctx.stories)
    state.debrief = build_debrief(state, ctx.principles, reason, lookup)
    meta = {"debrief": state.debrief.model_dump(mode="json")}
    text = debrief_markdown(state.debrief) + state_timeline(state)
    say(ctx, state, "debrief", text, meta=meta)


def move_on(ctx: DrillContext, state: DrillState, q: QuestionRecord) -> None:
    """Close the question with feedback and ask the next one."""
    close(ctx, state, q, feedback=True)
    ask_next(ctx, state, transition=True)


def long_answer_notice(ctx: DrillContext, state: DrillState, q: QuestionRecord, turn: Turn) -> None:
    """Tell the candidate (once per question) that a very long answer was cut."""
    if "truncated" in q.flags:
        return
    q.flag("truncated")
    notices = interviewer_phrases().notices
    cut_from = turn.meta.get("truncated_from")
    if cut_from:
        size = notices.long_answer_chars.format(count=f"{cut_from:,}")
        kept = notices.long_answer_kept.format(count=f"{MAX_ANSWER_CHARS:,}")
    else:
        size = notices.long_answer_words.format(count=f"{word_count(turn.text):,}")
        kept = ""
    words = f"{MAX_GRADED_WORDS:,}"
    say(ctx, state, "notice", notices.long_answer.format(size=size, words=words, kept=kept))


def _grade_exchange(ctx: DrillContext, state: DrillState, q: QuestionRecord, text: str) -> Grade:
    """Grade every substantive answer so far, joined, so a result given when probed counts."""
    # While the model is cooling down after a failure, grade offline (no retry storm).
    grader = ctx.grader if ctx.clock() >= state.llm_cooldown_until else Grader(None)
    exchange = "\n\n".join(q.answers) if q.answers else text
    grade = grader.grade(exchange, q.question, avoid_follow_ups=state.all_probes)
    if grade.notice:
        state.llm_cooldown_until = ctx.clock() + LLM_COOLDOWN_SECONDS
        llm_notice(ctx, state, grade.notice)
    return grade


def answer(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, turn: Turn
) -> Iterator[StreamEvent]:
    """Grade the whole exchange and choose the next move by the documented policy."""
    text = turn.meta.get("story", turn.text)
    single = analyze(text, q.question)
    substantive = "non_answer" not in single.flags
    turn.meta["substantive"] = substantive
    if substantive:
        q.answers.append(text)
        q.non_substantive = 0
    grade = _grade_exchange(ctx, state, q, text)
    if "truncated" in single.flags:
        long_answer_notice(ctx, state, q, turn)
    q.grade = grade
    if substantive and q.first_grade is None:
        q.first_grade = grade
        check_story(ctx, state, q, text)
    turn.grade = grade.public_dict()
    if time_up(state, ctx.clock()):
        say(ctx, state, "clarification", interviewer_phrases().out_of_time.after_answer)
        close(ctx, state, q, feedback=True)
        finish(ctx, state, "time")
        return
    over_budget = question_elapsed(state, q, ctx.clock()) >= question_budget(state.config)
    if over_budget or len(q.probes) >= max_probes(state.config):
        move_on(ctx, state, q)
        return
    yield from _probe_or_move_on(ctx, state, q, grade)


def _probe_or_move_on(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, grade: Grade
) -> Iterator[StreamEvent]:
    """Probe the first unprobed gap, else a deep dive under the round's quota, else move on."""
    gap = next_gap(q, grade)
    if gap is not None:
        template = template_probe(state, q, gap)
        if template is None:
            # Every phrasing of this gap was used in this drill: never repeat, move on.
            move_on(ctx, state, q)
            return
        yield from ask_probe(ctx, state, q, gap, template)
        return
    if wants_deep_dive(state, q, grade):
        probe = deep_dive(state, q, ctx.principles.get(q.lp))
        if probe is not None:
            category, template = probe
            yield from ask_probe(ctx, state, q, f"deep_dive:{category}", template)
            return
    move_on(ctx, state, q)
