"""Interview transcripts: every supported format parsed, questions and answers split (with and
without speaker labels), and an import saved as a debriefed session that "delete my data" removes
together with the stored files."""

from __future__ import annotations

import json

import pytest

from agents.material.errors import MaterialError
from agents.material.transcript_formats import parse_transcript, read_transcript
from agents.material.transcript_split import exchanges, is_question, split_transcript
from evals.material_files import DATA_DIR

T = DATA_DIR / "transcripts"


@pytest.mark.parametrize(
    ("name", "fmt", "speakers"),
    [
        ("dev_01.vtt", "vtt", {"Dana Lee", "Sam Ortiz"}),
        ("dev2_01.srt", "srt", {"Ravi Kumar", "Elena Petrova"}),
        ("dev_02_otter.txt", "labelled-blocks", {"Speaker 1", "Speaker 2"}),
        ("dev2_02_teams.txt", "labelled-blocks", {"Oluwaseun Adeyemi", "Carla Mendes"}),
        ("dev2_03_zoom.txt", "labelled-lines", {"Priya Shah", "Tom Becker"}),
        ("dev2_04_nolabels.vtt", "vtt", {None}),
        ("dev_03_plain.txt", "plain", {None}),
    ],
)
def test_formats_and_speakers(name: str, fmt: str, speakers: set) -> None:
    utterances, found = read_transcript(T / name)
    assert found == fmt
    assert {u.speaker for u in utterances} == speakers
    assert all(u.text and "-->" not in u.text and "<v" not in u.text for u in utterances)


def test_split_with_labels_groups_follow_ups() -> None:
    utterances, _ = read_transcript(T / "dev_01.vtt")
    segments = split_transcript(utterances)
    assert [s.kind for s in segments] == ["q", "a", "q", "a", "q", "a"]
    found = exchanges(segments)
    assert len(found) == 2
    assert found[0].probes == ["What did you learn from that?"]
    assert len(found[0].answers) == 2


def test_split_without_labels() -> None:
    text = (
        "Tell me about a time you disagreed with your manager.\n"
        "Sure. My manager wanted to ship on Friday. What did I do? I showed him the crash data.\n"
        "What was the result?\nWe shipped on Monday with 0.5% crashes.\n"
    )
    utterances, fmt = parse_transcript(text)
    assert fmt == "plain"
    segments = split_transcript(utterances)
    assert [s.kind for s in segments] == ["q", "a", "q", "a"]
    assert "What did I do?" in segments[1].text  # the candidate's own question stays in the answer


def test_question_reading() -> None:
    assert is_question("Walk me through a decision you made with incomplete data.")
    assert is_question("And the outcome?")
    assert not is_question("I asked myself what the customer needed.")


def test_unusable_transcripts() -> None:
    with pytest.raises(MaterialError, match="empty"):
        parse_transcript("   \n")
    with pytest.raises(MaterialError, match="not a transcript format"):
        read_transcript(T / "nothing.pdf")


def test_import_saves_a_debriefed_session_deleted_with_my_data(services) -> None:
    from agents.drill.imported import import_interview
    from agents.material.store import MaterialStore
    from agents.privacy import delete_my_data

    path = T / "dev_02_otter.txt"
    found = exchanges(split_transcript(read_transcript(path)[0]))
    state = import_interview(
        found, services.grader, services.principles, source=path.name, store=services.sessions
    )
    store = MaterialStore(services.settings.data_dir)
    store.save_transcript("local", path.name, path.read_bytes(), state.id)
    assert state.status == "done" and state.debrief is not None
    assert all(q.grade is not None for q in state.questions)
    listed = services.sessions.list("local")
    assert [s.id for s in listed] == [state.id]
    kinds = [t["kind"] for t in services.sessions.turns(state.id, "local")]
    assert kinds[0] == "question" and "probe" in kinds and kinds[-1] == "debrief"
    folder = store.folder("local")
    assert json.loads((folder / "transcripts" / "index.json").read_text())[0]["session"] == state.id

    report = delete_my_data(services)
    assert report.ok, report.message
    assert report.sessions == 1 and report.files >= 2
    assert not folder.exists()
