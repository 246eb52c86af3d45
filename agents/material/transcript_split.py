"""Interviewer questions and candidate answers in a transcript.

With speaker labels the candidate is the speaker with the most words and everyone else asks;
without them, sentences are read one by one: a question addressed to "you" (or an ask such as
"Tell me about...") starts a question, and everything after it until the next one is the answer.
Each question segment starts where the interviewer starts the asking turn; a follow-up ("What
was the result?") is a question of its own here, and `exchanges` groups it under its main one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agents.material.transcript_formats import Utterance
from agents.textutil import split_sentences

_ASK = re.compile(
    r"^(?:(?:so|okay|ok|alright|right|great|and|now|next|then|well)[,.!]?\s+)*"
    r"(?:tell me|tell us|describe|walk me|walk us|talk me|talk us|give me|share|"
    r"can you|could you|would you|what|how|why|when|which|who|where|did you|do you|have you|"
    r"were you|was there|is there|if you|did|does|do|was|were|is|are|has|have|can|could|"
    r"would|will)\b",
    re.IGNORECASE,
)
_SPEAKER_SELF = re.compile(r"\b(?:I|we|We|my|My|our|Our|me)\b")
_YOU = re.compile(r"\b(?:you|your|yourself)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"^(?:(?:and|so|but|well|um|uh|like)[, ]+)*(?:i|we|my|our)\b", re.I)
# A main question opens a topic; a follow-up digs into the story being told.
_MAIN = re.compile(
    r"\b(?:a time|an example|a situation|a project|a decision|describe a|tell me about|"
    r"walk me through|talk me through|give me|share a|the most|the hardest|a moment)\b",
    re.IGNORECASE,
)
# An acknowledgement the interviewer opens the next question with ("Thanks.", "Got it.").
_ACK = re.compile(
    r"^(?:hi|hello|thanks|thank you|great|okay|ok|got it|interesting|makes sense|nice|cool|"
    r"perfect|alright|all right|right|understood|good|lovely|excellent|wonderful|fair enough|"
    r"that's (?:great|helpful|useful|fair|interesting)|let's|next|moving on)\b",
    re.IGNORECASE,
)
_MAX_QUESTION_WORDS = 60
_SHORT_QUESTION_WORDS = 5
# An answer shorter than this at the very start is small talk ("Yes, loud and clear.").
_SMALL_TALK_WORDS = 8
_ACK_WORDS = 4
Kind = Literal["q", "a"]


@dataclass
class Segment:
    """A stretch of the interview: a question (`q`) or an answer (`a`)."""

    kind: Kind
    text: str


@dataclass
class Exchange:
    """One main question, its follow-ups, and the candidate's answers to them."""

    question: str
    probes: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


def is_question(sentence: str) -> bool:
    """True when an interviewer would say this to ask (addressed to "you", or an ask)."""
    text = sentence.strip()
    # "Let's begin with this: tell me about..." asks after the colon.
    head, colon, tail = text.partition(": ")
    if colon and len(head.split()) <= _ACK_WORDS + 2 and is_question(tail):
        return True
    words = len(text.split())
    if words > _MAX_QUESTION_WORDS or _FIRST_PERSON.match(text):
        return False
    if _SPEAKER_SELF.search(text) and not _YOU.search(text):
        return False  # "What did I do?": the candidate asking themselves, not the interviewer
    if text.endswith("?") and 2 <= words <= _SHORT_QUESTION_WORDS:
        return True  # an elliptical follow-up: "And the outcome?", "Why that one?"
    if words < 3:
        return False
    if _ASK.match(text):
        return (
            text.endswith("?")
            or bool(_YOU.search(text))
            or text.lower().startswith(("tell", "describe", "walk", "talk", "give", "share"))
        )
    return text.endswith("?") and bool(_YOU.search(text))


def is_ack(sentence: str) -> bool:
    """True for a short acknowledgement ("Thanks.", "Got it, that's helpful.")."""
    return len(sentence.split()) <= _ACK_WORDS + 2 and bool(_ACK.match(sentence.strip()))


def _roles(utterances: Sequence[Utterance]) -> tuple[str, set[str]] | None:
    """(candidate, interviewers) from speaker labels, or None when the file has none."""
    words: Counter[str] = Counter()
    for u in utterances:
        if u.speaker:
            words[u.speaker] += len(u.text.split())
    if len(words) < 2:
        return None
    candidate = words.most_common(1)[0][0]
    return candidate, set(words) - {candidate}


def _append(segments: list[Segment], kind: Kind, text: str) -> None:
    """Add text, merging with the last segment when it is of the same kind."""
    if segments and segments[-1].kind == kind:
        segments[-1].text = f"{segments[-1].text} {text}"
    else:
        segments.append(Segment(kind, text))


def _from_question(text: str) -> str | None:
    """The turn from its first question (with one short acknowledgement before it), or None."""
    sentences = [s.text for s in split_sentences(text)]
    for i, sentence in enumerate(sentences):
        if is_question(sentence) or sentence.rstrip().endswith("?"):
            ack = i > 0 and is_ack(sentences[i - 1])
            return " ".join(sentences[i - 1 if ack else i :])
    return None


def _labelled(utterances: Sequence[Utterance], candidate: str) -> list[Segment]:
    """Segments from labelled turns: an interviewer turn that asks starts a question."""
    segments: list[Segment] = []
    merged: list[Utterance] = []
    for u in utterances:
        if merged and merged[-1].speaker == u.speaker:
            merged[-1] = Utterance(u.speaker, f"{merged[-1].text} {u.text}", merged[-1].start)
        else:
            merged.append(u)
    for u in merged:
        if u.speaker != candidate:
            asked = _from_question(u.text)
            if asked is not None:
                _append(segments, "q", asked)
        elif segments:
            _append(segments, "a", u.text)
    return segments


def _unlabelled(utterances: Sequence[Utterance]) -> list[Segment]:
    """Segments from unlabelled text, sentence by sentence."""
    text = " ".join(u.text for u in utterances)
    segments: list[Segment] = []
    pending: list[str] = []  # a short acknowledgement that may open the next question
    for span in split_sentences(text):
        sentence = span.text
        if is_question(sentence):
            _append(segments, "q", " ".join([*pending, sentence]))
            pending = []
            continue
        if not segments:
            # Small talk before the first question, except an acknowledgement that opens it.
            pending = [sentence] if is_ack(sentence) else []
            continue
        if pending:
            _append(segments, "a", " ".join(pending))
            pending = []
        if is_ack(sentence) and segments[-1].kind == "a":
            pending = [sentence]
            continue
        _append(segments, "a", sentence)
    if pending:
        _append(segments, "a", " ".join(pending))
    return segments


def _drop_small_talk(segments: list[Segment]) -> list[Segment]:
    """Leading exchanges whose answer is a few words ("Can you hear me?" "Yes.") are small talk
    before the interview starts."""
    while (
        len(segments) >= 3
        and segments[0].kind == "q"
        and segments[1].kind == "a"
        and len(segments[1].text.split()) < _SMALL_TALK_WORDS
    ):
        segments = segments[2:]
    return segments


def split_transcript(utterances: Sequence[Utterance]) -> list[Segment]:
    """Question and answer segments, in order (talk before the first question is dropped)."""
    roles = _roles(utterances)
    if roles is None:
        return _drop_small_talk(_unlabelled(utterances))
    return _drop_small_talk(_labelled(utterances, roles[0]))


def exchanges(segments: Sequence[Segment]) -> list[Exchange]:
    """Group segments into main questions with their follow-ups and answers."""
    out: list[Exchange] = []
    for seg in segments:
        if seg.kind == "q":
            if out and not out[-1].answers:
                out[-1].question = f"{out[-1].question} {seg.text}"
            elif out and not _MAIN.search(seg.text):
                out[-1].probes.append(seg.text)
            else:
                out.append(Exchange(seg.text))
        elif out:
            out[-1].answers.append(seg.text)
    return [e for e in out if e.answers]
