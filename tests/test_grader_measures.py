"""Measurability by its rules: units kept as written, baselines with words between the bounds."""

from __future__ import annotations

import pytest

from agents.grading.learned import analyze, substance
from agents.grading.numbers import measurability_of
from agents.textutil import find_metrics


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        (
            "Timeouts fell from about 4% of checkouts at peak to under 0.1%, worth roughly "
            "$2 million in recovered sales.",
            ["about 4%", "under 0.1%", "$2 million"],
        ),
        (
            "We lost about three hundred quid of stock instead of six grand.",
            ["three hundred quid", "six grand"],
        ),
        ("The whole thing cost us less than 300 ringgit.", ["less than 300 ringgit"]),
        # Counts and spans said in words, shares and rankings, pence.
        ("Nine out of ten tenants renewed, for another year.", ["Nine out of ten", "another year"]),
        ("Our crew came third of nine at the regional finals.", ["third of nine"]),
        ("Only one driver missed a slot, and late loads dropped to three.", ["Only one driver",
                                                                              "three"]),
        ("Call-backs fell to less than one a day.", ["less than one a day"]),
        ("The new labels cost 4p more a tin and visitors stayed twice as long.",
         ["4p", "twice as long"]),
        ("We slipped by one working day and it was signed within the week.",
         ["one working day", "within the week"]),
        # A year counts nothing, a word ending in s is no plural, a time of day is no fraction.
        # A point on a count of periods is a quantity, as the corpus labels it ("by month five").
        ("In 2021 she was promoted, and by week six it was running itself.", ["week six"]),
        ("From day one it was running itself.", []),
        ("All 30 pallets were away by half four, and we cut re-picks by half.",
         ["30 pallets", "by half"]),
        ("Our team of three was asked to pick it up.", []),
        # Hesitation is no span, and a numbered line's number counts nothing.
        ("Let me think about that for a second.", []),
        ("It came back in under a minute.", ["under a minute"]),
        ("2. No concerns were raised by the auditors.", []),
        ("The pilot ran for a full week.", ["for a full week"]),
        # A move "from ... to" keeps the unit it lands on, and is a figure only when it lands on
        # a quantity.
        ("Turnaround dropped from 3 weeks to 4 days.", ["from 3 weeks to 4 days"]),
        ("Complaints fell from one in five orders to one in twenty.",
         ["from one in five orders to one in twenty"]),
        ("NPS rose from +12 to +41 and waste from 80kg to 15kg.",
         ["from +12 to +41", "from 80kg to 15kg"]),
        ("Orders went from around 80 a day to more than 400 a day.",
         ["from around 80 a day to more than 400 a day"]),
        ("Sales went from ₹18 lakh to ₹41 lakh.", ["from ₹18 lakh to ₹41 lakh"]),
        ("I moved from the ops team to sales, sorted from biggest to smallest.", []),
        ("We went from paper charting to Epic, from job to job.", []),
        # "and a half" stays with its span; a ratio is one figure; underscores are emphasis.
        ("It took three and a half weeks, then an hour and a half.",
         ["three and a half weeks", "an hour and a half"]),
        ("One in three calls was a repeat.", ["One in three calls"]),
        ("Finished 5 in 10 minutes, two in one bay.", ["10 minutes"]),
        ("Scrap fell to _40%_ of what it was.", ["40%"]),
    ],
)
def test_metrics_keep_their_units(sentence: str, metrics: list[str]) -> None:
    """Units, currencies and hedges stay with the number ("about 4%", "$2 million")."""
    assert find_metrics(sentence) == metrics


@pytest.mark.parametrize(
    "result",
    [
        "Timeouts fell from about 4% of checkouts at peak to under 0.1%, worth roughly $2 million "
        "in recovered sales.",
        "Error rates went from about twelve percent back under half a percent, which saved "
        "customers a lot of failed orders.",
        "Missing coursework was down to six students, from about 70 in February.",
        "Referrals were seen within a couple of days instead of a week, and relatives stopped "
        "calling.",
        "We had zero reversing incidents, against two in the six months before, for the drivers.",
        "The stock we lost came to three hundred quid, against a usual loss of about six grand.",
        "Our double-payment complaints went from, like, twenty a month to zero.",
        # An old state as the yardstick, said without "from ... to".
        "Conversion came in at 3.1%, higher than our old checkout had ever managed, which lifted "
        "sales.",
        "Bookings grew 12% year on year, worth about $30,000 in revenue.",
        "Call-backs were a quarter of what we'd had in the previous cycle, so customers waited "
        "less.",
        "Now about 2% of deploys fail, where before one in ten failed in front of customers.",
        # Two figures far apart in one from ... to, and a norm or a plan as the yardstick.
        "Repeat calls went from 14% of all contacts coming into the helpdesk to 6%, which saved "
        "us about $40,000.",
        "Satisfaction went from 3.2 out of 5 in the spring survey to 4.5, and customers renewed.",
        "We shipped the parts nine days earlier than our usual lead time, so the customer's line "
        "kept running and saved them money.",
        "We fitted out the store for about £80,000, against a contractor's quote of nearly "
        "£130,000, which saved the business money.",
        "We finished the pilot on 70% of the budget, which saved the charity money.",
    ],
)
def test_baselines_with_words_between_the_bounds(result: str) -> None:
    """A before/after told with words between the bounds, plus an effect, is level 3."""
    assert measurability_of([result]).level == 3


def test_a_filler_sentence_is_not_the_first_evidence() -> None:
    """Evidence opens with the sentence that says most, not a sure reading of a filler."""
    answer = (
        "Our checkout service timed out under load every evening. Well I mean I looked into it. "
        "I proposed making it async with a queue, wrote the design doc, and built the worker "
        "myself. Timeouts fell from 4% of checkouts to under 0.1%."
    )
    action = analyze(answer, "Tell me about a time you fixed something.").components["action"]
    assert action.evidence[0].startswith("I proposed")
    assert substance("Well I mean I looked into it.") < substance(action.evidence[0])


@pytest.mark.parametrize(
    "answer",
    [
        "I haven't been involved in hiring yet, I'm afraid. I'm a staff accountant, so recruitment "
        "is handled by my manager and HR. I'd like to get into it in my next role. But I don't "
        "have an example of making a hiring decision myself. Sorry.",
        "To be honest I get on really well with my managers. I'm quite easy-going, so if they "
        "want something done their way I'll usually just do it. I can't really think of a time I "
        "properly disagreed with one, not in a way that turned into anything.",
    ],
)
def test_a_long_non_answer_is_a_non_answer(answer: str) -> None:
    """Saying there is no story, at any length and with no deed told, is a non-answer."""
    grade = analyze(answer, "Tell me about a time you disagreed with your manager.")
    assert "non_answer" in grade.flags and grade.top_gap == "non_answer"


def test_no_perfect_example_then_a_story_is_graded() -> None:
    """'I don't have a perfect example, but…' followed by deeds is an answer."""
    answer = (
        "I don't have a perfect example, but here's one. Our payroll run kept failing on the "
        "last day of the month. I traced the failures to a currency rounding rule and rewrote "
        "the rule. I then tested it against six months of runs. The next run went through clean."
    )
    assert "non_answer" not in analyze(answer, "Tell me about a time you fixed a problem.").flags


@pytest.mark.parametrize(
    "opening",
    [
        "We cut medication errors on our ward by more than half in one quarter.",
        "We brought our pressure ulcers down from nine in a quarter to two.",
    ],
)
def test_a_result_first_answer_opens_with_its_result(opening: str) -> None:
    """A change the speaker made, sized, is a result even as the opening sentence."""
    answer = (
        f"{opening} The drug round kept being interrupted. I put up red tabards and a sign, and "
        "I briefed every shift. I learned that small visible cues change habits."
    )
    grade = analyze(answer, "Tell me about a time you improved quality.")
    assert grade.components["result"].present


def test_context_numbers_are_not_a_result() -> None:
    """What had been so before the story is context, however large its numbers."""
    answer = (
        "Sales had slipped by 12% for two straight quarters. Headcount had tripled since spring. "
        "I rebuilt the onboarding plan and paired every new rep with a senior one."
    )
    grade = analyze(answer, "Tell me about a time you turned something around.")
    assert not grade.components["result"].present and grade.measurability.level == 0


@pytest.mark.parametrize(
    ("change", "effect"),
    [
        ("The nightly data load went from six hours to 40 minutes",
         ", so the analysts had fresh numbers when they arrived."),
        ("Our flaky test count went from 30 to 4", ", which meant releases stopped slipping for "
         "customers."),
        ("The rota spreadsheet went from 14 tabs to 3", ", so the nurses could find their shifts "
         "in seconds."),
        ("Form fields went from 42 to 17", ", and applications went up 20% in a month."),
        ("My review time per pull request went from about 40 minutes to under 15",
         ", which meant the other developers were unblocked the same morning."),
    ],
)
def test_the_learned_effect_reader_wants_an_effect_for_level_3(change: str, effect: str) -> None:
    """The same before/after reads as level 3 with its effect on people or money said, and is
    clearly less likely to without it (the shipped model reads the result sentences)."""
    from agents.grading import measure_result
    from agents.grading.roles_model import load_model

    reader = load_model().effect
    assert reader is not None
    assert measure_result([change + effect]).level == 3
    assert reader.probability(change + effect) - reader.probability(change + ".") > 0.2


def test_the_effect_reader_ships_inside_the_role_model() -> None:
    """The artefact carries the effect reader, and a model without one falls back to the rule."""
    from agents.grading.effect_model import EffectModel
    from agents.grading.roles_model import load_model

    model = load_model()
    assert model.effect is not None and model.effect.coef is not None
    with pytest.raises(RuntimeError, match="not fitted"):
        EffectModel().probability("Sales rose from 2 to 3 million dollars.")
    text = "The backlog of untriaged bugs went from 60 to 12, for the team."
    assert measurability_of([text]).level == 3  # the word list alone reads "team" as an effect
