"""Keyword cues: a tiny stemmer and the IDF-weighted index of cue phrases that point to each LP.

The cues are each principle's `keywords` plus its `classifier_cues` (both in the LP YAML files),
stemmed so "disagreed", "disagreement" and "disagree" match one another.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agents.lp.principles import Principle

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = ("ments", "ment", "ings", "ing", "edly", "ied", "ies", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A tiny suffix stripper: "disagreed", "disagreement" and "disagree" share a stem."""
    word = word.lower().replace("'s", "")
    stripped = False
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("i" if suffix in ("ied", "ies") else "")
            # "-ed"/"-ing" already took the e ("managed"); "-ment" did not ("management").
            stripped = not suffix.startswith("ment")
            break
    # "simplify"/"simplified" -> "simplifi"; "hire"/"hired" -> "hir"; "disagree"/"disagreed"
    # -> "disagre" (a final e is dropped only from bare words, where "-ed" did not take it).
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if not stripped and word.endswith("e") and len(word) > 3:
        word = word[:-1]
    # Doubled final consonants: "stopped" -> "stopp" -> "stop".
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    """Stem every word of `text`, in order."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("’", "'"))]


@dataclass(frozen=True)
class CuePhrase:
    """A stemmed cue phrase and the LPs it points to, with its weight."""

    tokens: tuple[str, ...]
    lps: tuple[str, ...]
    weight: float


class CueIndex:
    """Cue phrases of a set of principles, indexed by first stem, matched longest first."""

    def __init__(self, principles: Mapping[str, Principle]) -> None:
        """Index every principle's keywords and classifier cues, in file order."""
        self._phrases = _build_phrases(principles)

    def matches(self, tokens: Sequence[str]) -> Iterator[CuePhrase]:
        """The cue phrases found in stemmed `tokens`, left to right, without overlaps."""
        i = 0
        while i < len(tokens):
            matched = 0
            for phrase in self._phrases.get(tokens[i], ()):
                n = len(phrase.tokens)
                if tuple(tokens[i : i + n]) == phrase.tokens:
                    yield phrase
                    matched = n
                    break
            i += max(matched, 1)


def _build_phrases(principles: Mapping[str, Principle]) -> dict[str, list[CuePhrase]]:
    """Index cue phrases by their first stem, with IDF weights over LPs."""
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for slug, p in principles.items():
        for cue in (*p.keywords, *p.classifier_cues):
            tokens = tuple(stems(cue))
            if tokens:
                owners[tokens].add(slug)
    n = len(principles)
    index: dict[str, list[CuePhrase]] = defaultdict(list)
    for tokens, lps in owners.items():
        # IDF: shared cues carry less evidence; phrases are more specific than single words.
        weight = float(np.log(1 + n / len(lps))) * (1.25 if len(tokens) > 1 else 1.0)
        index[tokens[0]].append(CuePhrase(tokens, tuple(sorted(lps)), weight))
    for phrases in index.values():
        phrases.sort(key=lambda ph: -len(ph.tokens))  # longest match first
    return dict(index)
