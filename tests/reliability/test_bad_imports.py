"""Story-bank imports of bad files: wrong types, binary, invalid UTF-8, malformed JSON, YAML or
Markdown, hostile YAML. Each gets a clear StoryError naming the file, and nothing saved is lost.
Property-based: for any text in any format, parsing returns stories or raises StoryError only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.stories import StoryError, decode_file, detect_format, parse_stories

PROPS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
GOOD_MD = (
    "## Rewrote the deploy pipeline\nLPs: ownership\n\nLast year our deploys failed weekly. I "
    "rewrote the pipeline and failed deploys fell from 9% to 2%.\n"
)
# Pieces of each syntax, so generated text looks like the formats and reaches deep code paths.
FRAGMENTS = st.sampled_from(
    [
        "## Title\n", "# Stories\n", "Situation: ", "Task: ", "LPs: ownership, dive-deep\n",
        "ID: x\n", "- title: a\n  text: b\n", "[", "]", "{", "}", '"title": "t"', ",", ":",
        "&a", "*a", "!!python/object:os.system", "---\n", "...\n", "\t", "\n", "I did it. ",
        "null", "true", "1e309", "9" * 30, "\ufeff", "\x00", "🚀", "مرحبا", '"', "'", "|\n  ",
        '{"stories": [', '{"title": "T", "text": "I led it."}',
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=25).map("".join),
)


@PROPS
@given(text=TEXT, fmt=st.sampled_from(["md", "json", "yaml"]))
def test_parsing_any_text_returns_stories_or_a_story_error(text: str, fmt: str) -> None:
    try:
        stories = parse_stories(text, fmt, f"stories.{fmt}")
    except StoryError as e:
        assert str(e).strip()
    else:
        assert stories and all(s.title.strip() for s in stories)


@PROPS
@given(data=st.binary(max_size=400))
def test_decoding_any_bytes_returns_text_or_a_story_error(data: bytes) -> None:
    try:
        decode_file(data, "upload.md")
    except StoryError as e:
        assert "upload.md" in str(e)


@PROPS
@given(name=st.text(max_size=30))
def test_any_file_name_gets_a_format_or_a_story_error(name: str) -> None:
    try:
        assert detect_format(name) in ("md", "json", "yaml")
    except StoryError as e:
        assert "extension" in str(e)


BAD: dict[str, tuple[str, bytes, str]] = {
    "pdf": ("cv.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "unsupported file extension"),
    "exe": ("stories.exe", b"MZ\x90\x00\x03", "unsupported file extension"),
    "no-extension": ("stories", b"## T\nI did it.\n", "unsupported file extension"),
    "binary-md": ("stories.md", bytes(range(256)) * 8, "binary"),
    "png-as-json": ("stories.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1-md": ("stories.md", "## Café\nJ'ai réécrit le résumé.\n".encode("latin-1"), "UTF-8"),
    "empty": ("stories.yaml", b"   \n\n", "empty"),
    "json-truncated": ("stories.json", b'[{"title": "T", "text": "I did', "not valid JSON"),
    "json-object": ("stories.json", b'{"title": "T"}', "expected a JSON list"),
    "json-wrong-types": ("stories.json", b'[{"title": 5, "text": ["x"]}]', "title"),
    "yaml-tabs": ("stories.yaml", b"- title: T\n\ttext: x\n", "YAML"),
    "yaml-aliases": ("stories.yaml", b"a: &a [1]\nb: *a\n", "aliases"),
    "yaml-python-tag": (
        "stories.yaml",
        b"- !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "mapping",
    ),
    "md-no-title": ("stories.md", b"I did a thing once.\n", "## Title"),
    "md-empty-story": ("stories.md", b"## Only a title\n", "story"),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_import_file_is_refused_and_saves_nothing(
    kind: str, services, tmp_path: Path
) -> None:
    bank = services.stories
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, "utf-8")
    bank.import_file("alice", good)
    before = [s.content_key() for s in bank.list("alice")]
    name, data, expected = BAD[kind]
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(StoryError) as info:
        bank.import_file("alice", bad)
    message = str(info.value)
    assert name in message, message  # names the file
    assert expected.lower() in message.lower(), message
    assert "Traceback" not in message
    assert [s.content_key() for s in bank.list("alice")] == before  # nothing lost, nothing added
    assert not Path("/tmp/pwned").exists()


def test_importing_a_directory_or_a_missing_file_is_a_clear_error(services, tmp_path: Path) -> None:
    bank = services.stories
    (tmp_path / "dir.md").mkdir()
    for path, expected in ((tmp_path / "dir.md", "directory"), (tmp_path / "no.md", "not found")):
        with pytest.raises(StoryError, match=expected):
            bank.import_file("alice", path)


def test_a_huge_import_file_is_refused_before_reading(services, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(6 * 1024 * 1024)  # sparse: 6 MB of zeros
    with pytest.raises(StoryError, match="MB"):
        services.stories.import_file("alice", big)


def test_other_language_and_emoji_stories_import_and_round_trip(services, tmp_path: Path) -> None:
    stories = [
        {"title": "שיפרתי את זמני הטעינה 🚀", "text": "בשנה שעברה כתבתי מחדש את השאילתה."},
        {"title": "重写查询", "text": "去年我重写了查询，错误减少了60%。"},
        {"title": "Reescribí la consulta", "text": "Reescribí la consulta y los errores bajaron."},
    ]
    src = tmp_path / "intl.json"
    src.write_text(json.dumps(stories, ensure_ascii=False), "utf-8")
    report = services.stories.import_file("alice", src)
    assert report.created == 3
    out = tmp_path / "out.json"
    services.stories.export_file("alice", out)
    titles = {s["title"] for s in json.loads(out.read_text("utf-8"))}
    assert titles == {s["title"] for s in stories}
