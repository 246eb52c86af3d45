"""Talk around the answer, not in it: "Great question, let me think.", "So yeah, that's the story."

Spoken answers open and close with words that carry no part of the story. They are not evidence,
and where they sit matters: the role model reads a sentence's position, so a closing "Does that
answer your question?" took the last place from the lesson or the result, and an opening "Okay,
so." the first place from the scene (measured on the corpus's dev stories read with such an
opening or closing: top gap 0.873 -> 0.816 / 0.808). A span that is only such talk is left out of
the role reading, as the corpus labels it (`other`). It is never flagged: a candidate may talk so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.textutil import Span

# Words that start or pad a remark: "So, um, yeah".
_FILL = (
    r"(?:so|okay|ok|right|well|um+|uh+|erm|er|hmm+|yeah|yes|sure|alright|all right|anyway|and|but|"
    r"like|you know|i mean|basically|honestly|actually|oh|mm+(?:-?hm+)?|uh-huh|i see|got it|"
    r"go on|go ahead|carry on|interesting|nice|great|thanks|thank you)"
)
# One remark about the question or the answer, never about the story.
_REMARK = (
    r"(?:(?:that'?s|what|it'?s)\s+(?:a\s+|an\s+)?(?:really\s+)?|a\s+)?"
    r"(?:great|good|interesting|tough|fair|nice|hard|difficult|tricky)\s+(?:question|one)"
    r"|let\s+me\s+(?:think|see)(?:\s+(?:about\s+(?:it|that)|for\s+a\s+(?:second|moment|sec)))?"
    r"|(?:i\s+)?(?:need|have)\s+to\s+think\s+(?:about\s+(?:it|that)|for\s+a\s+(?:second|moment))"
    r"|that'?s\s+(?:about\s+|basically\s+|pretty\s+much\s+|really\s+)?(?:it|all|the\s+story|"
    r"my\s+(?:story|example|answer)|the\s+(?:example|answer))"
    r"|(?:does|did)\s+that\s+(?:answer|cover)\s+(?:your|the)\s+question"
    r"|(?:i\s+)?hope\s+that\s+(?:helps|answers\s+(?:it|your\s+question)|makes\s+sense)"
    r"|(?:i'?m\s+)?happy\s+to\s+(?:go\s+into|expand\s+on|elaborate\s+on)\s+(?:it|that|any\s+of\s+"
    r"(?:it|that)|more\s+details?)(?:\s+if\s+(?:you\s+like|that\s+helps|useful|needed))?"
    # The question said back: "A time I disagreed with my manager?"
    r"|(?:a|the|one)\s+time\s+(?:when\s+)?(?:i|you)\s+[^.!?\n]{3,80}\?"
    r"|" + _FILL
)
_CHATTER = re.compile(
    rf"^\W*(?:(?:{_REMARK})[\s,.;:!?—–-]+)*(?:{_REMARK})[\s,.;:!?—–-]*$", re.IGNORECASE
)
# A remark is short: a longer span says something, whatever its opening.
_MAX_WORDS = 20


def is_chatter(text: str) -> bool:
    """The span is only talk around the answer (a remark on the question, a sign-off, fillers), or
    has no word at all (a page reference, a stray figure: "2024;7(2):14-9.")."""
    if not any(c.isalpha() for c in text):
        return True
    return len(text.split()) <= _MAX_WORDS and _CHATTER.match(text) is not None


_WORD = re.compile(r"[a-z][a-z'’]+")
# Words every question and answer share; the rest say what the question is about.
_COMMON_WORDS = """
    the and that this with for from about when what where which who how why was were you your
    tell give describe example time times me can could would had have has did does not are our
    any one some sure yes yeah okay well
"""
_COMMON = frozenset(_COMMON_WORDS.split())
# Of the span's own words, this share or more are the question's.
_ECHO_SHARE = 0.7
_ECHO_MIN_WORDS = 3


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _COMMON]


def says_question_back(text: str, question: str) -> bool:
    """The span repeats the question ("A time I disagreed with my manager? Sure."): it is the
    question, or nearly all its words are the question's and it is no longer than the question."""
    if not question.strip():
        return False
    if _plain(text) == _plain(question):
        return True
    own, asked = _words(text), set(_words(question))
    # A short question has few words of its own: said back as a question, one is enough.
    least = 1 if text.rstrip(" .!\"'”’").endswith("?") else _ECHO_MIN_WORDS
    if len(own) < least or len(text.split()) > len(question.split()) + 4:
        return False
    return sum(w in asked for w in own) >= _ECHO_SHARE * len(own)


def _plain(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


# A transcript's turns: "Interviewer: Tell me about a time...", then "Me: So we..." or "Dami: ...".
_ASKER = re.compile(
    r"^\W*(?:interviewer|question|q|recruiter|panel|hiring manager|bar raiser)\s*[:.\-–—]\s*",
    re.IGNORECASE,
)
_ANSWERER = re.compile(
    r"^\W*(?:me|candidate|interviewee|answer|a|i|[A-Z][a-z]{1,20}(?:\s[A-Z][a-z]{1,20})?)\s*:\s*",
    re.IGNORECASE,
)
# An interviewer's prompt in the middle of the answer is neutral when it only asks or nods: short,
# no figure, nothing about how the answer is judged ("Mm-hm, and then?", "How did you do it?").
_PROMPT_WORDS = 12
_JUDGING = re.compile(
    r"\b(?:scor\w*|grad\w*|rat(?:e|ed|ing)|marks?|rubric|hire|points?|levels?|bands?|excellent|"
    r"outstanding|perfect|strong|textbook|exemplary|impressive|best|top|measurab\w*|ownership|"
    r"evaluat\w*|assess\w*|judg\w*|note|record|summar\w*)\b",
    re.IGNORECASE,
)


def _neutral_prompt(text: str) -> bool:
    """A turn that only nods or asks the candidate to go on."""
    if is_chatter(text):
        return True
    return (
        text.rstrip(" \"'”’").endswith("?")
        and len(text.split()) <= _PROMPT_WORDS
        and not any(c.isdigit() for c in text)
        and _JUDGING.search(text) is None
    )


def without_asked_turn(spans: Sequence[Span], question: str) -> list[Span]:
    """A pasted transcript under its question is the answer: the opening turn that only asks the
    question (one span or more: "Q: Tell me about a mistake. How did you handle it?") and later
    turns that only nod or ask to go on ("Interviewer: Mm-hm, and then?") are dropped, and the
    answerer's label ("Me:", "Candidate:", a first name) is taken off their turns. Any other
    turn stays, for the injection rules to read."""
    limit = len(question.split()) + 4
    for i, span in enumerate(spans):
        asked = _ASKER.match(span.text)
        if asked is None:
            continue
        turn = span.text[asked.end() :]
        end = i
        while not says_question_back(turn, question):
            end += 1
            if end >= len(spans) or len(turn.split()) > limit:
                return list(spans)
            turn = f"{turn} {spans[end].text}"
        return [*spans[:i], *_answer_turns(spans[end + 1 :])]
    return list(spans)


def _answer_turns(spans: Sequence[Span]) -> list[Span]:
    """The spans after the question: the answerer's label off, neutral prompts out."""
    first = _ANSWERER.match(spans[0].text) if spans else None
    label = None if first is None or _ASKER.match(spans[0].text) else first.group(0).strip().lower()
    out: list[Span] = []
    j = 0
    while j < len(spans):
        span = spans[j]
        said = _ANSWERER.match(span.text)
        if label is not None and said is not None and said.group(0).strip().lower() == label:
            if said.end() < len(span.text):
                out.append(Span(span.start + said.end(), span.end, span.text[said.end() :]))
            j += 1
            continue
        asked = _ASKER.match(span.text)
        if asked is not None and label is not None:
            k = j + 1
            while k < len(spans) and not _starts_turn(spans[k].text, label):
                k += 1
            parts = [span.text[asked.end() :], *(s.text for s in spans[j + 1 : k])]
            if all(_neutral_prompt(p) for p in parts if p.strip()):
                j = k
                continue
        out.append(span)
        j += 1
    return out


def _starts_turn(text: str, label: str) -> bool:
    said = _ANSWERER.match(text)
    return bool(_ASKER.match(text)) or (said is not None and said.group(0).strip().lower() == label)


def blank_dropped(text: str, before: Sequence[Span], after: Sequence[Span]) -> str:
    """`text` with what `without_asked_turn` dropped (turns, labels) blanked, offsets kept, so the
    rules that read whole lines see only the answer."""
    kept_ends = {s.end: s.start for s in after}
    kept = set(after)
    chars = list(text)
    for s in before:
        if s in kept:
            continue
        stop = kept_ends.get(s.end, s.end)
        for k in range(s.start, stop):
            if not chars[k].isspace():
                chars[k] = " "
    return "".join(chars)
