"""Where the seconds of a spoken answer went: synthetic Piper speech with known part timings
through the real Whisper model and the real grader's sentence roles; the coach line, the timeline
bar, `barraiser voice analyze --json` and `barraiser drill --audio-answers`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from agents.cli.main import main
from agents.config import Settings
from agents.drill.voice_coach import (
    answer_tail,
    clock,
    coach_line,
    sentence_roles,
    timeline_bar,
    timeline_markdown,
)
from agents.ui.voice import measure_spoken
from agents.voice.audio import to_int16, write_wav
from agents.voice.stt import Transcript, WhisperSTT, Word, build_stt
from agents.voice.timeline import PARTS, sentence_spans, timed_sentences
from evals.spoken_answers import answers, spoken

QUESTION = "Tell me about a time you fixed a reliability problem."


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> WhisperSTT:
    stt = build_stt(Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("voice")))
    assert isinstance(stt, WhisperSTT)
    return stt


def test_the_coach_says_where_the_time_went_in_plain_words() -> None:
    star = {"situation": 60.0, "task": 10.0, "action": 25.0, "result": 25.0, "learning": 5.0}
    assert clock(70) == "1:10" and clock(25.4) == "25 s" and clock(125) == "2:05"
    assert coach_line(star) == "1:10 of 2:05 on the situation, 25 s on what you did: flip that."
    no_result = {"situation": 10.0, "task": 5.0, "action": 40.0, "result": 0.0, "learning": 0.0}
    assert "no result" in coach_line(no_result)
    good = {"situation": 15.0, "task": 5.0, "action": 60.0, "result": 25.0, "learning": 10.0}
    assert "good balance" in coach_line(good)
    only_result = {"situation": 0.0, "task": 0.0, "action": 0.0, "result": 3.0, "learning": 2.0}
    assert "none of it on what you did" in coach_line(only_result)
    bar = timeline_bar(star)
    assert len(bar) == 40 and bar.startswith("S" * 19) and bar.count("A") == 8
    assert timeline_bar({}) == "·" * 40
    md = timeline_markdown([{"star_seconds": star, "wpm": 150, "fillers": {"um": 2}, "pauses": []}])
    assert "Where the seconds went" in md and "flip that" in md and "2 fillers" in md
    assert timeline_markdown([]) == ""


def test_sentence_spans_follow_the_word_timings() -> None:
    words = [
        Word(start=0.5 + i, end=1.3 + i, text=w)
        for i, w in enumerate(["I", "did", "it.", "It", "worked", "well."])
    ]
    spans = sentence_spans(words, ["I did it.", "It worked well."], duration_s=8.0)
    # A sentence runs to the next one's first word; the last ends on its last word.
    assert spans == [(0.5, 3.5), (3.5, 6.3)]
    t = Transcript(text="I did it. It worked well.", duration_s=8.0, words=words)
    timed = timed_sentences(t, [("I did it.", "action"), ("It worked well.", None)])
    assert [s.part for s in timed] == ["action", "action"]  # no role: continues the part before


def test_how_an_answer_sounds_at_a_pause() -> None:
    assert answer_tail("Last spring our checkout service kept timing out during sales.") == (
        "mid_story"
    )
    assert answer_tail("I added an index. Errors fell from four percent to one percent.") == (
        "finished"
    )
    assert answer_tail("I profiled the slow requests. Hmm, let me think.") == "hesitating"
    assert answer_tail("I fixed it, so yeah.") == "finished"
    assert answer_tail("") == "unknown"


def test_the_scripted_answers_get_the_roles_they_were_written_for() -> None:
    # The known timings assume the grader labels each sentence as written: check that first.
    for record in answers():
        text = " ".join(s for _, s in record["sentences"])
        assert [r for _, r in sentence_roles(text)] == [p for p, _ in record["sentences"]]


@pytest.mark.slow
@pytest.mark.parametrize(("index", "thinking"), [(0, None), (2, {1: 2.0}), (6, {3: 2.5})])
def test_star_seconds_match_the_known_timings_within_ten_percent(
    tiny: WhisperSTT, index: int, thinking: dict[int, float] | None
) -> None:
    answer = spoken(index, thinking)
    measured = measure_spoken(tiny, (16000, answer.audio))
    known = answer.star_seconds
    for part in PARTS:
        assert measured.star_seconds[part] == pytest.approx(known[part], rel=0.10), (
            part,
            measured.star_seconds,
            known,
        )


@pytest.mark.slow
def test_voice_analyze_prints_the_documented_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = spoken(0)
    wav = write_wav(tmp_path / "answer.wav", 16000, to_int16(answer.audio))
    assert main(["voice", "analyze", str(wav), "--question", QUESTION, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "transcript", "duration_s", "wpm", "fillers", "pauses", "star_seconds", "grade"
    ]  # fmt: skip
    assert list(out["star_seconds"]) == list(PARTS)
    assert out["star_seconds"]["action"] == pytest.approx(answer.star_seconds["action"], rel=0.1)
    assert out["grade"]["components"]["result"]["present"] and out["grade"]["overall"] >= 4
    assert "checkout" in out["transcript"].lower()
    assert main(["voice", "analyze", str(tmp_path / "missing.wav")]) == 2


@pytest.mark.slow
def test_a_whole_drill_from_audio_files(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for n, index in enumerate((0, 2)):
        write_wav(folder / f"{n:02d}.wav", 16000, to_int16(spoken(index).audio))
    (folder / "notes.txt").write_text("not audio")  # ignored: only .wav files, in name order
    out, md, pdf = tmp_path / "t.json", tmp_path / "t.md", tmp_path / "t.pdf"
    args = ["drill", "--audio-answers", str(folder), "--seed", "3", "--minutes", "10"]
    extra = ["--transcript", str(out), "--markdown", str(md), "--pdf", str(pdf), "--quiet"]
    assert main([*args, *extra]) == 0
    turns = json.loads(out.read_text())["turns"]
    said = [t for t in turns if t["role"] == "candidate"]
    assert len(said) == 2 and "checkout" in said[0]["text"].lower()
    assert all(set(t["voice"]["star_seconds"]) == set(PARTS) for t in said)
    assert turns[-1]["kind"] == "debrief"
    text = md.read_text()
    assert "Where the seconds went" in text and text.count("wpm") == 2
    # The shareable report carries the timeline too.
    report = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Where the seconds went" in " ".join(report.split())
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["drill", "--audio-answers", str(empty), "--quiet"]) == 2


def test_the_timing_eval_chooses_on_dev_voices_only() -> None:
    from agents.voice.timeline import SNAP
    from evals.voice_timing_eval import grid, split

    voices = split()
    assert voices["dev"] and len(voices["held_out"]) >= 4
    assert not set(voices["dev"]) & set(voices["held_out"])  # no voice and speed in both
    assert SNAP in grid()  # the shipped window is one of the windows the dev set chose from
