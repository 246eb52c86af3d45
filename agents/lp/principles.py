"""Amazon Leadership Principles as validated data, loaded from `leadership_principles/*.yaml`."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from agents.validation import describe_validation_error, read_yaml

DEFAULT_DIR: Path = Path(__file__).resolve().parents[2] / "leadership_principles"

LEVELS: tuple[str, ...] = ("any", "junior", "senior", "manager")
THEMES: tuple[str, ...] = (
    "conflict", "failure", "customer", "ambiguity", "deadlines", "mentoring", "trade-offs",
    "raising-the-bar", "innovation", "data", "cost", "scale", "learning", "influence", "hiring",
    "ethics", "safety", "speed", "quality", "teamwork",
)  # fmt: skip

Level = Literal["any", "junior", "senior", "manager"]
Theme = Literal[
    "conflict", "failure", "customer", "ambiguity", "deadlines", "mentoring", "trade-offs",
    "raising-the-bar", "innovation", "data", "cost", "scale", "learning", "influence", "hiring",
    "ethics", "safety", "speed", "quality", "teamwork",
]  # fmt: skip

# Whitespace-only text would render as a blank prompt, so strip first and then require content.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

MIN_QUESTIONS = 10
MIN_PROBES = 5


class PrincipleDataError(ValueError):
    """A leadership-principle YAML file is missing, unreadable or fails validation."""


class Question(BaseModel):
    """One behavioral interview question tied to a principle."""

    # Typos in YAML keys should fail loudly rather than silently drop data.
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Text
    level: Level = "any"
    theme: Theme


class Principle(BaseModel):
    """One Amazon Leadership Principle with its rubric cues, questions and probes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: Text
    order: int = Field(ge=1)
    summary: Text
    signals: list[Text] = Field(min_length=1)
    red_flags: list[Text] = Field(min_length=1)
    keywords: list[Text] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    questions: list[Question] = Field(min_length=MIN_QUESTIONS)
    probes: list[Text] = Field(min_length=MIN_PROBES)
    # For the offline LP classifier only, in file order (the order can change its scores):
    # extra cue words/phrases beyond `keywords`, and short example answers used as prototypes.
    classifier_cues: list[Text] = Field(default_factory=list)
    exemplars: list[Text] = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _lowercase_keywords(cls, value: list[str]) -> list[str]:
        """Lower-case keywords because the offline classifier matches on lower-cased text."""
        return [k.lower() for k in value]

    @field_validator("questions")
    @classmethod
    def _unique_questions(cls, value: list[Question]) -> list[Question]:
        """Reject repeated questions so a drill never asks the same thing twice."""
        seen: set[str] = set()
        for q in value:
            key = normalise_question(q.text)
            if key in seen:
                raise ValueError(f"duplicate question: {q.text!r}")
            seen.add(key)
        return value

    @field_validator("exemplars")
    @classmethod
    def _exemplars_are_not_bank_questions(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """The question bank is the classifier's held-out test set, so no exemplar may copy it."""
        bank = {normalise_question(q.text) for q in info.data.get("questions", [])}
        for text in value:
            if normalise_question(text) in bank:
                raise ValueError(f"repeats a question of this principle: {text!r}")
        return value


def normalise_question(text: str) -> str:
    """Lower-case, drop punctuation and collapse whitespace so trivial variants compare equal."""
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def _lookup_key(text: str) -> str:
    """Fold slug/name variants ("Dive Deep", "dive_deep", "DIVE-DEEP") to one comparable key."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_principle_file(path: Path) -> Principle:
    """Parse and validate one principle YAML file."""
    raw: Any = read_yaml(path, "YAML", PrincipleDataError)
    if not isinstance(raw, dict):
        raise PrincipleDataError(f"{path}: expected a mapping at the top level")
    try:
        principle = Principle.model_validate(raw)
    except ValidationError as e:
        raise PrincipleDataError(f"{path}: {describe_validation_error(e)}") from e
    # The file name is the stable id other code links to, so it must agree with the content.
    if principle.slug != path.stem:
        raise PrincipleDataError(f"{path}: slug {principle.slug!r} does not match the file name")
    return principle


def _load(directory: Path) -> dict[str, Principle]:
    """Load every YAML file in `directory` and check cross-file consistency."""
    if not directory.is_dir():
        raise PrincipleDataError(f"{directory}: leadership principles directory not found")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise PrincipleDataError(f"{directory}: no *.yaml principle files found")
    # Sort by `order` so a cross-file error blames the later principle, not the alphabetical one.
    principles = sorted((load_principle_file(f) for f in files), key=lambda p: p.order)

    orders: dict[int, str] = {}
    owners: dict[str, str] = {}
    for p in principles:
        where = directory / f"{p.slug}.yaml"
        if p.order in orders:
            raise PrincipleDataError(f"{where}: order: {p.order} already used by {orders[p.order]}")
        orders[p.order] = p.slug
        # Duplicates across principles would make a drill repeat itself on a different LP.
        for q in p.questions:
            key = normalise_question(q.text)
            if key in owners:
                raise PrincipleDataError(
                    f"{where}: questions: {q.text!r} duplicates a question in {owners[key]}"
                )
            owners[key] = p.slug
    return {p.slug: p for p in principles}


@lru_cache(maxsize=1)
def _load_default() -> dict[str, Principle]:
    """Cache the bundled principles: they never change while the app runs."""
    return _load(DEFAULT_DIR)


def load_principles(directory: Path | None = None) -> dict[str, Principle]:
    """Return principles keyed by slug, ordered by `order`; defaults to the bundled set."""
    if directory is None:
        # Copy so callers mutating the dict cannot corrupt the shared cache.
        return dict(_load_default())
    return _load(Path(directory))


class UnknownPrincipleError(KeyError, ValueError):
    """No principle has this slug or name: a KeyError to lookups, a ValueError to validators."""

    def __str__(self) -> str:
        """The plain message (KeyError alone would print its repr, quotes and all)."""
        return str(self.args[0])


def get_principle(slug_or_name: str, directory: Path | None = None) -> Principle:
    """The one LP-name resolver: a slug or name in any case or -/_/space style to its principle."""
    principles = load_principles(directory)
    key = _lookup_key(slug_or_name)
    for p in principles.values():
        if key in {p.slug, _lookup_key(p.name)}:
            return p
    valid = ", ".join(principles)
    raise UnknownPrincipleError(
        f"unknown leadership principle {slug_or_name!r}; valid slugs: {valid}"
    )


def resolve_lp(slug_or_name: str, directory: Path | None = None) -> str:
    """The slug a slug or name (any style) resolves to; UnknownPrincipleError if none."""
    return get_principle(slug_or_name, directory).slug
