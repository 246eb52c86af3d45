"""Story bank on real Chroma: the same tests run embedded and against a `chroma run` server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import child_env, free_port, stop_process

from agents.stories import (
    StoryBank,
    StoryBankError,
    StoryError,
    StoryHit,
    StoryImportError,
    StoryInput,
    StoryNotFoundError,
)

STORIES_MD = """# Stories

## Search latency at checkout
ID: latency
LPs: dive-deep
Role: SDE II
Company: Acme

Last year our search page was slow and customers were leaving. I pulled the raw request logs,
profiled the slowest queries and found an N+1 query in the ranking service. I added a cache in
front of it. Latency dropped to 300 ms from 1200 ms and abandoned searches fell by 12%.

## Pushed back on my manager
ID: backbone
LPs: have-backbone
Situation: My manager wanted to ship the payments release without a load test.
Task: I owned the release and its on-call.
Action: I disagreed in the planning meeting, showed data from the last outage and proposed a
two-day test. When the director decided, I committed fully.
Result: The test found a memory leak; we shipped a week later with zero incidents.

## Mentoring a struggling new hire
ID: mentor
LPs: hire-and-develop-the-best

A new engineer on my team was struggling with code reviews. I paired with her every day for two
weeks, wrote a starter guide and gave her a small feature to own. She shipped it in a month and
was promoted the next year.

## Cutting the cloud bill
ID: cost
LPs: frugality

Our AWS bill grew 40% in a quarter. I tagged every resource, found idle clusters and oversized
databases, and moved batch jobs to spot instances. The monthly bill fell by a third, saving
$80k a year without slowing anything down.

## Shipping a fix before the holiday sale
ID: speed
LPs: bias-for-action

Two days before the holiday sale our checkout started failing for some card types. Rather than
wait for the weekly release, I rolled back the faulty change within the hour, wrote a hotfix
and got it reviewed the same evening.
"""

QUESTIONS = {
    "Tell me about a time you disagreed with your manager.": "backbone",
    "Tell me about a time you reduced costs.": "cost",
    "Tell me about a time you helped someone on your team grow.": "mentor",
    "Tell me about a time you used data to find the root cause of a performance problem.": (
        "latency"
    ),
    "Tell me about a time you acted quickly to fix a problem before a big deadline.": "speed",
}
# Direct questions only: paraphrase and cross-LP quality is measured by evals/retrieval_eval.py.

CHROMA = Path(sys.executable).parent / "chroma"


# --- backends -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` on 127.0.0.1 for the whole session; always stopped at the end."""
    exe = shutil.which("chroma") or (str(CHROMA) if CHROMA.exists() else None)
    if exe is None:
        pytest.skip("the `chroma` command is not installed")
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log_path = root / "server.log"
    env = child_env(root / "data", ANONYMIZED_TELEMETRY="False")
    with log_path.open("w") as log:
        # Output goes to a file, not a pipe: a chatty server must never block on a full pipe.
        proc = subprocess.Popen(
            [exe, "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_for_heartbeat(port, proc, log_path)
        yield "127.0.0.1", port
    finally:
        stop_process(proc)


def _wait_for_heartbeat(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll the server's heartbeat until it answers (or the process dies)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited ({proc.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"chroma run did not answer on port {port}:\n{log.read_text()[-2000:]}")


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which storage the test runs on."""
    return request.param


@pytest.fixture
def bank(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> StoryBank:
    """A fresh, empty bank: embedded under tmp_path, or a fresh collection on the server."""
    if backend == "embedded":
        return StoryBank(path=tmp_path / "chroma")
    host, port = request.getfixturevalue("chroma_server")
    return StoryBank(host=host, port=port, collection=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def filled(bank: StoryBank) -> StoryBank:
    """The bank with STORIES_MD imported for user alice."""
    bank.import_text("alice", STORIES_MD, "md", "stories.md")
    return bank


# --- CRUD -----------------------------------------------------------------------------------


def test_create_get_update_delete(bank: StoryBank) -> None:
    story = bank.create(
        "alice",
        {"title": "Latency", "text": "I cut latency to 300 ms from 1200 ms by adding a cache."},
    )
    assert story.id.startswith("s-") and story.user == "alice"
    assert story.lps, "LPs are auto-suggested when none are given"
    assert story.metrics == ["300 ms", "1200 ms"]  # extracted
    assert bank.get("alice", story.id) == story
    time.sleep(1.1)  # timestamps have second resolution
    edited = bank.update("alice", story.id, text="I cut latency to 200 ms.", lps=["dive-deep"])
    assert edited.metrics == ["200 ms"] and edited.lps == ["dive-deep"]
    assert edited.created_at == story.created_at and edited.updated_at > story.updated_at
    with pytest.raises(StoryError, match="unknown field"):
        bank.update("alice", story.id, colour="red")
    with pytest.raises(StoryError, match="title"):
        bank.update("alice", story.id, title="  ")
    assert bank.count("alice") == 1
    assert bank.delete("alice", story.id) is True
    assert bank.delete("alice", story.id) is False
    assert bank.get("alice", story.id) is None and bank.list("alice") == []
    with pytest.raises(StoryNotFoundError):
        bank.update("alice", story.id, title="x")


def test_create_validates_input(bank: StoryBank) -> None:
    with pytest.raises(StoryError, match="needs 'text'"):
        bank.create("alice", {"title": "Only a title"})
    with pytest.raises(StoryError, match="invalid user"):
        bank.create("alice:bob", {"title": "t", "text": "x"})
    created = bank.create("alice", StoryInput(title="t", text="x", id="mine"))
    with pytest.raises(StoryError, match="already exists"):
        bank.create("alice", StoryInput(title="t2", text="y", id=created.id))


# --- retrieval ------------------------------------------------------------------------------


def test_search_finds_the_story_that_answers_each_question(filled: StoryBank) -> None:
    for question, expected in QUESTIONS.items():
        hits = filled.search("alice", question, k=3)
        assert hits[0].id == expected, (question, [h.title for h in hits])
        assert len(hits) == 3 and all(isinstance(h, StoryHit) for h in hits)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True) and scores[0] >= 0.5, (question, scores)
        assert all(0.0 <= x <= 1.0 for x in scores)
    (top,) = filled.search("alice", "Tell me about a time you disagreed with your boss.", k=1)
    assert "Have Backbone" in top.reason and top.matched_lp == "have-backbone"
    assert top.public_dict() == {"id": "backbone", "title": top.title, "score": top.score,
                                 "probability": top.probability,
                                 "lps": ["have-backbone"]}  # fmt: skip
    assert 0.5 < top.probability < 1.0
    assert "load test" in top.text  # the narrative, for the interviewer's consistency checks


def test_search_edge_cases(filled: StoryBank) -> None:
    assert filled.search("alice", "   ") == []
    assert filled.search("nobody", "Tell me about a time you disagreed.") == []
    assert len(filled.search("alice", "deadline", k=50)) == 5
    with pytest.raises(StoryError):
        filled.search("alice", "x", k=0)
    off_topic = filled.search("alice", "What is the capital of France?", k=1)
    assert off_topic[0].score < 0.5  # nothing is a good fit


def test_multilingual_story_matches_a_question_in_its_language(filled: StoryBank) -> None:
    filled.create(
        "alice",
        {
            "id": "es",
            "title": "Reduje los costes de la nube",
            "text": "Nuestra factura de la nube creció un 40%. Etiqueté todos los recursos, apagué "
            "los clústeres inactivos y la factura mensual bajó un tercio.",
        },
    )
    hits = filled.search("alice", "Cuéntame de una vez en que redujiste los costes de la nube.")
    assert hits[0].id == "es"


# --- users ----------------------------------------------------------------------------------


def test_a_purge_by_another_process_leaves_this_bank_working(filled: StoryBank) -> None:
    # A second app process shares the storage; "delete my data" runs there while this bank
    # holds alice's collection open. Its next calls must see an empty bank, then work again.
    other = StoryBank(
        path=filled.path, host=filled.host, port=filled.port, collection=filled.collection_name
    )
    filled.import_text("bob", STORIES_MD, "md")
    assert filled.count("alice") == 5 and other.count("alice") == 5
    assert other.purge_user("alice") == 5
    assert filled.list("alice") == [] and filled.search("alice", "cutting costs") == []
    assert filled.import_text("alice", STORIES_MD, "md").created == 5
    assert other.count("alice") == 5
    assert filled.search("alice", "Tell me about cutting costs", k=1)[0].id == "cost"
    assert filled.count("bob") == 5  # the other user was never touched


def test_users_are_isolated(bank: StoryBank) -> None:
    bank.import_text("alice", STORIES_MD, "md")
    bank.import_text("bob", STORIES_MD, "md")  # the same story ids, in another user's space
    bank.create("alice", {"id": "secret", "title": "Alice's secret", "text": "I led a launch."})
    assert bank.count("alice") == 6 and bank.count("bob") == 5
    bank.update("bob", "cost", title="Bob's cost story")
    assert bank.get("alice", "cost").title == "Cutting the cloud bill"  # type: ignore[union-attr]
    assert bank.get("bob", "secret") is None
    assert all(h.id != "secret" for h in bank.search("bob", "Tell me about a launch you led", k=10))
    assert bank.delete("bob", "secret") is False and bank.get("alice", "secret") is not None
    with pytest.raises(StoryNotFoundError):
        bank.record_use("bob", "secret", "session-1")
    with pytest.raises(StoryNotFoundError):
        bank.update("bob", "secret", title="mine now")
    with pytest.raises(StoryNotFoundError):
        bank.review("bob", "secret")
    assert "secret" not in bank.export_text("bob", "json")
    assert all(s["id"] != "secret" for s in bank.coverage("bob").stories)
    assert bank.clear("bob") == 5
    assert bank.count("bob") == 0 and bank.count("alice") == 6


# --- import / export ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "json", "yaml"])
def test_import_export_import_is_lossless(bank: StoryBank, fmt: str) -> None:
    bank.import_text("alice", STORIES_MD, "md")
    exported = bank.export_text("alice", fmt)
    report = bank.import_text("carol", exported, fmt)
    assert report.created == 5
    alice = {s.id: s for s in bank.list("alice")}
    carol = {s.id: s for s in bank.list("carol")}
    assert {k: s.content_key() for k, s in alice.items()} == {
        k: s.content_key() for k, s in carol.items()
    }
    assert all(carol[k].created_at == alice[k].created_at for k in alice)
    assert bank.export_text("carol", fmt) == exported
    # Importing the export back into the same user changes nothing.
    again = bank.import_text("alice", exported, fmt)
    assert again.unchanged == 5 and again.created == again.updated == 0


def test_reimporting_a_file_without_ids_does_not_duplicate(bank: StoryBank) -> None:
    data = json.dumps([{"title": "A", "text": "I fixed the build."}, {"title": "B", "text": "x"}])
    first = bank.import_text("alice", data, "json")
    second = bank.import_text("alice", data, "json")
    assert first.created == 2 and second.unchanged == 2 and bank.count("alice") == 2
    assert set(second.ids) == set(first.ids)


def test_a_bad_file_imports_nothing_and_keeps_existing_stories(
    filled: StoryBank, tmp_path: Path
) -> None:
    before = {s.id: s for s in filled.list("alice")}
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps([{"id": "cost", "title": "Overwrite", "text": "x"}, {"title": "", "text": "y"}]),
        "utf-8",
    )
    with pytest.raises(StoryImportError) as info:
        filled.import_file("alice", bad)
    assert str(info.value).startswith(f"{bad}:1: story 2, field 'title'")
    for path, content, fragment in [
        (tmp_path / "s.txt", b"## T\nx", "unsupported file extension"),
        (tmp_path / "bin.md", b"\x00\x01\x02binary", "binary"),
        (tmp_path / "latin1.md", "## Café\nx".encode("latin-1"), "not valid UTF-8"),
        (tmp_path / "empty.yaml", b"", "empty"),
        (tmp_path / "missing.md", None, "file not found"),
    ]:
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(StoryImportError, match=fragment):
            filled.import_file("alice", path)
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(StoryImportError, match="directory"):
        filled.import_file("alice", tmp_path / "dir.md")
    assert {s.id: s for s in filled.list("alice")} == before


def test_a_failed_write_is_rolled_back(filled: StoryBank, monkeypatch: pytest.MonkeyPatch) -> None:
    before = {s.id: s.content_key() for s in filled.list("alice")}
    hits_before = [h.id for h in filled.search("alice", "Tell me about reducing costs", k=5)]
    calls = {"n": 0}
    from agents.stories.scope import UserScope
    from agents.stories.store import ChromaStore

    real = UserScope.upsert

    def flaky(self: UserScope, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(UserScope, "upsert", flaky)
    monkeypatch.setattr(ChromaStore, "WRITE_BATCH", 4)  # several batches per import
    payload = [
        {"id": "cost", "title": "Cost, rewritten", "text": "A new cost story. Short now."},
        {"id": "new1", "title": "New one", "text": "I did a new thing. It went well."},
        {"id": "new2", "title": "New two", "text": "I did another thing. It went well too."},
    ]
    with pytest.raises(StoryBankError, match="disk full"):
        filled.import_text("alice", json.dumps(payload), "json")
    monkeypatch.undo()
    assert {s.id: s.content_key() for s in filled.list("alice")} == before
    assert [h.id for h in filled.search("alice", "Tell me about reducing costs", k=5)] == (
        hits_before
    )


# --- history, coverage ----------------------------------------------------------------------


def test_record_use_coverage_overuse_and_duplicates(filled: StoryBank) -> None:
    for session in ("s1", "s2", "s3", "s3"):
        filled.record_use("alice", "latency", session)
    assert filled.get("alice", "latency").use_count == 4  # type: ignore[union-attr]
    assert filled.usage("alice")["latency"] == (3, 4)
    copy = filled.get("alice", "cost")
    assert copy is not None
    filled.create("alice", {"title": "Reducing our cloud costs", "text": copy.text, "lps": []})
    cov = filled.coverage("alice")
    assert len(cov.lps) == 16 and len(cov.stories) == 6
    assert cov.matrix["dive-deep"]["latency"] >= 1 and cov.matrix["think-big"]["latency"] == 0
    assert [o.id for o in cov.overused] == ["latency"]
    assert len(cov.duplicates) == 1 and {cov.duplicates[0].a, cov.duplicates[0].b} >= {"cost"}
    assert set(cov.weak_lps) >= {"think-big", "earn-trust"}
    assert "| Dive Deep |" in cov.markdown() and "Near-duplicates" in cov.markdown()
    reviews = filled.review_all("alice")
    assert len(reviews) == 6 and reviews[0].overall <= reviews[-1].overall


# --- storage details ------------------------------------------------------------------------


def test_reopened_collection_uses_our_embedding_function(filled: StoryBank, backend: str) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    import agents.embeddings  # noqa: F401 - registers the function with Chroma

    settings = ChromaSettings(anonymized_telemetry=False)
    if backend == "embedded":
        client = chromadb.PersistentClient(path=str(filled.path), settings=settings)
    else:
        client = chromadb.HttpClient(host=filled.host, port=filled.port, settings=settings)
    col = client.get_collection(filled.collection_name_for("alice"))  # no embedding function
    ef = col.configuration.get("embedding_function")
    assert ef is not None and ef.name() == "barraiser-minilm-int8"
    # Querying by text embeds with our model (sockets to anything but loopback are blocked).
    got = col.query(query_texts=["cloud bill"], n_results=1, where={"user": "alice"})
    assert got["ids"][0][0].startswith("alice:cost")
    # A second bank on the same storage sees the same stories.
    again = StoryBank(path=filled.path) if backend == "embedded" else filled
    assert again.search("alice", "Tell me about a time you reduced costs.")[0].id == "cost"


def test_a_schema_1_shared_collection_is_split_per_user(tmp_path: Path) -> None:
    old = StoryBank(path=tmp_path / "chroma")
    old.import_text("alice", STORIES_MD, "md")
    old.create("bob", {"id": "b1", "title": "Bob's launch", "text": "I led the launch."})
    before = {u: [s.content_key() for s in old.list(u)] for u in ("alice", "bob")}
    # Rebuild the schema-1 layout: every user's records in one collection, as 1.x wrote them.
    client = old.store.client()
    shared = client.create_collection(old.collection_name)
    for user in ("alice", "bob"):
        col = old.store.collection(user)
        assert col is not None
        got = col.get(include=["metadatas", "embeddings", "documents"])
        shared.add(
            ids=got["ids"],
            embeddings=got["embeddings"],
            metadatas=got["metadatas"],
            documents=got["documents"],
        )
        client.delete_collection(old.collection_name_for(user))

    bank = StoryBank(path=tmp_path / "chroma")
    assert {u: [s.content_key() for s in bank.list(u)] for u in ("alice", "bob")} == before
    names = {c.name for c in bank.store.client().list_collections()}
    assert names == {bank.collection_name_for("alice"), bank.collection_name_for("bob")}
    assert bank.search("alice", "Tell me about a time you reduced costs.")[0].id == "cost"
    assert bank.search("bob", "Tell me about a launch")[0].id == "b1"


def test_fresh_install_reads_create_nothing(tmp_path: Path) -> None:
    bank = StoryBank(path=tmp_path / "nothing-here")
    assert bank.list("alice") == [] and bank.search("alice", "q") == [] and bank.count("a") == 0
    assert bank.get("alice", "x") is None and not bank.delete("alice", "x")
    assert not (tmp_path / "nothing-here").exists()


def test_unreachable_server_gives_a_clear_error() -> None:
    port = free_port()
    bank = StoryBank(host="127.0.0.1", port=port)
    with pytest.raises(StoryBankError, match=f"Chroma server at 127.0.0.1:{port}"):
        bank.list("alice")


def test_from_settings_picks_embedded_or_server(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = StoryBank.from_settings(settings)
    assert bank.path == settings.data_dir / "chroma" and bank.host is None
    served = StoryBank.from_settings(settings.model_copy(update={"chroma_host": "127.0.0.1"}))
    assert served.host == "127.0.0.1" and served.port == 8000 and served.path is None
    with pytest.raises(ValueError):
        StoryBank()


def test_hits_fit_the_interviewer_seam(filled: StoryBank) -> None:
    from agents.drill.story_checks import hit_dict

    hit = hit_dict(filled.search("alice", "Tell me about a time you reduced costs.", k=1)[0])
    assert hit["id"] == "cost" and hit["score"] >= 0.5 and hit["text"]


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at the backend under test (the data dir is already isolated)."""
    if backend == "server":
        host, port = request.getfixturevalue("chroma_server")
        monkeypatch.setenv("CHROMA_HOST", host)
        monkeypatch.setenv("CHROMA_PORT", str(port))
        # A fresh collection per test on the shared server.
        monkeypatch.setattr("agents.stories.bank.COLLECTION_NAME", f"cli-{uuid.uuid4().hex[:12]}")


def test_cli_import_list_search_export_delete(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents.cli.main import main

    src = tmp_path / "stories.md"
    src.write_text(STORIES_MD, "utf-8")
    assert main(["stories", "import", str(src)]) == 0
    assert "5 new" in capsys.readouterr().out
    assert main(["stories", "list"]) == 0
    assert "Pushed back on my manager" in capsys.readouterr().out
    assert main(["stories", "search", "Tell me about cutting costs", "--k", "2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [sorted(r) for r in rows] == [["id", "lps", "probability", "score", "title"]] * 2
    assert rows[0]["id"] == "cost" and rows[0]["score"] >= rows[1]["score"]
    assert main(["stories", "search", "Tell me about cutting costs", "--k", "2"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^ *\d+%  cost  ", text, re.MULTILINE) and "matches: " in text
    assert "None of your stories" not in text  # the cost story fits
    out = tmp_path / "out.yaml"
    assert main(["stories", "export", str(out)]) == 0 and out.exists()
    assert main(["stories", "coverage"]) == 0 and "| Frugality |" in capsys.readouterr().out
    assert main(["stories", "coach", "cost"]) == 0 and "overall" in capsys.readouterr().out
    assert main(["stories", "delete", "cost"]) == 0
    assert main(["stories", "list", "--user", "bob"]) == 0
    assert "no stories for bob" in capsys.readouterr().out
    capsys.readouterr()
    assert main(["stories", "delete", "cost"]) == 2
    assert "no story 'cost'" in capsys.readouterr().err
    assert main(["stories", "import", str(out), "--user", "bob"]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.yaml"
    bad.write_text("- title: ok\n  text: fine\n- title: x\n  lps: [nonsense]\n  text: y\n", "utf-8")
    assert main(["stories", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4: story 2, field 'lps'" in err and "nothing was imported" in err


def test_cli_runs_as_a_real_process(tmp_path: Path) -> None:
    src = tmp_path / "s.json"
    src.write_text(json.dumps([{"title": "Cloud costs", "text": "I cut the bill by a third."}]))
    env = child_env(tmp_path / "data")
    repo = Path(__file__).resolve().parent.parent
    run = [sys.executable, "-m", "agents.cli.main", "stories"]
    done = subprocess.run([*run, "import", str(src)], env=env, cwd=repo, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    done = subprocess.run(
        [*run, "search", "reduce costs", "--json"], env=env, cwd=repo, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)[0]["title"] == "Cloud costs"
    md = tmp_path / "stories.md"
    md.write_text(STORIES_MD, "utf-8")
    done = subprocess.run([*run, "import", str(md)], env=env, cwd=repo, capture_output=True)
    assert done.returncode == 0 and b"5 new" in done.stdout, done.stderr.decode()
    done = subprocess.run([*run, "list"], env=env, cwd=repo, capture_output=True)
    assert done.returncode == 0 and b"Pushed back on my manager" in done.stdout
    question = "Tell me about a time you disagreed with your manager."
    done = subprocess.run(
        [*run, "search", question, "--k", "3", "--json"], env=env, cwd=repo, capture_output=True
    )
    rows = json.loads(done.stdout)
    assert [sorted(r) for r in rows] == [["id", "lps", "probability", "score", "title"]] * 3
    assert rows[0]["id"] == "backbone" and rows[0]["lps"] == ["have-backbone"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    out = tmp_path / "all.json"
    done = subprocess.run([*run, "export", str(out)], env=env, cwd=repo, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    exported = json.loads(out.read_text("utf-8"))
    assert {s["title"] for s in exported} >= {"Cloud costs", "Pushed back on my manager"}
    assert len(exported) == 6


def test_services_wire_the_bank_into_coach_mode_drills(services) -> None:
    from agents.drill.state import DrillConfig

    bank = services.stories
    assert isinstance(bank, StoryBank) and services.interviewer.stories is bank
    bank.import_text("local", STORIES_MD, "md")
    state = services.interviewer.start(DrillConfig(seed=3, mode="coach", lps=["frugality"]))
    question = state.questions[0]
    assert question.story_hits and question.story_hits[0]["id"] == "cost", question.question
    answer = bank.get("local", "cost")
    assert answer is not None
    services.interviewer.respond(state, answer.text)
    assert bank.usage("local").get("cost", (0, 0))[1] >= 1  # record_use from the drill
