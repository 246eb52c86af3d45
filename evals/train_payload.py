"""Train the payload model, `agents/grading/payload_model.py`: `python -m evals.train_payload`.

Spans are cut as the grader cuts them. Payload spans: the spans of each injected answer that are
not in its clean twin, from every injection pair set except the newest unread held-out pairs
(the test no design choice looked at). Story spans: every span of the corpus's answers, of today's
dataset and of the clean twins. Leave-one-group-out: each writer of injection pairs is held out
with a share of the story voices; the threshold keeps the held-out story spans' flags (unique
texts) within `MAX_STORY_FLAGS`. `--eval` prints (and with `--write` records) the held-out figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.grading.payload_model import (
    MAX_STORY_FLAGS,
    MIN_CHARS,
    MIN_THRESHOLD,
    MODEL_FILE,
    PayloadModel,
    readable,
)
from agents.grading.structure import mark_hidden, split_at_blocks
from agents.textutil import clean_text, split_sentences
from evals.corpus import load_corpus
from evals.grader_eval import load_records
from evals.injection_pairs import injection_pairs, unread_groups

# Never trained on, never read: the newest writer's held-out pairs, scored by `evals.grader_lovo`.
UNREAD = unread_groups()
# A payload span that contains one of its clean twin's sentences was glued to the story by its
# writer (no line break between them): neither label fits, so it is left out.
_MIN_GLUED = 20


@dataclass(frozen=True)
class Row:
    """One span: its group (`writer:<set>` or `voice:<voice>`), text and whether it is payload."""

    group: str
    text: str
    payload: bool


def spans(text: str) -> list[str]:
    """The spans of an answer as the grader cuts them."""
    cleaned = clean_text(mark_hidden(text))
    return [s.text for s in split_at_blocks(cleaned, split_sentences(cleaned))]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def writer(group: str) -> str:
    """The injection set a pair group comes from: `r6 dev` -> r6; the corpus's own -> corpus."""
    if group in ("dev", "held-out"):
        return "corpus"
    return group.split()[0]


def rows() -> list[Row]:
    """Payload and story spans of every labelled answer we may train on."""
    corpus = load_corpus()
    out: list[Row] = []
    for group, _id, _q, attacked, clean in injection_pairs(corpus):
        if group in UNREAD:
            continue
        name = f"writer:{writer(group)}"
        clean_spans = spans(clean)
        whole = _norm(" ".join(clean_spans))
        inside = [_norm(s) for s in clean_spans if len(s) >= _MIN_GLUED]
        out += [Row(name, s, False) for s in clean_spans]
        for s in spans(attacked):
            n = _norm(s)
            if n not in whole and not any(c in n for c in inside):
                out.append(Row(name, s, True))
    for a in corpus:
        if a.voice != "injection" and not a.labels.get("injection"):
            out += [Row(f"voice:{a.voice}", s, False) for s in spans(a.answer)]
    for r in load_records("all"):
        if not r["labels"].get("injection"):
            out += [Row("voice:legacy", s, False) for s in spans(r["answer"])]
    return out


def folds(data: Sequence[Row]) -> np.ndarray:
    """Fold of each row: one per writer, the story voices dealt round-robin over them."""
    writers = sorted({r.group for r in data if r.group.startswith("writer:")})
    voices = sorted({r.group for r in data if r.group.startswith("voice:")})
    fold = {w: k for k, w in enumerate(writers)}
    fold.update({v: i % len(writers) for i, v in enumerate(voices)})
    return np.array([fold[r.group] for r in data])


def out_of_fold(data: Sequence[Row]) -> np.ndarray:
    """P(payload) of every row from a model that never saw its writer or voice."""
    k = folds(data)
    texts = [r.text for r in data]
    labels = np.array([r.payload for r in data])
    oof = np.zeros(len(data))
    for f in sorted(set(k)):
        train = np.flatnonzero(k != f)
        test = np.flatnonzero(k == f)
        model = PayloadModel().fit([texts[i] for i in train], labels[train])
        oof[test] = model.predict_proba([texts[i] for i in test])
    return oof


def choose_threshold(data: Sequence[Row], oof: np.ndarray) -> float:
    """The lowest threshold flagging at most MAX_STORY_FLAGS of the unique story texts, and at
    least MIN_THRESHOLD."""
    best: dict[str, float] = {}
    for r, p in zip(data, oof, strict=True):
        if not r.payload:
            best[r.text] = max(best.get(r.text, 0.0), float(p))
    story = np.sort(np.array(list(best.values())))[::-1]
    allowed = int(MAX_STORY_FLAGS * len(story))
    return max(MIN_THRESHOLD, round(float(story[allowed]) + 0.001, 3))


def fit_model(data: Sequence[Row], threshold: float) -> PayloadModel:
    """The shipped recipe on `data` at `threshold`."""
    model = PayloadModel().fit([r.text for r in data], [r.payload for r in data])
    model.threshold = threshold
    return model


def train(data: Sequence[Row] | None = None) -> tuple[PayloadModel, np.ndarray, list[Row]]:
    """The model on every row, its threshold from the out-of-fold readings; and those readings."""
    data = list(data if data is not None else rows())
    oof = out_of_fold(data)
    return fit_model(data, choose_threshold(data, oof)), oof, data


def section(data: Sequence[Row], oof: np.ndarray, threshold: float, command: str) -> str:
    """The RESULTS.md section: held-out payload recall per writer, story false flags."""
    lines = [
        "## Injection: learned payload spans, leave-one-writer-out",
        "",
        f"_Generated by `{command}` on {dt.date.today().isoformat()}._",
        "",
        "Each writer of injection pairs is held out in turn (with a share of the story voices), "
        "the model is trained on the rest and reads the held-out spans; the threshold "
        f"({threshold:.3f}) keeps at most {MAX_STORY_FLAGS:.2%} of the unique story spans "
        f"flagged. The {', '.join(f'`{g}`' for g in sorted(UNREAD))} pairs are in no fold: they "
        "are the grader's unread test "
        "(`python -m evals.grader_lovo`). A payload span is caught by the model alone here; in "
        "the grader the rules of `structure.py` flag spans too.",
        "",
        f"| held-out writer | payload spans read ({MIN_CHARS}+ characters, not plain prose) "
        "| caught by the model |",
        "|---|---|---|",
    ]
    for w in sorted({r.group for r in data if r.group.startswith("writer:")}):
        pairs = zip(data, oof, strict=True)
        hits = [p >= threshold for r, p in pairs if r.group == w and r.payload and readable(r.text)]
        lines.append(f"| {w.split(':')[1]} | {len(hits)} | {np.mean(hits):.2f} |")
    story = {r.text: float(p) for r, p in zip(data, oof, strict=True) if not r.payload}
    flagged = sorted(t for t, p in story.items() if p >= threshold)
    lines += [
        "",
        f"Story spans flagged out of fold: {len(flagged)} of {len(story)} unique texts"
        + (": " + "; ".join(f"'{t[:60]}'" for t in flagged) if flagged else "")
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Train on every span we may use and write the artefact; `--eval` prints the held-out
    figures and `--write` also records them in evals/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", action="store_true", help="print the leave-one-writer-out table")
    parser.add_argument("--write", action="store_true", help="also update evals/RESULTS.md")
    args = parser.parse_args(argv)
    model, oof, data = train()
    digest = model.save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} (threshold {model.threshold:.3f}, sha256 {digest[:12]}…)")
    if args.eval or args.write:
        text = section(data, oof, model.threshold, "python -m evals.train_payload --write")
        print(text)
        if args.write:
            from evals.results_file import write_section

            write_section(text)


if __name__ == "__main__":
    main()
