"""The injection rules never flag a corpus answer's own sentences (`python -m evals.flag_check`)."""

from __future__ import annotations

from dataclasses import replace

from evals.corpus import load_corpus
from evals.flag_check import injection_false_flags


def test_no_sentence_of_a_candidate_s_own_answer_is_flagged_as_injection() -> None:
    answers = [a for a in load_corpus() if a.voice != "injection"]
    flagged, read = injection_false_flags(answers)
    assert read > 10_000
    assert flagged == 0


def test_the_count_is_not_vacuous_on_injected_answers() -> None:
    """The same count over the injected halves of the pairs (relabelled) finds their payloads."""
    injected = [a for a in load_corpus(voices=["injection"]) if a.labels["injection"]]
    relabelled = [replace(a, labels={**a.labels, "injection": False}) for a in injected]
    flagged, _read = injection_false_flags(relabelled)
    assert flagged >= len(injected)


def test_second_pass_agreement_by_voice_counts_only_those_voices(capsys) -> None:
    from evals.second_pass import main, second_pass_agreement

    trades = second_pass_agreement(["trades"])
    assert trades["answers"] == 30
    assert trades["off_topic_both"] <= trades["off_topic_writer"]
    assert second_pass_agreement()["answers"] > trades["answers"]
    assert main(["--voices", "trades"]) == 0
    assert "answers: 30.000" in capsys.readouterr().out
