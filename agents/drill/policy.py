"""The drill's policy as plain functions: how many questions, which one next, which gap to probe.

Deterministic and documented (see `agents.drill.interviewer`): the LLM never decides any of this.
Time is passed in (`now`) so the same state always gives the same decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.drill.state import DrillConfig, DrillState, QuestionRecord, drill_rng
from agents.lp.roles import ROLE_LEVELS, ROLE_LPS

if TYPE_CHECKING:
    from agents.grading.grade import Grade
    from agents.lp.principles import Principle

# Phone screens cover about two LPs, loop rounds and bar raisers about three.
ROUND_QUESTIONS = {"phone": 2, "loop": 3, "bar_raiser": 3}
ROUND_PROBES = {"phone": 3, "loop": 3, "bar_raiser": 4}
# Deep dives asked once a story is complete (bar raisers dig further).
DEEP_DIVE_QUOTA = {"phone": 1, "loop": 1, "bar_raiser": 2}
# A question needs about this long; shorter drills ask fewer questions.
MIN_MINUTES_PER_QUESTION = 5
# Questions asked in this many of the candidate's latest sessions are not asked again.
RECENT_SESSIONS = 5
# Non-substantive replies (gibberish, off-topic, abuse, injection only) before moving on.
MAX_NON_SUBSTANTIVE = 2
# Abusive replies in one drill after which the interviewer ends it politely.
MAX_ABUSE = 3
# After an LLM failure, phrase from the template bank for this long before trying again.
LLM_COOLDOWN_SECONDS = 120.0
# Gaps after which the reply is not a story at all (no deep dives, no reuse check).
NOT_A_STORY = frozenset({"hypothetical", "non_answer"})


def n_questions(config: DrillConfig) -> int:
    """How many questions the drill asks: as configured, the custom list, or by round and time."""
    if config.n_questions:
        return config.n_questions
    if config.custom_questions:
        return len(config.custom_questions)
    by_time = max(1, config.minutes // MIN_MINUTES_PER_QUESTION)
    return min(ROUND_QUESTIONS[config.round_type], by_time)


def max_probes(config: DrillConfig) -> int:
    """Probes allowed per question: as configured, else the round's quota."""
    if config.max_probes is not None:
        return config.max_probes
    return ROUND_PROBES[config.round_type]


def question_budget(config: DrillConfig) -> float:
    """Seconds each question may take: the drill's time shared equally."""
    return config.minutes * 60 / n_questions(config)


def elapsed(state: DrillState, now: float) -> float:
    """Seconds the drill has run, not counting time the app was not running."""
    return now - state.started_at - state.suspended_seconds


def time_up(state: DrillState, now: float) -> bool:
    """The drill's whole time-box is used."""
    return elapsed(state, now) >= state.config.minutes * 60


def question_elapsed(state: DrillState, q: QuestionRecord, now: float) -> float:
    """Seconds spent on one question, not counting time the app was not running."""
    suspended = state.suspended_seconds - q.suspended_at_ask
    return now - q.asked_at - suspended


def too_late_to_ask(state: DrillState, now: float) -> bool:
    """Starting another question with no time to answer it helps nobody."""
    remaining = state.config.minutes * 60 - elapsed(state, now)
    return bool(state.questions) and remaining < min(120.0, question_budget(state.config) / 2)


def lp_order(state: DrillState, principles: dict[str, Principle]) -> list[str]:
    """Target LPs first, then the role's defaults (shuffled per drill), then the rest."""
    wanted = [lp for lp in state.config.lps if lp in principles]
    if not wanted:
        wanted = [lp for lp in ROLE_LPS[state.config.role] if lp in principles]
        drill_rng(state).shuffle(wanted)
    rest = [lp for lp in principles if lp not in wanted]
    return wanted + rest


def pick_question(state: DrillState, principle: Principle) -> str:
    """A question of the principle suited to the role, not asked here nor in recent sessions."""
    asked = {q.question for q in state.questions}
    recent = set(state.avoid_questions)
    levels = ROLE_LEVELS[state.config.role]
    pools = (
        [q.text for q in principle.questions if q.level in levels and q.text not in recent],
        [q.text for q in principle.questions if q.text not in recent],
        [q.text for q in principle.questions if q.level in levels],
        [q.text for q in principle.questions],
    )
    rng = drill_rng(state, "question")
    for pool in pools:
        options = [t for t in pool if t not in asked]
        if options:
            return rng.choice(options)
    return principle.questions[0].text


def next_question(state: DrillState, principles: dict[str, Principle]) -> tuple[str, str] | None:
    """(lp, question) to ask next: custom questions first, then LPs in order; None when done."""
    asked = {q.question for q in state.questions}
    custom = [c for c in state.config.custom_questions if c.text not in asked]
    if custom:
        return custom[0].lp, custom[0].text
    asked_lps = {q.lp for q in state.questions}
    found = next((lp for lp in lp_order(state, principles) if lp not in asked_lps), None)
    if found is None:
        return None
    return found, pick_question(state, principles[found])


def policy_gaps(grade: Grade) -> list[str]:
    """The grader's ranked gaps, with `decision` (a thin action) after the result gaps."""
    gaps = list(grade.gaps)
    if "hypothetical" in gaps or "non_answer" in gaps:
        return gaps
    action = grade.components["action"]
    if action.present and action.strength <= 1:
        idx = 0
        while idx < len(gaps) and gaps[idx] in (
            "off_topic",
            "action",
            "ownership",
            "result",
            "measurability",
        ):
            idx += 1
        gaps.insert(idx, "decision")
    return gaps


def next_gap(q: QuestionRecord, grade: Grade) -> str | None:
    """The first gap not yet probed on this question; a conflicting figure comes first."""
    gaps = policy_gaps(grade)
    if q.inconsistencies and "consistency" not in q.probed_gaps:
        gaps.insert(0, "consistency")
    return next((g for g in gaps if g not in q.probed_gaps), None)


def wants_deep_dive(state: DrillState, q: QuestionRecord, grade: Grade) -> bool:
    """A complete real story whose deep dives are under the round's quota."""
    complete = not (NOT_A_STORY & set(grade.flags)) and bool(q.answers)
    deep_dives = sum(1 for g in q.probed_gaps if g.startswith("deep_dive"))
    return complete and deep_dives < DEEP_DIVE_QUOTA[state.config.round_type]
