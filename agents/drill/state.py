"""The drill's state as data: every model a drill is saved, resumed and reported from.

`DrillState` is JSON-serializable and complete: any process that loads it can continue the drill
(the session store imports only this module). Also the per-question numbers the store and the
debrief share (`question_score`, `reached`, `summarize`) and the per-drill RNG.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.grading.grade import Grade

Role = Literal["sde1", "sde2", "senior", "manager", "nontech"]
RoundType = Literal["phone", "loop", "bar_raiser"]
Mode = Literal["interview", "coach"]
TurnKind = Literal[
    "greeting",
    "question",
    "probe",
    "clarification",
    "feedback",
    "debrief",
    "notice",
    "answer",
    "control",
]
Control = Literal["skip", "repeat", "clarify", "pause", "end"]
Signal = Literal["strong", "inclined", "not_inclined"]


class Turn(BaseModel):
    """One message of the transcript; `meta` carries structured data for the UI and evals."""

    role: Literal["interviewer", "candidate"]
    kind: TurnKind
    text: str
    lp: str | None = None
    grade: dict[str, object] | None = None
    at: float = Field(default_factory=time.time)
    meta: dict[str, Any] = Field(default_factory=dict)


class QuestionRecord(BaseModel):
    """One question of the drill and everything said about it."""

    lp: str
    question: str
    answers: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)
    probed_gaps: list[str] = Field(default_factory=list)
    grade: Grade | None = None
    first_grade: Grade | None = None
    skipped: bool = False
    closed: bool = False
    asked_at: float = 0.0
    suspended_at_ask: float = 0.0
    replies: int = 0
    non_substantive: int = 0
    flags: list[str] = Field(default_factory=list)
    story_hits: list[dict[str, Any]] = Field(default_factory=list)
    story_id: str | None = None
    reused_from: int | None = None
    inconsistencies: list[dict[str, str]] = Field(default_factory=list)
    # Figures or roles that contradict the candidate's resume (agents.material.claims).
    claims: list[dict[str, str]] = Field(default_factory=list)
    stronger_answer: str | None = None

    def flag(self, name: str) -> None:
        """Record something that happened on this question (once)."""
        if name not in self.flags:
            self.flags.append(name)


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
    # The resume's achievement bullets ({"text", "role"}), for the claim check; empty: no check.
    resume_lines: list[dict[str, str]] = Field(default_factory=list)


class LPScore(BaseModel):
    """One leadership principle's score in the debrief."""

    lp: str
    name: str
    score: float
    questions: int


class HeatmapRow(BaseModel):
    """STAR(L) strengths (0-3) of one question's whole exchange, and of its first answer."""

    index: int
    lp: str
    question: str
    status: Literal["graded", "skipped", "no_answer"]
    cells: dict[str, int]
    first_cells: dict[str, int]
    measurability: int
    ownership: str
    i_share: float
    score: int


class Trends(BaseModel):
    """How measurability and ownership moved across the drill (final and first answers)."""

    measurability: list[int] = Field(default_factory=list)
    ownership: list[float] = Field(default_factory=list)
    first_measurability: list[int] = Field(default_factory=list)
    first_ownership: list[float] = Field(default_factory=list)
    measurability_direction: Literal["improving", "declining", "steady", "n/a"] = "n/a"
    ownership_direction: Literal["improving", "declining", "steady", "n/a"] = "n/a"
    probe_uplift: float = 0.0


class Improvement(BaseModel):
    """One of the highest-value things to fix, with the candidate's own words showing it."""

    key: str
    title: str
    advice: str
    value: float
    lps: list[str]
    quotes: list[str]


class StorySuggestion(BaseModel):
    """A story to prepare (or an existing stored story to polish) for a leadership principle."""

    lp: str
    name: str
    prompt: str
    reason: str
    story_id: str | None = None
    story_title: str | None = None


class Debrief(BaseModel):
    """The end-of-drill summary; every number comes from the question grades by fixed rules."""

    signal: Signal
    signal_label: str
    mean_score: float
    lowest_score: int
    rule: str
    per_lp: list[LPScore]
    heatmap: list[HeatmapRow]
    trends: Trends
    improvements: list[Improvement]
    suggested_stories: list[StorySuggestion]
    conduct: dict[str, int] = Field(default_factory=dict)
    story_reuse: list[dict[str, Any]] = Field(default_factory=list)
    # "You said 40% here, your resume says 25%": contradicting figures and roles, quoted.
    claim_notes: list[str] = Field(default_factory=list)
    # Questions whose story did not answer them: {"index", "question", "missing_demand"}.
    not_answered: list[dict[str, Any]] = Field(default_factory=list)
    reason: str = "completed"


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
    # What the candidate's next reply answers: the question itself or the latest probe.
    awaiting: Literal["question", "probe"] = "question"
    # True between recording a candidate turn and committing the interviewer's reply to it.
    pending: bool = False
    # Time the app was not running (resumed sessions): not counted against the time-box.
    suspended_seconds: float = 0.0
    avoid_questions: list[str] = Field(default_factory=list)
    llm_notice_given: bool = False
    llm_cooldown_until: float = 0.0
    abuse_count: int = 0
    debrief: Debrief | None = None
    # Set aside unfinished when the user started another drill (the store lists it "abandoned").
    abandoned_at: float | None = None
    # When the page last resumed this drill: time before it was already counted as suspended.
    resumed_at: float = 0.0
    # Bumped by every save to the session store; a save from an older revision is refused.
    revision: int = 0

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


class StreamEvent(BaseModel):
    """What `respond_stream` yields: text deltas of the turn being written, then whole turns.

    - `delta`: a chunk of the interviewer turn being phrased by the LLM (show it as it arrives);
    - `discard`: drop the partial text shown so far (the model failed; a fallback follows);
    - `turn`: a finished interviewer turn, already committed to the session store;
    - `done`: the reply is complete; `turns` holds every new interviewer turn.
    """

    type: Literal["delta", "discard", "turn", "done"]
    text: str = ""
    turn: Turn | None = None
    turns: list[Turn] = Field(default_factory=list)


def question_score(q: QuestionRecord) -> int:
    """The score a question contributes: its exchange grade, or 1 when skipped / unanswered."""
    if q.skipped or q.grade is None or not q.answers:
        return 1
    return q.grade.overall


def reached(q: QuestionRecord) -> bool:
    """A question counts once the candidate replied to it or skipped it."""
    return q.skipped or q.replies > 0


def spoken_summary(state: DrillState) -> list[dict[str, Any]]:
    """Per spoken answer: seconds per STAR(L) part, words per minute, fillers, long pauses."""
    out = []
    for t in state.turns:
        voice = t.meta.get("voice") if t.role == "candidate" else None
        if isinstance(voice, dict):
            out.append({
                "star_seconds": dict(voice.get("star_seconds") or {}),
                "wpm": float(voice.get("wpm") or 0.0),
                "fillers": sum((voice.get("fillers") or {}).values()),
                "pauses": len(voice.get("pauses") or []),
            })  # fmt: skip
    return out


def summarize(state: DrillState) -> dict[str, Any]:
    """Per-session numbers: mean overall, measurability level and first-person share (and the
    delivery of spoken answers, when there were any)."""
    graded = [q for q in state.questions if q.grade is not None and q.answers and not q.skipped]
    scores = [question_score(q) for q in state.questions if reached(q)]
    spoken = spoken_summary(state)
    return {
        **({"spoken": spoken} if spoken else {}),
        "answered": len(graded),
        "overall": round(statistics.fmean(scores), 2) if scores else None,
        "measurability": (
            round(statistics.fmean(q.grade.measurability.level for q in graded), 2)  # type: ignore[union-attr]
            if graded
            else None
        ),
        "ownership": (
            round(statistics.fmean(q.grade.ownership.i_share for q in graded), 3)  # type: ignore[union-attr]
            if graded
            else None
        ),
        "signal": state.debrief.signal if state.debrief else None,
        "lps": [q.lp for q in state.questions],
    }


def drill_rng(state: DrillState, salt: str = "") -> random.Random:
    """A per-drill RNG that depends on the turn count: seeded drills replay exactly."""
    seed = state.config.seed if state.config.seed is not None else state.id
    return random.Random(f"{seed}:{len(state.turns)}:{salt}")
