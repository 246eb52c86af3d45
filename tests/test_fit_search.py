"""Story search reads question demands: what a question asks for, and which stories contain it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from agents.embeddings import get_embedding_function
from agents.lp.demands import load_demand_examples, load_demands
from agents.stories import StoryBank
from agents.stories.demand_index import (
    DEMAND_SATURATION,
    decode_story_demands,
    demand_match,
    demand_names,
    demand_vectors,
    encode_story_demands,
    story_demand_probs,
)
from agents.stories.ranking import CANDIDATE_CHUNKS, PASSAGES, story_windows

# Two stories on the same ward: only one of them contains a disagreement.
WARD_STORIES = [
    {
        "id": "pushback",
        "title": "The night rota",
        "lps": ["have-backbone"],
        "text": (
            "On our ward the matron proposed cutting the night shift from three nurses to two. "
            "I disagreed and told her so: I pulled six months of falls data and showed her that "
            "one nurse was often away escorting patients. She was not convinced at first, but I "
            "stood my ground and offered an alternative. The directorate kept the third nurse "
            "and falls stayed flat all winter."
        ),
    },
    {
        "id": "rota",
        "title": "The night rota template",
        "lps": ["invent-and-simplify"],
        "text": (
            "On our ward the night rota was built by hand every month and nurses found out their "
            "shifts ten days ahead. I designed a simple self-rostering template with the matron, "
            "trialled it with one team and published six weeks ahead. Swap requests fell from "
            "sixty a month to twelve and two other wards copied it."
        ),
    },
]


def test_every_demand_has_examples_and_they_are_distinct() -> None:
    names = demand_names()
    assert names == list(load_demands())
    examples = load_demand_examples()
    for name in names:
        assert len(examples.questions[name]) >= 5 and len(examples.statements[name]) >= 4, name
    examples = load_demand_examples()
    every = [t for n in names for t in (*examples.questions[n], *examples.statements[n])]
    assert len(every) == len(set(every))


@pytest.mark.parametrize(
    ("question", "demand"),
    [
        ("Tell me about a time you disagreed with your boss.", "disagreement"),
        ("Describe a mistake you made and what it cost.", "failure"),
        ("Tell me about a time you coached someone on your team.", "developed_person"),
        (
            "Tell me about a time you got it done with far less money than you needed.",
            "scarce_resources",
        ),
    ],
)
def test_question_demand(question: str, demand: str) -> None:
    ef = get_embedding_function()
    dv = demand_vectors(ef)
    probs = dv.question_probs(question, ef.embed([question])[0])
    assert probs.shape == (len(dv.names),) and abs(float(probs.sum()) - 1.0) < 1e-6
    assert dv.names[int(np.argmax(probs))] == demand


def test_story_demands_from_cues_and_windows() -> None:
    story = WARD_STORIES[0]
    text = f"{story['title']}. {story['text']}"
    plain = story_demand_probs(text)
    assert set(plain) == set(demand_names()) and all(0 <= p <= 1 for p in plain.values())
    assert plain["disagreement"] > 0.3 > plain["hiring"]
    # Windows that read like the demand's example sentences raise it; unrelated ones do not.
    ef = get_embedding_function()
    dv = demand_vectors(ef)
    close = dv.window_sims(ef.embed(["I disagreed with my manager and pushed back on her plan."]))
    far = dv.window_sims(ef.embed(["The canteen serves soup on Tuesdays."]))
    i = dv.names.index("disagreement")
    assert (
        story_demand_probs(text, close)["disagreement"]
        > story_demand_probs(text, far)["disagreement"]
    )
    assert len(dv.window_sims(np.zeros((0, ef.dimension), dtype=np.float32))) == len(dv.names)
    assert close[i] > far[i]


def test_story_demand_record_round_trip() -> None:
    probs = story_demand_probs("I disagreed with my manager and pushed back.")
    encoded = encode_story_demands(probs)
    decoded = decode_story_demands({"demands": encoded})
    assert decoded is not None and decoded["disagreement"] == probs["disagreement"]
    assert all(v >= 0.01 for v in decoded.values())  # near-zero entries are left out
    assert decode_story_demands({}) is None
    assert decode_story_demands({"demands": "not json"}) is None
    assert decode_story_demands({"demands": "[1, 2]"}) is None


def test_demand_match_saturates_and_names_a_clear_demand() -> None:
    names = demand_names()
    asks = np.zeros(len(names))
    asks[names.index("failure")] = 0.9
    asks[names.index("trust")] = 0.1
    strong = demand_match(asks, names, {"failure": 0.95})
    enough = demand_match(asks, names, {"failure": DEMAND_SATURATION})
    absent = demand_match(asks, names, {"trust": 0.9})
    assert strong[0] == enough[0] == pytest.approx(0.9)  # a clear story gets the full credit
    assert strong[1:] == ("failure", True) and absent[1:] == ("failure", False)
    assert absent[0] == pytest.approx(0.1)
    vague = np.full(len(names), 1 / len(names))
    assert demand_match(vague, names, {"failure": 0.9})[1:] == (None, False)


def test_story_windows_keeps_the_best_passages() -> None:
    found = [("a", 0.6), ("b", 0.5), ("a", 0.4), ("a", 0.55), ("c", 0.3)]
    got = story_windows(found, truncated=False)
    assert got == {"a": [0.6, 0.55], "b": [0.5], "c": [0.3]} and PASSAGES == 2
    # Cut off by CANDIDATE_CHUNKS: an unseen window is at most as close as the last one seen.
    assert story_windows(found, truncated=True)["b"] == [0.5, 0.3]
    assert CANDIDATE_CHUNKS >= 100


def test_search_prefers_the_story_with_the_demand(tmp_path: Path) -> None:
    bank = StoryBank(path=tmp_path / "chroma")
    bank.import_text("nina", json.dumps(WARD_STORIES), "json")
    stored = bank.store.scope("nina", create=False).get_stories(["pushback"])["metadatas"][0]
    held = decode_story_demands(stored)
    assert held is not None and held["disagreement"] > 0.3 > held["hiring"]
    hits = bank.search("nina", "Tell me about a time you pushed back on your manager.", k=2)
    assert [h.id for h in hits] == ["pushback", "rota"]
    assert hits[0].asked_demand == "disagreement" and hits[0].shows_demand
    assert hits[0].reason.startswith(
        "matches: a time you disagreed with someone or pushed back and Have Backbone"
    )
    assert hits[0].reason.endswith("— missing: nothing")
    assert hits[1].reason.endswith("— missing: a time you disagreed with someone or pushed back")
    assert not re.search(r"\d", hits[0].reason + hits[1].reason)  # plain words, no raw scores
    assert 0.0 < hits[1].probability < hits[0].probability < 1.0
    # A story record written before demands were indexed is read from its text instead.
    scope = bank.store.scope("nina", create=False)
    scope.update_story_metadata("pushback", {"demands": ""})
    again = bank.search("nina", "Tell me about a time you pushed back on your manager.", k=2)
    assert [h.id for h in again] == ["pushback", "rota"] and again[0].shows_demand


# A mentoring story that never says "mentor", "coach" or "develop": the demand is told, not named.
TOLD_NOT_NAMED = {
    "id": "priya",
    "title": "Priya's first release",
    "lps": ["ownership"],
    "text": (
        "Priya joined our team straight from university and was nervous about shipping anything. "
        "Every Tuesday I sat with her for an hour, we went through one of her pull requests line "
        "by line, and I let her lead the next design review while I stayed in the background. I "
        "gave her the smaller of the two migration tickets and checked in daily for the first "
        "fortnight. By spring she owned the billing migration end to end, and in the autumn she "
        "was promoted, a cycle earlier than usual."
    ),
}


def test_stored_demands_take_the_learned_reading_where_it_is_higher(tmp_path: Path) -> None:
    from agents.grading.relevance import load_relevance_model

    bank = StoryBank(path=tmp_path / "chroma")
    bank.import_text("ana", json.dumps([TOLD_NOT_NAMED]), "json")
    record = bank.store.scope("ana", create=False).get_stories(
        ["priya"], include=("metadatas", "embeddings")
    )
    held = decode_story_demands(record["metadatas"][0])
    assert held is not None
    embed = load_relevance_model().embed
    assert embed is not None
    learned = embed.shows(np.asarray(record["embeddings"][0]))
    for name, p in zip(demand_names(), learned, strict=True):
        if p >= 0.01:
            assert held[name] >= round(float(p), 3) - 1e-9, name
    # Cue words alone barely see the mentoring; the stored reading does.
    text = f"{TOLD_NOT_NAMED['title']}. {TOLD_NOT_NAMED['text']}"
    assert story_demand_probs(text)["developed_person"] < 0.2 < held["developed_person"]


def test_each_lp_asks_for_the_demands_its_questions_ask_for() -> None:
    from agents.lp.classifier import get_classifier
    from agents.stories.tagging import lp_demand_profile

    classifier = get_classifier()
    profile = lp_demand_profile(classifier.embedder, tuple(classifier.slugs))
    names = demand_names()
    top = {slug: names[int(np.argmax(row))] for slug, row in zip(classifier.slugs, profile,
                                                                 strict=True)}  # fmt: skip
    assert np.allclose(profile.sum(axis=1), 1.0)
    assert top["have-backbone"] == "disagreement"
    assert top["hire-and-develop-the-best"] in {"developed_person", "hiring"}
    assert top["frugality"] == "scarce_resources"
    assert top["dive-deep"] == "deep_dive"
    assert top["customer-obsession"] in {"unhappy_customer", "customer_need"}


def test_lp_suggestions_follow_the_demands_a_story_shows() -> None:
    from agents.lp.classifier import get_classifier
    from agents.stories.tagging import lp_scores

    classifier = get_classifier()
    text = ["Last spring I worked with the night team on the new rota for the ward."]
    names = demand_names()
    shows = {d: np.eye(len(names))[names.index(d)][None, :] for d in ("disagreement",
                                                                      "developed_person")}
    backbone = classifier.slugs.index("have-backbone")
    develop = classifier.slugs.index("hire-and-develop-the-best")
    pushed = lp_scores(classifier, text, shows=shows["disagreement"])[0]
    mentored = lp_scores(classifier, text, shows=shows["developed_person"])[0]
    assert pushed[backbone] - mentored[backbone] > 1.0
    assert mentored[develop] - pushed[develop] > 1.0
