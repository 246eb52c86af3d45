"""Story coaching: STAR(L) split by the grader, grades and concrete additions (no Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.stories import STAR_FIELDS, Story, review_story, split_star

COMPLETE = (
    "Last year at my previous company our checkout page was timing out during sales. "
    "I was responsible for checkout performance. "
    "I profiled the service, found an N+1 query and rewrote the data access with batching. "
    "As a result p99 latency went from 2.1 seconds to 300 ms and cart abandonment fell 12%, "
    "so customers stopped complaining. "
    "I learned to measure before optimising."
)


def story(**fields: object) -> Story:
    """A stored-looking story."""
    base: dict[str, object] = {
        "id": "s-1",
        "user": "u",
        "title": "A story",
        "created_at": "2024-01-01T00:00:00+00:00",
        "updated_at": "2024-01-01T00:00:00+00:00",
    }
    base.update(fields)
    return Story.model_validate(base)


def test_split_star_assigns_every_sentence_in_order() -> None:
    parts = split_star(COMPLETE)
    assert set(parts) == set(STAR_FIELDS)
    assert "checkout page was timing out" in parts["situation"]
    assert "rewrote the data access" in parts["action"]
    assert "300 ms" in parts["result"]
    assert "measure before optimising" in parts["learning"]
    joined = " ".join(parts[f] for f in STAR_FIELDS if parts[f])
    assert joined.split() == COMPLETE.split()  # nothing lost, nothing reordered


def test_split_star_takes_labelled_text_as_given() -> None:
    text = (
        "Situation: the build was slow.\nAction: I cached it,\nand parallelised tests.\nResult: 5x"
    )
    parts = split_star(text)
    assert parts["situation"] == "the build was slow."
    assert parts["action"] == "I cached it,\nand parallelised tests."
    assert parts["result"] == "5x" and parts["task"] == "" and parts["learning"] == ""
    assert split_star("   ") == dict.fromkeys(STAR_FIELDS, "")


def test_missing_baseline_gets_a_concrete_question() -> None:
    text = COMPLETE.replace("went from 2.1 seconds to 300 ms", "dropped to 300 ms").replace(
        " and cart abandonment fell 12%, so customers stopped complaining", ""
    )
    review = review_story(story(text=text))
    assert "Add the baseline: what was the p99 latency before?" in review.additions
    assert review.measurability == 2 and "300 ms" in review.metrics


def test_complete_story_needs_little() -> None:
    review = review_story(story(text=COMPLETE))
    assert review.overall >= 4
    assert review.ownership == "i"
    assert not any("baseline" in a or "Add the situation" in a for a in review.additions)


def test_collective_story_is_asked_for_ownership() -> None:
    text = (
        "At my last job our deploys kept failing. We rewrote the pipeline and we added canaries. "
        "As a result failed deploys dropped from 12 a month to 1."
    )
    review = review_story(story(text=text))
    assert review.ownership == "we"
    (ask,) = [a for a in review.additions if a.startswith("Say what you did yourself")]
    assert "'We rewrote the pipeline" in ask


def test_missing_parts_are_named() -> None:
    review = review_story(story(text="I rewrote the deploy pipeline and added canary checks."))
    joined = " ".join(review.additions)
    assert "Add the result" in joined and "Add the learning" in joined
    assert "result" in review.gaps and "learning" in review.gaps


def test_hypothetical_story_is_asked_for_a_real_event() -> None:
    text = (
        "I would always talk to the customer first. I usually try to gather data. "
        "I would then decide and I'd communicate the plan."
    )
    review = review_story(story(text=text))
    assert review.gaps == ["hypothetical"] and review.overall == 1
    assert review.additions[0].startswith("Tell one specific past event")


def test_structured_fields_count_as_written() -> None:
    review = review_story(
        story(
            situation="Our team had no on-call runbook.",
            task="Fix that.",
            action="I wrote the runbook and trained five people on it.",
            result="Pages fell from 40 to 6 a week, so the team slept again.",
            learning="Write it down early.",
        )
    )
    assert all(review.components[f] > 0 for f in STAR_FIELDS)
    assert review.measurability == 3


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("We now see 2 incidents a month.", "how many incidents were there before?"),
        ("Our NPS rose to 60 points.", "what was the NPS before?"),
        ("It got 30% better.", "what was that number before?"),
    ],
)
def test_baseline_questions_read_naturally(result: str, expected: str) -> None:
    review = review_story(
        story(
            situation="At my last job the on-call load was high.",
            action="I rewrote the alerting rules myself.",
            result=result,
        )
    )
    assert f"Add the baseline: {expected}" in review.additions


def test_tag_that_the_text_does_not_support_gets_advice() -> None:
    from agents.lp.classifier import get_classifier

    review = review_story(story(text=COMPLETE, lps=["think-big"]), get_classifier())
    assert review.suggested_lps and "think-big" not in review.suggested_lps[:1]
    assert any("It is tagged Think Big" in a for a in review.additions)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("{words}", "{count}", r"additions: trim: unknown placeholder\(s\) \['count'\]"),
        ("  - sales\n\n# Measures written", "  - sails\n\n# Measures written", r"counted.*sails"),
        ("  effect: ", "  benefit: ", r"additions\.benefit: Extra inputs are not permitted"),
    ],
)
def test_coach_wording_is_validated_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, fragment: str
) -> None:
    """A non-programmer editing story_coach.yaml is told which key is wrong, in which file."""
    from agents import prompts
    from agents.stories.coaching import CoachPhrases

    text = (prompts.PHRASES_DIR / "story_coach.yaml").read_text("utf-8")
    assert old in text
    (tmp_path / "story_coach.yaml").write_text(text.replace(old, new), "utf-8")
    monkeypatch.setattr(prompts, "PHRASES_DIR", tmp_path)
    with pytest.raises(prompts.PhraseDataError, match=r"story_coach\.yaml: .*" + fragment):
        prompts.load_phrases("story_coach", CoachPhrases)
