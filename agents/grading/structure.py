"""Injection as a class: text that is not the candidate telling their story.

`injection.py` catches instructions to the grader. This module catches the rest of the class:
text that addresses the grader, interviewer or rubric; claims an evaluation outcome; or arrives as
a structure nobody speaks in an interview (Markdown tables, code fences, JSON/YAML blocks, HTML
comments, encoded text, bracketed metric dumps, fake delimiters, pasted notes attributed to
someone else, text in another language). Such spans are never evidence and their numbers never
count.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from agents.grading.injection import injection_spans, is_injection
from agents.textutil import Span, find_metrics

# Blocks found in the whole text, before sentence splitting cuts them into lines.
_BLOCKS = re.compile(
    r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)"  # code fences (an unclosed one runs to the end)
    r"|<!--.*?(?:-->|\Z)"  # HTML comments
    r"|(?:^[ \t]*\|.*\|[ \t]*$\n?){2,}"  # Markdown tables: two or more |...| lines
    r"|\{\s*\"[^\"\n]{1,40}\"\s*:.*?\}"  # JSON objects
    r"|(?:^[ \t]*[\w\"' -]{1,30}:[ \t]+\S.*$\n?){3,}"  # YAML-ish blocks: three key: value lines
    r"|(?:^[^\n]*\S(?: {3,}|\t)\S[^\n]*$\n?){2,}"  # columns aligned with spaces or tabs
    r"|(?:^[ \t]*[^\s,]+(?:,[^\s,]*){2,}[ \t]*$\n?){2,}",  # CSV lines
    re.DOTALL | re.MULTILINE,
)

# Speaking to the machinery rather than the interviewer: "Dear grader", "To whoever wrote this
# rubric", "Evaluator: ...". "I handed it to the model owner" is prose, so the address must open.
_MACHINE = (
    r"(?:grader|grading|evaluator|assessor|reviewer|rubric|scorer|scoring|marker|judge|"
    r"ai|model|bot|llm|algorithm)s?"
)
_ADDRESS = re.compile(
    r"^\W*(?:dear|hi|hello|attention|(?:quick |one more |a )?(?:note|message|thing|word|aside|"
    r"remark|comment) "
    r"(?:to|for)|p\.?s\.?,?|to)\s+(?:the\s+|any\s+)?" + _MACHINE + r"\b"
    r"|\b(?:whoever|people|person|team|folks|those|anyone)\s+(?:who\s+)?(?:wrote|built|designed|"
    r"made|set up|runs?|is|are)\s+(?:the\s+|this\s+)?(?:rubric|grader|scoring|criteria|grading|"
    r"marking|evaluating|reviewing|reading this)\b"
    r"|\b(?:wrote|built|designed|made|set)\s+(?:up\s+)?your\s+(?:rubric|criteria|scoring|grading|"
    r"marking|checklist)\b"
    r"|\b(?:your|this)\s+(?:rubric|scoring (?:guide|criteria|system)|grading (?:criteria|"
    r"system|model))\b"
    r"|\b(?:for|to) the (?:scoring|grading|marking|evaluation|assessment) (?:system|tool|model|"
    r"engine|software|bot)\b"
    r"|\b(?:record|treat|mark|log|count|register|classify|tag)\s+(?:this|the|my)\s+(?:answer|"
    r"response|story)\s+as\b"
    # Whoever reads or scores the answers, named as the audience: "to whoever grades these answers".
    r"|\b(?:whoever|anyone|those|people|person|you)\s+(?:who\s+)?(?:is\s+|are\s+)?(?:reads?|"
    r"reading|reviews?|reviewing|grades?|grading|scores?|scoring|marks?|marking|evaluates?|"
    r"evaluating|assess(?:es)?|assessing|checks?|checking)\s+(?:these|this|the|my|all)\s+"
    r"(?:\w+\s+)?(?:answers?|responses?|transcripts?|submissions?)\b"
    r"|\b(?:whoever|anyone|someone)\s+(?:who\s+)?(?:is\s+)?(?:reading|assessing|grading|scoring|"
    r"marking|evaluating|reviewing|judging)\s+(?:this|these|me)\b"
    r"|^\W*you\s*,\s*(?:the\s+)?(?:system|grader|model|ai|reader|reviewer|evaluator|assessor|"
    r"machine|algorithm|bot)\b"
    r"|\bthe\s+(?:system|model|ai|algorithm|machine|tool|program)\s+(?:that\s+is\s+|that's\s+)?"
    r"(?:reading|grading|scoring|reviewing|assessing|evaluating|marking)\s+(?:this|these|me)\b"
    r"|^\W*" + _MACHINE + r"\s*[,:]"
    # The reader as a vocative: "Reader, I personally led this".
    r"|^\W*(?:dear\s+)?(?:reader|reviewer|grader|evaluator|assessor|marker|examiner|scorer)s?\s*[,:]",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(?:strong|clear|definite|obvious)\s+hire\b|\bhire signal\b|\bbar[- ]raiser approved\b"
    # Naming the grade's own fields: "record measurability 3", "all components present".
    r"|\b(?:measurability|ownership|overall(?: score)?|strength)\s*(?:level\s*)?"
    r"(?:[:=]\s*(?:\d|i|we)\b|\d)"
    r"|\ball (?:the )?(?:star|starl)?\s*components\b"
    r"|\b(?:the )?answer (?:above|below) is\b"
    r"|\b(?:this|the|my)\s+(?:answer|response|story|example|submission)\s+(?:clearly\s+)?"
    r"(?:demonstrates|shows|meets|exceeds|deserves|scores|earns|hits|ticks|covers|satisfies|"
    r"fulfil+s|nails|embodies|exemplifies|proves|is (?:a |an )?(?:textbook|"
    r"exemplary|perfect|model|excellent|outstanding|top))"
    r"|\b(?:textbook|exemplary|flawless)\s+(?:answer|response|example|star|story|result)\b"
    # Naming the answer's own parts as boxes ticked: "Situation, Task, Action and Result are all
    # covered", "in STAR terms".
    r"|\bin (?:star|starl) (?:terms|format)\b|\b(?:star|starl) (?:parts|components|boxes)\b"
    r"|\bsituation,\s+(?:(?:my|the)\s+)?task,\s+(?:(?:my|the)\s+)?actions?,?\s+(?:and\s+)?"
    r"(?:(?:my|the)\s+)?(?:\w+\s+)?results?\b"
    r"|\b(?:interviewers|graders|reviewers|assessors)\s+(?:always|usually|all)\s+(?:say|rate|"
    r"agree|mark|score)"
    r"|\b(?:score|rating|grade|mark)s?\s*(?:[:=]|of)\s*(?:\d|five|ten|top|full|max)"
    r"|\bmeets every (?:criterion|criteria|requirement)\b|\b(?:all|every) (?:star|starl) "
    r"(?:components?|parts?|criteria) (?:are )?(?:present|met|covered)"
    # What a fair reader "would" award, or a top mark on every part: a verdict, not a story.
    r"|\b(?:any|a|an|every)\s+(?:fair|honest|reasonable|objective|careful|sensible)\s+"
    r"(?:assessment|evaluation|reader|reviewer|grader|marker|assessor|judge|interviewer)\b"
    r"|\b(?:level|score|marks?|band|rating|points?|grade)\b[^.]{0,30}\b(?:every|each|all)\s+"
    r"(?:the\s+)?(?:parts?|components?|criterion|criteria|dimensions?|categories|category)\b"
    r"|\b(?:best|strongest|perfect|ideal|model|textbook)\s+(?:answer|response)\s+(?:to|for)\s+"
    r"(?:this|that|these|such|an?|the)\s+(?:\w+\s+){0,2}questions?\b"
    # Grading the story against the principles: "this demonstrates customer obsession", "hits
    # every Leadership Principle". Candidates tell what they did; verdicts are the grader's.
    r"|\b(?:demonstrates?|displays?|embodies|exemplifies|illustrates?|proves?|hits|ticks)\s+"
    r"(?:\w+\s+){0,2}(?:customer obsession|bias for action|leadership principles?|"
    r"(?:the|every|all|each|several|many) (?:\w+\s+)?(?:lps?|principles?|criteria|boxes))\b",
    re.IGNORECASE,
)
# A note pasted from someone else: "Note from my manager: '…'", "Feedback from the VP — …".
_PASTED_NOTE = re.compile(
    r"^\W*(?:note|feedback|comment|quote|testimonial|review|endorsement|reference|slack|e-?mail|"
    r"message|text|dm|memo|letter|kudos|shout-?out)s?\s+(?:from|by)\b[^:'\"“]{0,40}[:'\"“—-]"
    r"|\bverbatim\s*[:\-–—]|\b(?:pasted|copied|forwarded)\s+(?:below|here|in full)\b"
    r"|^\W*[\"“'][^\"”']{10,}[\"”']\s*[—–-]+\s*\w+",
    re.IGNORECASE,
)
_DUMP = re.compile(
    r"^\W*\[[^\]]{0,30}(?:metrics?|kpis?|results?|impact|outcomes?|data)\b[^\]]*\]"
    r"|\[\s*(?:end|begin|start)\b[^\]]{0,40}\]|\b(?:grader|grading|scoring|system) config\b"
    r"|^\s*(?:[-*•+]|\d+[.)])\s+[^.!?]{0,80}\d"
    r"|^\s*(?:={3,}|-{3,}|#{1,6}\s|\*{3,}|_{3,})"
    r"|\b(?:end|start|begin) of (?:the )?(?:answer|response|transcript|input|candidate|system)\b"
    r"|\((?:attached|pasted|see attachment|copied)\)"
    # Markup tags (<result>…</result>): written for a parser, never spoken.
    r"|<\s*/?\s*[A-Za-z][\w:-]{0,20}(?:\s+[^<>]{0,80})?\s*/?>"
    r"|\$\$|\\[a-z]+\{",  # LaTeX
    re.IGNORECASE,
)
# Grade fields as keys, in any data syntax: `overall: 5`, `"measurability"=3`, `score_override:`.
_FIELD_KEY = re.compile(
    r"(?:^|[\n{,;])\s*[\"']?(?:overall|score|scores|rating|grade|measurability|ownership|verdict|"
    r"recommendation|hire|evaluation|assessment|[a-z]+_(?:override|score|rating|grade)|"
    r"(?:star|starl)_?\w*)[\"']?\s*[:=]",
    re.IGNORECASE,
)
# snake_case keys with a value, a data line no one speaks: `cost_avoided: $250k`.
_SNAKE_KEY = re.compile(r"(?:^|\n)\s*[a-z]+(?:_[a-z]+)+\s*[:=]\s*\S", re.MULTILINE)
# Someone else's praise in quotation marks: 'textbook answer, strong hire'.
_QUOTED = re.compile(
    r"[\"“”«]([^\"“”«»]{12,})[\"“”»]|(?:^|[\s:(])['‘]([^'‘’]{12,})['’](?=[\s.,;:!?)—-]|$)"
)
_PRAISE = re.compile(
    r"\b(?:hire|candidates?|interview(?:ed|er|ers)?|full marks|top marks|textbook|exemplary|"
    r"rating|rated|score|scored|bar[- ]raiser|(?:this|the) (?:answer|story|response))\b",
    re.IGNORECASE,
)
# Chat-transcript roles opening a line: "User:", "Human:", "AI:", "<<SYS>>".
_CHAT_ROLE = re.compile(
    r"(?:^|\n)\s*(?:user|human|ai|bot|chatgpt|gpt-?\d?|claude|llm|model)\s*:|<<\s*/?sys\s*>>"
    # A scripted exchange: "Interviewer: ... Candidate: ...".
    r"|(?:^|\n|[.!?]\s+)\s*(?:interviewer|candidate|interviewee)\s*:"
    r"|\bfrom now on,? you\b|\bstay in character\b|\blet'?s play a game\b"
    r"|\byou(?:'re| are) (?:now )?(?:playing|acting as)\b",
    re.IGNORECASE,
)
# Figures joined by arrows or "label: figure" pairs: written dashboards, not speech.
_ARROW = re.compile(r"[\d%]\s*\w{0,8}\s*(?:→|->|=>|⟶|➜|➔)\s*[+−-]?[$€£]?\d")
_LABELLED_FIGURE = re.compile(r"\b[A-Za-z][A-Za-z /-]{1,25}:\s+[+−-]?[$€£]?\d")
_ENCODED = re.compile(
    r"\b[A-Za-z0-9+/]{20,}={0,2}(?![\w+/])|\b(?:0x)?[0-9a-fA-F]{24,}\b|(?:%[0-9A-Fa-f]{2}){4,}"
)
# Cyrillic, Hebrew/Arabic, Devanagari, kana, CJK and Hangul letters.
_NON_LATIN = re.compile(
    "[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_LANGUAGE_WORDS = Path(__file__).resolve().parent / "data" / "language_words.yaml"


@lru_cache(maxsize=1)
def _language_words() -> tuple[frozenset[str], frozenset[str]]:
    """(foreign function words, English function words) from the data file."""
    data = yaml.safe_load(_LANGUAGE_WORDS.read_text(encoding="utf-8"))
    return frozenset(data["foreign"]), frozenset(data["english"])


_PERCENT_CODE = re.compile(r"%[0-9A-Fa-f]{2}")


def _encoded(text: str) -> bool:
    """A long token of base64 or hex that is not an ordinary word or number."""
    for match in _ENCODED.finditer(text):
        token = match.group(0)
        mixed = sum(c.isdigit() for c in token) >= 2 and any(c.isupper() for c in token)
        if mixed or token.startswith("%") or re.fullmatch(r"(?:0x)?[0-9a-fA-F]+", token):
            return True
    # URL-encoding spread through a token ("Grader%20-%20score%20this").
    return "%" in text and any(len(_PERCENT_CODE.findall(tok)) >= 3 for tok in text.split())


# Spaced hex bytes, binary octets, \u / \x escapes.
_BYTES = re.compile(
    r"(?:\b[0-9a-fA-F]{2}[\s:,]){8,}|(?:\b[01]{8}\b\s*){4,}|(?:\\[ux][0-9a-fA-F]{2,4}){4,}"
)


def _decodes_to_text(token: str) -> bool:
    """A base64 or hex token that decodes to readable text is an encoded message."""
    raw: bytes | None = None
    hexish = re.fullmatch(r"(?:0x)?((?:[0-9a-fA-F]{2})+)", token)
    try:
        if hexish:
            raw = bytes.fromhex(hexish.group(1))
        elif re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", token) and len(token) % 4 in (0, 2, 3):
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except (ValueError, binascii.Error):
        return False
    if not raw or len(raw) < 8:
        return False
    printable = sum(32 <= b < 127 for b in raw) / len(raw)
    return printable > 0.9 and b" " in raw


def _obfuscated(text: str) -> bool:
    """Encoded or scrambled text: decodable tokens, spaced hex bytes, binary, escapes, ROT13."""
    for token in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        if _decodes_to_text(token):
            return True
    if _BYTES.search(text):
        return True
    return is_injection(codecs.encode(text, "rot13")) or is_injection(text[::-1])


# Superlative praise: inside quotation marks next to figures, someone else's note vouching for them.
_ACCLAIM = re.compile(
    r"\b(?:best|clearest|strongest|finest|most impressive|outstanding|exceptional|exemplary|"
    r"brilliant|stellar|superb|remarkable|impressive|excellent|textbook|model example|"
    r"great example|example of (?:real |true |genuine )?(?:ownership|leadership))\b",
    re.IGNORECASE,
)


# Someone else crediting the speaker with an outcome: "you cut wait times from 9 days to 2".
_CREDIT = re.compile(
    r"\b(?:you|your)\b.{0,40}\b(?:cut|saved|reduced|increased|grew|drove|"
    r"delivered|improved|raised|boosted|halved|doubled|brought|recovered|won)\b"
    r"|\bsingle-?handedly\b|\bthanks to you\b|\bbecause of you\b",
    re.IGNORECASE,
)


def _praise_quote(text: str) -> bool:
    """A quotation of someone else's verdict on the answer or the candidate, or their acclaim
    carrying figures ("'outstanding work that cut costs by 30%'"): the figures are theirs."""
    for m in _QUOTED.finditer(text):
        quote = m.group(1) or m.group(2)
        if _PRAISE.search(quote) or (
            find_metrics(quote) and (_ACCLAIM.search(quote) or _CREDIT.search(quote))
        ):
            return True
    return False


def _dashboard(text: str) -> bool:
    """Figures written as a dashboard: arrows between figures, or two 'label: figure' pairs."""
    return bool(_ARROW.search(text)) or len(_LABELLED_FIGURE.findall(text)) >= 2


def _foreign(text: str) -> bool:
    """Mostly another language: non-Latin script, or foreign function words outnumber English."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(bool(_NON_LATIN.match(c)) for c in letters) / len(letters) > 0.3:
        return True
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 4:
        return False
    foreign_words, english_words = _language_words()
    foreign = sum(w in foreign_words for w in words)
    english = sum(w in english_words for w in words)
    return foreign >= 2 and foreign > english


_LEET = str.maketrans("013457@$", "oleastas")
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[0-9@$])[\w@$]+\b")


def _deleet(text: str) -> str:
    """ "g1v3 full m4rks" -> "give full marks": digits standing in for letters inside words."""
    return _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)


def is_unspoken(text: str) -> bool:
    """True for a span that addresses the grader, claims an outcome or is not speech."""
    folded = unicodedata.normalize("NFKC", text)
    plain = _deleet(folded)
    if plain != folded and (is_injection(plain) or _OUTCOME.search(plain)):
        return True
    return bool(
        _ADDRESS.search(folded)
        or _OUTCOME.search(folded)
        or _PASTED_NOTE.search(folded)
        or _DUMP.search(folded)
        # Nobody speaks in pipes: "a 14 min → 3 min | satisfaction 71% → 96% | overtime −40%".
        or folded.count("|") >= 2
        or _encoded(folded)
        or _foreign(folded)
        or bool(_FIELD_KEY.search(folded) or _SNAKE_KEY.search(folded))
        or bool(_CHAT_ROLE.search(folded))
        or _praise_quote(folded)
        or _dashboard(folded)
        or _obfuscated(folded)
    )


def block_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of tables, code fences, comments and data blocks in the whole text."""
    return [(m.start(), m.end()) for m in _BLOCKS.finditer(text)]


# A bare heading ("Results:", "Impact summary:") introduces pasted structure, not speech.
_HEADING = re.compile(r"^\W*[\w ()/&-]{1,30}:\s*$")
# After a fake end-of-answer marker, nothing is the candidate's answer any more.
_DELIMITER = re.compile(
    r"\bend of (?:the )?(?:candidate'?s? )?(?:answer|response|transcript|input|candidate)\b",
    re.IGNORECASE,
)


def split_at_blocks(text: str, spans: Sequence[Span]) -> list[Span]:
    """Cut spans where a structural block ends, so prose after a table is kept apart from it."""
    out: list[Span] = []
    ends = [end for _, end in block_ranges(text)]
    for span in spans:
        cuts = [end for end in ends if span.start < end < span.end]
        start = span.start
        for cut in [*cuts, span.end]:
            piece = text[start:cut]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append(Span(start + lead, start + len(piece.rstrip()), piece.strip()))
            start = cut
    return out


def structural_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """The spans inside a structural block, or that are themselves not the candidate speaking."""
    ranges = block_ranges(text)
    flagged: list[Span] = []
    after_delimiter = False
    for i, s in enumerate(spans):
        in_block = any(s.start < end and s.end > start for start, end in ranges)
        heading = bool(_HEADING.match(s.text)) and (
            i + 1 < len(spans) and (is_unspoken(spans[i + 1].text) or any(
                spans[i + 1].start < end and spans[i + 1].end > start for start, end in ranges))
        )  # fmt: skip
        after_delimiter = after_delimiter or bool(_DELIMITER.search(s.text))
        if after_delimiter or in_block or heading or is_unspoken(s.text):
            flagged.append(s)
    return flagged


def merge_flagged(*groups: Iterable[Span]) -> list[Span]:
    """The union of flagged spans, in text order."""
    seen: dict[tuple[int, int], Span] = {}
    for group in groups:
        for span in group:
            seen.setdefault((span.start, span.end), span)
    return [seen[k] for k in sorted(seen)]


def suspect_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """Every span that is not the candidate's story: instructions, structures, outcome claims."""
    return merge_flagged(injection_spans(spans), structural_spans(text, spans))
