"""Achievement bullets in resume text: list items (or verb-led lines) under work-like sections.

An achievement bullet is something the candidate did, told as a line of the work, projects,
leadership, volunteering or awards part of the resume, opening with an action verb ("Cut",
"Led", "Successfully launched"). Skills lists, duties ("Responsible for..."), education and
contact lines are not. Lines a PDF wrapped are joined back to their bullet first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.material.cues import load_cues
from agents.textutil import PAST_VERB

# Bullet marks seen in resumes, including the odd ones ("➤", "✓", "o ", "1)").
BULLET_MARK = re.compile(r"^\s*(?:[-*+•·▪▫◦‣●○■□◆◇❖➤➢►▸▹→»✓✔✗–—~]|\d{1,2}[.)](?=\s)|o(?=\s))\s*")
_PAST = re.compile(rf"^{PAST_VERB}$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\bpresent\b|\bcurrent\b", re.IGNORECASE)
# A line a PDF wrapped is about as long as the longest lines of the file (its column width):
# this share of the 90th-percentile length; shorter lines ended on their own.
_WRAP_SHARE = 0.85
_MIN_WORDS = 5
_MAX_WORDS = 90
_MAX_HEADING_WORDS = 5


@dataclass(frozen=True)
class Bullet:
    """One achievement bullet: its text (mark removed), its section and the role line above."""

    text: str
    section: str
    role: str
    line: int


def strip_mark(line: str) -> str:
    """The line without its leading bullet mark."""
    return BULLET_MARK.sub("", line, count=1).strip()


def heading_of(line: str) -> str | None:
    """The normalised section name when `line` is a section heading, else None."""
    bare = re.sub(r"^[#\s]+|[:\s]+$", "", line).strip(" *_|=-").lower()
    bare = re.sub(r"\s+", " ", bare.replace("&", "and"))
    if not bare or len(bare.split()) > _MAX_HEADING_WORDS:
        return None
    cues = load_cues()
    if bare in cues.work_sections or bare in cues.other_sections:
        return bare
    return None


def _is_work(section: str) -> bool:
    return section in load_cues().work_sections


def _continues(prev: str, line: str, wrap_at: int) -> bool:
    """True when `line` is the wrapped rest of a bullet whose last line was `prev`."""
    if BULLET_MARK.match(line) or heading_of(line) is not None:
        return False
    first = line.lstrip()[:1]
    if first.islower() or first in "$€£₹%(&" or first.isdigit():
        return True
    # A capitalised wrap ("Kubernetes, saving...") follows a long line with no full stop; a
    # line with a date is the next job's title line instead.
    ended = prev.rstrip().endswith((".", "!", ";"))
    return not ended and len(prev) >= wrap_at and not _DATE.search(line)


def starts_with_action(text: str) -> bool:
    """True when `text` opens with an action verb (after one lead-in like "Successfully")."""
    cues = load_cues()
    words = [w.lower() for w in _WORD.findall(text[:80])][:3]
    if not words:
        return False
    if words[0] in cues.verb_lead_ins and len(words) > 1:
        words = words[1:]
    head = words[0]
    return head in cues.action_verbs or bool(_PAST.match(head) and len(head) > 3)


def is_achievement(text: str) -> bool:
    """True when an item's text reads as an achievement, not a duty, skill list or fragment."""
    lowered = text.lower()
    if any(lowered.startswith(d) for d in load_cues().duty_openers):
        return False
    words = len(text.split())
    if words < _MIN_WORDS or words > _MAX_WORDS:
        return False
    return starts_with_action(text)


def _items(lines: list[str]) -> list[tuple[int, str, bool, str, str]]:
    """(line, text, marked, section, role) for every list item or line, wrapped lines joined."""
    items: list[tuple[int, str, bool, str, str]] = []
    section, role = "", ""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    wrap_at = int(_WRAP_SHARE * lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 0
    last_line = ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        name = heading_of(line)
        if name is not None:
            section, role = name, ""
            continue
        marked = bool(BULLET_MARK.match(line)) and len(strip_mark(line)) > 0
        if items and not marked and items[-1][0] >= 0 and _continues(last_line, line, wrap_at):
            last = items[-1]
            items[-1] = (last[0], f"{last[1]} {line}".strip(), last[2], last[3], last[4])
            last_line = line
            continue
        last_line = line
        text = strip_mark(line) if marked else line
        if not marked and (not starts_with_action(text) or _DATE.search(text)):
            # A job title / company / dates line: the context of the bullets below it.
            role = text.lstrip("#* ")
            items.append((-1, text, False, section, role))
            continue
        items.append((i, text, marked, section, role))
    return items


def find_bullets(text: str) -> list[Bullet]:
    """The achievement bullets of resume text, in order."""
    out: list[Bullet] = []
    seen: set[str] = set()
    for line, item, _marked, section, role in _items(text.splitlines()):
        if line < 0 or not section or not _is_work(section):
            continue
        item = re.sub(r"\s+", " ", item).strip()
        if is_achievement(item) and item.lower() not in seen:
            seen.add(item.lower())
            out.append(Bullet(item, section, role, line))
    return out
