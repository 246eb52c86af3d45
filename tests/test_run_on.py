"""The run-on model: where the sentences of an answer without full stops end."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest

from agents.grading.learned import analyze
from agents.run_on import (
    MIN_UNIT_WORDS,
    MODEL_FILE,
    RunOnModel,
    RunOnModelError,
    cut_points,
    load_run_on_model,
    unit_bounds,
    using,
)
from agents.textutil import RUN_ON_WORDS, split_sentences

# Dictated on a phone: no full stop, no capital, about 130 words in five sentences.
DICTATED = (
    "last winter i was the shift lead at a distribution centre outside leeds and one friday night "
    "the conveyor in the packing hall broke down with about four thousand parcels still waiting "
    "for the morning vans "
    "it was my job to get them out on time because the site manager was away "
    "so i split the team into three lines and had them pack by hand and i rang the "
    "engineer on call and walked him through the fault over the phone "
    "we got every parcel onto the vans by six in the morning and only twelve went out late "
    "compared with about nine hundred the last time the belt failed "
    "what i learned is to keep a written plan for a breakdown so nobody has to invent one at "
    "midnight"
)


def test_an_unpunctuated_answer_is_cut_into_sentences() -> None:
    """Each span is a slice of the answer at its offsets, in order, and the story's parts land in
    different spans."""
    spans = split_sentences(DICTATED)
    assert len(spans) >= 4
    assert all(DICTATED[s.start : s.end] == s.text for s in spans)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    joined = " ".join(s.text for s in spans).split()
    assert joined == DICTATED.split()  # no word lost or repeated
    first = next(s.text for s in spans if "conveyor" in s.text)
    assert "twelve went out late" not in first


def test_without_the_model_it_was_one_or_two_spans() -> None:
    """The splitter as it was (a model that never cuts) reads the whole answer as one run."""
    with using(RunOnModel.never()):
        assert len(split_sentences(DICTATED)) <= 2


def test_the_grade_of_a_dictated_answer_quotes_separate_sentences() -> None:
    """Situation, action and result are read from different spans, so the action's evidence is
    not the whole answer (it was, as one span, quoted for every part)."""
    grade = analyze(DICTATED, "Tell me about a time you delivered under pressure.")
    action = grade.components["action"]
    result = grade.components["result"]
    assert action.present and result.present
    assert all(len(e.split()) < 60 for e in action.evidence + result.evidence)
    assert "twelve" in " ".join(result.evidence)
    assert "twelve" not in " ".join(grade.components["situation"].evidence)
    with using(RunOnModel.never()):
        before = analyze(DICTATED, "Tell me about a time you delivered under pressure.")
    assert any(len(e.split()) >= 60 for e in before.components["action"].evidence)


def test_short_and_punctuated_text_is_left_alone() -> None:
    """Runs up to RUN_ON_WORDS words, and punctuated answers, split as before."""
    short = " ".join(DICTATED.split()[:RUN_ON_WORDS])
    assert [s.text for s in split_sentences(short)] == [short]
    assert len(unit_bounds(" ".join(DICTATED.split()[: RUN_ON_WORDS + 1]))) > 1
    punctuated = "I fixed the rota. Overtime fell by a third. I learned to ask first."
    with using(RunOnModel.never()):
        before = split_sentences(punctuated)
    assert split_sentences(punctuated) == before


def test_a_writer_s_own_separators_are_their_layout() -> None:
    """A long line whose units are separated by pipes or slashes is not read for sentence ends."""
    line = " | ".join([DICTATED[:200], DICTATED[200:400], DICTATED[400:]])
    assert unit_bounds(line) == [(0, len(line))]


def test_cut_points_keep_units_long_enough_and_take_the_peak() -> None:
    """No unit under MIN_UNIT_WORDS words; of two neighbouring gaps over the threshold, the
    likelier one is cut."""
    p = np.zeros(20)
    p[1] = 0.9  # too early: the first unit would have two words
    p[6], p[7] = 0.6, 0.8  # the peak is gap 7
    p[18] = 0.95  # too late: the last unit would have one word
    assert cut_points(p, 0.5) == [7]
    bounds = [-1, *cut_points(p, 0.5), 19]
    assert all(b - a >= MIN_UNIT_WORDS for a, b in itertools.pairwise(bounds))


def test_fitting_is_deterministic() -> None:
    """The same runs give the same weights (fixed seed, liblinear)."""
    words = ("i called the engineer and he came so we fixed it and it worked again " * 4).split()
    ends = [w == "came" or w == "it" for w in words[:-1]]
    a = RunOnModel().fit([words], [ends])
    b = RunOnModel().fit([words], [ends])
    assert a.coef is not None and b.coef is not None
    assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept


def test_tampered_model_is_refused(tmp_path: Path) -> None:
    """A changed byte fails the SHA-256 check before anything is read."""
    copy = tmp_path / "run_on.npz"
    shutil.copy(MODEL_FILE, copy)
    shutil.copy(MODEL_FILE.with_suffix(".sha256"), tmp_path / "run_on.sha256")
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(RunOnModelError):
        load_run_on_model.__wrapped__(copy)


@pytest.mark.slow
def test_training_reproduces_the_shipped_model_bit_for_bit(tmp_path: Path) -> None:
    """`make train`'s recipe writes the same bytes as the shipped artefact."""
    from evals.train_run_on import SHIPPED_THRESHOLD, corpus_runs, fit

    digest = fit(corpus_runs(), SHIPPED_THRESHOLD).save(tmp_path / "run_on.npz")
    assert digest == MODEL_FILE.with_suffix(".sha256").read_text("utf-8").strip()
