"""Sentences end at sentence ends, not at the period of a title, an initial or 'a.m.'."""

from __future__ import annotations

import pytest

from agents.textutil import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Patel signed off. We moved on.", ["Dr. Patel signed off.", "We moved on."]),
        ("I called J. Smith and he agreed. Then it worked.",
         ["I called J. Smith and he agreed.", "Then it worked."]),
        ("I met Mr. Jones at 9 a.m. and we agreed.", ["I met Mr. Jones at 9 a.m. and we agreed."]),
        ("It was E. coli in the water. I closed the tap.",
         ["It was E. coli in the water.", "I closed the tap."]),
        ("Asked by the Director, Ms. A. Kaur, to clear it. We did.",
         ["Asked by the Director, Ms. A. Kaur, to clear it.", "We did."]),
        ("Repeat orders rose to 63% vs. 35% before. Good.",
         ["Repeat orders rose to 63% vs. 35% before.", "Good."]),
        # A sentence that ends on a letter or an abbreviation still ends.
        ("We went to plan B. We won.", ["We went to plan B.", "We won."]),
        ("We sold apples, pears, etc. Then it rained.",
         ["We sold apples, pears, etc.", "Then it rained."]),
        ("The shift started at 6 a.m.\nI was the only nurse.",
         ["The shift started at 6 a.m.", "I was the only nurse."]),
    ],
)  # fmt: skip
def test_abbreviations_do_not_end_sentences(text: str, sentences: list[str]) -> None:
    """Titles before names, initials and lower-case abbreviations mid-sentence do not split."""
    assert [s.text for s in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Situation: 600 ewes, paper records | Task: stop the double entry | Action: I built a "
         "form | Result: no more evening copying",
         ["Situation: 600 ewes, paper records", "Task: stop the double entry",
          "Action: I built a form", "Result: no more evening copying"]),
        ("returns doubled / I was the analyst / I read 300 comments / result: returns fell from "
         "31% to 14% / lesson: read what customers write",
         ["returns doubled", "I was the analyst", "I read 300 comments",
          "result: returns fell from 31% to 14%", "lesson: read what customers write"]),
    ],
)  # fmt: skip
def test_a_line_of_labelled_units_is_read_unit_by_unit(text: str, sentences: list[str]) -> None:
    """STAR parts or notes typed on one line, two or more of them labelled, are its sentences."""
    assert [s.text for s in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    "text",
    [
        "| Metric | Before | After |",  # a table row
        "J. Okafor, ACCA | Filed 140 returns, 0 late penalties | $3.2M saved for clients",
        "We weighed price / quality / speed and went with the cheapest.",
        "Context: a tight deadline | we shipped",  # one separator
    ],
)
def test_other_pipes_and_slashes_stay_in_their_sentence(text: str) -> None:
    """A table row, a signature line of claims, and slashes in prose are not a writer's units."""
    assert len(split_sentences(text)) == 1


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ('He said "fine." I rebuilt the rota.', ['He said "fine."', "I rebuilt the rota."]),
        # Curly quotes, as phones and word processors type them, end a sentence too.
        ("It read “All clear.” I signed it off.", ["It read “All clear.”", "I signed it off."]),
        ("She said ‘no way.’ I asked again.", ["She said ‘no way.’", "I asked again."]),
        ("(That was the hard part.) Then I rang her.",
         ["(That was the hard part.)", "Then I rang her."]),
    ],
)  # fmt: skip
def test_closing_quotes_stay_with_their_sentence(text: str, sentences: list[str]) -> None:
    """A quotation or bracket that closes a sentence ends it and stays in it."""
    assert [s.text for s in split_sentences(text)] == sentences
