"""Delivery analytics for a spoken answer: pace (wpm), filler words, long pauses and length
against the two-to-three-minute target, with plain-English notes and a Markdown card."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from agents.voice.stt import Transcript

# An answer should take about two to three minutes when spoken.
TARGET_SECONDS = (120.0, 180.0)
SHORT_BELOW_SECONDS = 90.0
LONG_ABOVE_SECONDS = 210.0
LONG_PAUSE_SECONDS = 2.0
FILLERS = ("um", "uh", "erm", "like", "you know", "basically", "sort of", "kind of", "i mean")
# "like" is a filler only between commas or at a clause start, not in "I'd like to" or "like a".
_FILLER_RES = {
    f: re.compile(
        r"(?:^|[,.!?]\s*|\b(?:and|so|but)\s+)like\b(?=\s*,)|,\s*like\s*,"
        if f == "like"
        else rf"\b{re.escape(f)}\b",
        re.IGNORECASE,
    )
    for f in FILLERS
}
Verdict = Literal["short", "on target", "long"]


class Delivery(BaseModel):
    """How the answer was delivered: pace, fillers, length and pauses."""

    words: int
    duration_s: float
    wpm: float
    fillers: dict[str, int]
    filler_rate: float  # fillers per 100 words
    long_pauses: list[tuple[float, float]]  # (start_s, length_s)
    length_verdict: Verdict
    notes: list[str]


def _verdict(duration_s: float) -> Verdict:
    """Some slack around the 2-3 minute target before calling an answer short or long."""
    if duration_s < SHORT_BELOW_SECONDS:
        return "short"
    if duration_s > LONG_ABOVE_SECONDS:
        return "long"
    return "on target"


def _notes(t: Transcript, d: Delivery) -> list[str]:
    """The plain-English advice for a delivery, most actionable first."""
    notes: list[str] = []
    if d.wpm and d.wpm < 110:
        notes.append(f"You spoke at {d.wpm:.0f} words a minute; aim for 130–160 so it flows.")
    elif d.wpm > 180:
        notes.append(f"You spoke at {d.wpm:.0f} words a minute; slow down to 130–160.")
    if d.filler_rate >= 3:
        total = sum(d.fillers.values())
        top = ", ".join(
            f'"{f}" ×{n}' for f, n in sorted(d.fillers.items(), key=lambda x: -x[1])[:3]
        )
        notes.append(f"{total} filler words ({d.filler_rate:.0f} per 100 words): {top}.")
    if d.long_pauses:
        longest = max(p[1] for p in d.long_pauses)
        notes.append(f"{len(d.long_pauses)} long pause(s), the longest {longest:.1f} s.")
    if d.length_verdict == "short":
        notes.append(
            f"At {t.duration_s:.0f} s the story is short of the 2–3 minute target; add the "
            "result and what you learned."
        )
    elif d.length_verdict == "long":
        notes.append(f"At {t.duration_s / 60:.1f} minutes it runs long; trim the situation.")
    return notes


def delivery_of(t: Transcript) -> Delivery:
    """Pace, fillers, pauses and length of a spoken answer, with plain-English notes."""
    words = len(re.findall(r"[\w'’-]+", t.text))
    minutes = t.duration_s / 60 if t.duration_s > 0 else 0.0
    wpm = round(words / minutes, 1) if minutes else 0.0
    fillers = {f: n for f in FILLERS if (n := len(_FILLER_RES[f].findall(t.text)))}
    total = sum(fillers.values())
    pauses = [
        (round(a.end, 2), round(b.start - a.end, 2))
        for a, b in zip(t.words, t.words[1:], strict=False)
        if b.start - a.end >= LONG_PAUSE_SECONDS
    ]
    delivery = Delivery(
        words=words,
        duration_s=round(t.duration_s, 2),
        wpm=wpm,
        fillers=fillers,
        filler_rate=round(100 * total / words, 1) if words else 0.0,
        long_pauses=pauses,
        length_verdict=_verdict(t.duration_s),
        notes=[],
    )
    delivery.notes = _notes(t, delivery)
    return delivery


def delivery_markdown(t: Transcript, d: Delivery) -> str:
    """A short Markdown card for the page."""
    lines = [
        f"**Delivery** — {d.duration_s:.0f} s, {d.words} words, {d.wpm:.0f} wpm, "
        f"{sum(d.fillers.values())} fillers, length {d.length_verdict} "
        f"(target 2–3 min). _Transcribed by {t.backend}._"
    ]
    lines += [f"- {n}" for n in d.notes]
    if t.notice:
        lines.append(f"- _{t.notice}_")
    return "\n".join(lines)
