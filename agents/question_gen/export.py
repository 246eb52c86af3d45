"""Generated prompts out and back in: Markdown, CSV, JSON and a plain-text listing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agents.lp.principles import load_principles
from agents.question_gen.request import LEVEL_LABELS, GeneratedPrompt
from agents.validation import first_validation_error

CSV_FIELDS = ("text", "lps", "level", "role_family", "theme", "strong_answer_shows", "probes",
              "source")  # fmt: skip


def lp_names(slugs: Sequence[str]) -> str:
    """Human names for LP slugs, joined."""
    principles = load_principles()
    return ", ".join(principles[s].name if s in principles else s for s in slugs)


def to_markdown(prompts: Sequence[GeneratedPrompt], title: str = "Practice prompts") -> str:
    """A Markdown document: each prompt with its LPs, what a strong answer shows, follow-ups."""
    lines = [f"# {title}", ""]
    for i, p in enumerate(prompts, 1):
        lines.append(f"## {i}. {p.text}")
        lines.append("")
        meta = f"**LP:** {lp_names(p.lps)} · **Level:** {LEVEL_LABELS[p.level]}"
        if p.theme:
            meta += f" · **Theme:** {p.theme}"
        lines += [meta, "", "**A strong answer shows:**", ""]
        lines += [f"- {s}" for s in p.strong_answer_shows]
        lines += ["", "**Follow-ups:**", ""]
        lines += [f"- {q}" for q in p.probes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ would be executed)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(prompts: Sequence[GeneratedPrompt]) -> str:
    """CSV with one prompt per row; list fields are joined with ' | '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in prompts:
        row = [p.text, ";".join(p.lps), p.level, p.role_family, p.theme or "",
               " | ".join(p.strong_answer_shows), " | ".join(p.probes), p.source]  # fmt: skip
        writer.writerow([_csv_cell(str(v)) for v in row])
    return buffer.getvalue()


def to_json(prompts: Sequence[GeneratedPrompt]) -> str:
    """A JSON array of the prompts."""
    return json.dumps([p.model_dump(mode="json") for p in prompts], ensure_ascii=False, indent=2)


def format_text(prompts: Sequence[GeneratedPrompt]) -> str:
    """Plain-text listing for the terminal."""
    lines: list[str] = []
    for i, p in enumerate(prompts, 1):
        lines.append(f"{i}. {p.text}")
        meta = f"   LP: {lp_names(p.lps)}"
        if p.theme:
            meta += f" · theme: {p.theme}"
        lines.append(meta)
        lines.append(f"   Strong answer shows: {'; '.join(p.strong_answer_shows)}")
        lines.append(f"   Follow-ups: {' | '.join(p.probes)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export(prompts: Sequence[GeneratedPrompt], path: Path | str) -> Path:
    """Write prompts to `path` as Markdown (.md), CSV (.csv) or JSON (.json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    writers = {".md": to_markdown, ".markdown": to_markdown, ".csv": to_csv, ".json": to_json}
    if suffix not in writers:
        raise ValueError(f"unsupported export format {suffix!r}; use .md, .csv or .json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(writers[suffix](prompts), encoding="utf-8")
    return path


def load_prompts(data: str | Sequence[Mapping[str, Any]]) -> list[GeneratedPrompt]:
    """Prompts back from JSON text or a list of dicts (UI state, `--json` output)."""
    items = json.loads(data) if isinstance(data, str) else list(data)
    out: list[GeneratedPrompt] = []
    for item in items:
        try:
            out.append(GeneratedPrompt.model_validate(item))
        except ValidationError as e:
            detail = first_validation_error(e, located=False)
            raise ValueError(f"not a generated prompt: {detail}") from e
    return out
