"""The claim check: a figure or a role in an answer that contradicts the resume bullet telling
the same story. Only quantities with the same unit are compared, only against the bullet the
answer matches best, and every note quotes both versions verbatim: nothing is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from agents.textutil import find_metrics, split_sentences

_NUMBER = re.compile(r"(?P<cur>[$€£₹])?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|[A-Za-z]+)?")
_WORD = re.compile(r"[a-z][a-z\-]{2,}")
_STOP = frozenset(
    {
        "the", "and", "for", "with", "from", "that", "this", "into", "over", "than", "our",
        "their", "was", "were", "had", "has", "have", "about", "after", "before", "when", "then",
        "also", "which", "while", "what", "where", "who", "how", "you", "your", "they", "them",
        "its", "team", "teams", "year", "years", "month", "months", "week", "weeks", "day", "days",
    }
)  # fmt: skip
_NOT_UNITS = frozenset({"to", "and", "in", "of", "from", "by", "per", "the", "a", "an", "at", "on"})
# The answer tells a bullet's story when it shares this many content words and this share of
# the bullet's own content words.
MIN_SHARED_WORDS = 3
MIN_SHARED_SHARE = 0.3
# Title words that say how senior someone was; a role claim names one the resume line lacks.
_LEVELS = (
    "intern", "junior", "senior", "staff", "principal", "lead", "manager", "director", "head",
    "vp", "chief", "founder",
)  # fmt: skip
_ROLE_CLAIM = re.compile(
    r"\b(?:as|was|i was|being)\s+(?:the|a|an)\s+((?:[a-z\-]+\s+){0,2}(?:"
    + "|".join(_LEVELS)
    + r"))\b",
    re.IGNORECASE,
)


_TITLE = re.compile(
    r"\b(?:engineer|developer|analyst|designer|scientist|associate|manager|director|lead|"
    r"intern|consultant|specialist|coordinator|officer|head|architect|administrator)\b"
)


class ResumeLine(BaseModel):
    """A resume bullet the drill checks answers against, with its role line."""

    text: str
    role: str = ""


class Claim(BaseModel):
    """One contradiction: what was said, what the other version says, and both quotes."""

    kind: str  # "figure" or "role"
    said: str
    other: str
    unit: str = ""
    quote: str
    answer_quote: str


def content_words(text: str) -> set[str]:
    """Lower-case content words (stop words and numbers dropped)."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def figures(text: str) -> list[tuple[str, str, str, str]]:
    """(value, unit, metric, sentence) for each quantity with a unit, verbatim from `text`."""
    out: list[tuple[str, str, str, str]] = []
    for span in split_sentences(text):
        for metric in find_metrics(span.text):
            match = _NUMBER.search(metric)
            if not match:
                continue
            unit = (match.group("unit") or "").lower()
            if match.group("cur"):
                unit = f"{match.group('cur')}{unit}"
            if not unit or unit in _NOT_UNITS:
                continue
            out.append((match.group("num").replace(",", ""), unit, metric, span.text))
    return out


def best_line(answer: str, lines: Sequence[ResumeLine]) -> ResumeLine | None:
    """The resume line whose story the answer tells, or None when none is close enough."""
    said = content_words(answer)
    best: tuple[float, ResumeLine] | None = None
    for line in lines:
        own = content_words(line.text)
        if not own:
            continue
        shared = len(said & own)
        share = shared / len(own)
        close = shared >= MIN_SHARED_WORDS and share >= MIN_SHARED_SHARE
        if close and (best is None or share > best[0]):
            best = (share, line)
    return best[1] if best else None


def figure_conflicts(answer: str, other: str) -> list[Claim]:
    """Same unit, different value, neither value found in the other text."""
    mine, theirs = figures(answer), figures(other)
    my_values = {v for v, *_ in mine}
    their_values = {v for v, *_ in theirs}
    out: list[Claim] = []
    for value, unit, metric, sentence in mine:
        for value2, unit2, metric2, _sentence2 in theirs:
            if unit != unit2 or value == value2:
                continue
            if value in their_values or value2 in my_values:
                continue
            claim = Claim(kind="figure", said=metric, other=metric2, unit=unit, quote=other,
                          answer_quote=sentence)  # fmt: skip
            out.append(claim)
            break
    return out


def role_conflicts(answer: str, role_line: str) -> list[Claim]:
    """A title the answer claims ("as the team lead") whose level word the resume role lacks."""
    if not role_line.strip():
        return []
    role_lower = role_line.lower()
    if not _TITLE.search(role_lower):
        return []  # the line names no job title to compare with
    out: list[Claim] = []
    for match in _ROLE_CLAIM.finditer(answer):
        title = match.group(1).strip()
        level = title.split()[-1].lower()
        if level not in role_lower:
            role = role_line.strip()
            claim = Claim(kind="role", said=title, other=role, quote=role,
                          answer_quote=match.group(0))  # fmt: skip
            out.append(claim)
            break
    return out


def check_claims(answer: str, lines: Sequence[ResumeLine]) -> list[Claim]:
    """Contradictions between an answer and the resume bullet that tells the same story."""
    line = best_line(answer, lines)
    if line is None:
        return []
    return figure_conflicts(answer, line.text) + role_conflicts(answer, line.role)
