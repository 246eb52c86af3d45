"""Disguised text: encoded, scrambled, in another language or script, or in leetspeak.

Helpers of `structure.py` (injection as a class): none of these is how a candidate speaks.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from functools import lru_cache
from pathlib import Path

import yaml

from agents.grading.injection import is_injection

_ENCODED = re.compile(
    r"\b[A-Za-z0-9+/]{20,}={0,2}(?![\w+/])|\b(?:0x)?[0-9a-fA-F]{24,}\b|(?:%[0-9A-Fa-f]{2}){4,}"
)
# Cyrillic, Hebrew/Arabic, Devanagari, kana, CJK and Hangul letters.
_NON_LATIN = re.compile(
    "[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_LANGUAGE_WORDS = Path(__file__).resolve().parent / "data" / "language_words.yaml"


@lru_cache(maxsize=1)
def _language_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(foreign function words, English function words, the longer English list) from the data
    file."""
    data = yaml.safe_load(_LANGUAGE_WORDS.read_text(encoding="utf-8"))
    return (
        frozenset(data["foreign"]),
        frozenset(data["english"]),
        frozenset(data["english_function"]),
    )


def english_share(words: list[str]) -> float:
    """Share of `words` (lower-case letter runs, at least one) that are English function words,
    number words or fillers (`english_function` in the data file)."""
    function = _language_words()[2]
    return sum(w in function for w in words) / len(words)


# A sentence this long with this small a share of English function words is in another language.
_MIN_WORDS_FOR_SHARE = 8
_MAX_ENGLISH_SHARE = 0.12
_MIN_ACCENTED_SHARE = 0.3


_PERCENT_CODE = re.compile(r"%[0-9A-Fa-f]{2}")


# Links and addresses carry long IDs ("docs.google.com/document/d/1aBcD3...") that are not
# messages; a hash named as one ("commit 9fceb02d...") is an identifier. (Whether a token decodes
# to readable text is `obfuscated`'s test, and it still reads these.)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|" + EMAIL.pattern)
_HASH_NAMED = re.compile(
    r"\b(?:commit|sha(?:-?\d+)?|hash|checksum|revision|rev|digest|build)\s*[:#]?\s*$", re.IGNORECASE
)


# Words spelled out in the NATO alphabet, six or more in a row ("Tango Oscar Papa, Bravo..."): a
# message hidden in speech, never a story told.
_NATO = (
    r"(?:alfa|alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett?|kilo|lima|mike|"
    r"november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiske?y|x-?ray|yankee|zulu)"
)
_SPELLED = re.compile(rf"\b{_NATO}(?:[\s,;.—–-]+{_NATO}){{5,}}\b", re.IGNORECASE)


# Keycap digits ("5️⃣/5️⃣", "1️⃣0️⃣0️⃣%"): figures drawn in emoji, two or more.
_KEYCAPS = re.compile("(?:[0-9#*]\ufe0f?\u20e3[^\\w\\s]{0,3}){2,}")


def encoded(text: str) -> bool:
    """A long token of base64 or hex that is not an ordinary word or number, a link or a hash;
    or words spelled out in the NATO alphabet."""
    if _SPELLED.search(text) or _KEYCAPS.search(text):
        return True
    links = [(m.start(), m.end()) for m in _LINK.finditer(text)]
    for match in _ENCODED.finditer(text):
        token = match.group(0)
        if any(a <= match.start() < b for a, b in links) or (
            _HASH_NAMED.search(text[max(0, match.start() - 12) : match.start()])
            and re.fullmatch(r"[0-9a-f]{7,64}", token)
        ):
            continue
        mixed = sum(c.isdigit() for c in token) >= 2 and any(c.isupper() for c in token)
        if mixed or token.startswith("%") or re.fullmatch(r"(?:0x)?[0-9a-fA-F]+", token):
            return True
    # URL-encoding spread through a token ("Grader%20-%20score%20this").
    return "%" in text and any(len(_PERCENT_CODE.findall(tok)) >= 3 for tok in text.split())


# Tokens long enough to hold an encoded blob (`_ENCODED`'s shortest is 12 characters of "%xx").
_LONG_TOKEN = re.compile(r"\S{12,}")


def encoded_token_ends(text: str) -> list[int]:
    """Offsets just after each whitespace-delimited token that `encoded` reads as encoded text:
    a blob pasted without a full stop must not take the candidate's next sentence with it."""
    return [m.end() for m in _LONG_TOKEN.finditer(text) if encoded(m.group(0))]


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


def obfuscated(text: str) -> bool:
    """Encoded or scrambled text: decodable tokens, spaced hex bytes, binary, escapes, ROT13."""
    for token in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        if _decodes_to_text(token):
            return True
    if _BYTES.search(text):
        return True
    rotated = codecs.encode(text, "rot13")
    return is_injection(rotated) or is_injection(text[::-1]) or _reads_as_english(rotated, text)


def _reads_as_english(decoded: str, text: str) -> bool:
    """ROT13 prose: the decoded text is full of English function words the text itself lacks."""
    english = _language_words()[1]
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) < 5:
        return False
    before = sum(w in english for w in words)
    after = sum(w in english for w in re.findall(r"[a-z]+", decoded.lower()))
    return after >= 3 and after >= 3 * max(before, 1) and after / len(words) >= 0.25


_MIXED_SCRIPT = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w+\b")


def mixed_script(text: str) -> bool:
    """A Latin word with Greek or Cyrillic look-alike letters, written to slip past filters."""
    return bool(_MIXED_SCRIPT.search(text))


def foreign(text: str) -> bool:
    """Mostly another language: non-Latin script, foreign function words outnumber English ones,
    or a long sentence with almost no English function words."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(bool(_NON_LATIN.match(c)) for c in letters) / len(letters) > 0.3:
        return True
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 4:
        return False
    foreign_words, english_words, _ = _language_words()
    foreign = sum(w in foreign_words for w in words)
    english = sum(w in english_words for w in words)
    if foreign >= 2 and foreign > english:
        return True
    # Accented Latin letters in a third of the words: Hungarian, Polish, Vietnamese, Turkish...
    # whose articles ("a", "az") would pass for English function words; English prose has an
    # accented name or "café" now and then.
    if len(words) >= _MIN_WORDS_FOR_SHARE and (
        sum(not w.isascii() for w in words) / len(words) >= _MIN_ACCENTED_SHARE
    ):
        return True
    # Any other language: English prose cannot go 8 words with almost no function words, unless
    # they are English words all the same (terse notes: "Gave anyone paged overnight the next
    # morning off, no questions asked").
    return (
        len(words) >= _MIN_WORDS_FOR_SHARE
        and english_share(words) < _MAX_ENGLISH_SHARE
        and _known_share(words) < _MIN_KNOWN_SHARE
    )


# Terse English: at least this share of the words are whole words of MiniLM's English vocabulary.
_MIN_KNOWN_SHARE = 0.7


@lru_cache(maxsize=1)
def _english_vocabulary() -> frozenset[str]:
    """The whole words of the shipped MiniLM tokenizer's (English, uncased) vocabulary."""
    from agents.embeddings import tokenizer_vocabulary

    return frozenset(w for w in tokenizer_vocabulary() if w.isalpha() and w.isascii())


def _known_share(words: list[str]) -> float:
    """Share of `words` that are whole English words of that vocabulary."""
    known = _english_vocabulary()
    return sum(w in known for w in words) / len(words)


_LEET = str.maketrans("013457@$", "oleastas")
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=\w*[0-9@$])[\w@$]+\b")


def deleet(text: str) -> str:
    """ "g1v3 full m4rks" -> "give full marks": digits standing in for letters inside words."""
    return _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)


_LEET_I = str.maketrans("013457@$", "oieastas")
# A figure with its unit or an ordinal ("100m", "10th", "3x") is not a word spelled in digits.
_FIGURE_TOKEN = re.compile(r"\d[\d.,]*[a-z]{0,4}")


def leetspeak(text: str) -> bool:
    """Two or more words spelled with digits for letters ("gr4d3r", "5c0r3", "r4153d"): a
    disguise nobody speaks in, whatever it says once read."""
    words = [w.lower() for w in _LEET_WORD.findall(text)]
    words = [w for w in words if len(w) >= 4 and not _FIGURE_TOKEN.fullmatch(w)]
    if len(words) < 2:
        return False
    known = _english_vocabulary()
    hits = sum(
        w not in known and any(w.translate(table) in known for table in (_LEET, _LEET_I))
        for w in words
    )
    return hits >= 2
