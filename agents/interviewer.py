"""The drill: question choice, gap-driven follow-ups, grade cards and the debrief.

All state lives in a serializable `DrillState`; `Interviewer` holds only services, so any process
that loads the state can continue the drill.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from agents.grader import COMPONENTS, Grade, Grader

if TYPE_CHECKING:
    from agents.llm import ChatModel
    from agents.principles import Principle

Role = Literal["sde1", "sde2", "senior", "manager", "nontech"]
RoundType = Literal["phone", "loop", "bar_raiser"]
Mode = Literal["interview", "coach"]
TurnKind = Literal[
    "greeting", "question", "probe", "clarification", "feedback", "debrief", "notice", "answer"
]

ROLE_LPS: dict[str, tuple[str, ...]] = {
    "sde1": ("ownership", "learn-and-be-curious", "deliver-results", "dive-deep", "bias-for-action",
             "customer-obsession", "earn-trust", "invent-and-simplify"),
    "sde2": ("ownership", "dive-deep", "deliver-results", "customer-obsession", "have-backbone",
             "insist-on-the-highest-standards", "bias-for-action", "invent-and-simplify"),
    "senior": ("think-big", "have-backbone", "are-right-a-lot", "insist-on-the-highest-standards",
               "ownership", "dive-deep", "earn-trust", "hire-and-develop-the-best"),
    "manager": ("hire-and-develop-the-best", "earn-trust", "best-employer", "think-big",
                "have-backbone", "deliver-results", "broad-responsibility", "frugality"),
    "nontech": ("customer-obsession", "ownership", "earn-trust", "deliver-results",
                "bias-for-action", "frugality", "learn-and-be-curious", "have-backbone"),
}  # fmt: skip
ROUND_QUESTIONS = {"phone": 2, "loop": 3, "bar_raiser": 3}
ROUND_PROBES = {"phone": 3, "loop": 3, "bar_raiser": 4}


class Turn(BaseModel):
    """One message of the transcript."""

    role: Literal["interviewer", "candidate"]
    kind: TurnKind
    text: str
    lp: str | None = None
    grade: dict[str, object] | None = None
    at: float = Field(default_factory=time.time)


class QuestionRecord(BaseModel):
    """One question of the drill and everything said about it."""

    lp: str
    question: str
    answers: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)
    probed_gaps: list[str] = Field(default_factory=list)
    grade: Grade | None = None
    skipped: bool = False


class CustomQuestion(BaseModel):
    """A question supplied by the user or the prompt generator."""

    lp: str
    text: str


class DrillConfig(BaseModel):
    """How the drill is set up."""

    role: Role = "sde2"
    round_type: RoundType = "loop"
    lps: list[str] = Field(default_factory=list)
    minutes: int = Field(default=30, ge=1, le=180)
    mode: Mode = "coach"
    n_questions: int | None = Field(default=None, ge=1, le=10)
    max_probes: int | None = Field(default=None, ge=0, le=6)
    seed: int | None = None
    # Prompts chosen elsewhere (e.g. the prompt generator's "drill these"), asked first, in order.
    custom_questions: list[CustomQuestion] = Field(default_factory=list)


class DrillState(BaseModel):
    """Everything about a drill in progress; JSON-serializable."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    user: str = "local"
    config: DrillConfig = Field(default_factory=DrillConfig)
    turns: list[Turn] = Field(default_factory=list)
    questions: list[QuestionRecord] = Field(default_factory=list)
    status: Literal["new", "awaiting_answer", "done"] = "new"
    started_at: float = Field(default_factory=time.time)
    notices: list[str] = Field(default_factory=list)

    @property
    def current(self) -> QuestionRecord | None:
        """The question being discussed, if any."""
        if self.status != "awaiting_answer" or not self.questions:
            return None
        return self.questions[-1]

    @property
    def all_probes(self) -> list[str]:
        """Every probe asked in this drill (probes never repeat within one)."""
        return [p for q in self.questions for p in q.probes]


_GREETINGS = (
    "Hi, thanks for making the time. I'll ask you about {n} situations from your experience, "
    "and I'll dig into the details, so take your time and be specific.",
    "Welcome. Over the next few minutes we'll go through {n} behavioral questions. I may "
    "interrupt with follow-ups; that's normal here.",
    "Good to meet you. This round covers {n} of our leadership principles. Tell me about real "
    "events, in your own words, and feel free to pause to think.",
)


class Interviewer:
    """Runs drills over a `DrillState` using the grader, the LP data and (optionally) an LLM."""

    def __init__(
        self,
        grader: Grader,
        principles: dict[str, Principle],
        llm: ChatModel | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.grader = grader
        self.principles = principles
        self.llm = llm
        self.clock = clock

    # --- set-up -----------------------------------------------------------------------------

    def start(self, config: DrillConfig | None = None, user: str = "local") -> DrillState:
        """Create a drill: greet and ask the first question."""
        config = config or DrillConfig()
        state = DrillState(user=user, config=config, started_at=self.clock())
        rng = self._rng(state)
        n = self._n_questions(state)
        self._say(state, "greeting", rng.choice(_GREETINGS).format(n=n))
        self._ask_next(state)
        return state

    def _rng(self, state: DrillState) -> random.Random:
        """A per-drill RNG; seeded drills replay exactly."""
        seed = state.config.seed if state.config.seed is not None else state.id
        return random.Random(f"{seed}:{len(state.turns)}")

    def _n_questions(self, state: DrillState) -> int:
        if state.config.n_questions:
            return state.config.n_questions
        return len(state.config.custom_questions) or ROUND_QUESTIONS[state.config.round_type]

    def _max_probes(self, state: DrillState) -> int:
        if state.config.max_probes is not None:
            return state.config.max_probes
        return ROUND_PROBES[state.config.round_type]

    def _lp_order(self, state: DrillState) -> list[str]:
        """Target LPs first, then the role's defaults, then the rest."""
        wanted = [lp for lp in state.config.lps if lp in self.principles]
        if not wanted:
            wanted = [lp for lp in ROLE_LPS[state.config.role] if lp in self.principles]
            self._rng(state).shuffle(wanted)
        rest = [lp for lp in self.principles if lp not in wanted]
        return wanted + rest

    def _ask_next(self, state: DrillState) -> None:
        """Ask the next question, or finish with the debrief."""
        if len(state.questions) >= self._n_questions(state) or self._time_up(state):
            self._finish(state)
            return
        asked_lps = {q.lp for q in state.questions}
        asked = {q.question for q in state.questions}
        custom = [c for c in state.config.custom_questions if c.text not in asked]
        if custom:
            state.questions.append(QuestionRecord(lp=custom[0].lp, question=custom[0].text))
            state.status = "awaiting_answer"
            self._say(state, "question", custom[0].text, lp=custom[0].lp)
            return
        lp = next((lp for lp in self._lp_order(state) if lp not in asked_lps), None)
        if lp is None:
            self._finish(state)
            return
        principle = self.principles[lp]
        options = [q.text for q in principle.questions if q.text not in asked]
        question = self._rng(state).choice(options)
        state.questions.append(QuestionRecord(lp=lp, question=question))
        state.status = "awaiting_answer"
        self._say(state, "question", question, lp=lp)

    def _time_up(self, state: DrillState) -> bool:
        return self.clock() - state.started_at > state.config.minutes * 60

    def _say(
        self,
        state: DrillState,
        kind: TurnKind,
        text: str,
        lp: str | None = None,
        grade: Grade | None = None,
    ) -> Turn:
        turn = Turn(
            role="interviewer",
            kind=kind,
            text=text,
            lp=lp,
            grade=grade.public_dict() if grade else None,
            at=self.clock(),
        )
        state.turns.append(turn)
        return turn

    # --- the loop ---------------------------------------------------------------------------

    def respond(self, state: DrillState, text: str) -> list[Turn]:
        """Take the candidate's reply and return the interviewer's new turns."""
        before = len(state.turns)
        current = state.current
        if current is None:
            self._say(state, "notice", "This drill has finished. Start a new one to keep going.")
            return state.turns[before:]
        text = text if isinstance(text, str) else ""
        state.turns.append(
            Turn(role="candidate", kind="answer", text=text, lp=current.lp, at=self.clock())
        )
        current.answers.append(text)
        exchange = "\n\n".join(a for a in current.answers if a.strip())
        grade = self.grader.grade(exchange, current.question, avoid_follow_ups=state.all_probes)
        if grade.notice and grade.notice not in state.notices:
            state.notices.append(grade.notice)
            self._say(state, "notice", grade.notice)
        current.grade = grade
        gap = next((g for g in grade.gaps if g not in current.probed_gaps), None)
        if (
            gap is not None
            and len(current.probes) < self._max_probes(state)
            and not self._time_up(state)
        ):
            probe = self._probe_text(state, gap, grade)
            current.probes.append(probe)
            current.probed_gaps.append(gap)
            self._say(state, "probe", probe, lp=current.lp)
        else:
            self._close_question(state, current)
        return [t for t in state.turns[before:] if t.role == "interviewer"]

    def _probe_text(self, state: DrillState, gap: str, grade: Grade) -> str:
        """The grader's follow-up when it targets this gap, else a fresh phrasing for it."""
        from agents.grader import follow_up_for

        if grade.gaps and grade.gaps[0] == gap and grade.follow_up not in state.all_probes:
            return grade.follow_up
        return follow_up_for(gap, f"{state.id}:{len(state.turns)}", state.all_probes)

    def _close_question(self, state: DrillState, record: QuestionRecord) -> None:
        """Show the grade card (coach mode) and move on."""
        if state.config.mode == "coach" and record.grade is not None:
            self._say(state, "feedback", grade_card(record.grade), lp=record.lp, grade=record.grade)
        self._ask_next(state)

    def skip(self, state: DrillState) -> list[Turn]:
        """Skip the current question."""
        before = len(state.turns)
        if state.current is not None:
            state.current.skipped = True
            self._say(state, "notice", "No problem, let's move on.")
            self._ask_next(state)
        return state.turns[before:]

    def end(self, state: DrillState) -> list[Turn]:
        """End the drill early and show the debrief."""
        before = len(state.turns)
        if state.status != "done":
            self._finish(state)
        return state.turns[before:]

    def _finish(self, state: DrillState) -> None:
        state.status = "done"
        self._say(state, "debrief", debrief_text(state))


def grade_card(grade: Grade) -> str:
    """A short Markdown STAR(L) card with quoted evidence."""
    lines = [f"**STAR(L) check: {grade.overall}/5**"]
    for name in COMPONENTS:
        comp = grade.components[name]
        mark = "✅" if comp.present else "❌"
        quote = f' — "{_short(comp.evidence[0])}"' if comp.evidence else ""
        lines.append(f"- {mark} **{name.title()}**{quote}")
    metrics = ", ".join(grade.measurability.metrics) or "none found"
    lines.append(f"- Measurability: level {grade.measurability.level}/3 (metrics: {metrics})")
    share = round(grade.ownership.i_share * 100)
    lines.append(f"- Ownership: **{grade.ownership.label}** ({share}% of actions in first person)")
    if grade.flags:
        lines.append(f"- Flags: {', '.join(grade.flags)}")
    if grade.gaps:
        lines.append(f"- Biggest gap: {grade.gaps[0]}")
    return "\n".join(lines)


def _short(text: str, limit: int = 140) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def debrief_text(state: DrillState) -> str:
    """The end-of-drill summary: one line per question, then the biggest improvements."""
    graded = [q for q in state.questions if q.grade is not None and not q.skipped]
    if not graded:
        return "**Debrief**\n\nNo answers were graded in this drill. Start another when ready."
    lines = ["**Debrief**", ""]
    for q in graded:
        assert q.grade is not None
        present = "".join(
            n[0].upper() if q.grade.components[n].present else "·" for n in COMPONENTS
        )
        lines.append(
            f"- **{q.lp}**: {q.grade.overall}/5 · STARL {present} · measurability "
            f"{q.grade.measurability.level}/3 · ownership {q.grade.ownership.label}"
        )
    gaps = [g for q in graded for g in q.grade.gaps[:1]] if graded else []  # type: ignore[union-attr]
    if gaps:
        lines += ["", "Work on: " + ", ".join(dict.fromkeys(gaps)) + "."]
    return "\n".join(lines)


def simulate(interviewer: Interviewer, config: DrillConfig, answers: Sequence[str]) -> DrillState:
    """Run a whole drill from scripted candidate replies (used by the CLI, tests and evals)."""
    state = interviewer.start(config)
    for answer in answers:
        if state.status == "done":
            break
        interviewer.respond(state, answer)
    return state
