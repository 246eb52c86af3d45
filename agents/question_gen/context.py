"""Hints from the user's context: the themes and LPs a job description stresses, or what the
candidate's own stories leave out, plus the job description's domain nouns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.lp.principles import DEFAULT_DIR, Text, Theme
from agents.question_gen.request import CORE_THEMES
from agents.validation import load_yaml_model

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier

CUES_FILE = DEFAULT_DIR / "interview" / "context_cues.yaml"
# Candidates' stories say "I" and "my"; job descriptions say "we", "our" and "you".
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|my|me|myself)\b", re.IGNORECASE)


class ContextCues(BaseModel):
    """The context cues file: theme cue words, domain head nouns and stop words."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    theme_cues: dict[Theme, tuple[Text, ...]]
    noun_heads: tuple[Text, ...] = Field(min_length=1)
    stop_words: frozenset[Text]


@lru_cache(maxsize=4)
def load_context_cues(path: Path = CUES_FILE) -> ContextCues:
    """Parse and validate the context cues file; errors name the file and the key at fault."""
    return load_yaml_model(path, ContextCues, "context cues")


@dataclass
class ContextHints:
    """What a job description or the candidate's stories suggest: themes, LPs, domain nouns."""

    kind: Literal["none", "job-description", "stories"] = "none"
    themes: list[str] = field(default_factory=list)
    lps: list[str] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)


def domain_nouns(text: str, limit: int = 6) -> list[str]:
    """Singular noun phrases such as "payments platform" from a job description."""
    cues = load_context_cues()
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text)
    found: list[str] = []
    for i, word in enumerate(words):
        head = word.lower()
        if head not in cues.noun_heads or i == 0:
            continue
        mods = []
        for prev in reversed(words[max(0, i - 2) : i]):
            if prev.lower() in cues.stop_words or len(prev) < 3:
                break
            mods.insert(0, prev.lower() if not prev.isupper() else prev)
        if not mods:
            continue
        singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
        singular = {"api": "API", "apis": "API"}.get(singular, singular)
        phrase = " ".join([*mods[-2:], singular])
        if phrase not in found and len(phrase) <= 40:
            found.append(phrase)
        if len(found) >= limit:
            break
    return found


def analyse_context(text: str | None, classifier: LPClassifier | None = None) -> ContextHints:
    """Read a job description (themes and LPs it stresses) or stories (what they leave out)."""
    if not text or not text.strip():
        return ContextHints()
    lowered = text.lower()
    words = max(1, len(lowered.split()))
    stories = len(_FIRST_PERSON.findall(text)) / words > 0.03
    theme_cues = load_context_cues().theme_cues
    mentioned = [t for t, cues in theme_cues.items() if any(c in lowered for c in cues)]
    hints = ContextHints(kind="stories" if stories else "job-description")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if len(p.split()) >= 12] or [text]
    ranked: list[str] = []
    if classifier is not None:
        per_paragraph = 4 if len(paragraphs) == 1 else 2
        for ranking in classifier.rank(paragraphs):
            ranked.extend(r for r in ranking[:per_paragraph] if r not in ranked)
    if stories:
        # Stories show what the candidate already has; ask about what they do not.
        hints.themes = [t for t in CORE_THEMES if t not in mentioned]
        covered = set(ranked)
        if classifier is not None:
            hints.lps = [s for s in classifier.slugs if s not in covered][:4]
    else:
        hints.themes = [t for t in CORE_THEMES if t in mentioned] + [
            t for t in mentioned if t not in CORE_THEMES
        ]
        hints.lps = ranked[:4]
        hints.nouns = domain_nouns(text)
    return hints
