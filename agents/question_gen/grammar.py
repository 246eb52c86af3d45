"""The offline grammar and its wording, loaded from data and validated on load.

Scenes per LP live in `leadership_principles/grammar/<lp-slug>.yaml` (format: README.md there);
the wording that fills them (openers, level and role words, theme endings, strong-answer notes and
follow-ups) in `prompts/phrases/question_gen.yaml`. Errors name the file and the key at fault.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agents.lp.principles import DEFAULT_DIR, THEMES, Slug, Text, Theme, load_principles
from agents.prompts import load_phrases
from agents.question_gen.request import LEVELS, ROLE_FAMILIES
from agents.validation import load_yaml_model

GRAMMAR_DIR = DEFAULT_DIR / "grammar"

SceneLevel = Literal["any", "junior", "senior", "manager"]
# A word is fixed ("your team") or a list one is drawn from per prompt.
Words = Text | list[Text]


class GrammarDataError(ValueError):
    """A grammar or wording file is missing, is not YAML, or does not have the expected shape."""


class LevelWords(BaseModel):
    """Level-aware placeholder words; the field order is the order they are drawn in."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    team: Words
    peer: Words
    people: Words
    boss: Words
    org: Words
    senior: Words


class RoleWords(BaseModel):
    """Role-aware placeholder words; `rp` is the role's person noun ("engineer")."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rp: Words
    artifact: Words
    product: Words
    customers: Words
    stakeholder: Words
    launch: Words
    metric: Words


# Placeholders a grammar line may use: the words above, each also as `a_<word>` (with article).
WORD_KEYS: frozenset[str] = frozenset(LevelWords.model_fields) | frozenset(RoleWords.model_fields)
PLACEHOLDERS: frozenset[str] = WORD_KEYS | {f"a_{k}" for k in WORD_KEYS}


def placeholders(text: str) -> set[str]:
    """The `{names}` used in `text` (ValueError for unbalanced braces)."""
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


class Scene(BaseModel):
    """One situation family of an LP: acts x situations, whole events and noun phrases."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lp: Slug
    theme: Theme
    levels: frozenset[SceneLevel] = Field(default=frozenset({"any"}), min_length=1)
    acts: tuple[Text, ...] = ()
    situations: tuple[Text, ...] = ()
    events: tuple[Text, ...] = ()
    noun_phrases: tuple[Text, ...] = ()
    endings: tuple[Text, ...] = ()
    shows: tuple[Text, ...] = ()
    probes: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _lines_render(self) -> Scene:
        """Every `{x}` has situations to fill it, and every other placeholder is a known word."""
        if self.acts and not self.situations and any("{x}" in a for a in self.acts):
            raise ValueError("acts use {x} but the scene has no situations")
        for key in ("acts", "situations", "events", "noun_phrases", "endings"):
            allowed = PLACEHOLDERS | {"x"} if key == "acts" else PLACEHOLDERS
            for i, line in enumerate(getattr(self, key)):
                unknown = placeholders(line) - allowed
                if unknown:
                    raise ValueError(f"{key}.{i}: unknown placeholder {{{sorted(unknown)[0]}}}")
        return self


class GrammarFile(BaseModel):
    """One LP's grammar file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lp: Slug
    scenes: tuple[Scene, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _scenes_know_their_lp(cls, data: Any) -> Any:
        """Each scene carries the file's LP, so the composer can look up its principle."""
        if isinstance(data, dict) and isinstance(data.get("scenes"), list):
            scenes = [{"lp": data.get("lp"), **s} if isinstance(s, dict) else s
                      for s in data["scenes"]]  # fmt: skip
            data = {**data, "scenes": scenes}
        return data


def load_grammar_file(path: Path) -> GrammarFile:
    """Parse and validate one LP's grammar file."""
    grammar = load_yaml_model(path, GrammarFile, "grammar", GrammarDataError)
    if grammar.lp != path.stem:
        raise GrammarDataError(f"{path}: lp: {grammar.lp!r} does not match the file name")
    return grammar


@lru_cache(maxsize=4)
def load_grammar(directory: Path = GRAMMAR_DIR) -> dict[str, tuple[Scene, ...]]:
    """Scenes per LP slug, in the principles' order (the composer's seeded walk depends on it)."""
    order = {slug: i for i, slug in enumerate(load_principles())}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise GrammarDataError(f"{directory}: no *.yaml grammar files found")
    grammars = [load_grammar_file(f) for f in files]
    for grammar in grammars:
        if grammar.lp not in order:
            raise GrammarDataError(
                f"{directory / (grammar.lp + '.yaml')}: lp: unknown leadership principle"
            )
    grammars.sort(key=lambda g: order[g.lp])
    return {g.lp: g.scenes for g in grammars}


class LevelWording(BaseModel):
    """One level's grammar scenes, words, optional endings and strong-answer line."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scenes: frozenset[SceneLevel] = Field(min_length=1)
    words: LevelWords
    endings: tuple[Text, ...] = ()
    strong_answer_shows: Text


class ThemeWording(BaseModel):
    """One theme's endings (make a scene about it), strong-answer line and follow-up."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    endings: tuple[Text, ...] = Field(min_length=1)
    strong_answer_shows: Text
    probe: Text


class Openers(BaseModel):
    """How a question opens, per kind of scene line; `{c}` is the line."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    act: tuple[Text, ...] = Field(min_length=1)
    event: tuple[Text, ...] = Field(min_length=1)
    noun_phrase: tuple[Text, ...] = Field(min_length=1)


class Wording(BaseModel):
    """The whole wording file: openers and words per level, role family and theme."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    openers: Openers
    levels: dict[str, LevelWording]
    roles: dict[str, RoleWords]
    themes: dict[Theme, ThemeWording]

    @model_validator(mode="after")
    def _covers_the_vocabulary(self) -> Wording:
        """Every level, role family and theme the request accepts has its wording."""
        for key, have, want in (("levels", self.levels, LEVELS),
                                ("roles", self.roles, ROLE_FAMILIES),
                                ("themes", self.themes, THEMES)):  # fmt: skip
            missing = [name for name in want if name not in have]
            extra = [name for name in have if name not in want]
            if missing or extra:
                raise ValueError(f"{key}: missing {missing}, unknown {extra}")
        return self


@lru_cache(maxsize=1)
def load_wording() -> Wording:
    """The generator's wording from `prompts/phrases/question_gen.yaml`, validated."""
    return load_phrases("question_gen", Wording)
