"""Is this span pasted text rather than the candidate speaking? The learned half of injection.

The rules of `structure.py` name the payload classes we have read (tables, notes to the grader,
JSON, other languages...). Each new writer of injection pairs still found wordings and formats no
rule named, so this model reads a span's *form*: hashed character trigrams (which see markup,
encodings, other languages and dashboard punctuation whatever the words) plus a few shape ratios.
A logistic regression (`fit`, scikit-learn, fixed seed; `make train` via `evals.train_payload`)
is stored as a small `.npz` checked by SHA-256 and applied with numpy. Its threshold keeps false
flags on the corpus's story sentences, leave-one-group-out, at or under `MAX_STORY_FLAGS`.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from agents.artefact import Override, read_verified, save_npz
from agents.grading.disguise import english_share

SEED = 20261206
MODEL_FILE = Path(__file__).resolve().parent / "models" / "payload.npz"
N_HASH = 1 << 16
# Share of the corpus's story sentences (unique texts, out of fold) the threshold may flag.
MAX_STORY_FLAGS = 0.0005
# ... and never below even odds: a flag says the span is more likely pasted than spoken.
MIN_THRESHOLD = 0.5
# A span with fewer visible characters has too little form to read ("Mr.", "Hmm.", "Customers."):
# never flagged by the model (the rules still read it).
MIN_CHARS = 12
# Plain prose is left to the rules: typed characters only and a speaker's share of function words.
# "Forecast error fell from 19% to 11%." reads like a dashboard line to a model of form, and it is
# exactly the sentence a result needs; the model reads what is odd in form, not in content.
_PLAIN = re.compile(r"[A-Za-z0-9\s.,;:'\"!?()%$£€&/+-]*")
MIN_PLAIN_FUNCTION_SHARE = 0.15
PLAIN_SHORT_WORDS = 8
# The shape ratios are scaled so that they weigh about as much as a handful of trigrams.
DENSE_SCALE = 4.0
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_MARKUP = frozenset("{}<>|=#*:[]_`~\\/")
DENSE: tuple[str, ...] = (
    "english_function_share",
    "non_ascii_letters",
    "upper_letters",
    "markup_characters",
    "log_words",
    "starts_without_letter",
    "has_newline",
)


def trigram_ids(text: str) -> list[int]:
    """Hashed ids of the distinct character trigrams of the lower-cased, space-collapsed span,
    every digit read as 0: figures are how results are told, so they must not mark a payload."""
    padded = f" {_DIGIT.sub('0', _SPACES.sub(' ', text.lower()).strip())} "
    grams = {padded[i : i + 3] for i in range(len(padded) - 2)}
    return sorted({zlib.crc32(g.encode("utf-8")) % N_HASH for g in grams})


def shape(text: str) -> list[float]:
    """The shape ratios of DENSE, each scaled to about 0-1."""
    letters = [c for c in text if c.isalpha()]
    words = _LETTER_WORD.findall(text.lower())
    n = max(len(text), 1)
    return [
        english_share(words) if words else 0.0,
        sum(ord(c) > 127 for c in letters) / len(letters) if letters else 0.0,
        sum(c.isupper() for c in letters) / len(letters) if letters else 0.0,
        sum(c in _MARKUP for c in text) / n,
        math.log1p(len(words)) / 4,
        float(not text[:1].isalpha()),
        float("\n" in text),
    ]


def plain(text: str) -> bool:
    """Ordinary typed prose: nothing but letters, digits and common punctuation, and (from
    PLAIN_SHORT_WORDS words on) enough English function words to be spoken English."""
    if not _PLAIN.fullmatch(text):
        return False
    words = _LETTER_WORD.findall(text.lower())
    if len(words) < PLAIN_SHORT_WORDS:
        return True  # "People seemed happier." has no function word and is still speech
    return english_share(words) >= MIN_PLAIN_FUNCTION_SHARE


def readable(text: str) -> bool:
    """A span the model reads: MIN_CHARS visible characters or more, and not plain prose (both
    are left to the rules)."""
    return len("".join(text.split())) >= MIN_CHARS and not plain(text)


def features(texts: Sequence[str]) -> tuple[list[list[int]], np.ndarray]:
    """Trigram ids and scaled shape rows of `texts`."""
    ids = [trigram_ids(t) for t in texts]
    dense = np.array([shape(t) for t in texts], dtype=np.float64).reshape(len(texts), len(DENSE))
    return ids, dense * DENSE_SCALE


@dataclass
class PayloadModel:
    """Logistic regression over hashed trigrams and shape ratios; `fit` needs scikit-learn."""

    coef: np.ndarray | None = None  # N_HASH trigram weights, then one per DENSE
    intercept: float = 0.0
    threshold: float = 1.0

    def fit(self, texts: Sequence[str], payload: Sequence[bool], c: float = 1.0,
            payload_weight: float = 5.0) -> PayloadModel:  # fmt: skip
        """Fit on spans labelled payload (True) or story (False)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        ids, dense = features(texts)
        rows = [i for i, row in enumerate(ids) for _ in row]
        cols = [j for row in ids for j in row]
        x = sparse.hstack([
            sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(texts), N_HASH)),
            sparse.csr_matrix(dense),
        ]).tocsr()  # fmt: skip
        clf = LogisticRegression(
            C=c, class_weight={False: 1.0, True: payload_weight}, solver="liblinear",
            random_state=SEED, max_iter=2000,
        )  # fmt: skip
        clf.fit(x, np.asarray(payload, dtype=bool))
        self.coef = clf.coef_[0].astype(np.float32)
        self.intercept = float(clf.intercept_[0])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(payload) per span (0 for spans it does not read: see `readable`)."""
        if self.coef is None:
            raise RuntimeError("PayloadModel is not fitted")
        out = np.zeros(len(texts))
        read = [i for i, t in enumerate(texts) if readable(t)]
        if not read:
            return out  # most answers: every span is plain prose, nothing to featurize
        ids, dense = features([texts[i] for i in read])
        coef = self.coef.astype(np.float64)
        z = np.array([coef[row].sum() for row in ids]) + dense @ coef[N_HASH:] + self.intercept
        out[read] = 1.0 / (1.0 + np.exp(-z))
        return out

    @classmethod
    def never(cls) -> PayloadModel:
        """A model that flags nothing: the rules alone, for comparison."""
        return cls(coef=np.zeros(N_HASH + len(DENSE), dtype=np.float32), threshold=2.0)

    def flags(self, texts: Sequence[str]) -> list[bool]:
        """Which spans read as pasted text at the shipped threshold."""
        return [bool(p >= self.threshold) for p in self.predict_proba(texts)]

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None:
            raise RuntimeError("PayloadModel is not fitted")
        return save_npz(
            path, coef=self.coef, intercept=np.float64(self.intercept),
            threshold=np.float64(self.threshold), dense=np.array(DENSE), n_hash=np.int64(N_HASH),
        )  # fmt: skip


class PayloadModelError(RuntimeError):
    """The shipped payload model is missing, tampered with, or built for other features."""


@lru_cache(maxsize=2)
def load_payload_model(path: Path = MODEL_FILE) -> PayloadModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    read_verified(path, "payload model", PayloadModelError)
    with np.load(path) as npz:
        if tuple(str(f) for f in npz["dense"]) != DENSE or int(npz["n_hash"]) != N_HASH:
            raise PayloadModelError(f"{path}: trained on other features; run `make train`")
        return PayloadModel(
            coef=npz["coef"], intercept=float(npz["intercept"]),
            threshold=float(npz["threshold"]),
        )  # fmt: skip


# Evaluation swaps in a model that never saw the voice it scores; the app uses the shipped one.
_OVERRIDE: Override[PayloadModel] = Override("payload_model")
# Within the block, spans are read by the given model instead of the shipped artefact.
using = _OVERRIDE.using


def pasted(texts: Sequence[str]) -> list[bool]:
    """Which spans the active payload model reads as pasted text."""
    model = _OVERRIDE.get() or load_payload_model()
    return model.flags(texts)
