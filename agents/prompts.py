"""Every LLM prompt lives in `prompts/` as a Jinja file, and every fixed sentence the product says
in `prompts/phrases/*.yaml`; both are loaded by name."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import TypeAdapter, ValidationError

from agents.validation import describe_validation_error, read_yaml

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PHRASES_DIR = PROMPTS_DIR / "phrases"


class PhraseDataError(ValueError):
    """A phrase file is missing, is not YAML, or does not have the expected shape."""


def load_phrases(name: str, shape: Any, key: str | None = None) -> Any:
    """Load `prompts/phrases/<name>.yaml` (its `key` entry), validated as `shape`.

    Errors name the file and the key at fault, so a non-programmer editing the wording can fix it.
    """
    path = PHRASES_DIR / f"{name}.yaml"
    data = read_yaml(path, "phrases", PhraseDataError)
    if key is not None:
        if not isinstance(data, dict) or key not in data:
            raise PhraseDataError(f"{path}: missing top-level key {key!r}")
        data = data[key]
    try:
        return TypeAdapter(shape).validate_python(data)
    except ValidationError as e:
        where = describe_validation_error(e, prefix=(key,) if key else ())
        raise PhraseDataError(f"{path}: {where}") from e


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


# A reply sharing this many consecutive words with a prompt's fixed text is repeating the prompt.
LEAK_WINDOW = 6


def _words(text: str) -> list[str]:
    """Lowercased word tokens, for comparing a reply with the prompts' wording."""
    return re.findall(r"[a-z0-9']+", text.lower())


def _windows(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=1)
def _prompt_windows() -> frozenset[tuple[str, ...]]:
    """Every LEAK_WINDOW-word run of the prompts' fixed text (template variables removed)."""
    runs: set[tuple[str, ...]] = set()
    for path in PROMPTS_DIR.glob("*.jinja"):
        source = path.read_text(encoding="utf-8")
        for piece in re.split(r"\{\{.*?\}\}|\{%.*?%\}", source, flags=re.DOTALL):
            runs |= _windows(_words(piece), LEAK_WINDOW)
    return frozenset(runs)


def leaks_prompt(text: str) -> bool:
    """True when `text` repeats a run of the prompts' own wording (a model leaking its prompt)."""
    return not _prompt_windows().isdisjoint(_windows(_words(text), LEAK_WINDOW))
