"""Interview levels, role families and core themes as data: labels and the spellings users type.

Loaded from `leadership_principles/interview/vocabulary.yaml` and validated on load; the one source
of the level and role-family names that the prompt generator, its UI tab and its CLI accept.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agents.lp.principles import DEFAULT_DIR, Text, Theme
from agents.lp.roles import load_roles
from agents.validation import load_yaml_model

VOCABULARY_FILE = DEFAULT_DIR / "interview" / "vocabulary.yaml"


class Term(BaseModel):
    """One level or role family: its label for the model and the aliases users may type."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text
    aliases: tuple[Text, ...] = Field(min_length=1)


class Vocabulary(BaseModel):
    """The whole vocabulary file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    levels: dict[str, Term] = Field(min_length=1)
    role_families: dict[str, Term] = Field(min_length=1)
    core_themes: tuple[Theme, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _aliases_are_unique(self) -> Vocabulary:
        """An alias naming two levels (or two role families) would make input ambiguous."""
        for section in ("levels", "role_families"):
            owner: dict[str, str] = {}
            for name, term in getattr(self, section).items():
                for alias in term.aliases:
                    if alias in owner and owner[alias] != name:
                        raise ValueError(
                            f"{section}.{name}.aliases: {alias!r} already names {owner[alias]}"
                        )
                    owner[alias] = name
        return self


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Parse and validate the vocabulary file; errors name the file and the key at fault."""
    vocabulary = load_yaml_model(path, Vocabulary, "vocabulary")
    # Each level practises a drill role's LPs; roles.yaml is the one place that maps them.
    level_roles = load_roles().level_roles
    for level in vocabulary.levels:
        if level not in level_roles:
            raise ValueError(f"{path}: levels.{level}: no drill role in roles.yaml level_roles")
    return vocabulary


_VOCABULARY = load_vocabulary()
LEVELS: tuple[str, ...] = tuple(_VOCABULARY.levels)
ROLE_FAMILIES: tuple[str, ...] = tuple(_VOCABULARY.role_families)
CORE_THEMES: tuple[str, ...] = _VOCABULARY.core_themes
LEVEL_LABELS: dict[str, str] = {k: t.label for k, t in _VOCABULARY.levels.items()}
ROLE_LABELS: dict[str, str] = {k: t.label for k, t in _VOCABULARY.role_families.items()}
# Alias -> level, in file order (the level normaliser takes the first match).
LEVEL_ALIASES: dict[str, str] = {a: k for k, t in _VOCABULARY.levels.items() for a in t.aliases}
ROLE_ALIASES: dict[str, str] = {
    a: k for k, t in _VOCABULARY.role_families.items() for a in t.aliases
}
