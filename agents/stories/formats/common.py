"""What every import format shares: the format names, file decoding, and validation of raw stories.

A parser turns a file into `RawStory` items (fields plus the line of each); `validate_all` checks
them all and reports every problem with its line before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from agents.stories.errors import StoryImportError
from agents.stories.model import MAX_FILE_BYTES, StoryInput

FORMATS: tuple[str, ...] = ("md", "json", "yaml")
Format = Literal["md", "json", "yaml"]
EXTENSIONS: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}


@dataclass
class RawStory:
    """An unvalidated story from a file: fields, the item's line and each field's line."""

    fields: dict[str, Any]
    line: int | None
    field_lines: dict[str, int]


def detect_format(path: str | Path, explicit: str | None = None) -> Format:
    """The import/export format from `explicit` or the file extension."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
        fmt = {"markdown": "md", "yml": "yaml"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise StoryImportError(f"unknown format {explicit!r}; use md, json or yaml")
        return fmt  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise StoryImportError(
            f"unsupported file extension {suffix or '(none)'!r}; "
            "use .md, .markdown, .json, .yaml or .yml (or pass a format)",
            source=str(path),
        )
    return EXTENSIONS[suffix]


def decode_file(data: bytes, source: str) -> str:
    """Bytes of an import file as text, refusing huge, binary and non-UTF-8 files."""
    if len(data) > MAX_FILE_BYTES:
        raise StoryImportError(
            f"file is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
            source=source,
        )
    if not data.strip():
        raise StoryImportError("file is empty", source=source)
    if b"\x00" in data[:8192]:
        raise StoryImportError("this looks like a binary file, not text", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise StoryImportError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8",
            source=source,
            line=line,
        ) from e


def validate_all(raw: list[RawStory], source: str) -> list[StoryInput]:
    """Validate each raw story, collecting every problem (with lines) before failing."""
    out: list[StoryInput] = []
    problems: list[tuple[int | None, str, str]] = []
    seen_ids: dict[str, int | None] = {}
    for n, item in enumerate(raw, start=1):
        try:
            story = StoryInput.model_validate(item.fields)
        except ValidationError as e:
            for err in e.errors():
                loc = [str(p) for p in err["loc"]]
                name = loc[0] if loc else "text"
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = "unknown field; expected one of " + ", ".join(IMPORT_FIELDS)
                elif err["type"] == "missing":
                    msg = "is required"
                # A whole-story error (no content) points at the story, not at a blank line.
                line = item.field_lines.get(name, item.line) if loc else item.line
                problems.append((line, f"story {n}, field '{name}'", msg))
            continue
        if story.id is not None:
            if story.id in seen_ids:
                first = seen_ids[story.id]
                problems.append(
                    (
                        item.field_lines.get("id", item.line),
                        f"story {n}, field 'id'",
                        f"{story.id!r} repeats the id of an earlier story (line {first})",
                    )
                )
            seen_ids[story.id] = item.field_lines.get("id", item.line)
        out.append(story)
    if problems:
        line, where, msg = problems[0]
        more = len(problems) - 1
        details = [f"{f'line {ln}: ' if ln else ''}{w}: {m}" for ln, w, m in problems[:20]]
        summary = f"{where}: {msg}" + (f" (and {more} more problem(s))" if more else "")
        first_field = where.split("'")[1] if "'" in where else None
        raise StoryImportError(
            summary + "; nothing was imported",
            source=source,
            line=line,
            field=first_field,
            problems=details,
        )
    return out


IMPORT_FIELDS: tuple[str, ...] = tuple(StoryInput.model_fields)


def read_story_file(src: Path) -> str:
    """The text of an import file, refusing directories, huge, binary and non-UTF-8 files."""
    try:
        if src.is_dir():
            raise StoryImportError("is a directory, not a file", source=str(src))
        size = src.stat().st_size
        if size > MAX_FILE_BYTES:
            raise StoryImportError(
                f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                source=str(src),
            )
        data = src.read_bytes()
    except FileNotFoundError as e:
        raise StoryImportError("file not found", source=str(src)) from e
    except OSError as e:
        raise StoryImportError(f"cannot read the file: {e.strerror}", source=str(src)) from e
    return decode_file(data, str(src))
