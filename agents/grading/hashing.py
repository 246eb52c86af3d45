"""Hashed word n-grams: the text features the learned grading models share."""

from __future__ import annotations

import itertools
import re
import zlib

N_HASH = 1 << 14

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[%$€£]")
# Fillers carry no role: "um, like, we basically shipped it" reads as "we shipped it".
_FILLER = re.compile(r"\b(?:um+|uh+|er+|like|you know|i mean|kind of|sort of|basically)\b", re.I)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_FILLER.sub(" ", text.lower()))


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_HASH


def ngram_ids(text: str, prefix: str, bigrams: bool) -> list[int]:
    """Hashed ids of the words (and, with `bigrams`, word pairs and first words) of `text`."""
    toks = _tokens(text)
    ids = [_hash(prefix + t) for t in toks]
    if bigrams:
        ids += [_hash(f"{prefix}{a}_{b}") for a, b in itertools.pairwise(toks)]
        ids += [_hash(f"{prefix}^{t}") for t in toks[:3]]
    return ids
