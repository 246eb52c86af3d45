"""Plain words for internal values (prompts/phrases/wording.yaml) and the page's hints
(prompts/phrases/ui.yaml)."""

from __future__ import annotations

import re

from agents.drill import wording
from agents.stories.formats import parse_stories
from agents.ui.texts import ui_phrases


def test_internal_values_become_names() -> None:
    assert wording.role_name("sde2") == "SDE II"
    assert wording.round_name("bar_raiser") == "Bar raiser"
    assert wording.signal_name("not_inclined") == "Not inclined"
    assert wording.status_name("no_answer") == "no answer"
    assert wording.lp_name("have-backbone") == "Have Backbone; Disagree and Commit"
    assert wording.lp_names(["dive-deep", "ownership"]) == "Dive Deep, Ownership"
    assert wording.flag_names(["too_long", "something_new"]) == "very long answer, something new"
    assert wording.gap_name("measurability") == "a measurable result"


def test_ownership_in_words() -> None:
    assert wording.ownership_words("i", 0.75) == 'mostly you (75% of your action sentences say "I")'
    assert wording.ownership_words("i", 2 / 3, short=True) == "mostly you, 67%"
    assert wording.ownership_words("i", 0.5, short=True) == "you and the team, 50%"
    assert wording.ownership_words("i", 0.25, short=True) == "mostly the team, 25%"
    assert wording.ownership_words("we", 0.0, short=True) == "only the team, 0%"
    assert wording.ownership_words("none", 0.0) == "no actions described"
    assert wording.ownership_label("i") == "mostly you"


def test_the_import_hint_example_imports() -> None:
    hint = ui_phrases().stories_import_hint
    example = re.search(r"```\n(.*?)```", hint, re.DOTALL)
    assert example, hint
    [story] = parse_stories(example.group(1), "markdown")
    assert story.title == "Faster checkout before the big sale"
    assert story.lps == ["dive-deep", "deliver-results"]
    assert (story.role, story.date) == ("Senior engineer", "2023-05")


def test_the_model_guide_names_every_setting() -> None:
    words = ui_phrases()
    for setting in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BARRAISER_MODEL"):
        assert setting in words.status_model_offline and setting in words.status_model_online
