"""What a behavioral prompt looks like: one past-event question, cleaned and reduced to its core.

These text rules are the first stage of the quality filter (`quality.py`); evals use them too.
"""

from __future__ import annotations

import re

from agents.lp.cues import stems

MIN_WORDS, MAX_WORDS = 8, 42

# Past-event openers interviewers use. Anything else ("What would you do if...", "How do you
# usually...") is not a behavioral prompt.
_OPENER = re.compile(
    r"^(?:can you\s+|could you\s+)?"
    r"(?:tell me about|describe|give me (?:an |one )?example|walk me through|talk me through"
    r"|share (?:an |one )?example|think of a time|recall a time)\b",
    re.IGNORECASE,
)
_PAST_FRAME = re.compile(
    r"\b(?:a time|the last time|one time|a situation|an occasion|a moment|an example of"
    r"|example of (?:a|an|the|how|when)|a recent)\b",
    re.IGNORECASE,
)
# Not agents.textutil.PAST_VERB: a question's past event is a subject plus a past verb, so this
# list also takes auxiliaries ("had", "was", "have been", "'ve ...") and lacks some irregulars
# that list has ("drew", "flew"); merging them would change which prompts pass the filter.
_IRREGULAR_PAST = (
    "had|were|was|did|made|took|gave|got|found|led|built|ran|saw|chose|went|came|kept|held|"
    "left|lost|won|set|put|brought|bought|caught|felt|fought|heard|knew|met|paid|said|sent|"
    "spent|stood|taught|thought|told|understood|wrote|became|began|broke|drove|forgot|grew|"
    "overcame|rose|spoke|threw|dealt|meant|shut|cut|let|read|quit|hit|struck|sold|dug|"
    "sought|won|shipped|have been|have had|have done|have made|have seen|have taken|"
    "have given|have led|have built|have known|have ever|have \\w+ed|'ve \\w+"
)
_PAST_VERB = re.compile(
    rf"\b(?:you|your team|we|they|it|that)\s+(?:\w+ly\s+)?(?:{_IRREGULAR_PAST}|\w+ed)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:would you|will you|how you would|what you would|how do you|what do you|do you usually|"
    r"if you were|imagine|suppose|hypothetical(?:ly)?|what would|how would|should you|"
    r"what is your|what's your|are you|how might you|what if)\b",
    re.IGNORECASE,
)
# A second ask chained onto the first ("...and what you learned", "...; how did it end").
_SECOND_ASK = re.compile(
    r"(?:,?\s+and\s+(?:what|how|why|who|whether)\b|;|\bor\s+(?:tell|describe|give)\b"
    r"|\?\s*\S|\.\s+[A-Z]|\s[-–—]\s+(?:what|how|why)\b)",
    re.IGNORECASE,
)
_CORE_OPENER = re.compile(
    r"^(?:can you\s+|could you\s+)?"
    r"(?:tell me about|describe|give me (?:an |one )?example of|walk me through|talk me through"
    r"|share (?:an |one )?example of|think of|recall)\s+"
    r"(?:(?:a|one|the last|the) (?:time|situation|occasion|moment)\s*)?"
    r"(?:when|where|in which|that|how)?\s*",
    re.IGNORECASE,
)
_LEADING_JUNK = re.compile(r"^\s*(?:[-*•]|\d+[.)]|Q\d*[:.)]|prompt\s*\d*:)?\s*[\"“']?")


def clean_prompt_text(text: str) -> str:
    """Strip list markers, quotes and stray whitespace a model or a paste may add."""
    text = " ".join(str(text).split())
    text = _LEADING_JUNK.sub("", text)
    text = text.strip().strip("\"“”'").strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def form_problem(text: str) -> str | None:
    """Why `text` is not a single behavioral past-event question, or None when it is."""
    words = len(text.split())
    if words < MIN_WORDS:
        return "too-short"
    if words > MAX_WORDS:
        return "too-long"
    if not _OPENER.match(text):
        return "not-behavioral"
    if _HYPOTHETICAL.search(text):
        return "hypothetical"
    if not (_PAST_FRAME.search(text) or _PAST_VERB.search(text)):
        return "not-past-event"
    if not text.endswith((".", "?")):
        return "unfinished"
    if text.count("?") > 1 or _SECOND_ASK.search(text.rstrip(".?")):
        return "multi-question"
    return None


def is_behavioral(text: str) -> bool:
    """True when `text` is one behavioral past-event question ("Tell me about a time you...")."""
    return form_problem(clean_prompt_text(text)) is None


def prompt_core(text: str) -> str:
    """The question without its opener: what near-duplicate checks compare."""
    core = _CORE_OPENER.sub("", clean_prompt_text(text))
    return core.rstrip(" .?!").lower() or text.lower()


def lexical_key(text: str, core: str | None = None) -> str:
    """Stemmed words of the core, for cheap exact-duplicate detection."""
    return " ".join(stems(core if core is not None else prompt_core(text)))
