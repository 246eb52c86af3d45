"""The interviewer's phrase files load, and a broken edit fails with the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import prompts
from agents.drill import phrases
from agents.prompts import PhraseDataError

LOADERS = (
    phrases.interviewer_phrases,
    phrases.probe_phrases,
    phrases.feedback_phrases,
    phrases.debrief_phrases,
    phrases.transcript_phrases,
)


def test_every_phrase_file_loads() -> None:
    for load in LOADERS:
        assert load() is not None
    assert all(
        p.endswith("?") for options in phrases.probe_phrases().bank.values() for p in options
    )


def _load_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, old: str, new: str):
    """Load a copy of one phrase file with `old` replaced by `new`."""
    source = (prompts.PHRASES_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in source
    (tmp_path / f"{name}.yaml").write_text(source.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setattr(prompts, "PHRASES_DIR", tmp_path)
    model = {"interviewer": phrases.InterviewerPhrases, "probes": phrases.ProbePhrases}[name]
    return prompts.load_phrases(name, model)


def test_an_unknown_placeholder_names_the_file_and_key(tmp_path, monkeypatch) -> None:
    with pytest.raises(PhraseDataError) as err:
        _load_edited(tmp_path, monkeypatch, "interviewer", "off: {prompt}", "off: {question}")
    message = str(err.value)
    assert "interviewer.yaml" in message and "resume" in message and "question" in message


def test_a_probe_without_a_question_mark_is_refused(tmp_path, monkeypatch) -> None:
    with pytest.raises(PhraseDataError) as err:
        _load_edited(
            tmp_path, monkeypatch, "probes", "How did you know it had worked?", "It worked."
        )
    assert "probes.yaml" in str(err.value) and "bank.result" in str(err.value)


def test_a_missing_key_is_named(tmp_path, monkeypatch) -> None:
    with pytest.raises(PhraseDataError) as err:
        _load_edited(tmp_path, monkeypatch, "probes", "gap_labels:", "gap_label:")
    assert "gap_labels" in str(err.value)
