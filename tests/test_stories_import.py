"""Story files: Markdown/JSON/YAML parsing, validation errors with lines, exact round trips."""

from __future__ import annotations

import contextlib
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.stories import (
    MAX_FILE_BYTES,
    STAR_FIELDS,
    Story,
    StoryImportError,
    StoryInput,
    clean_field,
    decode_file,
    detect_format,
    export_text,
    parse_stories,
)
from agents.stories.model import MAX_TEXT_CHARS

MARKDOWN = """# My stories

## Search latency
LPs: Dive Deep, customer-obsession
Role: SDE II
Company: Acme
Date: 2023-04

Last year our search page was slow. I profiled the queries and added a cache.
Latency dropped to 300 ms from 1200 ms.

## Disagreed with my manager
**Situation:** My manager wanted to ship without load testing.
- Task: I owned the release.
Action: I pushed back with data from the last outage,
and proposed a two-day test.
Result: We found a memory leak.
Learnings: Test before you argue.
Notes: good for Have Backbone
"""


def test_markdown_fields_meta_and_decorations() -> None:
    first, second = parse_stories(MARKDOWN, "md", "s.md")
    assert first.title == "Search latency"
    assert first.lps == ["dive-deep", "customer-obsession"]  # names resolved to slugs
    assert (first.role, first.company, first.date) == ("SDE II", "Acme", "2023-04")
    assert first.text.startswith("Last year") and first.text.endswith("1200 ms.")
    assert "\n" in first.text  # line structure is kept
    assert first.metrics is None  # not given: extracted when saved
    assert second.situation == "My manager wanted to ship without load testing."
    assert second.task == "I owned the release."
    assert (
        second.action
        == "I pushed back with data from the last outage,\nand proposed a two-day test."
    )
    assert second.learning == "Test before you argue."
    assert second.notes == "good for Have Backbone"
    assert second.text == ""


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Some intro text\n## T\nbody\n", 1, "before the first story"),
        ("## T\nSituation: a\nSituation: b\n", 3, "appears twice"),
        ("## \nbody\n", 1, "field 'title'"),
        ("## T\nLPs: Being Nice\nbody\n", 2, "unknown leadership principle"),
        ("## T\nRole: x\n", 1, "needs 'text'"),
        ("## A\nID: same\nx\n## B\nID: same\ny\n", 5, "repeats the id"),
        ("## T\nID: not valid!\nx\n", 2, "field 'id'"),
        ("## T\nCreated: yesterday\nx\n", 2, "ISO 8601"),
    ],
)
def test_markdown_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(StoryImportError) as info:
        parse_stories(text, "md", "bad.md")
    assert info.value.line == line, str(info.value)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"bad.md:{line}: ")


def test_markdown_without_headings_is_an_error() -> None:
    with pytest.raises(StoryImportError, match="no stories found"):
        parse_stories("# Only a title\n\n", "md", "x.md")


def test_json_list_and_wrapped_forms() -> None:
    items = [{"title": "A", "text": "I did a thing.", "lps": "ownership"}]
    assert parse_stories(json.dumps(items), "json")[0].lps == ["ownership"]
    wrapped = json.dumps({"stories": items})
    assert parse_stories(wrapped, "json")[0].title == "A"
    five = [{"title": "B", **{f: f"{f} part." for f in STAR_FIELDS}}]
    story = parse_stories(json.dumps(five), "json")[0]
    assert story.result == "result part." and story.text == ""


def test_json_errors_name_story_line_and_field() -> None:
    text = '[\n  {"title": "ok", "text": "fine"},\n  {"title": "x", "txet": "typo"}\n]\n'
    with pytest.raises(StoryImportError) as info:
        parse_stories(text, "json", "s.json")
    assert info.value.line == 3 and info.value.field == "txet"
    assert "unknown field" in str(info.value) and "nothing was imported" in str(info.value)
    with pytest.raises(StoryImportError, match=r"s.json:2: not valid JSON"):
        parse_stories('[\n{"title": }]', "json", "s.json")
    with pytest.raises(StoryImportError, match="expected a JSON list"):
        parse_stories('{"title": "x"}', "json", "s.json")
    with pytest.raises(StoryImportError, match=r"story 1 is a str"):
        parse_stories('["x"]', "json", "s.json")
    with pytest.raises(StoryImportError, match=r"field 'title': must be a string"):
        parse_stories('[{"title": 3, "text": "x"}]', "json", "s.json")
    with pytest.raises(StoryImportError, match=r"field 'title': is required"):
        parse_stories('[{"text": "x"}]', "json", "s.json")


def test_all_problems_are_collected() -> None:
    text = json.dumps([{"title": "", "text": "a"}, {"title": "b"}, {"title": "c", "lps": 5}])
    with pytest.raises(StoryImportError) as info:
        parse_stories(text, "json", "s.json")
    assert len(info.value.problems) == 3
    assert "(and 2 more problem(s))" in str(info.value)


def test_yaml_field_lines_strings_and_aliases() -> None:
    text = "- title: A\n  text: x\n- title: B\n  text: y\n  lps: [ownership, nope]\n"
    with pytest.raises(StoryImportError) as info:
        parse_stories(text, "yaml", "s.yaml")
    assert info.value.line == 5 and info.value.field == "lps"
    # Scalars stay strings: no YAML 1.1 booleans or dates sneaking in.
    story = parse_stories("- title: yes\n  date: 2023-01-02\n  text: no\n", "yaml")[0]
    assert (story.title, story.date, story.text) == ("yes", "2023-01-02", "no")
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(StoryImportError, match="aliases"):
        parse_stories(bomb, "yaml", "s.yaml")
    with pytest.raises(StoryImportError, match=r"s.yaml:2: not valid YAML"):
        parse_stories("- title: a\n\t- text: b\n", "yaml", "s.yaml")
    with pytest.raises(StoryImportError, match="expected a YAML list"):
        parse_stories("title: a\n", "yaml", "s.yaml")


def test_decode_refuses_binary_bad_utf8_empty_and_huge() -> None:
    with pytest.raises(StoryImportError, match="binary"):
        decode_file(b"\x89PNG\r\n\x1a\n\x00\x00", "a.md")
    with pytest.raises(StoryImportError) as info:
        decode_file(b"## ok\nfine\n\xff\xfe broken", "a.md")
    assert info.value.line == 3 and "UTF-8" in str(info.value)
    with pytest.raises(StoryImportError, match="empty"):
        decode_file(b"  \n ", "a.md")
    with pytest.raises(StoryImportError, match="limit is 5 MB"):
        decode_file(b"x" * (MAX_FILE_BYTES + 1), "a.md")
    assert decode_file("\ufeff## T\nx".encode(), "a.md") == "## T\nx"  # BOM dropped


def test_format_detection() -> None:
    assert detect_format("a.MD") == "md" and detect_format("a.yml") == "yaml"
    assert detect_format("a.txt", "json") == "json"
    with pytest.raises(StoryImportError, match=r"unsupported file extension '.txt'"):
        detect_format("stories.txt")
    with pytest.raises(StoryImportError, match="unknown format"):
        detect_format("a.md", "docx")


def test_validation_cleans_and_limits() -> None:
    story = StoryInput(title="  A \t  title\n", text="line one\x00\u200b \r\nline\u2028two  ")
    assert story.title == "A title"
    assert story.text == "line one\nline\ntwo"
    with pytest.raises(ValueError, match="limit is 20,000"):
        StoryInput(title="t", text="x" * (MAX_TEXT_CHARS + 1))
    with pytest.raises(ValueError, match="needs 'text'"):
        StoryInput(title="t", text="   ")
    assert StoryInput(title="t", text="x", metrics="3 ms; 4 ms;").metrics == ["3 ms", "4 ms"]


# --- round trips ---------------------------------------------------------------------------


def _story(**fields: object) -> Story:
    base: dict[str, object] = {
        "id": "s-1",
        "user": "u",
        "title": "T",
        "created_at": "2024-01-02T03:04:05+00:00",
        "updated_at": "2024-02-03T04:05:06+00:00",
    }
    base.update(fields)
    return Story.model_validate(base)


TRICKY = _story(
    title="Weird # title ## with hashes",
    text="## not a heading\nSituation: not a label\n\\ backslash\n# hash\n\n\nLPs: fake\n  Role: x",
    action="- Result: inside action\n**Notes:** too",
    result="It worked: 40% faster",
    lps=["ownership", "dive-deep"],
    metrics=[],
    notes="multi\nline",
    role="SDE: II",
    date="Q3 2023",
)


@pytest.mark.parametrize("fmt", ["md", "json", "yaml"])
def test_tricky_story_round_trips(fmt: str) -> None:
    text = export_text([TRICKY], fmt)
    (back,) = parse_stories(text, fmt)
    assert back.model_dump() == {k: v for k, v in TRICKY.export_dict().items()}
    # And the export of the re-read story is byte-identical.
    again = _story(**back.model_dump())
    assert export_text([again], fmt) == text


_SAFE_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn"), blacklist_characters="\u2028\u2029"
)
_line = st.text(_SAFE_CHARS | st.sampled_from("#\\:*-_ \t"), max_size=40)
_multiline = st.lists(
    _line | st.sampled_from(["## x", "Result: y", "\\z", "ID: 3", "# h", "", "**Task:** t"]),
    max_size=6,
).map("\n".join)
_single = st.text(_SAFE_CHARS | st.sampled_from("#: "), max_size=60)


@st.composite
def stories(draw: st.DrawFn) -> Story:
    """Valid stories with markup-looking content everywhere."""
    fields = {name: draw(_multiline) for name in ("text", *STAR_FIELDS, "notes")}
    title = draw(_single)
    if not clean_field(title):
        title = "t"
    if not any(clean_field(fields[n]) for n in ("text", *STAR_FIELDS)):
        fields["text"] = "something happened"
    lps = draw(st.lists(st.sampled_from(["ownership", "dive-deep", "frugality"]), unique=True))
    metrics = draw(st.lists(st.text(string.ascii_letters + "0123456789 %$.", max_size=12)))
    return _story(
        title=title,
        lps=lps,
        metrics=metrics,
        role=draw(_single),
        company=draw(_single),
        date=draw(_single.map(lambda s: s[:40])),
        **fields,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(stories(), min_size=1, max_size=3), fmt=st.sampled_from(["md", "json", "yaml"])
)
def test_export_then_import_is_lossless(items: list[Story], fmt: str) -> None:
    items = [s.model_copy(update={"id": f"s-{i}"}) for i, s in enumerate(items)]
    parsed = parse_stories(export_text(items, fmt), fmt)
    assert [p.model_dump() for p in parsed] == [s.export_dict() for s in items]


_MARKUP_LINES = st.lists(
    st.sampled_from(
        [
            "## T",
            "##",
            "# H",
            "Situation: s",
            "LPs: ownership",
            "LPs: nope",
            "ID: a b",
            "",
            "Created: 2024-01-01",
            "Metrics: 3 ms",
            "\\## x",
            "- title: x",
            "  text: y",
            "[",
            "{",
            '{"title": "x", "text": "y"}',
            "&a x",
            "*a",
            "---",
            "Task:",
            "## " + "x" * 300,
        ]
    )
    | st.text(max_size=30),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400) | _MARKUP_LINES, fmt=st.sampled_from(["md", "json", "yaml"]))
def test_any_text_parses_or_raises_story_import_error(text: str, fmt: str) -> None:
    try:
        result = parse_stories(text, fmt, "fuzz")
    except StoryImportError:
        return
    assert all(isinstance(s, StoryInput) for s in result)


_STRUCTURED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(data=_STRUCTURED)
def test_any_json_value_parses_or_raises_story_import_error(data: object) -> None:
    for text in (json.dumps(data), json.dumps([data]), json.dumps([{"title": "t", "text": data}])):
        with contextlib.suppress(StoryImportError):
            parse_stories(text, "json", "fuzz.json")


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=300))
def test_any_bytes_decode_or_raise_story_import_error(body: bytes) -> None:
    try:
        text = decode_file(body, "fuzz.md")
        parse_stories(text, "md", "fuzz.md")
    except StoryImportError:
        pass


def test_example_files_import_cleanly(tmp_path: Path) -> None:
    data = [{"title": "A", "text": "I did it."}]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), "utf-8")
    assert parse_stories(path.read_text("utf-8"), detect_format(path))[0].title == "A"
