"""The off-topic check: the shipped model, `barraiser grade`, and a scripted drill's probe,
transcript flag and debrief."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agents.cli.main import main
from agents.grading import Grader
from agents.grading.relevance import (
    MODEL_FILE,
    OFF_TOPIC_CAP,
    RelevanceModelError,
    load_relevance_model,
    question_demand,
    relevance_of,
)
from agents.lp.demands import load_demands

DISAGREE_Q = "Tell me about a time you strongly disagreed with your manager."
# A complete, well-told story with no disagreement in it (the question's demand).
HACKATHON = (
    "Last spring I organised our company's first internal hackathon. My manager asked me to own "
    "it end to end, from the theme to the judging. I booked the space, wrote the brief, recruited "
    "twelve teams and set up a simple scoring sheet with the product leads. I also arranged "
    "mentors for the newer engineers so every team had someone senior to ask. Forty engineers "
    "took part, and three of the prototypes went into the roadmap the next quarter, one of which "
    "cut our onboarding time from two weeks to four days. I learned that a clear brief and a "
    "deadline unlock a lot of creativity."
)
# The same speaker answering the question: a disagreement, said plainly.
PUSHED_BACK = (
    "Last year my manager wanted to ship our billing migration two weeks early to hit a quarterly "
    "goal. I strongly disagreed, because our load tests showed the new service failing at twice "
    "normal traffic. I told him so in our one-to-one and pushed back with the test results, and I "
    "proposed a smaller release for the low-risk accounts first. He wasn't convinced at first, but "
    "after I walked him through the failure data he agreed to the staged plan. The staged release "
    "went out with zero billing errors, and the full migration followed three weeks later. I "
    "learned that disagreeing with data and an alternative works better than just saying no."
)


def test_question_demand_reads_the_question() -> None:
    assert question_demand(DISAGREE_Q)[0] == "disagreement"
    assert question_demand("Tell me about a time you failed.")[0] == "failure"
    assert question_demand("")[0] is None


# Its words name "feedback" (a developed_person cue), its vector asks about customers.
FEEDBACK_Q = "Tell me about a time you used customer feedback to improve a product."
SCREEN_READER = (
    "Blind users wrote to us that our booking form was impossible to use with a screen reader. I "
    "was the front-end developer for the booking flow. I tested the form with a screen reader "
    "myself, added labels and focus order to every field, and invited two of the users to try the "
    "new version. Screen-reader users' completed bookings went from almost none to about 400 a "
    "month, and the complaints to support stopped. I learned to test with real assistive "
    "technology instead of trusting automated checkers."
)


def test_a_demand_read_from_one_cue_word_does_not_flag() -> None:
    model = load_relevance_model()
    grade = Grader().grade(SCREEN_READER, FEEDBACK_Q)
    evidence = [*grade.components["action"].evidence, *grade.components["result"].evidence]
    verdict = relevance_of(FEEDBACK_Q, SCREEN_READER, evidence)
    # The words misread the demand...
    assert question_demand(FEEDBACK_Q)[0] == "developed_person"
    # ...but the question's vector does not ask for it, so no probability would make it a flag
    # (the model trained on 12 voices no longer scores this answer over the threshold by itself;
    # the floor is what stands between a misread question and a flag, whatever the regression).
    from agents.grading.demand_embed import embed_pair

    qv = embed_pair(FEEDBACK_Q, SCREEN_READER)[0]
    assert not model.demand_is_clear(FEEDBACK_Q, "developed_person", qv)
    assert model.demand_is_clear(DISAGREE_Q, "disagreement", embed_pair(DISAGREE_Q, "x")[0])
    assert not verdict.off_topic
    assert "off_topic" not in grade.flags


def test_a_rambling_answer_embeds_capped_sentences() -> None:
    from agents.grading.demand_embed import MAX_SENTENCE_WORDS, MAX_SENTENCES, sentences
    from agents.run_on import RunOnModel, using

    run_on = "so basically, you know, it was a long story, " * 60 + "and we shipped it."
    # As the splitter reads it without the run-on model (which would cut it into short units):
    # one 500-word sentence, capped.
    with using(RunOnModel.never()):
        parts = sentences(f"{run_on} I pushed back on my manager. " + "We met again. " * 40)
    assert len(parts) == MAX_SENTENCES
    assert len(parts[0].split()) == MAX_SENTENCE_WORDS
    assert parts[1] == "I pushed back on my manager."


def test_absence_reading_tells_a_near_miss_from_the_demand() -> None:
    from agents.embeddings import get_embedding_function
    from agents.grading.demand_embed import absence_features

    ef = get_embedding_function()
    near_miss = ef.embed(["The client had never raised a complaint with us."])
    shown = ef.embed(["The client was furious and escalated a complaint to my director."])
    miss_abs, miss_gap = absence_features("unhappy_customer", near_miss)
    shown_abs, shown_gap = absence_features("unhappy_customer", shown)
    assert miss_gap > shown_gap
    assert miss_abs > shown_abs
    assert absence_features("no-such-demand", near_miss) == [0.0, 0.0]


def test_off_topic_answer_is_flagged_capped_and_redirected() -> None:
    grade = Grader().grade(HACKATHON, DISAGREE_Q)
    assert "off_topic" in grade.flags
    assert grade.missing_demand == "disagreement"
    assert grade.overall <= OFF_TOPIC_CAP
    assert grade.gaps[0] == "off_topic"
    assert load_demands()["disagreement"].ask in grade.follow_up
    assert grade.follow_up.endswith("?")
    out = grade.public_dict("x")
    assert out["missing_demand"] == "disagreement" and "off_topic" in out["flags"]


def test_on_topic_answer_is_not_flagged() -> None:
    grade = Grader().grade(PUSHED_BACK, DISAGREE_Q)
    assert "off_topic" not in grade.flags
    assert grade.missing_demand is None
    assert grade.overall >= 4


def test_no_question_means_no_relevance_verdict() -> None:
    grade = Grader().grade(HACKATHON, "")
    assert "off_topic" not in grade.flags and grade.missing_demand is None


def test_tampered_model_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "relevance.npz"
    shutil.copy(MODEL_FILE, copy)
    shutil.copy(MODEL_FILE.with_suffix(".sha256"), copy.with_suffix(".sha256"))
    assert load_relevance_model(copy).threshold == load_relevance_model().threshold
    copy.write_bytes(copy.read_bytes() + b"\0")
    with pytest.raises(RelevanceModelError, match="sha256"):
        load_relevance_model.__wrapped__(copy)


def test_grade_cli_sets_the_flag_and_missing_demand(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "off", "question": DISAGREE_Q, "answer": HACKATHON},
        {"id": "on", "question": DISAGREE_Q, "answer": PUSHED_BACK},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["grade", str(src), "--out", str(out)]) == 0
    graded = {r["id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert graded["off"]["flags"] == ["off_topic"]
    assert graded["off"]["missing_demand"] == "disagreement"
    assert graded["on"]["missing_demand"] is None and "off_topic" not in graded["on"]["flags"]
    assert graded["on"]["overall"] - graded["off"]["overall"] >= 2


def test_scripted_drill_probes_once_and_flags_the_answer(tmp_path: Path) -> None:
    src = tmp_path / "answers.jsonl"
    answers = [HACKATHON, "skip"]
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in answers), "utf-8")
    transcript, markdown = tmp_path / "t.json", tmp_path / "t.md"
    args = ["drill", "--answers", str(src), "--transcript", str(transcript), "--quiet"]
    args += ["--markdown", str(markdown), "--lp", "have-backbone", "--seed", "3"]
    assert main([*args, "--mode", "interview"]) == 0
    turns = json.loads(transcript.read_text("utf-8"))["turns"]
    question = next(t for t in turns if t["kind"] == "question" and t["role"] == "interviewer")
    assert question_demand(question["text"])[0] == "disagreement"
    story = next(t for t in turns if t["role"] == "candidate")
    assert "off_topic" in story["grade"]["flags"]
    assert story["grade"]["missing_demand"] == "disagreement"
    ask = load_demands()["disagreement"].ask
    probes = [t["text"] for t in turns if t["kind"] == "probe" and ask in t["text"]]
    assert len(probes) == 1  # said once, as an interviewer would
    assert "Not answered" in markdown.read_text("utf-8")


@pytest.mark.slow
def test_training_reproduces_the_shipped_model_bit_for_bit(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    from evals.train_relevance import corpus_examples, fit_model

    # The corpus's MiniLM vectors are kept between runs (keyed by their texts and the model's
    # hash): embedding them is half the cost, and a cached vector is the same bytes.
    store = getattr(pytestconfig, "cache", None)
    cache = store.mkdir("relevance-vectors") if store else None
    out = tmp_path / "relevance.npz"
    digest = fit_model(*corpus_examples(cache)).save(out)
    assert digest == MODEL_FILE.with_suffix(".sha256").read_text("utf-8").strip()


def _judgement(answers: bool, missing: str | None, quote: str) -> str:
    """A judge reply that finds every part in `quote` and gives a relevance verdict."""
    part = {"present": True, "strength": 3, "quotes": [quote]}
    return json.dumps(
        {
            **{name: part for name in ("situation", "task", "action", "result", "learning")},
            "answers_question": answers,
            "missing_demand": missing,
        }
    )


def test_the_llm_judge_adds_the_off_topic_verdict_the_offline_check_missed() -> None:
    from agents.llm import ScriptedModel

    # The on-topic story, which the offline check lets through, judged as missing the demand.
    reply = _judgement(False, "disagreement", "I strongly disagreed")
    model = ScriptedModel().enqueue(reply)
    grade = Grader(model).grade(PUSHED_BACK, DISAGREE_Q)
    assert grade.backend == "llm"
    assert "off_topic" in grade.flags and grade.missing_demand == "disagreement"
    assert grade.overall <= OFF_TOPIC_CAP and grade.gaps[0] == "off_topic"
    # The system prompt lists the demand ids the judge may name.
    assert "- disagreement: " in model.history[0][0]["content"]


def test_the_llm_judge_cannot_clear_an_offline_off_topic_verdict() -> None:
    from agents.llm import ScriptedModel

    model = ScriptedModel().enqueue(_judgement(True, None, "I booked the space"))
    grade = Grader(model).grade(HACKATHON, DISAGREE_Q)
    assert "off_topic" in grade.flags and grade.missing_demand == "disagreement"


def test_an_unknown_demand_from_the_judge_is_no_verdict() -> None:
    from agents.llm import ScriptedModel

    model = ScriptedModel().enqueue(_judgement(False, "being a great candidate", "I strongly"))
    grade = Grader(model).grade(PUSHED_BACK, DISAGREE_Q)
    assert "off_topic" not in grade.flags and grade.missing_demand is None
