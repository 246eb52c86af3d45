"""The shipped vectors of the fixed texts (agents.text_vectors): current, equal to a fresh
embedding, reproducible, and ignored when tampered with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agents import text_vectors
from agents.embeddings import get_embedding_function
from agents.lp.principles import load_principles
from agents.lp.prototypes import prototype_sentences
from agents.text_vectors import STORE, cached_embed, shipped, texts_key

REPO = Path(__file__).resolve().parent.parent


def _prototype_texts() -> list[str]:
    return [t for p in load_principles().values() for t in prototype_sentences(p)]


def _build(*args: str) -> subprocess.CompletedProcess[str]:
    """The build command in a fresh process: in-process caches of an earlier test would hide
    entries from its recording."""
    return subprocess.run(
        [sys.executable, "-m", "evals.build_text_vectors", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_store_serves_everything_the_app_embeds_on_first_use() -> None:
    run = _build("--check")
    assert run.returncode == 0, run.stdout + run.stderr


def test_stored_vectors_equal_a_fresh_embedding() -> None:
    texts = _prototype_texts()
    stored = shipped()[f"lp-prototypes-{texts_key(texts)}"]
    fresh = get_embedding_function().embed(texts)
    # Another CPU may round differently in the last bits; anything larger is a wrong vector.
    assert stored.shape == fresh.shape and np.allclose(stored, fresh, atol=1e-4)


@pytest.mark.slow
def test_the_build_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    run = _build("--out", str(tmp_path / "v.npz"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "v.npz").read_bytes() == STORE.read_bytes()
    assert (tmp_path / "v.sha256").read_text() == STORE.with_suffix(".sha256").read_text()


def test_a_tampered_store_is_ignored_and_the_texts_are_embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "text_vectors.npz"
    data = bytearray(STORE.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))
    (tmp_path / "text_vectors.sha256").write_text(STORE.with_suffix(".sha256").read_text())
    monkeypatch.setattr(text_vectors, "STORE", copy)
    shipped.cache_clear()
    try:
        assert shipped() == {}
        texts = _prototype_texts()[:5]
        ef = get_embedding_function()
        vectors = cached_embed(texts, ef, None, "lp-prototypes")
        assert np.allclose(vectors, ef.embed(texts), atol=1e-6)
    finally:
        monkeypatch.undo()
        shipped.cache_clear()
    assert shipped()  # the real store again
