"""The learned question-demand reading: what a question asks the story to contain."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from agents.embeddings import get_embedding_function
from agents.lp.demands import load_demands
from agents.lp.question_demand import (
    MODEL_FILE,
    QuestionDemandError,
    QuestionDemandModel,
    load_question_demand_model,
    question_demand_model,
    using,
)
from agents.stories.demand_index import demand_vectors

# Written for this test (no corpus or example question uses these words). The first three name
# no cue phrase of their demand, and the word-overlap reading names another demand for each.
ASKED = [
    ("Give me an example of getting something done with half the budget you asked for.",
     "scarce_resources"),
    ("Tell me about a call you had to make before all the facts were in.", "incomplete_data"),
    ("Tell me about a process you made easier for everyone who used it.", "simplification"),
    ("Walk me through a time you and your manager saw things differently and you said so.",
     "disagreement"),
    ("Tell me about a time you had to pick up a completely unfamiliar skill fast.", "learned_new"),
]  # fmt: skip


def test_shipped_model_reads_questions_it_was_not_trained_on() -> None:
    model = load_question_demand_model()
    assert model.names == list(load_demands())
    probs = model.predict_proba(get_embedding_function().embed([q for q, _ in ASKED]))
    assert probs.shape == (len(ASKED), len(model.names))
    assert np.allclose(probs.sum(axis=1), 1.0)
    named = [model.names[i] for i in probs.argmax(axis=1)]
    assert named == [d for _, d in ASKED]


def test_word_overlap_reading_misses_what_the_model_reads() -> None:
    from agents.grading.relevance import question_demand

    # Why the model exists: the lexical reading names another demand for these questions.
    assert all(question_demand(q)[0] != d for q, d in ASKED[:3])


def test_story_search_weighs_demands_by_the_model() -> None:
    ef = get_embedding_function()
    question, demand = ASKED[0]
    qv = ef.embed([question])[0]
    dv = demand_vectors(ef)
    assert np.allclose(dv.question_probs(question, qv), load_question_demand_model().probs(qv))
    # An evaluation's override is what search reads inside `using`.
    other = QuestionDemandModel(
        names=list(dv.names),
        coef=np.zeros((len(dv.names), len(qv)), dtype=np.float32),
        intercept=np.eye(len(dv.names), dtype=np.float32)[dv.names.index("failure")] * 9,
    )
    with using(other):
        assert question_demand_model() is other
        assert dv.names[int(np.argmax(dv.question_probs(question, qv)))] == "failure"
    assert dv.names[int(np.argmax(dv.question_probs(question, qv)))] == demand


def test_tampered_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "question_demand.npz"
    data = bytearray(MODEL_FILE.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    shutil.copy(MODEL_FILE.with_suffix(".sha256"), tmp_path / "question_demand.sha256")
    with pytest.raises(QuestionDemandError, match="does not match"):
        load_question_demand_model(bad)
    with pytest.raises(QuestionDemandError, match="missing"):
        load_question_demand_model(tmp_path / "absent.npz")


def test_model_for_other_demands_is_refused(tmp_path: Path) -> None:
    shipped = load_question_demand_model()
    assert shipped.coef is not None and shipped.intercept is not None
    names = list(shipped.names)
    names[0] = "something_else"
    path = tmp_path / "question_demand.npz"
    QuestionDemandModel(names=names, coef=shipped.coef, intercept=shipped.intercept).save(path)
    with pytest.raises(QuestionDemandError, match="other demands"):
        load_question_demand_model(path)


def test_fit_needs_every_demand() -> None:
    vectors = np.eye(2, 384, dtype=np.float32)
    with pytest.raises(ValueError, match="no training question asks for"):
        QuestionDemandModel().fit(vectors, ["failure", "disagreement"])


@pytest.mark.slow
def test_training_reproduces_the_shipped_model_bit_for_bit(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    from evals.train_question_demand import fit, training_set

    store = getattr(pytestconfig, "cache", None)  # absent under -p no:cacheprovider
    cache = store.mkdir("question-demand-vectors") if store else None
    digest = fit(*training_set(cache)).save(tmp_path / "question_demand.npz")
    assert digest == MODEL_FILE.with_suffix(".sha256").read_text("utf-8").strip()
