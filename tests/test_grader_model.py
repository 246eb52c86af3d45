"""The learned sentence-role model: reproducible from the corpus, hash-checked, generalizing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from agents.grading.roles_model import (
    MODEL_FILE,
    ModelIntegrityError,
    SentenceRoleModel,
    featurize,
    load_model,
)
from evals.corpus import load_corpus
from evals.train_grader import fit_model

pytestmark = pytest.mark.slow


def test_training_reproduces_the_shipped_artefact_bit_for_bit(tmp_path: Path) -> None:
    """`make train` on the committed corpus writes exactly the committed model bytes."""
    out = tmp_path / "sentence_roles.npz"
    digest = fit_model(load_corpus()).save(out)
    assert out.read_bytes() == MODEL_FILE.read_bytes()
    assert digest == MODEL_FILE.with_suffix(".sha256").read_text("utf-8").strip()


def test_a_tampered_artefact_is_refused(tmp_path: Path) -> None:
    """A model whose bytes no longer match the recorded hash is never loaded."""
    copy = tmp_path / "sentence_roles.npz"
    shutil.copy(MODEL_FILE, copy)
    shutil.copy(MODEL_FILE.with_suffix(".sha256"), copy.with_suffix(".sha256"))
    assert load_model(copy).coef is not None
    copy.write_bytes(copy.read_bytes() + b"\0")
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_model.__wrapped__(copy)


def test_artefact_is_small_and_loads_without_scikit_learn() -> None:
    """The artefact stays well under the 25 MB budget and holds only numpy arrays."""
    assert MODEL_FILE.stat().st_size < 25 * 1024 * 1024
    model = load_model()
    assert isinstance(model.coef, np.ndarray) and model.thresholds is not None
    assert hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()


@pytest.mark.eval
def test_a_voice_left_out_is_read_well() -> None:
    """Trained without the teacher and finance voices, the model still finds their parts."""
    corpus = load_corpus()
    held = {"teacher", "finance"}
    model: SentenceRoleModel = fit_model([a for a in corpus if a.voice not in held])
    hits = total = 0
    for a in corpus:
        if a.voice not in held or a.labels["hypothetical"] or a.labels["non_answer"]:
            continue
        probs = model.predict_proba(featurize(a.spans))
        predicted = probs >= model.thresholds
        for row, roles in zip(predicted, a.span_roles, strict=True):
            for k, role in enumerate(("situation", "task", "action", "result", "learning")):
                hits += bool(row[k]) == (role in roles)
                total += 1
    assert hits / total >= 0.90, hits / total
