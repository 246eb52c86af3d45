"""Injection as a class: text that is not the candidate telling their story.

`injection.py` catches instructions to the grader. This module catches the rest of the class:
text that addresses the grader, interviewer or rubric; claims an evaluation outcome; or arrives as
a structure nobody speaks in an interview (Markdown tables, code fences, JSON/YAML blocks, HTML
comments, encoded text, bracketed metric dumps, fake delimiters, pasted notes attributed to
someone else, text in another language). Such spans are never evidence and their numbers never
count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from agents.grading.disguise import (
    deleet,
    encoded,
    encoded_token_ends,
    english_share,
    foreign,
    leetspeak,
    mixed_script,
    obfuscated,
)
from agents.grading.grade_asks import asks_for_grade
from agents.grading.injection import injection_spans, is_injection
from agents.grading.own_layout import layout_bodies, own_labelled, signs_off
from agents.grading.payload_model import pasted
from agents.grading.spread import BULLETS, merge_flagged, spread_flags, ticked_list
from agents.grading.verdicts import addresses_grader, claims_outcome
from agents.textutil import Span, find_metrics

# BBCode's tags with a closing tag ("[quote=...]...[/quote]"), as blocks and as markup.
_BBCODE = "quote|b|i|u|s|size|colou?r|url|code|font|center|spoiler"
# Letters from Unicode's styled alphabets: mathematical alphanumerics, full-width, circled.
_STYLED = "[\U0001d400-\U0001d7ff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u24b6-\u24e9]"
# Blocks found in the whole text, before sentence splitting cuts them into lines.
_BLOCKS = re.compile(
    r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)"  # code fences (an unclosed one runs to the end)
    r"|<!--.*?(?:-->|\Z)"  # HTML comments
    r"|<\?.*?(?:\?>|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)"  # XML processing instructions, CDATA
    r"|(?:^[ \t]*\|.*\|[ \t]*$\n?){2,}"  # Markdown tables: two or more |...| lines
    r"|(?:^[ \t]*[\w\"' -]{1,30}:[ \t]+\S.*$\n?){3,}"  # YAML-ish blocks: three key: value lines
    r"|(?:^[^\n]*\S(?: {3,}|\t)\S[^\n]*$\n?){2,}"  # columns aligned with spaces or tabs
    r"|(?:^[ \t]*[^\s,]+(?:,[^\s,]*){2,}[ \t]*$\n?){2,}"  # CSV lines
    # 2+ rows with dot leaders ("complaints ..... 80%"); up to 3 dots need a figure (not a pause).
    r"|(?:^[ \t]*\S[^\n]{0,50}?[ \t](?:\.{4,}|…{2,}|(?:\.{2,3}|…)(?=[ \t]*[\d$€£+−-]))[ \t]*\S"
    r"[^\n]*$\n?){2,}"
    # Three or more short lines with no sentence end: a pasted list without markers.
    r"|(?:^[ \t]*[A-Za-z0-9][^\n.!?:]{2,70}[ \t]*\n){3,}"
    r"|(?:^|(?<=\s))-{3,}[ \t]*\n.*?\n-{3,}[ \t]*$"  # YAML front matter
    # A pasted section with its own end marker: "### System ... ### End system", "[BEGIN NOTE]
    # ... [END NOTE]". Whatever sits between the markers belongs to them.
    r"|^[ \t]*#{1,6}[^\n]*$.*?^[ \t]*#{1,6}[ \t]*end\b[^\n]*$"
    r"|\[\s*(?:begin|start)\b[^\]\n]{0,40}\].*?(?:\[\s*end\b[^\]\n]{0,40}\]|\Z)"
    # A markup element up to its closing tag: `<div hidden>...</div>`, whatever its sentences.
    r"|<([a-z][\w:-]{0,20})(?:\s[^<>]{0,200})?>.*?</\1\s*>"
    # A BBCode element up to its closing tag: "[quote=Site supervisor]...[/quote]".
    r"|\[(" + _BBCODE + r")(?:=[^\]\n]{0,40})?\].*?\[/\2\]"
    # A chat template's turn, "<|im_start|>assistant ... <|im_end|>", and any lone special token:
    # prose right after one is not part of it.
    r"|<\|im_start\|>.*?(?:<\|im_end\|>|\Z)|<\|[a-z_]{2,20}\|>"
    # A run of styled letters (mathematical bold or script, full-width, circled): typed with a
    # generator to look like a heading, never spoken; the plain prose after it stays apart.
    rf"|{_STYLED}(?:[^\w\n]*(?:{_STYLED}|\d))*(?:[^\w\n]*{_STYLED})[^\w\s]*"
    # Morse code: six or more groups of dots and dashes (both kinds in the run), glued or not.
    r"|(?:^|(?<=\s))(?=[.\-/ \t]*?\.)(?=[.\-/ \t]*?-)(?:[.\-]{1,7}[ \t]+(?:/[ \t]+)?){5,}"
    r"[.\-]{1,7}(?=\s|$)",
    re.DOTALL | re.MULTILINE | re.IGNORECASE,
)
# The opening of a JSON object (or Python dict), `{"key":`, or of an array of them, `[{"key":`;
# `_json_objects` finds the closing bracket.
_JSON_OPEN = re.compile(r"(?:\[\s*)?\{\s*[\"'][^\"'\n]{1,40}[\"']\s*:")

# A note pasted from someone else: "Note from my manager: '…'", "Feedback from the VP — …".
_PASTED_NOTE = re.compile(
    r"^\W*(?:note|feedback|comment|quote|testimonial|review|endorsement|reference|slack|e-?mail|"
    r"message|text|dm|memo|letter|kudos|shout-?out|recommendation|appraisal)s?\s+"
    r"(?:(?:on|in|via)\s+(?:my\s+|the\s+)?[\w-]+\s+)?(?:from|by)\b[^:'\"“]{0,40}[:'\"“—-]"
    # An attribution line under a pasted note: "— endorsed by 3 former managers".
    r"|^\s*[—–]\s*(?:endorsed|recommended|signed|verified|certified|approved|vouched)\s+(?:for\s+)?by\b"
    r"|^\W*(?:[\w'-]+[ ,]+){0,3}(?:review|feedback|testimonial|note|comment|reference|endorsement|"
    r"quote|rating|kudos|recommendation|appraisal)s?\b[^:'\"“]{0,30}:\s*['\"“‘]"
    r"|\bverbatim\s*[:\-–—]|\b(?:pasted|copied|forwarded)\s+(?:below|here|in full)\b"
    # An award's citation read out: "Citation, Regional Awards 2025, Employer of the Year: \"Under".
    r"|^\W*(?:award\s+)?citation\b[^:'\"“]{0,90}:\s*['\"“‘]"
    # Someone else's note in the answer: "(Recruiter's note, added before submission: ...".
    r"|^\W*(?:the\s+)?(?:recruiter|editor|transcriber|coordinator|referee|hr|reviewer|agency)"
    r"(?:'s|’s|s'|s’)?\s+(?:note|comment|addendum|remark)s?\s*[,:(—–-]"
    r"|\b(?:i'll|i will|let me|i'm going to)\s+(?:paste|copy|quote)\b"
    r"|^\W*[\"“'][^\"”']{10,}[\"”']\s*[—–-]+\s*\w+",
    re.IGNORECASE,
)
_DUMP = re.compile(
    r"^\W*\[[^\]]{0,30}(?:metrics?|kpis?|results?|impact|outcomes?|data)\b[^\]]*\]"
    # A bracketed note or comment in someone else's voice: "[Reviewer comment: ...]".
    r"|^\W*[\[(]\s*(?:\w+\s+){0,2}(?:notes?|comments?|remarks?|annotations?|feedback|reviewers?|"
    r"graders?|evaluators?|assessors?|editors?|scorers?|markers?|moderators?|admin|system|"
    r"footnotes?|addend(?:um|a)|clarifications?|corrections?|transcri\w+|context|background)\b"
    # A caption: "Table 1: Impact of mentoring", "Figure 2 - before and after".
    r"|^\W*(?:table|figure|fig\.|chart|exhibit|appendix|graph)\s*\d+[a-z]?\s*[:.—–-]"
    # A court-style transcript line: "Q. And what was the outcome?", "A. Turnover fell 30%".
    r"|(?:^|\n)\s*(?-i:[QA])\s*[.:]\s+\S"
    # A "metrics:" line lists figures the way a report does, not the way a person speaks.
    r"|^\W*(?:key\s+|headline\s+|final\s+)?(?:metrics|kpis?|stats|statistics)\s*[:=-]"
    r"|\[\s*(?:end|begin|start)\b[^\]]{0,40}\]|\b(?:grader|grading|scoring|system) config\b"
    # A list line with a figure, whatever its marker: "- 40% fewer", "3) 12 days", "iii. 1,200".
    r"|^\s*(?:[" + BULLETS + r"]|\d+[.)]|\(?(?:[ivx]{1,4}|[a-h])[.)])\s+[^.!?]{0,80}\d"
    r"|^\s*(?:={3,}|-{3,}|#{1,6}\s|\*{3,}|_{3,})"
    r"|\b(?:end|start|begin) of (?:the )?(?:answer|response|transcript|input|candidate|system)\b"
    r"|\((?:attached|pasted|see attachment|copied)\)"
    r"|\bsent from my (?:iphone|ipad|phone|mobile|android|galaxy|pixel|blackberry)\b"
    # Markup tags (<result>…</result>): written for a parser, never spoken.
    r"|<\s*/?\s*[A-Za-z][\w:-]{0,20}(?:\s+[^<>]{0,80})?\s*/?>"
    r"|<\?[A-Za-z]|<!\[CDATA\["  # an XML processing instruction or CDATA section
    # BBCode: "[quote=Site supervisor]", "[b]", "[/size]".
    r"|\[/?(?:" + _BBCODE + r"|img|list)(?:=[^\]\n]{0,40})?\]"
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
    r"[\"“”«]([^\"“”«»]{12,})(?:[\"“”»]|$)|(?:^|[\s:(])['‘]([^'‘’]{12,})(?:['’](?=[\s.,;:!?)—-]|$)|$)"
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
    # A speaker tag in brackets is a transcript's or a chat log's, never speech: "[assistant]:",
    # "[Interviewer]:", "(system):".
    r"|[\[(<]\s*(?:user|human|ai|bot|assistant|system|developer|model|llm|tool|interviewer|"
    r"candidate|interviewee|recruiter|hiring manager|bar raiser|grader|evaluator|reviewer|me)"
    r"\s*[\])>]\s*:"
    r"|\bfrom (?:now|here|this point|this moment|this sentence)\s+(?:on|onwards?),? you\b"
    r"|\bstay in (?:character|that role|this role)\b|\blet'?s play a game\b"
    r"|\b(?:lenient|generous|kind|soft)\s+(?:assessor|grader|marker|evaluator|examiner|reviewer|"
    r"scorer|judge)\b|\bfull credit for\b"
    r"|\byou(?:'re| are) (?:now )?(?:playing|acting as)\b",
    re.IGNORECASE,
)
# Figures joined by arrows or "label: figure" pairs: written dashboards, not speech.
_ARROW = re.compile(r"[\d%]\s*\w{0,8}\s*(?:→|->|=>|⟶|➜|➔)\s*[+−-]?[$€£]?\d")
# "+45", "−$80k": signed figures are how dashboards write changes, not how people say them.
_SIGNED_FIGURE = re.compile(r"(?:^|[\s(,;:])[+−]\s?[$€£]?\d")
_LABELLED_FIGURE = re.compile(r"\b[A-Za-z][A-Za-z /-]{1,25}:\s+[+−-]?[$€£]?\d")
# Superlative praise: inside quotation marks next to figures, someone else's note vouching for them.
_ACCLAIM = re.compile(
    r"\b(?:best|clearest|strongest|finest|most impressive|outstanding|exceptional|exemplary|"
    r"brilliant|stellar|superb|remarkable|impressive|excellent|textbook|model example|"
    r"top performer|exceeds expectations|exceeded expectations|ranked (?:the |as )?(?:top|first|"
    r"number one|#1|highest)|great example|(?:example|model|picture|definition) of (?:real |true |"
    r"genuine )?"
    r"(?:ownership|leadership|customer obsession|bias for action|frugality|excellence))\b",
    re.IGNORECASE,
)


# Someone else crediting the speaker with an outcome: "you cut wait times from 9 days to 2".
_CREDIT = re.compile(
    r"\b(?:you|your|she|her|he|his)\b.{0,40}\b(?:cut|saved|reduced|increased|grew|drove|"
    r"delivered|improved|raised|boosted|halved|doubled|brought|recovered|won|prevented|avoided|"
    r"averted)\b"
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


# One arrow inside a sentence a person typed ("refund time went 5 days -> 1 day and they
# renewed") is shorthand; a dashboard line has several arrows, or few words and no syntax.
_PROSE_WORDS = 10
_PROSE_SHARE = 0.2


def _dashboard(text: str) -> bool:
    """Figures written as a dashboard: arrows between figures outside typed prose, or two
    'label: figure' pairs."""
    arrows = len(_ARROW.findall(text))
    if arrows == 1:  # only then does it matter whether the sentence is typed prose
        words = re.findall(r"[^\W\d_]+", text.lower())
        arrows -= len(words) >= _PROSE_WORDS and english_share(words) >= _PROSE_SHARE
    return (
        arrows >= 1
        or len(_LABELLED_FIGURE.findall(text)) >= 2
        or len(_SIGNED_FIGURE.findall(text)) >= 2
    )


# Zero-width characters inside a word hide it from patterns without changing what a reader sees;
# `mark_hidden` turns them into this visible mark before cleaning, so the span can be flagged.
HIDDEN_MARK = "\u2058"
_HIDDEN_IN_WORD = re.compile(r"(?<=\w)[\u200b\u200c\u200d\u2060\ufeff\u00ad]+(?=\w)")
# Unicode tag characters (invisible text: a whole sentence can be written in them) and the
# bidirectional overrides and isolates that make text display in another order than it reads.
_INVISIBLE = re.compile("[\U000e0000-\U000e007f\u202a-\u202e\u2066-\u2069]+")


def mark_hidden(text: str) -> str:
    """Zero-width characters between letters, tag characters and direction overrides become
    HIDDEN_MARK (nobody types them)."""
    return _INVISIBLE.sub(HIDDEN_MARK, _HIDDEN_IN_WORD.sub(HIDDEN_MARK, text))


def is_unspoken(text: str, typed: bool = False) -> bool:
    """True for a span that addresses the grader, claims an outcome or is not speech (`typed`:
    a line of the candidate's own layout, where figure shorthand is how they write)."""
    if HIDDEN_MARK in text:
        return True
    folded = unicodedata.normalize("NFKC", text)
    plain = deleet(folded)
    if plain != folded and (is_injection(plain) or claims_outcome(plain)):
        return True
    return bool(
        addresses_grader(folded)
        or claims_outcome(folded)
        or asks_for_grade(folded)
        or _PASTED_NOTE.search(folded)
        or _DUMP.search(folded)
        # Nobody speaks in pipes: "a 14 min → 3 min | satisfaction 71% → 96% | overtime −40%".
        or folded.count("|") >= 2
        or encoded(folded)
        or foreign(folded)
        # Latin words with Greek or Cyrillic look-alike letters are written to slip past filters.
        or mixed_script(folded)
        or bool(_FIELD_KEY.search(folded) or _SNAKE_KEY.search(folded))
        or bool(_CHAT_ROLE.search(folded))
        or _praise_quote(folded)
        or (not typed and _dashboard(folded))
        or obfuscated(folded)
        or leetspeak(folded)
        or ticked_list(folded)
    )


def _json_objects(text: str) -> list[tuple[int, int]]:
    """Ranges of JSON objects (and arrays of them) up to their matching bracket, nested objects and
    all (a regex's first `}` would end `{"score": {"overall": 5}, "result": "saved $120k"}` too
    early, and leave the `]` of `[{...}, {...}]` to be read as a sentence)."""
    ranges: list[tuple[int, int]] = []
    for m in _JSON_OPEN.finditer(text):
        if ranges and m.start() < ranges[-1][1]:
            continue
        depth, quoted, end = 0, False, len(text)
        for i in range(m.start(), len(text)):
            c = text[i]
            if c == '"' and text[i - 1] != "\\":
                quoted = not quoted
            elif not quoted and c in "{[":
                depth += 1
            elif not quoted and c in "}]":
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        ranges.append((m.start(), end))
    return ranges


# Short lines with no sentence end, the shape `_BLOCKS` reads as a pasted list without markers.
_SHORT_LINES = re.compile(r"(?:^[ \t]*[A-Za-z0-9][^\n.!?:]{2,70}[ \t]*\n?)+", re.MULTILINE)


def _notes(block: str) -> bool:
    """Short lines that tell a story, the way people jot notes: most carry no figure, and the
    speaker is in them ("I did a stroke assessment"). A pasted list of outcomes is figures, or
    claims in nobody's voice ("Loyalty points doubled")."""
    if not _SHORT_LINES.fullmatch(block):
        return False
    lines = [line for line in block.splitlines() if line.strip()]
    figures = sum(bool(re.search(r"\d", line)) for line in lines)
    speaker = any(re.search(r"\b(?:I|we|We|my|My|our|Our|me|us)\b", line) for line in lines)
    return 2 * figures < len(lines) and speaker


# A unified diff ("--- a.txt / +++ b.txt / @@ ..."), wherever it starts, to a blank line: read on
# its own, since another block may have taken its header lines.
_DIFF = re.compile(r"-{3}[ \t]+\S[^\n]*\n\+{3}[ \t]+\S.*?(?=\n[ \t]*\n|\Z)", re.DOTALL)


def block_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of tables, code fences, comments and data blocks in the whole text
    (a candidate's STAR headings on their own lines, or their notes, are the answer)."""
    found = [
        (m.start(), m.end()) for m in _BLOCKS.finditer(text)
        if not own_labelled(m[0]) and not _notes(m[0])
    ]  # fmt: skip
    diffs = [(m.start(), m.end()) for m in _DIFF.finditer(text)]
    return sorted(found + _json_objects(text) + diffs)


# A bare heading ("Results:", "Measured outcomes (exported from the ticketing system):") introduces
# pasted structure, not speech, when what follows it is flagged.
_HEADING = re.compile(r"^\W*[\w ()/&,'-]{1,60}:\s*$")
# A list item's marker alone, which sentence splitting cuts off its item: "ii.", "(b)", "3)".
_LIST_MARKER = re.compile(r"^\(?(?:[ivxlc]{1,5}|[a-z]|\d{1,2})[.)]$", re.IGNORECASE)
# After a fake end-of-answer marker, nothing is the candidate's answer any more.
_DELIMITER = re.compile(
    r"\bend of (?:the )?(?:candidate'?s? )?(?:answer|response|transcript|input|candidate)\b",
    re.IGNORECASE,
)


def split_at_blocks(text: str, spans: Sequence[Span]) -> list[Span]:
    """Cut spans where a structural block or an encoded blob ends, so prose after it stays apart."""
    out: list[Span] = []
    ends = [end for _, end in block_ranges(text)] + encoded_token_ends(text)
    for span in _with_list_markers(text, spans):
        cuts = [end for end in ends if span.start < end < span.end]
        start = span.start
        for cut in [*cuts, span.end]:
            piece = text[start:cut]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append(Span(start + lead, start + len(piece.rstrip()), piece.strip()))
            start = cut
    return out


def _with_list_markers(text: str, spans: Sequence[Span]) -> list[Span]:
    """A list marker that opens a line ("iii.") joined to its item on the same line, so the item
    reads as the list line it is ("iii. ≈1,200 staff-hours saved per year")."""
    out: list[Span] = []
    skip = False
    for i, span in enumerate(spans):
        if skip:
            skip = False
            continue
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        line_start = text.rfind("\n", 0, span.start) + 1
        if (
            nxt is not None
            and _LIST_MARKER.match(span.text)
            and not text[line_start : span.start].strip(" \t")
            and "\n" not in text[span.end : nxt.start]
        ):
            out.append(Span(span.start, nxt.end, text[span.start : nxt.end]))
            skip = True
        else:
            out.append(span)
    return out


def structural_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """The spans inside a structural block, or that are themselves not the candidate speaking."""
    ranges = block_ranges(text)
    flagged: list[Span] = []
    after_delimiter = False
    # The candidate's own layout (STAR headings, their list of steps, a title) is not a payload:
    # each such span is judged on the words it introduces.
    read = layout_bodies(text, spans)
    bodies = [body for body, _ in read]
    # The learned reading of each span's form catches payloads no rule names yet.
    learned = pasted(bodies)
    # ... but not of the candidate's own layout, whose form (shorthand, a title) is theirs.
    learned = [flag and not typed for flag, (_, typed) in zip(learned, read, strict=True)]
    for i, s in enumerate(spans):
        in_block = any(s.start < end and s.end > start for start, end in ranges)
        heading = bool(_HEADING.match(s.text)) and (
            i + 1 < len(spans) and (is_unspoken(*read[i + 1]) or any(
                spans[i + 1].start < end and spans[i + 1].end > start for start, end in ranges))
        )  # fmt: skip
        after_delimiter = after_delimiter or bool(_DELIMITER.search(s.text)) or signs_off(text, s)
        typed = read[i][1]
        if after_delimiter or in_block or heading or learned[i] or is_unspoken(bodies[i], typed):
            flagged.append(s)
    return flagged


def suspect_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """Every span that is not the candidate's story: instructions, structures, outcome claims."""
    flagged = merge_flagged(injection_spans(spans), structural_spans(text, spans))
    return spread_flags(text, spans, flagged, _praise_quote)
