"""Story files in and out: Markdown, JSON and YAML, parsed with line- and field-accurate errors.

Owns the file formats only; imports the story model and errors (never the store or the bank).
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.stories.errors import StoryImportError
from agents.stories.formats.common import (
    FORMATS,
    Format,
    decode_file,
    detect_format,
    read_story_file,
    validate_all,
)
from agents.stories.formats.jsonyaml import (
    parse_json,
    parse_yaml,
    stories_to_json,
    stories_to_yaml,
)
from agents.stories.formats.markdown import parse_markdown, stories_to_markdown
from agents.stories.model import MAX_STORIES_PER_IMPORT, Story, StoryInput


def parse_stories(text: str, fmt: str, source: str = "<input>") -> list[StoryInput]:
    """Parse and validate every story in `text`; StoryImportError names each bad line/field."""
    fmt = detect_format(source, fmt)
    if not text.strip():
        raise StoryImportError("file is empty", source=source)
    if fmt == "md":
        raw = parse_markdown(text, source)
    elif fmt == "json":
        raw = parse_json(text, source)
    else:
        raw = parse_yaml(text, source)
    if not raw:
        raise StoryImportError("no stories found", source=source)
    if len(raw) > MAX_STORIES_PER_IMPORT:
        raise StoryImportError(
            f"{len(raw):,} stories; one import takes at most {MAX_STORIES_PER_IMPORT:,}",
            source=source,
        )
    return validate_all(raw, source)


def export_text(stories: Sequence[Story], fmt: str) -> str:
    """Stories in `fmt` (md, json or yaml)."""
    fmt = detect_format("x", fmt)
    if fmt == "md":
        return stories_to_markdown(stories)
    if fmt == "json":
        return stories_to_json(stories)
    return stories_to_yaml(stories)


__all__ = [
    "FORMATS",
    "Format",
    "decode_file",
    "detect_format",
    "export_text",
    "parse_stories",
    "read_story_file",
    "stories_to_json",
    "stories_to_markdown",
    "stories_to_yaml",
]
