"""Markdown story files: one story per `## Title`, `Label: value` lines, `\\` escapes markup."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.stories.errors import StoryImportError
from agents.stories.formats.common import RawStory
from agents.stories.model import STAR_FIELDS, Story

_MD_META: dict[str, str] = {
    "id": "id",
    "lps": "lps",
    "lp": "lps",
    "principles": "lps",
    "leadership principles": "lps",
    "role": "role",
    "company": "company",
    "date": "date",
    "when": "date",
    "metrics": "metrics",
    "created": "created_at",
    "updated": "updated_at",
}
_MD_BLOCK: dict[str, str] = {
    "text": "text",
    "story": "text",
    "situation": "situation",
    "task": "task",
    "action": "action",
    "actions": "action",
    "result": "result",
    "results": "result",
    "learning": "learning",
    "learnings": "learning",
    "lesson": "learning",
    "lessons": "learning",
    "notes": "notes",
}
_MD_LABEL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]{0,24}?)[ \t]*(?:\*\*|__)?[ \t]*:"
    r"(?:\*\*|__)?[ \t]*(.*)$"
)
_MD_HEADING = re.compile(r"^##(?!#)[ \t]*(.*)$")
_MD_EXPORT_LABEL = {
    "id": "ID",
    "lps": "LPs",
    "role": "Role",
    "company": "Company",
    "date": "Date",
    "metrics": "Metrics",
    "created_at": "Created",
    "updated_at": "Updated",
    "text": "Text",
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "learning": "Learning",
    "notes": "Notes",
}


def _md_label(line: str) -> tuple[str, str, bool] | None:
    """(field, value, is_meta) when the line is a known `Label: value` line."""
    m = _MD_LABEL.match(line)
    if not m:
        return None
    key = " ".join(m.group(1).lower().split())
    if key in _MD_META:
        return _MD_META[key], m.group(2), True
    if key in _MD_BLOCK:
        return _MD_BLOCK[key], m.group(2), False
    return None


def parse_markdown(text: str, source: str) -> list[RawStory]:
    """`## Title` per story; `Label: value` lines; `\\` escapes a line that would be markup."""
    stories: list[RawStory] = []
    current: RawStory | None = None
    block: str | None = None  # the multi-line field being filled
    blocks: dict[str, list[str]] = {}
    h1_seen = False

    def finish() -> None:
        if current is None:
            return
        for name, lines in blocks.items():
            current.fields[name] = "\n".join(lines)

    for lineno, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        heading = _MD_HEADING.match(line)
        if heading:
            finish()
            title = heading.group(1).strip()
            title = re.sub(r"[ \t]+#+[ \t]*$", "", title)  # closing hashes: "## Title ##"
            current = RawStory({"title": title}, lineno, {"title": lineno})
            stories.append(current)
            block, blocks = None, {}
            continue
        if current is None:
            if not line.strip() or line.strip().startswith("<!--"):
                continue
            if line.startswith("# ") and not h1_seen:
                h1_seen = True  # a document title above the stories
                continue
            raise StoryImportError(
                "text before the first story; each story starts with a '## Title' line",
                source=source,
                line=lineno,
            )
        if line.startswith("\\"):
            literal = line[1:]
        else:
            label = _md_label(line)
            if label is not None:
                name, value, is_meta = label
                if name in current.field_lines:
                    raise StoryImportError(
                        f"'{line.split(':')[0].strip(' *_-')}:' appears twice in story "
                        f"'{current.fields['title']}' (first on line {current.field_lines[name]})",
                        source=source,
                        line=lineno,
                        field=name,
                    )
                current.field_lines[name] = lineno
                if is_meta:
                    current.fields[name] = value
                else:
                    block = name
                    blocks[name] = [value]
                continue
            literal = line
        target = block or "text"
        if target not in blocks:
            blocks[target] = []
            current.field_lines.setdefault(target, lineno)
        blocks[target].append(literal)
    finish()
    if not stories:
        raise StoryImportError(
            "no stories found: start each story with a '## Title' line", source=source
        )
    return stories


def _md_escape(value: str) -> list[str]:
    """Lines of a field value, each escaped when a reader would take it for markup."""
    out = []
    for line in value.split("\n"):
        if line.startswith(("\\", "#")) or _md_label(line) is not None:
            line = "\\" + line
        out.append(line)
    return out


def stories_to_markdown(stories: Sequence[Story]) -> str:
    """Markdown export: `## Title`, metadata lines, free text, then `Label:` blocks."""
    out = ["# Story bank", ""]
    for s in stories:
        out.append(f"## {s.title}")
        out.append(f"ID: {s.id}")
        if s.lps:
            out.append(f"LPs: {', '.join(s.lps)}")
        for name in ("role", "company", "date"):
            if getattr(s, name):
                out.append(f"{_MD_EXPORT_LABEL[name]}: {getattr(s, name)}")
        # Always written (even empty) so that "no metrics" survives the round trip instead of
        # being re-extracted from the text.
        out.append(f"Metrics: {'; '.join(s.metrics)}")
        out.append(f"Created: {s.created_at}")
        out.append(f"Updated: {s.updated_at}")
        out.append("")
        if s.text:
            out += _md_escape(s.text)
            out.append("")
        for name in (*STAR_FIELDS, "notes"):
            value = getattr(s, name)
            if value:
                label = _MD_EXPORT_LABEL[name]
                first = value.split("\n", 1)[0]
                parsed = _md_label(f"{label}: {first}")
                if parsed is not None and parsed[1] == first:
                    out.append(f"{label}: {first}")
                    out += _md_escape(value)[1:]
                else:
                    # The first line would not read back verbatim after the label ("**x"),
                    # so the value starts on the next line, escaped like any other.
                    out.append(f"{label}:")
                    out += _md_escape(value)
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# JSON ---------------------------------------------------------------------------------------
