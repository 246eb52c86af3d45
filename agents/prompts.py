"""Every LLM prompt lives in `prompts/` as a Jinja file and is loaded by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """One Jinja environment; StrictUndefined so a missing variable is an error, not ''."""
    return Environment(
        loader=FileSystemLoader(PROMPTS_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are plain text for a model, not HTML
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **variables: Any) -> str:
    """Render `prompts/<name>.jinja` with `variables`."""
    return _environment().get_template(f"{name}.jinja").render(**variables).strip()


def prompt_names() -> list[str]:
    """The names of every prompt file."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.jinja"))
