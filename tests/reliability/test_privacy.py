"""Delete my data, and per-user isolation at the storage layer.

"Delete my data" is verified by querying every store afterwards (sessions, turns, recent
questions; stories, search, the raw Chroma collection including chunk records; files), with a
second user's data left untouched. Isolation is checked on `SessionStore` and `StoryBank`
directly, not only through the UI.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from agents.drill.sessions import SessionStoreError
from agents.drill.state import DrillConfig
from agents.privacy import delete_my_data, delete_user_data

ALICE = "Wombatcorp"  # appears only in alice's data
BOB = "Platypusco"  # appears only in bob's data


def _story(marker: str) -> dict[str, object]:
    return {
        "title": f"Rewrote the {marker} pipeline",
        "text": f"At {marker} last year our deploys failed weekly. I owned releases, so I rewrote "
        f"the {marker} pipeline and added canaries. Failed deploys fell from 9% to 2%.",
    }


def _fill(services, user: str, marker: str) -> str:
    iv = services.interviewer
    state = iv.start(DrillConfig(round_type="phone", seed=4), user=user)
    iv.respond(state, f"At {marker} I rewrote the deploy pipeline myself and failures fell 60%.")
    services.stories.create(user, _story(marker))
    exports = services.settings.data_dir / "exports" / user
    exports.mkdir(parents=True, exist_ok=True)
    (exports / "stories.md").write_text(f"{marker} export", "utf-8")
    return state.id


def _raw_records(services, user: str) -> int:
    """Every Chroma record (story and chunk) that names the user."""
    col = services.stories.store.collection(user, create=False)
    return 0 if col is None else len(col.get(where={"user": user})["ids"])


@pytest.mark.slow
def test_delete_my_data_removes_everything_of_one_user_only(services) -> None:
    alice_session = _fill(services, "alice", ALICE)
    bob_session = _fill(services, "bob", BOB)
    assert _raw_records(services, "alice") > 1  # a story record plus its chunks

    report = delete_my_data(services, "alice")

    assert report.ok, report.message
    assert report.sessions == 1 and report.stories == 1 and report.files == 1
    assert all(n == 0 for n in report.remaining.values())
    sessions, stories = services.sessions, services.stories
    assert sessions.list("alice") == [] and sessions.load(alice_session, "alice") is None
    assert sessions.turns(alice_session, "alice") == []
    assert stories.count("alice") == 0 and stories.list("alice") == []
    assert stories.search("alice", f"Tell me about the {ALICE} pipeline") == []
    assert _raw_records(services, "alice") == 0  # embeddings and chunks too
    assert not (services.settings.data_dir / "exports" / "alice").exists()
    # bob is untouched
    assert [s.id for s in sessions.list("bob")] == [bob_session]
    assert stories.count("bob") == 1
    assert stories.search("bob", f"Tell me about the {BOB} pipeline")
    assert (services.settings.data_dir / "exports" / "bob" / "stories.md").exists()


@pytest.mark.slow
def test_deleted_sessions_are_overwritten_on_disk(services) -> None:
    _fill(services, "alice", ALICE)
    _fill(services, "bob", BOB)
    delete_my_data(services, "alice")
    data = services.settings.data_dir
    db_files = [p for p in data.glob("barraiser.sqlite3*") if p.is_file()]
    assert db_files
    assert not any(ALICE.encode() in p.read_bytes() for p in db_files)
    assert any(BOB.encode() in p.read_bytes() for p in db_files)


def _files_with(root: Path, needle: bytes) -> list[str]:
    """Files under `root` (relative) that contain `needle`."""
    return [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    ]


@pytest.mark.slow
def test_deleted_stories_are_gone_from_chroma_files(services) -> None:
    # bob's index files are written before any of alice's data is in this process: Chroma's
    # hnswlib writes a new index's buffers at full capacity without zeroing them, so recycled heap
    # bytes (another user's ids) can land in them (chroma-core/chroma#7688; README, Privacy).
    # The deleted user's id is unique to this run: other test modules in the same worker process
    # use "alice", and the leak above can copy their ids into any new index buffer; what must be
    # gone is this user's.
    run = uuid.uuid4().hex[:12]
    user, marker = f"alice-{run}", f"Wombat{run}"  # her id, and a word only her stories use
    bob_story = services.stories.create("bob", _story(BOB))
    chroma = services.settings.chroma_path
    bobs_dirs = {p.name for p in chroma.iterdir() if p.is_dir()}  # his vector index
    _fill(services, user, marker)
    assert {p.name for p in chroma.iterdir() if p.is_dir()} > bobs_dirs  # hers is on disk
    alice_vector = services.stories.embedder.embed([_story(marker)["title"]])[0]
    vector_bytes = alice_vector.astype("<f4").tobytes()[:64]
    assert _files_with(chroma, vector_bytes)  # the check below can see a stored vector
    # A plain delete is not enough: Chroma keeps the text in its log and freed pages.
    extra = services.stories.create(user, {"title": f"{marker} again", "text": "I led it."})
    services.stories.delete(user, extra.id)
    assert _files_with(chroma, marker.encode())

    report = delete_my_data(services, user)

    assert report.ok, report.message
    # Chroma leaves a dropped collection's index directory on disk; deletion removes it.
    assert {p.name for p in chroma.iterdir() if p.is_dir()} == bobs_dirs
    assert _files_with(chroma, marker.encode()) == []  # text: log, metadata, full-text index
    assert _files_with(chroma, f"{user}:".encode()) == []  # record ids in the index files
    # The stored vectors are gone too: the title chunk's exact float32 bytes appear nowhere.
    assert _files_with(chroma, vector_bytes) == []
    # bob's story, its vectors and its search still work after the rebuild, also reopened.
    assert services.stories.get("bob", bob_story.id) == bob_story
    assert services.stories.search("bob", f"Tell me about the {BOB} pipeline")[0].id == bob_story.id
    from agents.stories import StoryBank

    reopened = StoryBank(path=chroma)
    assert [s.id for s in reopened.list("bob")] == [bob_story.id] and reopened.count(user) == 0
    assert reopened.search("bob", f"Tell me about the {BOB} pipeline")[0].id == bob_story.id


def test_a_report_says_what_could_not_be_deleted(tmp_path: Path) -> None:
    class Broken:
        def delete_user(self, user: str) -> int:
            raise SessionStoreError("disk full")

        def list(self, user: str) -> list:
            return [SimpleNamespace(id="s1")]

        def turns(self, *a: object) -> list:
            return []

        def recent_questions(self, *a: object) -> list:
            return []

    report = delete_user_data("alice", sessions=Broken(), data_dir=tmp_path)  # type: ignore[arg-type]
    assert not report.ok
    assert "disk full" in report.message and "1 sessions" in report.message


# --- isolation at the storage layer -----------------------------------------------------------


def test_session_store_never_serves_another_users_session(services) -> None:
    alice = _fill_session_only(services, "alice")
    store = services.sessions
    assert store.load(alice.id, "bob") is None
    assert store.turns(alice.id, "bob") == []
    assert store.list("bob") == [] and store.latest_open("bob") is None
    assert store.recent_questions("bob") == []
    stolen = alice.model_copy(update={"user": "bob"})
    with pytest.raises(SessionStoreError):
        store.save_turns(stolen)  # bob cannot write into alice's session
    assert services.interviewer.resume(user="bob", session_id=alice.id) is None


def _fill_session_only(services, user: str):
    iv = services.interviewer
    state = iv.start(DrillConfig(round_type="phone", seed=4), user=user)
    iv.respond(state, f"At {ALICE} I rewrote the deploy pipeline myself and failures fell 60%.")
    return state


@pytest.mark.slow
def test_story_bank_never_serves_another_users_story(services) -> None:
    bank = services.stories
    alice_story = bank.create("alice", _story(ALICE))
    bank.create("bob", _story(BOB))
    assert bank.get("bob", alice_story.id) is None
    assert all(ALICE not in s.title for s in bank.list("bob"))
    for hit in bank.search("bob", f"Tell me about the {ALICE} pipeline", k=10):
        assert ALICE not in hit.text and hit.id != alice_story.id
    assert bank.delete("bob", alice_story.id) is False
    assert bank.count("alice") == 1
    assert ALICE not in bank.export_text("bob", "json")
    # A drill for bob never suggests alice's story.
    iv = services.interviewer
    state = iv.start(DrillConfig(mode="coach", seed=4), user="bob")
    iv.respond(state, f"At {ALICE} I rewrote the pipeline myself and failures fell from 9% to 2%.")
    assert all(alice_story.id != q.story_id for q in state.questions)
    for q in state.questions:
        assert all(h["id"] != alice_story.id for h in q.story_hits)
