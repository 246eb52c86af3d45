"""Text plumbing shared by the grader and the story bank: sentence spans and number parsing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Zero-width and bidi control characters are stripped before analysis: they hide words from
# regexes ("ig\u200bnore") without changing what a reader sees.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def clean_text(text: str) -> str:
    """NFC-normalise, drop invisible characters and control bytes, keep newlines."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


# Past-tense verbs (regular "-ed" and the irregulars candidates use), the one list shared by the
# grader, the interviewer and the prompt generator.
PAST_VERB = (
    r"(?:\w+ed|built|wrote|ran|made|took|set|led|sent|met|began|brought|bought|caught|chose|"
    r"drew|drove|fought|found|gave|got|went|held|kept|knew|left|lent|let|paid|put|read|rode|"
    r"rewrote|said|sat|saw|sold|sought|spent|spoke|split|stood|struck|taught|told|thought|"
    r"threw|took|understood|won|woke|dug|fed|flew|forgot|grew|hid|hit|hung|laid|lost|meant|"
    r"overrode|rebuilt|redid|reran|shut|shook|slid|spun|swung|tore|undid|withdrew|wound|did|"
    r"pushed|pulled|cut|broke|beat|dealt|rang|shipped|stepped|stayed|stopped|sat)"
)


@dataclass(frozen=True)
class Span:
    """A sentence of the original text, with its offsets so quotes stay verbatim."""

    start: int
    end: int
    text: str


# A sentence's closing quotes or brackets (group 1, straight or curly) stay with it: 'He said
# "fine." I rebuilt the rota.' and 'It read “All clear.” I signed it off.' are two sentences each.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])([\"'”’»)\]]*)\s+|\n\s*\n|\n(?=\s*[-*•]|\s*[A-Z][a-z]+:)|\n"
)
# Spoken answers run on; long sentences are cut at these joints so each clause can be classified
# (the joint itself is left between the two spans).
CLAUSE_JOINT = re.compile(
    r",?\s+(?:and then|and so|so then|and after that|after that|but then|which meant|"
    r"and that meant|so basically|and basically|so in the end|and in the end|anyway)\s+"
    r"|;\s+|\s+[-–—]\s+",
    re.IGNORECASE,
)
_MAX_CLAUSE_WORDS = 32
# A pipe or slash with spaces around it, between a writer's own units on one line.
_UNIT_SEPARATOR = re.compile(r"\s+[|/]\s+")
# A unit that opens with a short label of its own: "Task: ", "What I did: ", "result: ".
_UNIT_LABEL = re.compile(r"[A-Za-z][\w '’]{0,24}:\s")
# Runs longer than this are read for sentence ends by `agents.run_on` (imported only then, so most
# answers never load the model): 2 of the corpus's 14,538 labelled sentences are longer, an
# unpunctuated answer of a few sentences is.
RUN_ON_WORDS = 56


# A period that ends an abbreviation, not a sentence: a title before a name ("Dr. Patel"), an
# initial before a surname ("J. Smith"; "plan B. We" still ends), "a.m." or "e.g." mid-sentence.
_TITLE_END = re.compile(r"(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|[A-Z])\.$")
_LOWER_ABBREV_END = re.compile(r"(?:^|[\s(])(?:a\.m|p\.m|etc)\.$")
# Never the end of a sentence: "vs. 35% before", "e.g. Cases", "approx. 5 p.m.".
_MID_ABBREV_END = re.compile(r"(?:^|[\s(])(?:e\.g|i\.e|approx|incl|vs|cf|dept)\.$", re.IGNORECASE)
_NOT_A_NAME = frozenset(
    {
        "I", "We", "The", "It", "So", "But", "And", "Then", "She", "He", "They", "My", "Our",
        "This", "That", "A", "An", "After", "When", "Later", "In", "On", "At", "Once", "By",
        "There", "What", "Why", "How", "Now", "Next", "Finally", "Also",
    }
)  # fmt: skip


def _abbreviation_before(text: str, match: re.Match[str]) -> bool:
    """True when the break `match` found follows an abbreviation and the sentence goes on."""
    # (One character and a bounded window: no copy of the text before or after each break.)
    if "\n" in match.group(0) or text[match.start() - 1 : match.start()] != ".":
        return False
    before = text[max(0, match.start() - 8) : match.start()]
    after = text[match.end() : match.end() + 40].split(maxsplit=1)
    word = after[0] if after else ""
    if _MID_ABBREV_END.search(before):
        return bool(word)
    if _LOWER_ABBREV_END.search(before):
        return word[:1].islower()
    if _TITLE_END.search(before):
        if re.fullmatch(r"[A-Z]\.", word):  # "Ms. A. Kaur"
            return True
        return word[:1].islower() or (word[:1].isupper() and word.strip(",.;:") not in _NOT_A_NAME)
    return False


def split_sentences(text: str) -> list[Span]:
    """Split into sentence spans (and long run-ons into clauses), offsets into `text`."""
    spans: list[Span] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        if _abbreviation_before(text, match):
            continue
        _add_span(text, pos, match.start() + len(match.group(1) or ""), spans)
        pos = match.end()
    _add_span(text, pos, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, out: list[Span]) -> None:
    """Append the trimmed span, cut into clauses when it is a long run-on."""
    piece = text[start:end]
    if not piece.strip():
        return
    lead = len(piece) - len(piece.lstrip())
    start, end = start + lead, start + len(piece.rstrip())
    piece = text[start:end]
    units = _labelled_units(piece)
    if units:
        for a, b in units:
            _add_span(text, start + a, start + b, out)
        return
    words = len(piece.split())
    if words > RUN_ON_WORDS:
        # Longer than nearly any sentence people write: an unpunctuated answer. The learned reader
        # says where its sentences end (imported here: most answers never need it).
        from agents.run_on import unit_bounds

        for a, b in unit_bounds(piece):
            _add_clauses(text, start + a, start + b, out)
        return
    _add_clauses(text, start, end, out)


def _labelled_units(piece: str) -> list[tuple[int, int]]:
    """(start, end) of the units of "Situation: … | Task: … | Result: …" or "… / result: … /
    lesson: …" typed on one line: two or more units that open with their own label. Empty for
    anything else (a table row opens with its pipe; "J. Smith | Filed 140 returns" labels none)."""
    seps = list(_UNIT_SEPARATOR.finditer(piece))
    if len(seps) < 2 or piece.startswith("|"):
        return []
    bounds = [0, *(m.end() for m in seps)]
    ends = [*(m.start() for m in seps), len(piece)]
    units = [(a, b) for a, b in zip(bounds, ends, strict=True) if piece[a:b].strip()]
    if sum(bool(_UNIT_LABEL.match(piece[a:b])) for a, b in units) < 2:
        return []
    return units


def _add_clauses(text: str, start: int, end: int, out: list[Span]) -> None:
    """Append `text[start:end]`, cut at its clause joints when it is a long run-on."""
    piece = text[start:end]
    if len(piece.split()) <= _MAX_CLAUSE_WORDS:
        out.append(Span(start, end, piece))
        return
    cursor = start
    for joint in CLAUSE_JOINT.finditer(piece):
        cut = start + joint.start()
        if len(text[cursor:cut].split()) >= 6:
            out.append(Span(cursor, cut, text[cursor:cut]))
            cursor = start + joint.end()
    if text[cursor:end].strip():
        out.append(Span(cursor, end, text[cursor:end]))


_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 10**6, "billion": 10**9, "dozen": 12, "half": 0.5, "quarter": 0.25,
    "double": 2, "triple": 3,
}  # fmt: skip
_NUM_WORD = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_NOT_COUNTS = {"one", "half", "quarter", "double", "triple", "zero"}
# Number words that can count a plural noun ("one" is usually an article, "half" a fraction).
_NUM_WORD_PLURAL = "|".join(
    sorted(
        (w for w in _WORD_NUMBERS if w not in _NOT_COUNTS),
        key=len,
        reverse=True,
    )
)
_UNITS = (
    r"%|percent|per\s?cent|percentage points?|pp|x\b|times|fold|ms|milliseconds?|seconds?|secs?|"
    r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|quarters?|years?|sprints?|k\b|m\b|bn\b|"
    r"million|billion|thousand|users?|customers?|clients?|tickets?|incidents?|bugs?|defects?|"
    r"orders?|requests?|engineers?|people|hires?|candidates?|points?|stars?|servers?|nodes?|"
    r"calls?|pages?|alerts?|deploys?|releases?|teams?|accounts?|deals?|units?|packages?|"
    r"shipments?|gb|tb|mb|qps|rps|nps|sessions?|errors?|outages?|escalations?|complaints?|"
    r"dollars?|euros?|pounds?|rupees?|steps?|features?|services?|stores?|sites?|sellers?|"
    r"members?|reports?|students?|patients?|drivers?|vendors?|markets?|languages?|regions?|"
    # Money said the way people say it, and currencies by name.
    r"grand|quid|bucks|ringgit|z[łl]oty|dinars?|pesos?|francs?|reais|riyals?|yuan|naira|"
    r"kronor|krona|lira|lakh|crore|p"
)
_SCALE = r"(?:k|m|bn|million|billion|thousand|lakh|crore|mil)"
_MONEY_WORD = (
    r"(?:dollars?|euros?|pounds?|rupees?|riyals?|yen|francs?|reais|quid|bucks|ringgit|z[łl]oty|"
    r"dinars?|pesos?)"
)
_HEDGE = (
    r"(?:about|around|roughly|nearly|almost|over|under|more than|less than|just over|"
    r"just under|only|some|close to|well over|below|above|at|by|within|to)"
)
# Hedges kept with a number ("about 4%"); "by 40%" and "to 12" keep only the quantity.
_HEDGE_NUMBER = (
    r"(?:about|around|roughly|nearly|almost|over|under|more than|less than|just over|"
    r"just under|only|some|close to|well over|below|above)"
)
_SPAN_UNIT = (
    r"(?:hour|day|week|month|year|quarter|term|fortnight|minute|second|shift|night|percent|"
    r"per cent|percentage point)"
)
# Words that end in s without being plurals: "2023 she was" counts nothing.
_NOT_PLURAL = (
    r"(?:was|has|is|this|its|his|hers|ours|yours|theirs|as|us|does|less|unless|across|always|"
    r"perhaps|towards|afterwards|sometimes|whereas|thus|plus|yes|besides)"
)
# "by half twelve" is a time of day, not a fraction.
_CLOCK_HOUR = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Where a move "from ... to" lands, when it lands on a quantity: a hedge, then a number (also "one
# in twenty", "3 and a half"), a span in words ("an hour", "a couple of nights"), half or zero,
# with the unit said after it ("to 4 days", "to under 0.1%").
_TO_QUANTITY = (
    r"(?:(?:just |well )?(?:under|over|about|around|below|above|nearly|almost|roughly|only|just|"
    r"fewer than|more than|less than)\s+)?"
    # A figure as typed ("$1.2", "8am", "1:31", "1.1s", "12-hour", "+41"), or in words ("four
    # point five", "seven thousand five hundred").
    rf"(?:(?:an?\s+)?(?:(?:(?:R\$|[$€£₹¥])\s?|[+\-\u2212])?\d[\d,.:]*(?:-?[a-zA-Z]+\b)?(?:\s?[ap]\.m\.)?"
    rf"|(?:{_NUM_WORD})(?:[\s-](?:{_NUM_WORD}))*(?:\s+point\s+(?:{_NUM_WORD}))?)"
    rf"(?:\s+in\s+(?:every\s+|a\s+(?=hundred|thousand|million))?(?!one\b)"
    rf"(?:\d[\d,.]*|{_NUM_WORD})\b)?(?:\s+and\s+a\s+half)?"
    rf"(?:\s?(?:{_UNITS})(?![a-z]))?"
    rf"(?:\s+(?:a|an|per)\s+(?:day|week|month|year|quarter|hour|shift)\b)?"
    rf"|(?:an?|one|two|three)[\s-](?:tenth|third|fifth|quarter|half)s?\b"
    rf"|(?:an?|one)\s+(?:full\s+|whole\s+|working\s+)?{_SPAN_UNIT}s?\b(?:\s+and\s+a\s+half)?"
    rf"|(?:a couple of|a few|a handful of)\s+[a-z][\w-]*"
    rf"|(?:first|second|third|fourth|fifth|last|top)(?![\w-])"
    rf"|half\b|zero\b|none\b|nil\b|nothing\b|several\b)"
)
METRIC_RE = re.compile(
    # Money with its scale and currency word: "$2 million", "2 million dollars", "R$ 300 mil".
    rf"(?:(?:R\$|[$€£₹¥])\s?\d[\d,.]*(?:\s?{_SCALE}\b)?(?:\s+{_MONEY_WORD}\b)?"
    rf"|\b\d[\d,.]*\s?{_SCALE}\s+{_MONEY_WORD}\b"
    # A hedged quantity keeps its unit: "about 4%", "under 0.1%", "around 20 minutes".
    rf"|\b(?:{_HEDGE_NUMBER})\s+\d[\d,.]*\s?(?:{_UNITS})(?![a-z])(?:\s+{_MONEY_WORD}\b)?"
    rf"|\b\d[\d,.]*(?:\s+and\s+a\s+half)?\s?(?:{_UNITS})(?![a-z])"
    rf"|\b(?:{_NUM_WORD})(?:[\s-](?:{_NUM_WORD}))*(?:\s+and\s+a\s+half)?[\s-]?(?:{_UNITS})"
    rf"(?![a-z])"
    # "a day and a half", "an hour and a half": the whole span, not "a half".
    rf"|\b(?:an?|one)\s+{_SPAN_UNIT}\s+and\s+a\s+half\b"
    # A rate said as a ratio: "one in five orders" (not "5 in 10 minutes", a count and a span).
    rf"|\b(?:\d[\d,.]*|{_NUM_WORD})\s+in\s+(?:every\s+|a\s+(?=hundred|thousand|million))?"
    rf"(?!(?:19|20)\d\d\b|one\b)"
    rf"(?:\d[\d,.]*|{_NUM_WORD})\b(?!\s?(?:{_SPAN_UNIT}|min|hr|sec)s?\b)"
    rf"(?:\s?(?:{_UNITS})(?![a-z]))?"
    rf"|\b(?:doubled|tripled|quadrupled|halved|\d+x)\b"
    # "twice as long", "twice the bookings", "he rang about twice after that".
    rf"|\b(?:(?:{_HEDGE_NUMBER})\s+)?twice(?:\s+(?:as|the)\s+[a-z]+)?\b"
    # Shares and rankings: "12 out of 14", "last of four", "came second".
    rf"|\b(?:\d[\d,.]*|{_NUM_WORD})\s+out\s+of\s+(?:\d[\d,.]*|{_NUM_WORD})\b"
    rf"|\b(?:first|second|third|fourth|fifth|last|top)\s+(?:of|out of)\s+"
    rf"(?:\d[\d,.]*|{_NUM_WORD})\b"
    rf"|\b(?:came|finished|placed|ranked)\s+(?:first|second|third|top|last)\b"
    rf"(?!\s+(?:of|out of)\b)"
    # A count of one said as a count: "only one firefighter", "less than one a week".
    rf"|\b(?:only|just|exactly)\s+one\s+[a-z][\w-]*"
    rf"|\b(?:less|fewer)\s+than\s+one(?:\s+(?:a|an|per)\s+(?:day|week|month|year|shift))?\b"
    # A span counted in words: "another year", "one working day", "within the week".
    rf"|\b(?:(?:another|a further|an extra)\s+(?:full\s+|whole\s+|working\s+)?|"
    rf"one\s+(?:full|whole|working|extra)\s+){_SPAN_UNIT}s?\b"
    # "for a second" and "for a minute" are hesitation ("let's pause for a second"), not spans.
    rf"|\bfor\s+(?:(?:a|an|one)\s+(?:full|whole)\s+{_SPAN_UNIT}|one\s+{_SPAN_UNIT}"
    rf"|an?\s+(?!second\b|minute\b){_SPAN_UNIT})\b"
    rf"|\bwithin\s+(?:the|that)\s+(?:same\s+)?{_SPAN_UNIT}\b"
    # A figure a change landed on: "fell to two", "down to three".
    # (one lookbehind per verb length: Python's lookbehind is fixed-width)
    rf"|(?:(?<=\b(?:fell|rose|grew) to )|(?<=\bdown to )|(?<=\bup to )|(?<=\bdropped to ))"
    rf"(?:{_NUM_WORD}|\d[\d,.]*)\b"
    # A move between two states counts only when it lands on a quantity ("from 3 weeks to 4 days",
    # "from one in five to one in twenty"); "from the ops team to sales" is no figure.
    rf"|\bfrom\s+\S+(?:\s\S+){{0,3}}?\s+(?:down |up )?to\s+{_TO_QUANTITY}"
    rf"|\b\d[\d,.]*\b(?=\s+(?:to|from|of)\b)"
    # A count of things, adjectives allowed: "two critical bugs", "38 accessibility checks".
    # A year counts nothing, and a word that merely ends in s is no plural: "in 2023 she was".
    # (a number ends on a digit: "2. No concerns" is a numbered line, not two concerns)
    rf"|\b(?!(?:19|20)\d\d\b)(?:\d(?:[\d,.]*\d)?|(?:{_NUM_WORD_PLURAL})(?:[\s-](?:{_NUM_WORD}))*)"
    rf"(?:\s+[a-z][\w-]*){{0,2}}?\s+(?!{_NOT_PLURAL}\b)[a-z][\w-]*s\b"
    # "six of them", "eleven of the twelve".
    rf"|\b(?:\d[\d,.]*|{_NUM_WORD_PLURAL})\s+of\s+(?:them|those|these|the|our|my|us)\b"
    # Zero is a result too: "zero findings", "stayed at zero".
    rf"|\bzero\b(?:\s+[a-z][\w-]*){{0,2}}"
    # A hedged bare number; with a unit after it ("held at 68%") the unit's pattern takes it.
    rf"|\b(?:under|over|below|above|at|about|around|nearly|almost|only)\s+\d[\d,.]*\b"
    rf"(?!\s?(?:{_UNITS})(?![a-z]))"
    # A rate: "3 a week", "one or two a month".
    rf"|\b(?:\d[\d,.]*|{_NUM_WORD})(?:\s+or\s+(?:\d[\d,.]*|{_NUM_WORD}))?\s+(?:a|an|per)\s+"
    rf"(?:day|week|month|year|quarter|hour|shift)\b"
    # A point on a count of periods: "by month five", "signed on day twelve" ("day one" is an
    # idiom, not a count).
    rf"|\b(?:day|week|month|quarter|sprint)\s+(?!one\b)(?:{_NUM_WORD}|\d{{1,3}})\b"
    # Spans in words: "within about a month", "a couple of extra days", "a day and a half".
    rf"|\b(?:(?:{_HEDGE})\s+(?:about\s+|around\s+|roughly\s+)?(?:a|an|one)|(?:{_HEDGE}\s+)?"
    rf"(?:half an?|a couple of|a few))\s+(?:extra\s+|more\s+|full\s+)?{_SPAN_UNIT}s?\b"
    rf"(?:\s+and\s+a\s+half)?"
    rf"|\bhalf an? (?:hour|day|week|month|year)\b"
    # Fractions: "by about a third", "more than half", "two thirds", "three quarters".
    rf"|\b(?:{_HEDGE}\s+)?(?:a|one|two|three)[\s-](?:tenth|third|fifth|quarter|half)s?\b"
    rf"(?:\s+of\s+(?:a |one )?(?:percent|per cent|percentage point|point|second|day|week))?"
    rf"|\b(?:more than|less than|over|under|nearly|almost|about|around|roughly|by|well over)"
    rf"\s+half\b(?!\s+(?:past\s+)?(?:\d|{_CLOCK_HOUR}\b))"
    rf"|\b(?:a|one|two|three) (?:tenth|third|fifth|quarter|half)s? of (?:a |one )?"
    rf"(?:percent|per cent|percentage point|point|second|day|week))",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def find_metrics(text: str) -> list[str]:
    """Quantities stated in `text` (numbers with units, money, multipliers, spelled-out)."""
    return list(_metrics(text))


def clear_text_caches() -> None:
    """Forget cached per-sentence readings (benchmarks measure a cold sentence)."""
    _metrics.cache_clear()


@lru_cache(maxsize=4096)
def _metrics(text: str) -> tuple[str, ...]:
    """find_metrics, cached: the analyzer asks about the same sentence several times."""
    found: list[str] = []
    # Underscores typed for emphasis ("_40%_") hide a number's word boundary; blanked one for one,
    # so every match is still the text as written.
    scan = _EMPHASIS_UNDERSCORE.sub(lambda m: " " * len(m.group(0)), text)
    for match in METRIC_RE.finditer(scan):
        # Typed emphasis is not part of a quantity: "from **300 a week to 4**".
        value = match.group(0).replace("**", "").replace("__", "").strip(" ,.*_")
        if _YEAR.match(value) or not value:
            continue
        if not any(value in f or f in value for f in found):
            found.append(value)
    return tuple(found)


def has_number(text: str) -> bool:
    """True when `text` states any quantity, including bare non-year numbers."""
    if find_metrics(text):
        return True
    return any(not _YEAR.match(m.group(0)) for m in _BARE_NUMBER.finditer(text))


def word_count(text: str) -> int:
    """Whitespace-separated word count."""
    return len(text.split())


def normalise_ws(text: str) -> str:
    """Lowercase with whitespace collapsed, for lenient comparisons."""
    return " ".join(text.lower().split())


# A 0-3 strength as a Markdown table cell, "·" for none (the debrief heatmap, story coverage).
STRENGTH_CELLS: dict[int, str] = {0: "·", 1: "1", 2: "2", 3: "3"}
