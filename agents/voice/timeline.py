"""Where the seconds of a spoken answer went: the recogniser's word timings joined to sentence
roles (given by the caller, who owns the grader) give seconds per STAR(L) part.

A sentence owns the time from its first word to the first word of the next sentence, so a pause
belongs to what was said before it; the last sentence ends at its last word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, Field

from agents.voice.audio import SAMPLE_RATE
from agents.voice.delivery import Delivery
from agents.voice.stt import Transcript, Word

PARTS = ("situation", "task", "action", "result", "learning")
STEP_S = 0.01  # voicing frames


class Snap(NamedTuple):
    """How sentence starts move to voice onsets (and the answer's end to a voice offset)."""

    back: float  # how far a sentence start may move back to the voice onset
    ahead: float  # ...and ahead
    gap: float  # the silence that must precede a voice onset to snap to it


# Chosen on the dev set only (Piper joe at normal speed) by `python -m evals.voice_timing_eval`.
SNAP = Snap(back=0.5, ahead=0.5, gap=0.15)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


class TimedSentence(BaseModel):
    """One sentence of the answer, its STAR(L) part (None: no role) and its time span."""

    text: str
    part: str | None
    start: float
    end: float


class SpokenAnswer(BaseModel):
    """A spoken answer measured: transcript, delivery and seconds per STAR(L) part."""

    transcript: str
    duration_s: float
    wpm: float
    fillers: dict[str, int]
    pauses: list[tuple[float, float]]
    star_seconds: dict[str, float]
    sentences: list[TimedSentence] = Field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """The compact form stored on a drill turn (no sentence list)."""
        return self.model_dump(exclude={"sentences", "transcript"})


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, the same for the recogniser's words and the grader's sentences."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _token_words(words: Sequence[Word]) -> list[int]:
    """For each token of the transcript, the index of the word it came from."""
    out: list[int] = []
    for i, w in enumerate(words):
        out += [i] * len(tokens(w.text))
    return out


def voicing(audio: np.ndarray) -> np.ndarray:
    """Per 10 ms frame: is it voiced (well above the recording's noise floor)?"""
    n = int(STEP_S * SAMPLE_RATE)
    frames = audio[: audio.size // n * n].reshape(-1, n).astype(np.float64)
    rms = np.sqrt((frames**2).mean(axis=1)) if frames.size else np.zeros(0)
    floor = float(np.percentile(rms, 10)) if rms.size else 0.0
    return rms > max(0.005, 3 * floor)


def snap_start(start: float, voiced: np.ndarray | None, snap: Snap = SNAP) -> float:
    """Move a sentence start to the nearest voice onset after a pause (Whisper often puts a
    word's start inside the silence before it, or a little late)."""
    if voiced is None or not voiced.size:
        return start
    lo = max(0, int((start - snap.back) / STEP_S))
    hi = min(voiced.size - 1, int((start + snap.ahead) / STEP_S))
    gap = int(snap.gap / STEP_S)
    best: int | None = None
    for i in range(max(lo, 1), hi + 1):
        quiet_before = not voiced[max(0, i - gap) : i].any() or i - gap < 0
        if (
            voiced[i]
            and quiet_before
            and (best is None or abs(i * STEP_S - start) < abs(best * STEP_S - start))
        ):
            best = i
    return start if best is None else best * STEP_S


def snap_end(end: float, voiced: np.ndarray | None, snap: Snap = SNAP) -> float:
    """Move the answer's end to the nearest voice offset followed by a pause."""
    if voiced is None or not voiced.size:
        return end
    lo = max(0, int((end - snap.ahead) / STEP_S))
    hi = min(voiced.size - 1, int((end + snap.ahead) / STEP_S))
    gap = int(snap.gap / STEP_S)
    offsets = [i for i in range(lo, hi + 1) if voiced[i] and not voiced[i + 1 : i + 1 + gap].any()]
    best = min(offsets, key=lambda i: abs((i + 1) * STEP_S - end), default=None)
    return end if best is None else (best + 1) * STEP_S


def sentence_spans(
    words: Sequence[Word],
    sentences: Sequence[str],
    duration_s: float,
    voiced: np.ndarray | None = None,
    snap: Snap = SNAP,
) -> list[tuple[float, float]]:
    """The (start, end) seconds of each sentence, consuming the recogniser's words in order.

    Token counts line up because both sides tokenise the same words; if the recogniser's words
    run out early (a truncated transcript), later sentences get empty spans at the end.
    """
    owner = _token_words(words)
    starts: list[float | None] = []
    last_end = 0.0
    cursor = 0
    for sentence in sentences:
        n = len(tokens(sentence))
        if n == 0 or cursor >= len(owner):
            starts.append(None)
            continue
        first, last = owner[cursor], owner[min(cursor + n, len(owner)) - 1]
        starts.append(snap_start(words[first].start, voiced, snap))
        last_end = words[last].end
        cursor += n
    last_end = snap_end(last_end, voiced, snap)
    spans: list[tuple[float, float]] = []
    for i, start in enumerate(starts):
        if start is None:
            spans.append((last_end, last_end))
            continue
        nxt = next((s for s in starts[i + 1 :] if s is not None), None)
        spans.append((start, nxt if nxt is not None else min(last_end, duration_s or last_end)))
    return spans


def _parts(roles: Sequence[str | None]) -> list[str | None]:
    """A sentence without a role continues the part before it (or starts the one after it)."""
    out = list(roles)
    for i, part in enumerate(out):
        if part is None and i > 0:
            out[i] = out[i - 1]
    for i in range(len(out) - 2, -1, -1):
        if out[i] is None:
            out[i] = out[i + 1]
    return out


def timed_sentences(
    transcript: Transcript,
    roles: Sequence[tuple[str, str | None]],
    audio: np.ndarray | None = None,
    snap: Snap = SNAP,
) -> list[TimedSentence]:
    """Each (sentence, role) pair with its time span in the recording (`audio`: the 16 kHz
    samples, to put sentence starts on voice onsets)."""
    voiced = voicing(audio) if audio is not None else None
    texts = [s for s, _ in roles]
    spans = sentence_spans(transcript.words, texts, transcript.duration_s, voiced, snap)
    parts = _parts([r if r in PARTS else None for _, r in roles])
    return [
        TimedSentence(text=text, part=part, start=round(a, 2), end=round(b, 2))
        for (text, _), part, (a, b) in zip(roles, parts, spans, strict=True)
    ]


def star_seconds(sentences: Sequence[TimedSentence]) -> dict[str, float]:
    """Seconds per STAR(L) part (every part present, 0.0 when not spoken)."""
    out = dict.fromkeys(PARTS, 0.0)
    for s in sentences:
        if s.part in out:
            out[s.part] += s.end - s.start
    return {k: round(v, 2) for k, v in out.items()}


def spoken_answer(
    transcript: Transcript,
    delivery: Delivery,
    roles: Sequence[tuple[str, str | None]],
    audio: np.ndarray | None = None,
) -> SpokenAnswer:
    """The transcript, its delivery and its seconds per part, in one record."""
    sentences = timed_sentences(transcript, roles, audio)
    return SpokenAnswer(
        transcript=transcript.text,
        duration_s=delivery.duration_s,
        wpm=delivery.wpm,
        fillers=delivery.fillers,
        pauses=delivery.long_pauses,
        star_seconds=star_seconds(sentences),
        sentences=sentences,
    )
