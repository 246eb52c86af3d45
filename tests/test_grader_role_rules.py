"""The exact rules that follow the learned sentence roles (agents/grading/learned.py)."""

from __future__ import annotations

import numpy as np

from agents.grading.analyzer import Sentence
from agents.grading.learned import (
    analyze,
    closing_count,
    closing_lesson,
    likeliest_outcome,
    stated_task,
)
from agents.grading.numbers import measurability_of
from agents.grading.outcome_rules import continues_outcome, opens_with_outcome, scene_not_outcome
from agents.grading.scene_task import (
    TASK_SURE,
    disowned_not_task,
    disowns,
    opening_scene,
    scene_not_task,
)
from agents.textutil import Span


def _sentences(*pairs: tuple[str, str | None, list[str]]) -> list[Sentence]:
    out, pos = [], 0
    for text, label, also in pairs:
        out.append(Sentence(span_start=pos, span_end=pos + len(text), text=text, label=label,
                            also=also))  # fmt: skip
        pos += len(text) + 1
    return out


def test_a_result_first_opening_is_the_result_only_when_a_scene_follows() -> None:
    """A figure told as the outcome opens a result-first answer; a first deed without a scene is
    an action-first answer; what had been so or who the speaker was is the scene."""
    assert opens_with_outcome(
        "The short version is we shipped on the holiday date with four days to spare.", 7, True
    )
    assert opens_with_outcome(
        "We cleared a backlog of 86 overdue reassessments in under seven weeks, and a dozen "
        "patients whose ulcers had been open for a year healed.", 6, True,
    )  # fmt: skip
    assert opens_with_outcome(
        "So, um, when I opened my own café I got us from about sixty customers a day to a "
        "hundred and fifty before Christmas.", 7, True,
    )  # fmt: skip
    assert not opens_with_outcome(
        "I cut the feature list to the three things customers asked for most, instead of "
        "building everything.", 3, False,
    )  # fmt: skip
    assert not opens_with_outcome(
        "On the fitness app, new-user activation had dropped from 44% to 38% over six months.",
        6, True,
    )  # fmt: skip
    assert not opens_with_outcome("I was a charge nurse on a 32-bed unit.", 6, True)
    assert not opens_with_outcome(
        "At an invoicing company, we wanted to move from per-seat pricing to three flat tiers.",
        6, True,
    )  # fmt: skip


def test_scene_numbers_before_the_first_deed_are_not_a_result() -> None:
    """A sentence read first as the scene and also as an outcome, before any deed, stays the
    scene, so its numbers never lift measurability."""
    sentences = _sentences(
        ("Our trial runs kept rejecting about 6% of records every night.", "situation",
         ["result"]),
        ("I pulled a sample of 500 rejected records.", "action", []),
        ("Rejections fell from 6% to 0.2%, which saved the caseworkers weeks.", "result", []),
    )  # fmt: skip
    scene_not_outcome(sentences)
    assert not sentences[0].has("result")
    assert sentences[2].has("result")
    assert "about 6%" not in measurability_of(s.text for s in sentences if s.has("result")).metrics


def test_no_outcome_is_guessed_from_a_sure_deed_without_a_number() -> None:
    """An answer that stops after its last step has no result; a likely outcome still counts."""
    sentences = _sentences(
        ("I built the plan.", "action", []),
        ("We presented it to the executive team.", "action", []),
    )
    likeliest_outcome(sentences, np.array([0.0, 0.45]), np.array([0.9, 0.9]))
    assert not any(s.has("result") for s in sentences)
    likeliest_outcome(sentences, np.array([0.0, 0.45]), np.array([0.9, 0.3]))
    assert sentences[1].has("result")


def test_a_span_cut_from_a_result_sentence_stays_the_result() -> None:
    """After a dash the splitter may cut a result sentence: the rest is still the result."""
    texts = ["Readmissions went from 24% to 16% —", "roughly 40 fewer patients a year.", "Done."]
    sentences = _sentences((texts[0], "result", []), (texts[1], None, []), (texts[2], None, []))
    spans = [Span(s.span_start, s.span_end, s.text) for s in sentences]
    continues_outcome(sentences, spans)
    assert sentences[1].has("result")
    assert not sentences[2].has("result")


def test_a_task_said_in_so_many_words_and_a_closing_lesson_count() -> None:
    """When the model finds none, a stated responsibility is the task and a closing sentence that
    says it is the lesson is the learning; owning up to a mistake is not a task."""
    sentences = _sentences(
        ("The mistake was mine, honestly.", "situation", []),
        ("The go decision for each language was mine.", "situation", []),
        ("I shipped on the date.", "action", []),
        ("Learning for me was don't trust the story everyone tells.", None, []),
    )
    stated_task(sentences)
    closing_lesson(sentences)
    assert not sentences[0].has("task")
    assert sentences[1].has("task")
    assert sentences[3].has("learning")


def test_a_result_first_answer_is_graded_with_its_result() -> None:
    """End to end with the shipped model: the opening outcome's figures are measured."""
    grade = analyze(
        "We cleared a backlog of 86 overdue leg ulcer reassessments in under seven weeks. "
        "I had just taken over a district nursing team and the backlog had been building for "
        "ages. My manager wanted it cleared before an audit. I set up extra clinics and shared "
        "out the home visits. I tracked it on a board in the office so everybody could see it."
    )
    assert grade.components["result"].present
    assert grade.measurability.level >= 2


def test_the_scene_is_the_task_only_when_it_says_whose_job_it_was() -> None:
    """A sentence read as scene and task without responsibility words and below the model's sure
    reading is the scene; with the words ("fell to me", "down to our squad") it keeps the task;
    a sure reading keeps it too."""
    sentences = _sentences(
        ("People on my support team were burning out from after-hours pages.", "situation",
         ["task"]),
        ("My manager wanted to launch a new search feature before the freeze.", "task",
         ["situation"]),
        ("Our ward kept missing handovers and fixing that fell to me.", "situation", ["task"]),
        ("Getting the release back on track was down to our squad.", "task", ["situation"]),
        ("The audit was due in eight weeks.", "situation", ["task"]),
    )  # fmt: skip
    scene_not_task(sentences, [0.6, 0.7, 0.6, 0.6, TASK_SURE])
    assert sentences[0].label == "situation" and not sentences[0].has("task")
    assert sentences[1].label == "situation" and not sentences[1].has("task")
    assert sentences[2].has("task") and sentences[2].has("situation")
    assert sentences[3].has("task") and sentences[3].has("situation")
    assert sentences[4].has("task")


def test_a_sentence_that_is_no_deed_states_the_task_with_responsibility_words() -> None:
    """With no task read, responsibility words in a sentence that is not an action state it; in
    an action sentence ("I decided to…") they do not."""
    sentences = _sentences(
        ("I ran the payroll file each month, that was my bit.", "situation", []),
        ("I still had to deliver the same quality.", None, []),
    )
    stated_task(sentences)
    assert sentences[0].has("task") and not sentences[1].has("task")
    deeds = _sentences(
        ("The budget was cut by a third.", "situation", []),
        ("I decided to renegotiate the three biggest contracts.", "action", []),
    )
    stated_task(deeds)
    assert not any(s.has("task") for s in deeds)


def test_a_job_said_not_to_be_yours_is_not_the_task() -> None:
    """ "It wasn't my call" denies the job; only taking it on in the same breath makes it a task."""
    assert disowns("Stock counts were the warehouse team's business, not mine.")
    assert disowns("As a junior analyst I had no formal say over the pricing model.")
    assert not disowns("It wasn't my area, but I decided to take it on anyway.")
    assert not disowns("Refunds were not my department, and I needed finance to move faster.")
    sentences = _sentences(
        ("Our refunds took three weeks and customers kept calling the shop.", "situation", []),
        ("Refunds weren't my responsibility, the head office team owned them.", "task", []),
        ("Strictly it wasn't my call either.", "situation", ["task"]),
        ("I mapped the steps and showed head office where the claims waited.", "action", []),
    )
    disowned_not_task(sentences)
    assert [s.has("task") for s in sentences] == [False, False, False, False]
    assert sentences[1].label == "situation" and sentences[2].also == []
    # The same denial with the job taken on stays the task, and a stated task skips the denial.
    kept = _sentences(("It wasn't my job, but I said I'd sort it that week.", "task", []))
    disowned_not_task(kept)
    assert kept[0].has("task")
    said = _sentences(
        ("That account was not my responsibility, Priya ran it.", None, []),
        ("Getting the renewal signed was down to me.", None, []),
    )
    stated_task(said)
    assert [s.has("task") for s in said] == [False, True]


def test_no_sentence_of_the_corpus_that_disowns_the_job_is_labelled_task() -> None:
    """The disowned-task rule against the labels: such sentences exist, and none is a task."""
    from evals.corpus import load_corpus

    disowning = [
        s for a in load_corpus() if a.voice != "injection" for s in a.sentences
        if disowns(s["text"])
    ]  # fmt: skip
    assert len(disowning) >= 10  # the rule is not vacuous on the corpus
    assert [s["text"] for s in disowning if "task" in s["roles"]] == []


def test_a_story_that_closes_on_a_count_closes_on_its_result() -> None:
    """Deeds, no outcome, and a closing sentence with a quantity: that sentence is the result,
    even when it reads like one more deed ("We did 212 covers that night")."""
    story = _sentences(
        ("The coolroom died on the busiest Saturday of the year.", "situation", []),
        ("We moved the stock into the bar fridges.", "action", []),
        ("We did 212 covers that night.", "action", []),
    )
    closing_count(story)
    assert story[-1].has("result") and story[-1].has("action")
    # Not when the answer already has a result, ends on a lesson or the scene, has no deed, has
    # no number at its close, or is under three sentences.
    cases = [
        [
            ("The coolroom died.", "situation", []),
            ("We moved the stock.", "action", []),
            ("Nothing spoiled.", "result", []),
            ("We did 212 covers.", "action", []),
        ],
        [
            ("The coolroom died.", "situation", []),
            ("We moved the stock.", "action", []),
            ("I now check the fridges 2 times a day.", "learning", []),
        ],
        [
            ("The coolroom died.", "situation", []),
            ("We moved the stock.", "action", []),
            ("It was the third failure in 2 months.", "situation", []),
        ],
        [
            ("The coolroom died.", "situation", []),
            ("It was a Saturday.", "situation", []),
            ("There were 212 covers booked.", None, []),
        ],
        [
            ("The coolroom died.", "situation", []),
            ("We moved the stock.", "action", []),
            ("We carried on.", "action", []),
        ],
        [("We moved the stock.", "action", []), ("We did 212 covers.", "action", [])],
    ]
    for pairs in cases:
        sentences = _sentences(*pairs)
        before = [(s.label, list(s.also)) for s in sentences]
        closing_count(sentences)
        assert [(s.label, list(s.also)) for s in sentences] == before, pairs


def test_an_answer_without_a_scene_opens_with_one() -> None:
    """No sentence read as the scene: the opening of substance sets it, even when the model read
    it as a deed; a result-first or lesson-first opening hands it to the next sentence."""
    story = _sentences(
        (
            "In my final year I entered a case competition with three friends from my course.",
            "action",
            [],
        ),
        ("I built our whole deck around new bus routes.", "action", []),
        ("We came last of four in the semi-final.", "result", []),
    )
    opening_scene(story, [0.3, 0.0, 0.0])
    assert story[0].has("situation") and story[0].has("action")
    result_first = _sentences(
        ("We came last of four in the semi-final.", "result", []),
        ("In my final year I had entered a case competition with three friends.", "action", []),
        ("I built our whole deck around new bus routes.", "action", []),
    )
    opening_scene(result_first, [0.0, 0.3, 0.0])
    assert result_first[1].has("situation") and not result_first[0].has("situation")
    # A bare deed, which the model is sure is no context, is not made the scene.
    bare = _sentences(
        ("So we pulled the raw order tables and compared them hour by hour.", "action", []),
        ("I found the job that double-counted refunds.", "action", []),
        ("The dashboard matched again.", "result", []),
    )
    opening_scene(bare, [0.05, 0.0, 0.0])
    assert not bare[0].has("situation")
    # Left alone: a scene already read, a task stated up front, a short opening, two sentences.
    cases = [
        [
            ("The depot was short of drivers all winter long that year.", "situation", []),
            ("I took the late run myself every Friday that month.", "action", []),
            ("Nobody missed a delivery.", "result", []),
        ],
        [
            ("My job was to get the vendor master cleaned and loaded in ten weeks.", "task", []),
            ("I split the records by region.", "action", []),
            ("We loaded on time.", "result", []),
        ],
        [
            ("So, the rota.", None, []),
            ("I rewrote it over a weekend for the team.", "action", []),
            ("Overtime fell.", "result", []),
        ],
        [
            ("I entered a case competition in my final year with three friends.", "action", []),
            ("We came last.", "result", []),
        ],
    ]
    for pairs in cases:
        sentences = _sentences(*pairs)
        before = [(s.label, list(s.also)) for s in sentences]
        opening_scene(sentences, [0.5] * len(sentences))
        assert [(s.label, list(s.also)) for s in sentences] == before, pairs
