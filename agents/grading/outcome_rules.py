"""Rules after the learned roles about outcomes: a result told first, a change that is the result,
the scene's numbers that are not, and the rest of a result the splitter cut in two.

Position makes the model read an answer's opening as the scene, and the scene's figures ("sales had
slipped for two straight quarters") look like results; tense, figures and a summary phrase are
exact enough for rules (split from `learned.py`, which applies them in order).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.grading.analyzer import CHANGE, MAGNITUDE, Sentence
from agents.grading.numbers import BASELINE
from agents.textutil import Span, find_metrics

LESSON_CUE = re.compile(
    r"\b(?:learning|lesson|takeaway|take-away)s?\b(?: \w+){0,3}? (?:was|is|were)\b|"
    r"\bI (?:understood|realised|realized|learnt|learned) that\b|"
    r"\bwhat I changed (?:afterwards|after that|since)\b|^\W*I(?:'d| would) (?:always )?rather\b|"
    r"\b(?:taught|showed) me (?:that|to|how)\b|\bsince then,? I\b|\bnow I (?:always|never)\b",
    re.IGNORECASE,
)


def states_a_change(text: str, index: int, total: int) -> bool:
    """A change verb with an explicit size ("cut p99 latency by 40%") is a result: numbers are
    exact, so this rule stays a rule. An opening sentence of a longer answer sets the scene."""
    if HAD_BEEN.search(text) or (index == 0 and total > 2 and not _ACTOR_FIRST.match(text)):
        return False
    changed = CHANGE.search(text) or _MORE_CHANGE.search(text)
    return bool(
        changed and (MAGNITUDE.search(text) or _MORE_MAGNITUDE.search(text)) and find_metrics(text)
    )


# A result-first answer opens with what the speaker did to the number: "We cut medication errors
# on our ward by more than half". "Our churn rose 20% last year" opens with the scene instead.
_ACTOR_FIRST = re.compile(r"^\W*(?:\w+,?\s+){0,3}(?:I|we)\s", re.IGNORECASE)

# Sizes and changes the cue rules' patterns (features of the model, so fixed with it) miss:
# "by more than half", "brought our pressure ulcers down from nine to two".
_MORE_MAGNITUDE = re.compile(
    r"\bby\s+(?:more than|less than|well over|just over|just under|under|over)\s+"
    r"(?:[$€£]?\d|a\s+(?:third|quarter|half|fifth|tenth)|half|(?:\w+\s+){1,2}percent)"
    r"|\bfrom\s+(?:about\s+|around\s+|roughly\s+|maybe\s+|nearly\s+)?(?:[$€£]?\d|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b[^.;]{0,50}?\bto\b",
    re.IGNORECASE,
)
_MORE_CHANGE = re.compile(
    r"\b(?:brought|got|pushed|pulled)\s+(?:[\w'-]+\s+){0,5}?(?:down|up)\b|\bslashed\b|\bwent\s+up\b",
    re.IGNORECASE,
)

# What had been so before the story ("headcount had tripled since spring") is context, however
# large its numbers: a change is a result only when it is told as what came of the action.
HAD_BEEN = re.compile(
    r"\bhad\s+(?:\w+ly\s+)?(?:been\s+)?(?:\w+ed|grown|risen|fallen|gone|become)\b"
    r"|\bfor (?:the (?:last|past) )?(?:\w+ )?(?:straight|consecutive|running) (?:\w+ )?\w+s\b",
    re.IGNORECASE,
)


def opens_with_outcome(
    text: str, total: int, scene_follows: bool, only_outcome: bool = False
) -> bool:
    """A result-first answer: its opening sentence gives the outcome with a figure before the scene
    ("The short version is we shipped on the holiday date with four days to spare", "We cleared a
    backlog of 86 reassessments in under seven weeks"). Position makes the model read an opening
    as the scene; the figure, a summary phrase or the speaker's own finished deed with a change or
    a comparison are exact enough for a rule. What had been so ("activation had dropped") or who
    the speaker was ("I was the charge nurse") stays the scene, and so does a first deed when no
    scene follows (an answer that starts with its actions)."""
    # Only the main clause's tense: "…, and a dozen patients whose ulcers had been open healed".
    main = re.split(r"\b(?:which|whose|who|when)\b", text, maxsplit=1)[0]
    if total < 3 or not scene_follows or HAD_BEEN.search(main) or not find_metrics(text):
        return False
    if LESSON_CUE.search(text) or _TOOK_AWAY.search(text):
        return False
    if _SUMMARY_OPENER.match(text):
        return True
    if only_outcome and BASELINE.search(main) and _MOVED_FROM.search(main):
        # Nothing else in the answer reads as its outcome, and this opening says how a figure
        # moved ("Our monthly cloud bill came down from around 38 lakh to about 21 lakh"): told
        # first, the outcome is all a result-first answer has, whatever the subject.
        return True
    return bool(
        _DEED_OPENER.match(text)
        and (CHANGE.search(text) or _MORE_CHANGE.search(text) or _MORE_MAGNITUDE.search(text)
             or _COMPARED.search(text)
            or BASELINE.search(text))
    )  # fmt: skip


# A figure moving from one value: "came down from around 38 lakh", "went from 2.1 s".
_MOVED_FROM = re.compile(r"\b(?:\w+ed|went|came|fell|rose|grew|got)\s+(?:\w+\s+)?from\b", re.I)
_LEAD_IN = r"^\W*(?:(?:so|um+|uh+|well|okay|ok|yeah|right|and),?\s+)*"
_SUMMARY_OPENER = re.compile(
    _LEAD_IN + r"(?:the short (?:version|answer|story) is|the headline (?:is|was)|"
    r"the (?:outcome|upshot|end result|result|bottom line) (?:is|was)|long story short|"
    r"in the end|by the end of (?:it|that|the \w+)|today|these days|nowadays|now)\b",
    re.IGNORECASE,
)
# The speaker's own finished deed first: "We cut…", "So, um, when I opened my café I got us…";
# not a state ("I was…", "we had…", "I work as…").
_DEED_OPENER = re.compile(
    r"^\W*(?:(?!before\b|until\b|while\b)[\w']+,?\s+){0,8}?(?:I|we)\s+(?:\w+ly\s+)?"
    r"(?!(?:was|were|had|have|am|are|work|"
    r"worked|used|would|'d|'m|'re|'ve|wanted|needed|noticed|hoped|planned|tried|started|"
    r"decided|realised|realized|learned|learnt|felt|thought|knew|agreed|asked|received|"
    r"inherited|joined|moved)\b)(?:\w+ed|got|took|brought|cut|won|made|sold|saved|built|"
    r"ran|grew|cleared|hit|beat|shipped|went|came|put|kept|led|set|sat|gave|found|caught|"
    r"ended)\b",
    re.IGNORECASE,
)
_TOOK_AWAY = re.compile(r"\b(?:took|take|taking) away\b", re.IGNORECASE)
_COMPARED = re.compile(
    r"\b(?:instead of|compared (?:with|to)|ended up|faster|earlier|ahead of|to spare|"
    r"(?:later|sooner) than (?:planned|expected|scheduled))\b",
    re.IGNORECASE,
)


def scene_not_outcome(sentences: list[Sentence]) -> None:
    """Before the first deed, a sentence the model reads first as the scene and only also as an
    outcome is the scene ("our trial runs kept rejecting about 6% of records"): its numbers are
    the context, not a result, unless it opens the answer the way an outcome does."""
    first = next((i for i, s in enumerate(sentences) if s.has("action")), len(sentences))
    for s in sentences[:first]:
        alone = not any(o.has("result") for o in sentences if o is not s)
        if (
            s.label == "situation"
            and "result" in s.also
            and not opens_with_outcome(s.text, len(sentences), True, only_outcome=alone)
        ):
            s.also.remove("result")


def continues_outcome(sentences: list[Sentence], spans: Sequence[Span]) -> None:
    """A span the splitter cut from the middle of a result sentence (after a dash or a colon, it
    starts in lower case) is the rest of that result: "…from 24% to 16% — roughly 40 fewer
    patients bouncing back in"."""
    for i in range(1, len(sentences)):
        prev, s = sentences[i - 1], sentences[i]
        if (
            prev.has("result")
            and not s.has("result")
            and spans[i].text.lstrip(" \"'‘“—–-(")[:1].islower()
            and not spans[i - 1].text.rstrip(" \"'’”)").endswith((".", "!", "?"))
        ):
            s.add("result")
