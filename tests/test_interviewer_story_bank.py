"""The interviewer on the real story bank (embedded Chroma, the shipped MiniLM model): a stored
story is suggested for a matching question, its use is recorded, and a retold story whose figures
disagree with the saved version is probed."""

from __future__ import annotations

import pytest

from agents.drill.state import CustomQuestion, DrillConfig

CHECKOUT = (
    "Last spring our checkout service timed out during every big sale and customers abandoned "
    "their carts. I owned checkout reliability for the quarter. I profiled the service, found an "
    "N+1 query in the cart code and rewrote it as one batched query, and I added a load test to "
    "the release pipeline. Checkout p99 latency dropped from 2.1 seconds to 300 ms and abandoned "
    "carts fell by 18% in the next sale. I learned to load test before every peak."
)
MENTOR = (
    "When two new engineers joined my team they struggled with our on-call runbooks. I paired "
    "with each of them for a week and rewrote the runbooks with them. Their first solo on-call "
    "weeks had zero escalations. I learned that pairing beats documentation alone."
)


@pytest.mark.slow
def test_a_drill_uses_the_candidates_own_stories(services) -> None:
    bank = services.stories
    assert bank is not None
    checkout = bank.create("local", {"title": "Checkout latency", "text": CHECKOUT,
                                     "lps": ["dive-deep", "deliver-results"]})  # fmt: skip
    bank.create("local", {"title": "Onboarding by pairing", "text": MENTOR,
                          "lps": ["hire-and-develop-the-best"]})  # fmt: skip
    bank.create("bob", {"title": "Bob's checkout story", "text": CHECKOUT, "lps": ["dive-deep"]})

    iv = services.interviewer
    question = CustomQuestion(
        lp="dive-deep", text="Tell me about a time you dug into the data to fix a slow service."
    )
    config = DrillConfig(seed=7, mode="coach", custom_questions=[question])
    state = iv.start(config, user="local")
    q = state.questions[0]
    # Retrieval ran for the question and only ever sees this user's stories.
    assert q.story_hits, "no stored story was retrieved"
    assert {h["id"] for h in q.story_hits} <= {s.id for s in bank.list("local")}
    assert q.story_hits[0]["id"] == checkout.id
    suggestion = [t for t in state.turns if t.meta.get("scope") == "suggestion"]
    assert suggestion and "Checkout latency" in suggestion[0].text

    # Retelling it with a different figure: the use is recorded and the mismatch is probed.
    retold = CHECKOUT.replace("300 ms", "500 ms")
    new = iv.respond(state, retold)
    assert state.questions[0].story_id == checkout.id
    assert bank.usage("local").get(checkout.id, (0, 0))[0] >= 1
    assert new[0].kind == "probe" and new[0].meta["gap"] == "consistency"
    assert "300 ms" in new[0].text and "500 ms" in new[0].text
