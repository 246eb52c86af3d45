"""Stories: retrieval and suggestion (coach mode), reuse across questions, consistency checks.

The story bank is reached through the `StorySource` seam (search / record_use / optional get);
these tests use a small in-memory bank with the same surface as `agents.stories.bank.StoryBank`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from test_interviewer_policy import Clock

from agents.drill.context import StorySource
from agents.drill.interviewer import Interviewer
from agents.drill.state import DrillConfig
from agents.drill.story_checks import jaccard
from agents.grading import Grader
from agents.lp.principles import load_principles

LATENCY_300 = (
    "Last year at my previous company our search page was slow and customers were leaving. "
    "I was responsible for search performance. I profiled the queries and I added a cache in "
    "front of the ranking service. As a result latency dropped to 300 ms from 1200 ms, so "
    "customers stopped abandoning searches. I learned to measure before optimising."
)
LATENCY_500 = LATENCY_300.replace("300 ms", "500 ms")


@dataclass
class Hit:
    id: str
    title: str
    score: float
    lps: list[str]
    reason: str
    text: str


@dataclass
class FakeBank:
    """search() scores stored stories by word overlap; record_use() is remembered."""

    stories: dict[str, tuple[str, str, list[str]]]
    uses: list[tuple[str, str, str]] = field(default_factory=list)
    boost: float = 2.5

    def search(self, user: str, question: str, k: int = 3) -> list[Hit]:
        hits = [
            Hit(sid, title, min(1.0, jaccard(question, text) * self.boost), lps, "overlap", text)
            for sid, (title, text, lps) in self.stories.items()
        ]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def record_use(self, user: str, story_id: str, session_id: str) -> None:
        self.uses.append((user, story_id, session_id))


def make(bank: StorySource | None = None) -> Interviewer:
    return Interviewer(Grader(None), load_principles(), None, Clock(), stories=bank)


def test_coach_mode_suggests_a_matching_stored_story() -> None:
    bank = FakeBank(
        {
            "s1": (
                "Search latency",
                "a time you used data to improve customer search",
                ["dive-deep"],
            )
        },
        boost=10,
    )
    iv = make(bank)
    state = iv.start(DrillConfig(seed=1, mode="coach", lps=["dive-deep"]))
    q = state.questions[0]
    assert q.story_hits and q.story_hits[0]["id"] == "s1"
    suggestion = [t for t in state.turns if t.meta.get("scope") == "suggestion"]
    assert suggestion and "Search latency" in suggestion[0].text
    # Interview mode retrieves but never suggests.
    state = iv.start(DrillConfig(seed=1, mode="interview", lps=["dive-deep"]))
    assert state.questions[0].story_hits
    assert not [t for t in state.turns if t.kind == "feedback"]


def test_reused_story_within_a_session_is_noticed() -> None:
    iv = make()
    state = iv.start(DrillConfig(seed=2, mode="coach", n_questions=2, max_probes=0))
    iv.respond(state, LATENCY_300)
    iv.respond(state, LATENCY_300)
    q2 = state.questions[1]
    assert q2.reused_from == 0 and "story_reused" in q2.flags
    assert state.status == "done" and state.debrief is not None
    assert state.debrief.story_reuse == [{"question": 1, "reused_from": 0, "story_id": None}]
    feedback = [t for t in state.turns if t.kind == "feedback"]
    assert "same story" in feedback[-1].text
    assert any("reused" in s.reason for s in state.debrief.suggested_stories)


def test_conflicting_figures_in_a_retold_story_are_probed_first() -> None:
    iv = make()
    state = iv.start(DrillConfig(seed=3, mode="interview", n_questions=2))
    iv.respond(state, LATENCY_300)
    iv.respond(state, "I decided on a cache because rewriting ranking would take a quarter.")
    while len(state.questions) < 2:
        iv.respond(state, "ok")
    new = iv.respond(state, LATENCY_500)
    assert new[0].kind == "probe" and new[0].meta["gap"] == "consistency"
    assert "300 ms" in new[0].text and "500 ms" in new[0].text and "Earlier" in new[0].text


def test_stored_version_is_checked_and_use_recorded() -> None:
    bank = FakeBank({"s9": ("Search latency", LATENCY_300, ["dive-deep"])})
    iv = make(bank)
    state = iv.start(DrillConfig(seed=4, mode="interview"))
    new = iv.respond(state, LATENCY_500)
    q = state.questions[0]
    assert q.story_id == "s9" and bank.uses == [("local", "s9", state.id)]
    assert new[0].meta["gap"] == "consistency"
    assert "saved" in new[0].text and "300 ms" in new[0].text


def test_a_failing_story_bank_never_stops_the_drill() -> None:
    class Broken:
        def search(self, user: str, question: str, k: int = 3) -> list[Hit]:
            raise RuntimeError("chroma is down")

        def record_use(self, user: str, story_id: str, session_id: str) -> None:
            raise RuntimeError("chroma is down")

    iv = make(Broken())
    state = iv.start(DrillConfig(seed=5, mode="coach"))
    new = iv.respond(state, LATENCY_300)
    assert new and state.status == "awaiting_answer"
