"""Question demands as data: what a behavioural question asks the story to contain.

`leadership_principles/interview/demands.yaml` names each demand (a disagreement, a failure, an
unhappy customer...), how an interviewer asks for it, and the phrases that mark a question as
asking for it and a story as containing it. This module loads and validates that file and reads
text against it; the fit model (`agents.grading.fit`) turns those readings into a probability.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agents.lp.principles import DEFAULT_DIR
from agents.validation import load_yaml_model

DEMANDS_FILE = DEFAULT_DIR / "interview" / "demands.yaml"


class Demand(BaseModel):
    """One demand: how to ask for it, what to prepare, and its cue phrases."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ask: str
    prepare: str
    question_cues: tuple[str, ...]
    story_cues: tuple[str, ...]


class DemandsFile(BaseModel):
    """The whole demands file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    demands: dict[str, Demand]


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a cue list: word boundaries, "*" as any word ending, symbols as themselves."""
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
        tail = r"\w*" if phrase.endswith("*") else ""
        lead = r"\b" if phrase[0].isalnum() else ""
        end = "" if tail or not phrase[-1].isalnum() else r"\b"
        parts.append(f"{lead}{body}{tail}{end}")
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=2)
def load_demands(path: Path = DEMANDS_FILE) -> dict[str, Demand]:
    """Parse and validate the demands file; errors name the file and the key at fault."""
    return dict(load_yaml_model(path, DemandsFile, "demands").demands)


@lru_cache(maxsize=2)
def _patterns(path: Path = DEMANDS_FILE) -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    return {
        name: (_pattern(d.question_cues), _pattern(d.story_cues))
        for name, d in load_demands(path).items()
    }


def question_demand_scores(question: str) -> dict[str, int]:
    """How many cue phrases of each demand the question uses."""
    return {name: len(q.findall(question)) for name, (q, _) in _patterns().items()}


def story_demand_hits(text: str) -> dict[str, int]:
    """How many cue phrases of each demand the story or answer uses."""
    return {name: len(s.findall(text)) for name, (_, s) in _patterns().items()}


def story_cue_count(text: str, demand: str) -> int:
    """How many cue phrases of one demand the text uses (0 for an unknown demand)."""
    found = _patterns().get(demand)
    return len(found[1].findall(text)) if found else 0


EXAMPLES_FILE = DEFAULT_DIR / "interview" / "demand_examples.yaml"


class DemandExamples(BaseModel):
    """Example questions asking for each demand and first-person sentences that show it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: dict[str, tuple[str, ...]]
    statements: dict[str, tuple[str, ...]]
    # Sentences saying the demand was not there (the near miss: "they never complained").
    absent: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=2)
def load_demand_examples(path: Path = EXAMPLES_FILE) -> DemandExamples:
    """Parse and validate the examples; every demand they name must exist in demands.yaml."""
    examples = load_yaml_model(path, DemandExamples, "demand examples")
    named = set(examples.questions) | set(examples.statements) | set(examples.absent)
    unknown = named - set(load_demands())
    if unknown:
        raise ValueError(f"{path}: unknown demand(s) {', '.join(sorted(unknown))}")
    return examples
