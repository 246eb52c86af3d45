"""A fast "cannot match" for the long rule patterns: the words any match must contain.

The verdict and injection patterns are alternations of hundreds of phrases, and `re` tries each at
every position of every sentence: most of the grader's time on a plain 300-word answer. Every
phrase holds some literal text ("rubric", "grader", "mark"), so a sentence that contains none of a
pattern's required words cannot match, and a substring test (in C) answers that first. The words
are read from the compiled pattern itself (`sre_parse`), so they never drift from it: when the
parser's shape is not understood, no words are required and the pattern always runs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

# The standard library's own regex parser, through its public (deprecated since 3.11) modules;
# absent or changed in a later Python, the gate always opens: slower, never wrong.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import sre_constants as _c
        import sre_parse as _p
    except ImportError:  # pragma: no cover - a Python without them
        _c = _p = None  # type: ignore[assignment]


# Words in nearly every sentence: requiring one of them rules nothing out.
_COMMON = frozenset({
    "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "for", "with", "by",
    "from", "as", "is", "was", "it", "i", "we", "you", "my", "our", "me", "this", "that", "be",
    "so", "up", "do", "if", "no", "not",
})  # fmt: skip


def _cost(words: frozenset[str]) -> float:
    """How often some word of the set is likely in a sentence: short and common words cost most."""
    return sum(5.0 if w.strip() in _COMMON else 1.0 / max(len(w.strip()), 1) ** 2 for w in words)


def _best(candidates: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement of those found (the cheapest; then by its words)."""
    ranked = sorted(candidates, key=lambda s: (_cost(s), sorted(s)))
    return ranked[0] if ranked else None


def _required(items: Any) -> frozenset[str] | None:
    """Words one of which every match of the sequence `items` contains, or None."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run).casefold()}))
            run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        if op is _c.AT:  # \b and anchors consume nothing: a word run goes on across them
            continue
        flush()
        if op is _c.BRANCH:
            alternatives = [_required(alt) for alt in arg[1]]
            if all(a is not None for a in alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op is _c.SUBPATTERN:
            inner = _required(arg[-1])
            if inner is not None:
                candidates.append(inner)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            inner = _required(arg[2])
            if inner is not None:
                candidates.append(inner)
    flush()
    return _best(candidates)


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Case-folded words one of which every match of `pattern` contains; None when unknown."""
    if _p is None:
        return None
    try:
        return _required(_p.parse(pattern.pattern, pattern.flags))
    except (AttributeError, TypeError, ValueError, IndexError):
        return None


class Gated:
    """`pattern` behind its required words: `search` is `pattern.search`, faster on text that
    holds none of them (then it returns None without running the pattern)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        """Read the required words once."""
        self.pattern = pattern
        self.words = required_words(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        """As `re.Pattern.search`."""
        if self.words is not None:
            folded = text.casefold()
            if not any(w in folded for w in self.words):
                return None
        return self.pattern.search(text)
