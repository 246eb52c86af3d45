"""Train the off-topic (relevance) model from the corpus: part of `make train`.

Reads every voice of `evals/data/corpus/` (not the injection slice), computes
`relevance_features` for each answer exactly as the grader does at run time (the question's
demand from its text, action/result sentences from the shipped grader), fits `RelevanceModel`,
and picks the flag threshold from out-of-fold predictions grouped by voice: the highest recall
whose false-flag rate stays within MAX_FALSE_FLAGS. Writes `agents/grading/models/relevance.npz`
and its SHA-256. Same corpus and seed, same bytes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agents.grading.demand_text import DemandTextModel, demand_text_features
from agents.grading.learned import analyze
from agents.grading.relevance import (
    MODEL_FILE,
    SEED,
    RelevanceModel,
    is_story,
    relevance_features,
)
from evals.corpus import CORPUS_DIR, Answer, load_corpus

EXCLUDE = ("injection",)
# The flag threshold keeps out-of-fold false flags at or under this rate (the target is 5%).
MAX_FALSE_FLAGS = 0.03
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))


@dataclass
class Example:
    """One answer's relevance reading: features, the inferred demand, gold labels."""

    id: str
    voice: str
    story: str
    text: str
    row: np.ndarray  # lexical features; the text-model columns are filled per model
    demand: str | None
    off_topic: bool
    missing_demand: str | None
    skipped: bool  # hypothetical, non-answer or too short: the grader never checks relevance
    overall: int
    asked: str | None  # the labelled demand of the question (to train the text model)


def asked_demands(directory: Path = CORPUS_DIR) -> dict[str, str]:
    """The labelled demand of every corpus question, by answer id."""
    out = {}
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = rec.get("demand") or ""
    return out


def examples(answers: Sequence[Answer]) -> list[Example]:
    """Features of every answer, through the shipped grader's sentence roles."""
    asked = asked_demands()
    out = []
    for a in answers:
        if a.voice in EXCLUDE:
            continue
        grade = analyze(a.answer, a.question)
        ar = [*grade.components["action"].evidence, *grade.components["result"].evidence]
        row, demand = relevance_features(a.question, a.answer, ar)
        out.append(Example(
            id=a.id, voice=a.voice, story=a.story, text=a.answer, row=row, demand=demand,
            off_topic=bool(a.labels.get("off_topic")),
            missing_demand=a.labels.get("missing_demand"),
            skipped=bool({"hypothetical", "non_answer"} & set(grade.flags))
            or not is_story(a.answer),
            overall=grade.overall, asked=asked.get(a.id) or None,
        ))  # fmt: skip
    return out


def usable(data: Sequence[Example]) -> list[Example]:
    """Examples the model reads: a story answer to a question with a demand."""
    return [e for e in data if not e.skipped and e.demand is not None]


def choose_threshold(probs: np.ndarray, gold: np.ndarray) -> float:
    """Highest recall with false flags <= MAX_FALSE_FLAGS (ties: the higher threshold)."""
    best, best_recall = THRESHOLDS[-1], -1.0
    neg = max(1, int((~gold).sum()))
    pos = max(1, int(gold.sum()))
    for t in THRESHOLDS:
        flagged = probs >= t
        fpr = float((flagged & ~gold).sum()) / neg
        recall = float((flagged & gold).sum()) / pos
        if fpr <= MAX_FALSE_FLAGS and recall >= best_recall:
            best, best_recall = t, recall
    return best


# Text models by training set: leave-one-voice-out nests folds, and the fold without voices
# {a, b} recurs (held out a then b, or b then a); cached so each is fitted once per process.
_TEXT_MODELS: dict[tuple[str, ...], DemandTextModel] = {}


def fit_text(data: Sequence[Example]) -> DemandTextModel:
    """The demand-text model from the answers that answer their question."""
    shown = [e for e in data if not e.off_topic and not e.skipped and e.asked]
    key = tuple(sorted(e.id for e in shown))
    if key not in _TEXT_MODELS:
        texts, demands = [e.text for e in shown], [str(e.asked) for e in shown]
        _TEXT_MODELS[key] = DemandTextModel().fit(texts, demands, SEED)
    return _TEXT_MODELS[key]


def rows_with(data: Sequence[Example], text: DemandTextModel | None) -> np.ndarray:
    """Feature rows with the text-model columns read by `text`."""
    rows = np.vstack([e.row for e in data]).copy()
    n = len(rows[0]) - 3
    for i, e in enumerate(data):
        rows[i, n:] = demand_text_features(text, e.text, str(e.demand))
    return rows


def out_of_fold_rows(data: Sequence[Example]) -> np.ndarray:
    """Rows whose text columns come from a text model that never saw the answer's voice."""
    rows = np.zeros((len(data), len(data[0].row)))
    voices = np.array([e.voice for e in data])
    for v in sorted(set(voices)):
        held = np.flatnonzero(voices == v)
        model = fit_text([e for e in data if e.voice != v])
        rows[held] = rows_with([data[i] for i in held], model)
    return rows


# Answers written for their question in another style (evals/data/grader: the grader's dataset,
# short constructed and spoken stories): the flag may fire on at most this share of them.
EXTERNAL_DIR = Path(__file__).resolve().parent / "data" / "grader"
MAX_EXTERNAL_FLAGS = 0.05


def external_on_topic(directory: Path = EXTERNAL_DIR) -> list[Example]:
    """The grader dataset's answers as on-topic examples (its stories answer their questions)."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            rec = json.loads(line) if line.strip() else None
            if not rec or not rec.get("question") or rec.get("labels", {}).get("injection"):
                continue
            grade = analyze(rec["answer"], rec["question"])
            ar = [*grade.components["action"].evidence, *grade.components["result"].evidence]
            row, demand = relevance_features(rec["question"], rec["answer"], ar)
            out.append(Example(
                id=f"{path.stem}:{rec['id']}", voice="external", story="", text=rec["answer"],
                row=row, demand=demand, off_topic=False, missing_demand=None,
                skipped=bool({"hypothetical", "non_answer"} & set(grade.flags))
                or not is_story(rec["answer"]),
                overall=grade.overall, asked=None,
            ))  # fmt: skip
    return out


def fit_model(data: Sequence[Example], external: Sequence[Example] | None = None) -> RelevanceModel:
    """The full recipe on every usable example: text model, regression, threshold.

    The regression learns on out-of-fold text readings (stacking), and the threshold comes from
    leave-one-voice-out predictions over those rows.
    """
    data = usable(data)
    rows = out_of_fold_rows(data)
    gold = np.array([e.off_topic for e in data])
    voices = np.array([e.voice for e in data])
    oof = np.zeros(len(data))
    for v in sorted(set(voices)):
        test = voices == v
        oof[test] = RelevanceModel().fit(rows[~test], gold[~test]).predict_proba(rows[test])
    model = RelevanceModel().fit(rows, gold)
    model.threshold = choose_threshold(oof, gold)
    model.text = fit_text(data)
    outside = usable(external or [])
    if outside:
        # Out of the corpus's style the model flags more: the threshold also keeps false flags
        # on answers written for their question elsewhere within MAX_EXTERNAL_FLAGS.
        probs = np.sort(predict(model, outside))
        cap = float(probs[int(np.ceil((1 - MAX_EXTERNAL_FLAGS) * len(probs))) - 1])
        model.threshold = max(model.threshold, round(cap + 0.005, 3))
    return model


def predict(model: RelevanceModel, data: Sequence[Example]) -> np.ndarray:
    """P(off topic) per example as the grader computes it (0 where relevance is not checked)."""
    out = np.zeros(len(data))
    idx = [i for i, e in enumerate(data) if not e.skipped and e.demand is not None]
    if idx:
        out[idx] = model.predict_proba(rows_with([data[i] for i in idx], model.text))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Train on every voice and write the artefact."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    model = fit_model(examples(load_corpus()), external_on_topic())
    digest = model.save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} (threshold {model.threshold:.2f}, sha256 {digest[:12]}…)")


if __name__ == "__main__":
    main()
