"""Where would the full stops go? A learned sentence-boundary reader for unpunctuated text.

Dictated, chat-typed and raw speech-to-text answers often come with no full stops at all ("so last
march our freezer died i was the shift lead so i called the pub next door..."). The splitter then
sees one 200-word sentence, and every part of the grade (situation, task, action, result) is read
from the same span. Here a logistic regression (`fit`, scikit-learn, fixed seed; `make train` via
`evals.train_run_on`) reads each gap between two words from the words around it (hashed words and
word pairs, a comma, a capital) and scores "a sentence ends here". It is trained on the corpus's
labelled sentences with their punctuation removed, stored as a small `.npz` checked by SHA-256 and
applied with numpy. `textutil.split_sentences` asks it only about a run of more than its
`RUN_ON_WORDS` words with no sentence end, longer than nearly every sentence people write (2 of
the corpus's 14,538 labelled sentences).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from agents.artefact import Override, read_verified, save_npz

SEED = 20261207
MODEL_FILE = Path(__file__).resolve().parent / "models" / "run_on.npz"
N_HASH = 1 << 18
# A cut leaves at least this many words on each side: "so i called" is no sentence of its own.
MIN_UNIT_WORDS = 4
# A run whose writer separated their own units ("Context: ... | Task: ... | Action: ...") is
# their layout (`agents/grading/own_layout.py` reads it), not an unpunctuated run.
SEPARATORS = frozenset({"|", "/", "•", "·", "->", "→", "=>"})
_TOKEN = re.compile(r"\S+")
_NOT_WORD = re.compile(r"[^a-z0-9']+")
_DIGITS = re.compile(r"\d+")
# The three words either side of a gap, the pairs and triples across and beside it, a capital
# after it, and a comma before it with the words around it and the run's comma density.
FEATURE_KINDS: tuple[str, ...] = (
    "l3", "l2", "l1", "r1", "r2", "r3", "l1r1", "r1r2", "l2l1", "r1r2r3", "l1r1r2", "cap",
    "comma", "c_l1", "c_r1", "c_r1r2", "c_band", "c_band_r1",
)  # fmt: skip
# A sentence ends at about one gap in twelve: its ends weigh this much more in training.
END_WEIGHT = 3.0


def _norm(token: str) -> str:
    return _DIGITS.sub("0", _NOT_WORD.sub("", token.lower())) or "_"


def tokens(text: str) -> list[re.Match[str]]:
    """The whitespace-separated tokens of `text`, with their offsets."""
    return list(_TOKEN.finditer(text))


def _comma_band(share: float) -> int:
    """The share of words ending in a comma, in five bands."""
    return sum(share > edge for edge in (0.0, 0.04, 0.07, 0.1))


def gap_features(words: Sequence[str]) -> list[list[int]]:
    """Hashed feature ids for each gap between word i and word i+1 (len(words) - 1 rows)."""
    norm = [_norm(w) for w in words]
    pad = ["<s>"] * 3 + norm + ["</s>"] * 3
    # How often the writer types a comma tells a comma that ends a sentence ("we missed our
    # number, i owned it") from one inside it: comma splices run denser.
    density = _comma_band(sum(w.endswith(",") for w in words) / max(len(words), 1))
    rows: list[list[int]] = []
    for i in range(len(words) - 1):
        l3, l2, l1, r1, r2, r3 = pad[i + 1 : i + 7]
        named = [
            f"l3={l3}", f"l2={l2}", f"l1={l1}", f"r1={r1}", f"r2={r2}", f"r3={r3}",
            f"l1r1={l1}|{r1}", f"r1r2={r1}|{r2}", f"l2l1={l2}|{l1}", f"r1r2r3={r1}|{r2}|{r3}",
            f"l1r1r2={l1}|{r1}|{r2}", "bias",
        ]  # fmt: skip
        if words[i].endswith(","):
            named += ["comma", f"c_l1={l1}", f"c_r1={r1}", f"c_r1r2={r1}|{r2}",
                      f"c_band={density}", f"c_band_r1={density}|{r1}"]  # fmt: skip
        nxt = words[i + 1]
        if nxt[:1].isupper() and nxt not in ("I", "I'm", "I'd", "I've", "I'll"):
            named.append("cap")
        rows.append(sorted({zlib.crc32(f.encode("utf-8")) % N_HASH for f in named}))
    return rows


def cut_points(p: np.ndarray, threshold: float) -> list[int]:
    """The gaps (indexes into `p`, P(sentence end) per gap) to cut at: each a local peak at or
    over `threshold`, leaving at least MIN_UNIT_WORDS words in every unit."""
    n_words = len(p) + 1
    out: list[int] = []
    last = -1  # the gap of the previous cut
    for i, pi in enumerate(p):
        if pi < threshold or i - last < MIN_UNIT_WORDS:
            continue
        if n_words - 1 - i < MIN_UNIT_WORDS:
            break
        if i + 1 < len(p) and p[i + 1] > pi and n_words - 2 - i >= MIN_UNIT_WORDS:
            continue  # the next gap is the likelier end
        out.append(i)
        last = i
    return out


@dataclass
class RunOnModel:
    """Logistic regression over hashed gap features; `fit` needs scikit-learn."""

    coef: np.ndarray | None = None  # N_HASH weights
    intercept: float = 0.0
    threshold: float = 0.5

    def fit(self, runs: Sequence[Sequence[str]], ends: Sequence[Sequence[bool]], c: float = 1.0
            ) -> RunOnModel:  # fmt: skip
        """Fit on runs of words and, per gap, whether a sentence ends there."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        ids = [row for words in runs for row in gap_features(words)]
        y = np.array([e for run in ends for e in run], dtype=bool)
        if len(ids) != len(y):
            raise ValueError(f"{len(ids)} gaps but {len(y)} labels")
        rows = [i for i, row in enumerate(ids) for _ in row]
        cols = [j for row in ids for j in row]
        x = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(ids), N_HASH))
        clf = LogisticRegression(
            C=c, solver="liblinear", class_weight={False: 1.0, True: END_WEIGHT},
            random_state=SEED, max_iter=2000,
        )  # fmt: skip
        clf.fit(x, y)
        self.coef = clf.coef_[0].astype(np.float32)
        self.intercept = float(clf.intercept_[0])
        return self

    def gap_probs(self, words: Sequence[str]) -> np.ndarray:
        """P(a sentence ends after word i) for each gap."""
        if self.coef is None:
            raise RuntimeError("RunOnModel is not fitted")
        coef = self.coef.astype(np.float64)
        z = np.array([coef[row].sum() for row in gap_features(words)]) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def cuts(self, words: Sequence[str]) -> list[int]:
        """Indexes i of the gaps after word i where the model reads a sentence end."""
        if len(words) < 2 * MIN_UNIT_WORDS:
            return []
        return cut_points(self.gap_probs(words), self.threshold)

    @classmethod
    def never(cls) -> RunOnModel:
        """A model that cuts nothing: the splitter as it was, for training and comparison."""
        return cls(coef=np.zeros(N_HASH, dtype=np.float32), threshold=2.0)

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None:
            raise RuntimeError("RunOnModel is not fitted")
        return save_npz(
            path, coef=self.coef, intercept=np.float64(self.intercept),
            threshold=np.float64(self.threshold), kinds=np.array(FEATURE_KINDS),
            n_hash=np.int64(N_HASH),
        )  # fmt: skip


class RunOnModelError(RuntimeError):
    """The shipped run-on model is missing, tampered with, or built for other features."""


@lru_cache(maxsize=2)
def load_run_on_model(path: Path = MODEL_FILE) -> RunOnModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    read_verified(path, "run-on model", RunOnModelError)
    with np.load(path) as npz:
        kinds = tuple(str(k) for k in npz["kinds"])
        if kinds != FEATURE_KINDS or int(npz["n_hash"]) != N_HASH:
            raise RunOnModelError(f"{path}: trained on other features; run `make train`")
        return RunOnModel(
            coef=npz["coef"], intercept=float(npz["intercept"]),
            threshold=float(npz["threshold"]),
        )  # fmt: skip


# Evaluation swaps in a model that never saw the voice it scores; the app uses the shipped one.
_OVERRIDE: Override[RunOnModel] = Override("run_on_model")
# Within the block, runs are cut by the given model instead of the shipped artefact.
using = _OVERRIDE.using


def unit_bounds(run: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `run` of the sentences the active model reads in it; the whole run
    when its writer marked their own units. (`textutil.split_sentences` asks only about runs of
    more than its RUN_ON_WORDS words.)"""
    toks = tokens(run)
    if len(toks) < 2 * MIN_UNIT_WORDS or any(t.group(0) in SEPARATORS for t in toks):
        return [(0, len(run))]
    model = _OVERRIDE.get() or load_run_on_model()
    out, start = [], toks[0].start()
    for i in model.cuts([t.group(0) for t in toks]):
        out.append((start, toks[i].end()))
        start = toks[i + 1].start()
    out.append((start, toks[-1].end()))
    return out
