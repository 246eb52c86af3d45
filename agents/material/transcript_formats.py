"""Interview transcripts as utterances: WebVTT, SRT, and the text exports of Zoom, Teams and
Otter (speaker and time on a line of their own, or "Name: text" lines), with or without speaker
labels. Every format ends as the same list of `Utterance`s, in order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agents.material.errors import MaterialError
from agents.textutil import clean_text

Format = Literal["vtt", "srt", "labelled-blocks", "labelled-lines", "plain"]
MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".txt", ".md", ".text")

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_CUE_TIME = re.compile(rf"^\s*({_TS})\s*-->\s*({_TS})")
# A speaker label: up to four capitalised words, or "Speaker 2" / "Interviewer".
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|\d{1,2})){0,3}"
# Otter / Teams / Zoom blocks: "Jane Doe  0:05", "[Jane Doe] 10:02:03", "Speaker 1 (00:01:02)".
_BLOCK_HEAD = re.compile(rf"^\s*\[?(?P<name>{_NAME})\]?\s+[\[(]?(?P<ts>{_TS})[\])]?\s*$")
# Inline: "Jane Doe: text", "[00:01:02] Jane Doe: text", "00:01:02 Jane Doe: text".
_INLINE = re.compile(
    rf"^\s*(?:[\[(]?(?P<ts>{_TS})[\])]?\s+)?(?P<name>{_NAME})\s*:\s+(?P<text>\S.*)$"
)
_TS_ONLY = re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*$")
_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# A name must label at least this many lines to count as a speaker (else "Result: ..." would be).
_MIN_LABEL_USES = 2


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech: who said it (None when the file does not say) and the words."""

    speaker: str | None
    text: str
    start: float | None = None


def seconds(stamp: str) -> float:
    """'01:02:03.500' / '1:02' -> seconds."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def read_transcript(path: str | Path) -> tuple[list[Utterance], Format]:
    """Utterances from a transcript file, and the format read."""
    path = Path(path)
    if path.suffix.lower() not in TRANSCRIPT_SUFFIXES:
        raise MaterialError(
            f"'{path.name}' is not a transcript format Bar Raiser reads: use WebVTT (.vtt), SRT "
            "(.srt) or a text export (.txt) from Zoom, Teams or Otter.",
            kind="format",
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MaterialError(f"Could not read '{path.name}': {e.strerror or e}.") from e
    if len(data) > MAX_TRANSCRIPT_BYTES:
        raise MaterialError(f"'{path.name}' is too large for a transcript.", kind="too_big")
    if b"\x00" in data[:4096]:
        raise MaterialError(f"'{path.name}' is a binary file, not a transcript.", kind="format")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_transcript(text, path.name)


def parse_transcript(text: str, name: str = "the transcript") -> tuple[list[Utterance], Format]:
    """Utterances from transcript text in any supported format (detected from the content)."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise MaterialError(f"'{name}' is empty.", kind="empty")
    lines = text.split("\n")
    fmt: Format
    if lines[0].strip().startswith("WEBVTT"):
        fmt, utterances = "vtt", _cues(lines[1:])
    elif any(_CUE_TIME.match(line) for line in lines[:12]):
        fmt, utterances = "srt", _cues(lines)
    elif _count_labels(lines, _BLOCK_HEAD) >= _MIN_LABEL_USES:
        fmt, utterances = "labelled-blocks", _blocks(lines)
    elif _count_labels(lines, _INLINE) >= _MIN_LABEL_USES:
        fmt, utterances = "labelled-lines", _inline(lines)
    else:
        fmt, utterances = "plain", _paragraphs(lines)
    utterances = [u for u in utterances if u.text.strip()]
    if not utterances:
        raise MaterialError(f"'{name}' has no spoken text in it.", kind="empty")
    return utterances, fmt


def _count_labels(lines: list[str], pattern: re.Pattern[str]) -> int:
    """How many lines carry the most used speaker label of `pattern`."""
    names = Counter(m.group("name") for line in lines if (m := pattern.match(line)))
    return max(names.values(), default=0)


def _speaker_names(texts: list[str]) -> set[str]:
    """Inline "Name: text" labels used often enough to be speakers."""
    names = Counter(m.group("name") for t in texts if (m := _INLINE.match(t)))
    return {n for n, c in names.items() if c >= _MIN_LABEL_USES}


def _cues(lines: list[str]) -> list[Utterance]:
    """WebVTT or SRT cues: timing line, then text lines; voice tags or "Name:" give speakers."""
    cues: list[tuple[float, str]] = []
    current: list[str] | None = None
    start = 0.0
    for line in lines:
        timing = _CUE_TIME.match(line)
        if timing:
            if current:
                cues.append((start, " ".join(current)))
            current, start = [], seconds(timing.group(1))
            continue
        if not line.strip():
            if current:
                cues.append((start, " ".join(current)))
            current = None
            continue
        if current is not None:
            current.append(line.strip())
    if current:
        cues.append((start, " ".join(current)))
    names = _speaker_names([_VOICE.sub(lambda m: f"{m.group(1)}: ", c) for _, c in cues])
    out: list[Utterance] = []
    for at, raw in cues:
        voice = _VOICE.search(raw)
        body = _TAG.sub("", raw).strip()
        speaker = voice.group(1).strip() if voice else None
        inline = _INLINE.match(body)
        if speaker is None and inline and inline.group("name") in names:
            speaker, body = inline.group("name"), inline.group("text")
        out.append(Utterance(speaker, body.strip(), at))
    return out


def _blocks(lines: list[str]) -> list[Utterance]:
    """Otter/Teams/Zoom blocks: a "Name  0:05" line, then that speaker's text lines."""
    out: list[Utterance] = []
    speaker: str | None = None
    at: float | None = None
    body: list[str] = []
    for line in lines:
        head = _BLOCK_HEAD.match(line)
        if head:
            if body:
                out.append(Utterance(speaker, " ".join(body), at))
            speaker, at, body = head.group("name").strip(), seconds(head.group("ts")), []
        elif line.strip():
            body.append(line.strip())
    if body:
        out.append(Utterance(speaker, " ".join(body), at))
    return out


def _inline(lines: list[str]) -> list[Utterance]:
    """ "Name: text" lines; unlabelled lines continue the speaker before them."""
    names = _speaker_names(lines)
    out: list[Utterance] = []
    for line in lines:
        match = _INLINE.match(line)
        if match and match.group("name") in names:
            at = seconds(match.group("ts")) if match.group("ts") else None
            out.append(Utterance(match.group("name"), match.group("text").strip(), at))
        elif line.strip() and not _TS_ONLY.match(line):
            if out:
                last = out[-1]
                out[-1] = Utterance(last.speaker, f"{last.text} {line.strip()}", last.start)
            else:
                out.append(Utterance(None, line.strip()))
    return out


def _paragraphs(lines: list[str]) -> list[Utterance]:
    """No labels: each line (or timestamp-led block) is one utterance of an unknown speaker."""
    out: list[Utterance] = []
    at: float | None = None
    for line in lines:
        if _TS_ONLY.match(line):
            at = seconds(line.strip().strip("[]()"))
            continue
        if line.strip():
            out.append(Utterance(None, line.strip(), at))
    return out
