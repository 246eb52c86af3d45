"""Labels a candidate opens their own lines with: a timeline, steps, a self-interview, a dialogue.

Typed answers are often notes: "14:05 – florist rings, van broken down", "Sept: joined as a Year 4
teacher"; "Q: What did you propose? A: I proposed moving repairs online"; "FD: "You don't need to
go." Me: "It's 30% of the stock."". Their labelled lines look like the fields of a pasted form or
log, so `structure.py` asks here before it calls them a block. A layout is the candidate's own when
every labelled line of it carries one kind of label and the lines tell the candidate's story (their
deeds, their answers, their voice in the dialogue); each line is then judged on its words, by the
same rules as any sentence. A log of outcomes, an interviewer's turn or a form stays a payload.
"""

from __future__ import annotations

import re

# A time or date opening a line: "14:05 –", "7am:", "Mon:", "Sept:", "Mar 2022 -", "Day 2:".
TIME_HEAD = re.compile(
    r"^[ \t]*[*_-]*[ \t]*(?:\d{1,2}[:.]\d{2}[ \t]*(?:am|pm)?|\d{1,2}[ \t]*(?:am|pm)|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:[ \t]+\d{1,4})?|"
    r"(?:day|week|wk|month|year|q)[ \t]*\d{1,2}|(?:19|20)\d\d|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
    r"[*_]*[ \t]*(?::|[—–]|-(?=[ \t]))[ \t]*",
    re.IGNORECASE,
)
# A self-interview's labels: "Q: ...?", "A: ...", "Question 2:".
QA_HEAD = re.compile(
    r"^[ \t]*[*_]*(?P<kind>q|a|question|answer)[ \t]*\d{0,2}[*_]*[ \t]*[:.)][ \t]*", re.IGNORECASE
)
# A speaker's name before their quoted words: 'Me: "I understand..."', 'FD: "We never..."'.
SPEAKER_HEAD = re.compile(
    r"^[ \t]*(?P<who>[A-Z][\w.'-]*(?:[ \t]+[\w.'-]+){0,2}|me|I)[ \t]*(?:\([^)\n]{0,30}\))?[ \t]*:"
    r"[ \t]*(?=[\"“‘'])"
)
# The interview's own people and machines are never a speaker of the candidate's story.
_NOT_STORY_SPEAKER = re.compile(
    r"\b(?:interviewer|grader|assessor|evaluator|recruiter|panel|hiring|system|assistant|user|ai|"
    r"bot|reviewer|examiner|candidate|model|judge|scorer|marker)\b",
    re.IGNORECASE,
)
# A numbered step opening a line: "Step 1:", "Stage 2 -", "Point 3)".
STEP_HEAD = re.compile(
    r"^[ \t]*[*_-]*[ \t]*(?:step|stage|phase|point)[ \t]*\d{1,2}[*_]*[ \t]*[:.)—–-][ \t]*",
    re.IGNORECASE,
)
# Any "Label:" opening a line (STAR heading, field, speaker...), read one line at a time.
LABELLED_LINE = re.compile(r"^[ \t]*[*_#>-]*\s*[\w ()/&'-]{1,30}[*_]*\s*[:—–]")
# The speaker in a line ("I proposed", "we agreed", "my team"), or a note's implied "I" ("sent our
# porter", "rang round", "joined as").
_VOICE = re.compile(r"\b(?:I|I'm|I'd|I've|we|we'd|my|me|our|us)\b", re.IGNORECASE)
_DEED = re.compile(
    r"^\W*(?:[a-z]{2,}ed|told|rang|sent|got|went|made|took|set|put|ran|led|built|wrote|found|"
    r"kept|gave|spent|met|held|said|saw|brought|bought|called|asked)\b",
    re.IGNORECASE,
)


def _tells(body: str) -> bool:
    """The line is the candidate telling: their voice in it, or a note's implied 'I'."""
    return bool(_VOICE.search(body) or _DEED.match(body))


def _heads(block: str, head: re.Pattern[str]) -> list[tuple[re.Match[str], str]] | None:
    """Each line `head` opens, with its body; None when another kind of label opens a line."""
    found = []
    for line in block.splitlines():
        match = head.match(line)
        if match is not None:
            found.append((match, line[match.end() :]))
        elif LABELLED_LINE.match(line):
            return None
    return found


def _timeline(block: str) -> bool:
    """Two or more lines open with a time or date, and at least half of them tell a deed."""
    lines = _heads(block, TIME_HEAD)
    return bool(lines) and len(lines) >= 2 and 2 * sum(_tells(b) for _, b in lines) >= len(lines)


def _steps(block: str) -> bool:
    """Two or more lines open with a numbered step, and at least half of them tell a deed."""
    lines = _heads(block, STEP_HEAD)
    return bool(lines) and len(lines) >= 2 and 2 * sum(_tells(b) for _, b in lines) >= len(lines)


def _self_interview(block: str) -> bool:
    """Questions and answers: two of each, every question asked, half the answers in the voice."""
    lines = _heads(block, QA_HEAD)
    if not lines:
        return False
    asks = [b for m, b in lines if m["kind"].lower().startswith("q")]
    says = [b for m, b in lines if m["kind"].lower().startswith("a")]
    return (
        len(asks) >= 2
        and len(says) >= 2
        and all(b.rstrip().endswith("?") for b in asks)
        and 2 * sum(_tells(b) for b in says) >= len(says)
    )


def _dialogue(block: str) -> bool:
    """Quoted lines by named speakers, one of them the candidate ("Me:"), none the interview's."""
    lines = _heads(block, SPEAKER_HEAD)
    speakers = [m["who"] for m, _ in lines or ()]
    return (
        len(speakers) >= 2
        and any(who.lower() in ("me", "i") for who in speakers)
        and not any(_NOT_STORY_SPEAKER.search(who) for who in speakers)
    )


def own_label(block: str) -> re.Pattern[str] | None:
    """The label the candidate opens their own lines with in `block` (a timeline, numbered steps,
    a self-interview, a dialogue), or None when its labelled lines are not the candidate's own."""
    if _timeline(block):
        return TIME_HEAD
    if _steps(block):
        return STEP_HEAD
    if _self_interview(block):
        return QA_HEAD
    if _dialogue(block):
        return SPEAKER_HEAD
    return None
