"""The drill: an Amazon-style behavioral loop that probes like a bar raiser.

All state lives in a serializable `DrillState`; `Interviewer` holds only services (grader, LP data,
optional LLM, optional session store and story bank), so any process that loads the state can
continue the drill. This module is the lifecycle (start, respond, controls, end, resume) and its
persistence; the steps live in their own modules:

- `intake`: what a reply is (control, answer, gibberish, off-topic, abuse, injection);
- `policy`: after each substantive answer (deterministic; the LLM only phrases):
  1. the question's grade covers the whole exchange: every substantive answer so far, joined, is
     re-graded, so a result supplied when probed earns credit;
  2. out of time (whole drill) -> close the question and debrief; over the question's share of
     the time, or `max_probes` used -> close the question and ask the next one;
  3. otherwise probe the first gap of `policy_gaps(grade)` not yet probed for this question:
     consistency (a number contradicts the stored or earlier version of the same story), then the
     grader's ranked gaps (hypothetical, non-answer, action, "we" -> ownership, result,
     measurability), a thin action -> the decision and its alternatives, then situation, task,
     learning;
  4. when no unprobed gap remains and the answer is a real story, Amazon deep dives (the LP's own
     probes, trade-off, perception, cost, scale) until the round's quota; then move on;
- `probes` (probes never repeat within a drill), `phrasing` (LLM), `story_checks`, `flow`,
  `replies`, `feedback`, `debrief`, `transcript`. Every sentence said: `prompts/phrases/*.yaml`.

Replies that are not answers: controls are obeyed; gibberish, off-topic replies, abuse and prompt
injection are answered politely, recorded in the question's `flags`, and never graded or obeyed
(two in a row move on; three abusive replies end the drill). In interview mode nothing before
the debrief coaches.

Persistence (when a `SessionStore` is given): the candidate's reply is committed before any work
on it (`pending` = True), and the interviewer's whole reply is committed at once, so a killed
process never leaves a half-written turn and `resume` answers a pending reply exactly once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from agents.config import DEFAULT_HISTORY_TOKEN_BUDGET, DEFAULT_MODEL
from agents.drill.context import StorySource, say
from agents.drill.flow import ask_next, finish
from agents.drill.intake import MAX_ANSWER_CHARS, Intake, classify_reply, detect_control
from agents.drill.phrases import interviewer_phrases
from agents.drill.phrasing import llm_messages
from agents.drill.policy import RECENT_SESSIONS, n_questions, time_up
from agents.drill.replies import reply
from agents.drill.sessions import SessionStore, SessionStoreError
from agents.drill.state import Control, DrillConfig, DrillState, StreamEvent, Turn, drill_rng
from agents.logging_setup import answer_for_log

if TYPE_CHECKING:
    from agents.grading.grader import Grader
    from agents.llm import ChatModel
    from agents.lp.principles import Principle

log = logging.getLogger("barraiser.interviewer")


class Interviewer:
    """Runs drills over a `DrillState` using the grader, the LP data and (optionally) an LLM."""

    def __init__(
        self,
        grader: Grader,
        principles: dict[str, Principle],
        llm: ChatModel | None = None,
        clock: Callable[[], float] = time.time,
        *,
        store: SessionStore | None = None,
        stories: StorySource | None = None,
        history_token_budget: int = DEFAULT_HISTORY_TOKEN_BUDGET,
        model_name: str = DEFAULT_MODEL,
    ) -> None:
        self.grader = grader
        self.principles = principles
        self.llm = llm
        self.clock = clock
        self.store = store
        self.stories = stories
        self.history_token_budget = history_token_budget
        self.model_name = model_name

    def start(self, config: DrillConfig | None = None, user: str = "local") -> DrillState:
        """Create a drill: greet and ask the first question (persisted when a store is set)."""
        config = config or DrillConfig()
        state = DrillState(user=user, config=config, started_at=self.clock())
        if self.store is not None:
            state.avoid_questions = self.store.recent_questions(user, RECENT_SESSIONS)
        phrases = interviewer_phrases()
        opening = drill_rng(state).choice(phrases.greetings)
        greeting = opening.format(n=n_questions(config), minutes=config.minutes)
        say(self, state, "greeting", greeting + phrases.controls_hint)
        ask_next(self, state)
        if self.store is not None:
            self.store.create(state)
        return state

    def time_up(self, state: DrillState) -> bool:
        """The drill's whole time-box is used (by this interviewer's clock)."""
        return time_up(state, self.clock())

    def llm_messages(
        self, state: DrillState, prompt: str, variables: dict[str, Any]
    ) -> list[dict[str, str]]:
        """System prefix (static), the fenced transcript trimmed to budget, then the task."""
        return llm_messages(self, state, prompt, variables)

    # --- persistence ------------------------------------------------------------------------

    def _commit(self, state: DrillState, from_index: int) -> None:
        """Write turns[from_index:] and the state snapshot in one transaction.

        A failed save must not lose the candidate's drill in the middle of an answer: the drill
        goes on in memory and the candidate is told once that saving stopped.
        """
        if self.store is None:
            return
        try:
            self.store.save_turns(state, from_index)
        except SessionStoreError as e:
            message = interviewer_phrases().notices.not_saved.format(error=e)
            if message not in state.notices:
                state.notices.append(message)
                say(self, state, "notice", message)

    # --- the loop ---------------------------------------------------------------------------

    def respond(self, state: DrillState, text: str) -> list[Turn]:
        """Take the candidate's reply and return the interviewer's new turns."""
        turns: list[Turn] = []
        for event in self.respond_stream(state, text):
            if event.type == "done":
                turns = event.turns
        return turns

    def respond_stream(
        self, state: DrillState, text: str, extra: dict[str, Any] | None = None
    ) -> Iterator[StreamEvent]:
        """Like `respond`, but yields text deltas while the LLM phrases a turn, then the turns.

        `extra` is stored on the candidate's turn meta (e.g. a spoken answer's timings)."""
        before = len(state.turns)
        if state.status == "done" or state.current is None:
            say(self, state, "notice", interviewer_phrases().notices.finished)
            self._commit(state, before)
            yield from self._emit(state, before)
            return
        self.receive(state, text, extra=extra)
        yield from self._reply_events(state, before)

    def _emit(self, state: DrillState, before: int) -> Iterator[StreamEvent]:
        new = [t for t in state.turns[before:] if t.role == "interviewer"]
        for turn in new:
            yield StreamEvent(type="turn", turn=turn)
        yield StreamEvent(type="done", turns=new)

    def receive(
        self,
        state: DrillState,
        text: str,
        intake: Intake | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Turn:
        """Record the candidate's reply and commit it before any work is done on it.

        Public so a test can stop a drill here, as a process killed mid-reply would.
        """
        current = state.current
        assert current is not None
        text = text if isinstance(text, str) else ""
        cut_from = len(text) if len(text) > MAX_ANSWER_CHARS else None
        text = text[:MAX_ANSWER_CHARS]
        principle = self.principles.get(current.lp)
        intake = intake or classify_reply(
            text, current.question, principle.keywords if principle else ()
        )
        meta: dict[str, Any] = {"intake": intake.kind, "reply_to": state.awaiting}
        if intake.control:
            meta["control"] = intake.control
        if intake.term:
            meta["term"] = intake.term
        if intake.flags:
            meta["flags"] = intake.flags
        if intake.story and intake.story != text:
            meta["story"] = intake.story
        if cut_from is not None:
            meta["truncated_from"] = cut_from
        meta.update(extra or {})
        kind = "control" if intake.kind == "control" else "answer"
        turn = Turn(
            role="candidate", kind=kind, text=text, lp=current.lp, at=self.clock(), meta=meta
        )
        state.turns.append(turn)
        state.pending = True
        log.info("session %s: %s reply %s", state.id, intake.kind, answer_for_log(text))
        self._commit(state, len(state.turns) - 1)
        return turn

    def _reply_events(self, state: DrillState, before: int) -> Iterator[StreamEvent]:
        """Answer the recorded candidate turn, then commit the whole reply at once."""
        yield from reply(self, state)
        state.pending = False
        # From the candidate turn on: its grade was filled in while replying.
        self._commit(state, before)
        yield from self._emit(state, before)

    # --- candidate controls -----------------------------------------------------------------

    def skip(self, state: DrillState, text: str = "Let's skip this one.") -> list[Turn]:
        """Skip the current question."""
        return self._run_control(state, "skip", text)

    def repeat(self, state: DrillState, text: str = "Could you repeat the question?") -> list[Turn]:
        """Say the current question (or latest probe) again."""
        return self._run_control(state, "repeat", text)

    def clarify(
        self, state: DrillState, text: str = "Could you clarify the question?"
    ) -> list[Turn]:
        """Clarify the current question without giving the answer away."""
        return self._run_control(state, "clarify", text)

    def pause(self, state: DrillState, text: str = "Give me a minute.") -> list[Turn]:
        """Acknowledge that the candidate needs a moment (the clock keeps running)."""
        return self._run_control(state, "pause", text)

    def end(
        self, state: DrillState, text: str = "Let's end here.", *, by_candidate: bool = True
    ) -> list[Turn]:
        """End the drill early and show the debrief (`by_candidate=False`: no candidate turn)."""
        if state.status == "done":
            return []
        if not by_candidate or state.current is None:
            before = len(state.turns)
            finish(self, state, "ended")
            self._commit(state, before)
            return state.turns[before:]
        return self._run_control(state, "end", text)

    def _run_control(self, state: DrillState, control: Control, text: str) -> list[Turn]:
        if state.current is None:
            return []
        before = len(state.turns)
        term = detect_control(text)[1] if control == "clarify" else None
        self.receive(state, text, Intake("control", control=control, term=term))
        turns: list[Turn] = []
        for event in self._reply_events(state, before):
            if event.type == "done":
                turns = event.turns
        return turns

    # --- resume -----------------------------------------------------------------------------

    def resume(self, user: str = "local", session_id: str | None = None) -> DrillState | None:
        """Reload an unfinished drill from the store and continue where it stopped."""
        if self.store is None:
            raise RuntimeError("resume needs a session store")
        store = self.store
        state = store.load(session_id, user) if session_id else store.latest_open(user)
        if state is None or state.status == "done":
            return state
        last = max(state.turns[-1].at if state.turns else state.started_at, state.resumed_at)
        state.suspended_seconds += max(0.0, self.clock() - last)
        state.resumed_at = self.clock()
        before = len(state.turns)
        if state.pending and state.turns and state.turns[-1].role == "candidate":
            # Killed after the candidate's reply was saved but before ours was: answer it now
            # (re-saving from the candidate turn, whose grade is filled in while replying).
            for _ in self._reply_events(state, before - 1):
                pass
            return state
        q = state.current
        last_turn = state.turns[-1] if state.turns else None
        # A page reloaded twice in a row gets one "welcome back", not one per reload.
        welcomed = last_turn is not None and last_turn.meta.get("control") == "resume"
        if q is not None and not welcomed:
            prompt = q.probes[-1] if state.awaiting == "probe" and q.probes else q.question
            text = interviewer_phrases().resume.format(prompt=prompt)
            say(self, state, "clarification", text, lp=q.lp, meta={"control": "resume"})
        state.pending = False
        self._commit(state, before)
        return state


def simulate(interviewer: Interviewer, config: DrillConfig, answers: Sequence[str]) -> DrillState:
    """Run a whole drill from scripted candidate replies (used by the CLI, tests and evals)."""
    state = interviewer.start(config)
    for answer in answers:
        if state.status == "done":
            break
        interviewer.respond(state, answer)
    return state
