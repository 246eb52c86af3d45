"""Reading the candidate's reply: a control, an answer, or something to handle politely.

Controls (skip, repeat, clarify, pause, end) are recognised in short typed replies; gibberish,
other languages, off-topic replies, abuse and prompt injection are sorted out before grading,
so they are never graded or obeyed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from agents.drill.state import Control
from agents.grading.injection import injection_spans
from agents.grading.learned import analyze
from agents.textutil import PAST_VERB, clean_text, split_sentences, word_count

# A reply longer than this is cut (with a notice); the grader reads MAX_GRADED_WORDS of it.
MAX_ANSWER_CHARS = 20_000

_CONTROL_RES: tuple[tuple[Control, re.Pattern[str], int], ...] = (
    (
        "end",
        re.compile(
            r"^/end\b|^(?:end|stop|quit|exit)\W*$|\blet'?s (?:end|stop|wrap up|finish)"
            r"(?: (?:here|now|the interview|this|it|there))?\b|\b(?:end|stop|finish) (?:the|this) "
            r"(?:interview|session|drill)\b|\bi(?:'d like| want| would like) to (?:stop|end|finish)"
            r"\b|\bthat'?s all for (?:me|today|now)\b|\bi'?m done\b|\bi (?:have|need) to go\b|"
            r"\bi quit\b",
            re.IGNORECASE,
        ),
        12,
    ),
    (
        "skip",
        re.compile(
            r"^/skip\b|^(?:skip|pass|next)(?: please)?\W*$|\b(?:skip|pass on) (?:this|that|it)\b|"
            r"\bnext question\b|\b(?:can|could|may) (?:we|i) (?:please )?(?:skip|move on|pass)\b|"
            r"\blet'?s (?:skip|move on)\b|\bi'?d (?:like|rather|prefer) to skip\b",
            re.IGNORECASE,
        ),
        12,
    ),
    (
        "repeat",
        re.compile(
            r"^/repeat\b|\b(?:repeat|say) (?:the|that|your|it)\b(?: question)?|"
            r"\b(?:can|could|would) you (?:please )?(?:repeat|say that again|ask (?:that|it) "
            r"again)|\bwhat was the question\b|\bcome again\b|^pardon\b|"
            r"\b(?:missed|didn'?t (?:catch|hear)) (?:that|the question)|\brepeat(?:,)? please\b",
            re.IGNORECASE,
        ),
        30,
    ),
    (
        "clarify",
        re.compile(
            r"^/clarify\b|\bwhat do you mean\b|\bwhat does .{1,40}? mean\b|\b(?:can|could|would) "
            r"you (?:please )?(?:clarify|explain|rephrase|elaborate)\b|\bdo you mean\b|\bwhat "
            r"counts as\b|\bwhat kind of (?:example|situation|story)\b|\bnot sure (?:i understand|"
            r"what you mean|what you'?re asking)\b|\bclarif(?:y|ication)\b|\bwhat (?:exactly )?are"
            r" you (?:asking|looking for)\b|\bdoes (?:it|this|that) have to be\b|\bcan it be\b",
            re.IGNORECASE,
        ),
        30,
    ),
    (
        "pause",
        re.compile(
            r"^/pause\b|\bgive me (?:a|one) (?:minute|moment|second|sec)\b|\blet me think\b|"
            r"^(?:one|a|just a) (?:moment|sec|second|minute)\b|\bhold on\b|\bneed a (?:minute|"
            r"moment|second)\b|\bthinking\W*$",
            re.IGNORECASE,
        ),
        12,
    ),
)
_TERM_RES = (
    re.compile(r"what do you mean by\s+['\"“‘]?([^?'\"”’]{1,40})", re.IGNORECASE),
    re.compile(r"what does\s+['\"“‘]?([^?'\"”’]{1,40}?)['\"”’]?\s+mean", re.IGNORECASE),
    re.compile(r"what counts as\s+(?:an?\s+)?['\"“‘]?([^?'\"”’]{1,40})", re.IGNORECASE),
)
_ABUSE_STRONG = re.compile(
    r"\b(?:fuck\w*|shit\w*|bullshit|asshole|bitch\w*|bastard|dickhead|wanker|screw you|"
    r"shut up|go to hell)\b",
    re.IGNORECASE,
)
_ABUSE_DIRECTED = re.compile(
    r"\b(?:you(?:'re| are)?|your (?:questions?|interview)|this (?:is|interview|question)|these "
    r"questions|what a)\b.{0,40}\b(?:stupid|idiot\w*|dumb|moron\w*|useless|pointless|a waste of "
    r"(?:my )?time|garbage|trash|ridiculous|a joke|pathetic|incompetent)\b",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for",
        "with", "from", "by", "as", "is", "was", "were", "be", "been", "it", "its", "this",
        "that", "these", "those", "i", "me", "my", "we", "our", "us", "you", "your", "he",
        "she", "they", "them", "their", "his", "her", "not", "no", "yes", "do", "did", "done",
        "have", "has", "had", "will", "would", "can", "could", "should", "just", "very",
        "really", "also", "then", "than", "there", "here", "what", "when", "where", "which",
        "who", "why", "how", "all", "any", "some", "more", "most", "about", "into", "over",
        "after", "before", "up", "down", "out", "if", "because", "while", "i'm", "it's",
        "we'd", "i'd"
    ]
)  # fmt: skip
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|we|our|us)\b", re.IGNORECASE)
# A reply told in the past tense: the shared past-tense verbs, plus the state verbs that list
# leaves out because they are not actions ("it was slow" is still a story).
_PAST = re.compile(r"\b(?:was|were|had|came|felt)\b|\b" + PAST_VERB + r"\b", re.IGNORECASE)
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")


@dataclass
class Intake:
    """What a candidate reply is: a control, an answer, or something to handle politely."""

    kind: Literal[
        "control", "answer", "empty", "gibberish", "off_topic", "abuse", "injection", "language"
    ]
    control: Control | None = None
    term: str | None = None
    story: str = ""
    flags: list[str] = field(default_factory=list)


def detect_control(text: str) -> tuple[Control | None, str | None]:
    """A control request in a short typed reply ("can you repeat the question?"), and its term."""
    stripped = text.strip()
    n_words = len(stripped.split())
    for control, pattern, max_words in _CONTROL_RES:
        if n_words <= max_words and pattern.search(stripped):
            term = None
            if control == "clarify":
                for term_re in _TERM_RES:
                    m = term_re.search(stripped)
                    if m:
                        term = m.group(1).strip(" .,!").lower()
                        break
            return control, term
    return None, None


def _is_abusive(sentence: str) -> bool:
    return bool(_ABUSE_STRONG.search(sentence) or _ABUSE_DIRECTED.search(sentence))


def _is_gibberish(text: str) -> bool:
    """Keyboard mash: few real function words and many unpronounceable tokens."""
    tokens = re.findall(r"[A-Za-z']+", text)
    if not tokens:
        return bool(text.strip())  # only symbols or digits
    long_tokens = [t.lower() for t in tokens if len(t) >= 3]
    if not long_tokens:
        return False
    weird = sum(
        1
        for t in long_tokens
        if not re.search(r"[aeiouy]", t) or re.search(r"[bcdfghjklmnpqrstvwxz]{4,}", t)
    )
    weird_share = weird / len(long_tokens)
    stop_share = sum(1 for t in tokens if t.lower() in _STOPWORDS) / len(tokens)
    return weird_share >= 0.5 or (weird_share >= 0.3 and stop_share < 0.1)


# Common function words of other Latin-script languages (es, pt, fr, it, de, nl).
_FOREIGN_WORDS = frozenset(
    [
        "el", "la", "los", "las", "del", "que", "y", "en", "un", "una", "por", "con", "para",
        "es", "lo", "mi", "yo", "fue", "pero", "como", "más", "muy", "também", "não", "com",
        "uma", "os", "um", "foi", "eu", "je", "et", "les", "des", "est", "une", "pour", "pas",
        "sur", "nous", "avec", "il", "di", "che", "per", "non", "sono", "gli", "della", "ho",
        "ich", "und", "nicht", "mit", "der", "das", "ist", "ein", "eine", "wir", "auf", "für",
        "auch", "het", "een", "niet", "dat", "ik", "van", "zijn",
    ]
)  # fmt: skip


def _is_other_language(text: str) -> bool:
    """Mostly non-Latin letters, or a Latin-script text whose function words are not English."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    if latin / len(letters) < 0.5:
        return True
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    foreign = sum(1 for t in tokens if t in _FOREIGN_WORDS)
    english = sum(1 for t in tokens if t in _STOPWORDS)
    return len(tokens) >= 8 and foreign >= 3 and foreign > 2 * english


def content_words(text: str) -> set[str]:
    """Lower-cased words of four letters or more that are not stopwords."""
    return {w for w in _CONTENT_WORD.findall(text.lower()) if w not in _STOPWORDS}


def classify_reply(text: str, question: str = "", keywords: Sequence[str] = ()) -> Intake:
    """Sort a reply into control / answer / empty / gibberish / off-topic / abuse / injection."""
    raw = clean_text(text if isinstance(text, str) else "").strip()
    if not raw:
        return Intake("empty")
    control, term = detect_control(raw)
    if control is not None:
        return Intake("control", control=control, term=term)
    spans = split_sentences(raw)
    injected = injection_spans(spans)
    abusive = [s for s in spans if _is_abusive(s.text)]
    flags = (["injection"] if injected else []) + (["abuse"] if abusive else [])
    rest = [s for s in spans if s not in injected and s not in abusive]
    story = " ".join(s.text for s in rest) if flags else raw
    if flags and word_count(story) < 15:
        # Nothing but the instruction or the insult: handle it, do not grade it.
        return Intake("injection" if injected else "abuse", story=story, flags=flags)
    if _is_other_language(story):
        return Intake("language", story=story, flags=flags)
    if _is_gibberish(story):
        return Intake("gibberish", story=story, flags=flags)
    n_words = word_count(story)
    if story.rstrip().endswith("?") and n_words <= 40:
        return Intake("off_topic", story=story, flags=[*flags, "question_back"])
    if "non_answer" in analyze(story).flags:
        return Intake("answer", story=story, flags=flags)
    if (
        n_words <= 40
        and not _FIRST_PERSON.search(story)
        and not _PAST.search(story)
        and not (content_words(story) & (content_words(question) | set(keywords)))
    ):
        return Intake("off_topic", story=story, flags=flags)
    return Intake("answer", story=story, flags=flags)
