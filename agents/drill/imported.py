"""A real interview's transcript as a finished drill: each main question with its follow-ups
and answers becomes a question record, graded like a drill exchange, debriefed and saved to the
session store, so it shows in Feedback like any drill."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agents.drill.debrief import build_debrief
from agents.drill.state import DrillConfig, DrillState, QuestionRecord, Turn
from agents.drill.transcript import debrief_markdown
from agents.material.transcript_split import Exchange

if TYPE_CHECKING:
    from agents.drill.sessions import SessionStore
    from agents.grading.grader import Grader
    from agents.lp.principles import Principle


def _record(exchange: Exchange, grader: Grader) -> QuestionRecord:
    """One graded question record from an exchange (the whole exchange is graded as one)."""
    from agents.lp.classifier import classify_lp

    answer = "\n\n".join(exchange.answers)
    grade = grader.grade(answer, exchange.question)
    first = grader.grade(exchange.answers[0], exchange.question)
    return QuestionRecord(
        lp=classify_lp(exchange.question),
        question=exchange.question,
        answers=list(exchange.answers),
        probes=list(exchange.probes),
        grade=grade,
        first_grade=first,
        closed=True,
        replies=len(exchange.answers),
    )


def _turns(q: QuestionRecord, exchange: Exchange) -> list[Turn]:
    """The transcript turns of one exchange, in the order they were said."""
    turns = [Turn(role="interviewer", kind="question", text=q.question, lp=q.lp)]
    turns.append(Turn(role="candidate", kind="answer", text=exchange.answers[0], lp=q.lp))
    for probe, answer in zip(exchange.probes, exchange.answers[1:], strict=False):
        turns.append(Turn(role="interviewer", kind="probe", text=probe, lp=q.lp))
        turns.append(Turn(role="candidate", kind="answer", text=answer, lp=q.lp))
    return turns


def import_interview(
    exchanges: Sequence[Exchange],
    grader: Grader,
    principles: dict[str, Principle],
    *,
    user: str = "local",
    source: str = "",
    store: SessionStore | None = None,
) -> DrillState:
    """A done drill from a transcript's exchanges, debriefed (and saved when a store is given)."""
    state = DrillState(user=user, config=DrillConfig(mode="interview", round_type="loop"))
    state.notices.append(f"Imported from {source}" if source else "Imported transcript")
    for exchange in exchanges:
        q = _record(exchange, grader)
        state.questions.append(q)
        state.turns.extend(_turns(q, exchange))
    state.status = "done"
    state.debrief = build_debrief(state, principles, reason="imported")
    state.turns.append(
        Turn(
            role="interviewer",
            kind="debrief",
            text=debrief_markdown(state.debrief),
            meta={"debrief": state.debrief.model_dump(mode="json")},
        )
    )
    if store is not None:
        store.create(state)
    return state
