"""JSON and YAML story files: a list of story objects (or a `stories` key holding one)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml

from agents.stories.errors import StoryImportError
from agents.stories.formats.common import RawStory
from agents.stories.model import Story

# JSON -------------------------------------------------------------------------------------


def _json_items(text: str, source: str) -> list[tuple[Any, int]]:
    """The top-level list's items with the line each starts on (or a `stories` key's list)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise StoryImportError(f"not valid JSON: {e.msg}", source=source, line=e.lineno) from e
    except RecursionError as e:
        raise StoryImportError("JSON is nested too deeply", source=source) from e
    except ValueError as e:  # e.g. an integer longer than Python's 4300-digit limit
        raise StoryImportError(f"not valid JSON: {e}", source=source) from e
    if isinstance(data, dict) and isinstance(data.get("stories"), list) and len(data) <= 2:
        items = data["stories"]
        start = text.find("[", text.find('"stories"'))
    elif isinstance(data, list):
        items = data
        start = text.find("[")
    else:
        raise StoryImportError(
            'expected a JSON list of story objects (or {"stories": [...]})', source=source, line=1
        )
    # Walk the array once more with raw_decode to learn where each item starts.
    lines: list[int] = []
    decoder = json.JSONDecoder()
    pos = start + 1
    for _ in items:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            break  # cannot happen after a successful loads; lines stay approximate
    lines += [lines[-1] if lines else 1] * (len(items) - len(lines))
    return list(zip(items, lines, strict=True))


def parse_json(text: str, source: str) -> list[RawStory]:
    """A JSON list of objects."""
    out = []
    for n, (item, line) in enumerate(_json_items(text, source), start=1):
        if not isinstance(item, dict):
            raise StoryImportError(
                f"story {n} is a {type(item).__name__}, expected an object with a 'title'",
                source=source,
                line=line,
            )
        out.append(RawStory(dict(item), line, {}))
    return out


# YAML ---------------------------------------------------------------------------------------


class _StoryYAMLLoader(yaml.BaseLoader):
    """Every scalar stays a string (no 'yes' -> True, no dates) and aliases are refused."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse aliases: `&a`/`*a` chains can expand a small file into gigabytes."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in story files", event.start_mark
            )
        return super().compose_node(parent, index)


def parse_yaml(text: str, source: str) -> list[RawStory]:
    """A YAML list of mappings (or a `stories:` key holding one), with per-field lines."""
    try:
        loader = _StoryYAMLLoader(text)
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, max(0, e.position)) + 1
        raise StoryImportError(
            f"not valid YAML: character #x{e.character:04x} is not allowed",
            source=source,
            line=line,
        ) from e
    try:
        node = loader.get_single_node()
        if node is None:
            raise StoryImportError("file is empty", source=source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        raise StoryImportError(
            f"not valid YAML: {e.problem or e.context}", source=source, line=line
        ) from e
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        raise StoryImportError(f"not valid YAML: {e}", source=source) from e
    finally:
        loader.dispose()
    if isinstance(data, dict) and isinstance(data.get("stories"), list) and len(data) <= 2:
        node = next(v for k, v in node.value if k.value == "stories")
        data = data["stories"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise StoryImportError(
            "expected a YAML list of stories ('- title: ...')", source=source, line=1
        )
    out = []
    for n, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            raise StoryImportError(
                f"story {n} is not a mapping; expected 'title:', 'text:' ... keys",
                source=source,
                line=line,
            )
        field_lines = {
            str(k.value): k.start_mark.line + 1
            for k, _ in item_node.value
            if isinstance(k, yaml.ScalarNode)
        }
        # BaseLoader reads `key:` with no value as "": optional fields left empty are unset.
        fields = {k: (None if v == "" and k != "title" else v) for k, v in item.items()}
        out.append(RawStory(fields, line, field_lines))
    return out


# Exporters ----------------------------------------------------------------------------------


def stories_to_json(stories: Sequence[Story]) -> str:
    """JSON export: a list of story objects."""
    return json.dumps([s.export_dict() for s in stories], ensure_ascii=False, indent=2) + "\n"


def stories_to_yaml(stories: Sequence[Story]) -> str:
    """YAML export: a list of story mappings, every scalar a string."""
    return yaml.safe_dump(
        [s.export_dict() for s in stories],
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
