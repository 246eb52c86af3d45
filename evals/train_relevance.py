"""Train the off-topic (relevance) model from the corpus: part of `make train`.

Reads every voice of `evals/data/corpus/` (not the injection slice), computes
`relevance_features` for each answer exactly as the grader does at run time (the question's
demand from its text, action/result sentences from the shipped grader, MiniLM vectors of the
question and the answer), fits the per-demand embedding model and `RelevanceModel`,
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

from agents.embeddings import MODEL_SHA256, get_embedding_function
from agents.grading.demand_embed import DemandEmbedModel, example_questions, sentences
from agents.grading.learned import analyze
from agents.grading.relevance import (
    EMBED_COLUMNS,
    MODEL_FILE,
    SEED,
    RelevanceModel,
    embed_features,
    is_story,
    relevance_features,
)
from agents.text_vectors import cached_embed
from evals.corpus import CORPUS_DIR, Answer, load_corpus

EXCLUDE = ("injection",)
# The flag threshold keeps out-of-fold false flags on the training voices at or under this rate
# (the target; 3% was measured on the dev part too: recall 0.35 against 0.45 at 5%).
MAX_FALSE_FLAGS = 0.05
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))


@dataclass
class Example:
    """One answer's relevance reading: features, the inferred demand, gold labels."""

    id: str
    voice: str
    story: str
    text: str
    question: str
    row: np.ndarray  # lexical features; the embedding columns are filled per model
    demand: str | None
    off_topic: bool
    missing_demand: str | None
    skipped: bool  # hypothetical, non-answer or too short: the grader never checks relevance
    overall: int
    asked: str | None  # the labelled demand of the question (to train the embedding model)
    vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # question, answer, sentences


def with_vectors(data: list[Example], cache_dir: Path | None = None) -> list[Example]:
    """Fill every example's question, answer and sentence vectors (batched passes of MiniLM).

    With `cache_dir`, each batch is read from (or written to) an `.npy` keyed by its texts and the
    pinned MiniLM hash: the vectors are the same bytes, so training from them is too.
    """
    ef = get_embedding_function()

    def embed(texts: list[str], tag: str) -> np.ndarray:
        return cached_embed(texts, ef, cache_dir, f"relevance-{tag}-{MODEL_SHA256[:12]}")

    questions = sorted({e.question for e in data})
    qv = dict(zip(questions, embed(questions, "questions"), strict=True))
    av = embed([e.text for e in data], "answers")
    split = [sentences(e.text) or [e.text] for e in data]
    said = sorted({s for parts in split for s in parts})
    sv = dict(zip(said, embed(said, "sentences"), strict=True))
    for e, v, parts in zip(data, av, split, strict=True):
        e.vectors = (qv[e.question], v, np.vstack([sv[s] for s in parts]))
    return data


def asked_demands(directory: Path = CORPUS_DIR) -> dict[str, str]:
    """The labelled demand of every corpus question, by answer id."""
    out = {}
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = rec.get("demand") or ""
    return out


def examples(answers: Sequence[Answer], cache_dir: Path | None = None) -> list[Example]:
    """Features of every answer, through the shipped grader's sentence roles (vectors cached in
    `cache_dir` when given)."""
    asked = asked_demands()
    out = []
    for a in answers:
        if a.voice in EXCLUDE:
            continue
        grade = analyze(a.answer, a.question)
        ar = [*grade.components["action"].evidence, *grade.components["result"].evidence]
        row, demand = relevance_features(a.question, a.answer, ar)
        out.append(Example(
            id=a.id, voice=a.voice, story=a.story, text=a.answer, question=a.question,
            row=row, demand=demand,
            off_topic=bool(a.labels.get("off_topic")),
            missing_demand=a.labels.get("missing_demand"),
            skipped=bool({"hypothetical", "non_answer"} & set(grade.flags))
            or not is_story(a.answer),
            overall=grade.overall, asked=asked.get(a.id) or None,
        ))  # fmt: skip
    return with_vectors(out, cache_dir)


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


# Embedding models by training set: leave-one-voice-out nests folds, and the fold without voices
# {a, b} recurs (held out a then b, or b then a); cached so each is fitted once per process.
_EMBED_MODELS: dict[tuple[str, ...], DemandEmbedModel] = {}
_EXAMPLE_VECTORS: list[np.ndarray] = []


def example_vectors() -> np.ndarray:
    """The example questions' vectors (embedded once per process)."""
    if not _EXAMPLE_VECTORS:
        _EXAMPLE_VECTORS.append(get_embedding_function().embed(example_questions()[0]))
    return _EXAMPLE_VECTORS[0]


def fit_embed(data: Sequence[Example]) -> DemandEmbedModel:
    """The per-demand embedding model from the story answers with a labelled demand."""
    shown = [e for e in data if not e.skipped and e.asked and e.vectors is not None]
    key = tuple(sorted(e.id for e in shown))
    if key not in _EMBED_MODELS:
        vectors = np.vstack([e.vectors[1] for e in shown if e.vectors is not None])
        _EMBED_MODELS[key] = DemandEmbedModel().fit(
            vectors, [str(e.asked) for e in shown], [e.off_topic for e in shown],
            example_vectors(), example_questions()[1], SEED,
        )  # fmt: skip
    return _EMBED_MODELS[key]


def rows_with(data: Sequence[Example], embed: DemandEmbedModel | None) -> np.ndarray:
    """Feature rows with the embedding columns read by `embed`."""
    rows = np.vstack([e.row for e in data]).copy()
    n = len(rows[0]) - EMBED_COLUMNS
    for i, e in enumerate(data):
        rows[i, n:] = embed_features(embed, e.question, e.text, e.vectors, e.demand)
    return rows


def out_of_fold_rows(data: Sequence[Example]) -> np.ndarray:
    """Rows whose embedding columns come from a model that never saw the answer's voice."""
    rows = np.zeros((len(data), len(data[0].row)))
    voices = np.array([e.voice for e in data])
    for v in sorted(set(voices)):
        held = np.flatnonzero(voices == v)
        model = fit_embed([e for e in data if e.voice != v])
        rows[held] = rows_with([data[i] for i in held], model)
    return rows


# Answers written for their question in another style (evals/data/grader: the grader's dataset,
# short constructed and spoken stories): the flag may fire on at most this share of them.
EXTERNAL_DIR = Path(__file__).resolve().parent / "data" / "grader"
MAX_EXTERNAL_FLAGS = 0.05


def external_on_topic(
    directory: Path = EXTERNAL_DIR, cache_dir: Path | None = None
) -> list[Example]:
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
                question=rec["question"],
                row=row, demand=demand, off_topic=False, missing_demand=None,
                skipped=bool({"hypothetical", "non_answer"} & set(grade.flags))
                or not is_story(rec["answer"]),
                overall=grade.overall, asked=None,
            ))  # fmt: skip
    return with_vectors(out, cache_dir)


def fit_model(data: Sequence[Example], external: Sequence[Example] | None = None) -> RelevanceModel:
    """The full recipe on every usable example: text model, regression, threshold.

    The regression learns on out-of-fold embedding readings (stacking), and the threshold comes from
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
    model.embed = fit_embed(data)
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
        out[idx] = model.predict_proba(rows_with([data[i] for i in idx], model.embed))
    return out


def flaggable(model: RelevanceModel, data: Sequence[Example], probs: np.ndarray) -> np.ndarray:
    """`probs` with 0 where no flag can fire: no demand, or a demand the question's vector does
    not ask for (`RelevanceModel.demand_is_clear`). The threshold is chosen without this floor
    (choosing it over the flaggable answers only spent the freed false-flag budget on the dev
    part: false flags 4.5% -> 5.7%, worst voice 16% -> 23%)."""
    keep = [
        e.demand is not None
        and model.demand_is_clear(e.question, e.demand, e.vectors[0] if e.vectors else None)
        for e in data
    ]
    return np.where(np.array(keep, dtype=bool), probs, 0.0)


def add_vector_cache(parser: argparse.ArgumentParser) -> None:
    """The `--vector-cache DIR` option of the commands that embed the corpus."""
    parser.add_argument(
        "--vector-cache", type=Path, default=None,
        help="directory for the corpus's MiniLM vectors (same bytes; a re-run skips embedding)",
    )  # fmt: skip


def corpus_examples(cache: Path | None = None) -> tuple[list[Example], list[Example]]:
    """The corpus's examples and the grader dataset's on-topic ones, vectors cached in `cache`."""
    return examples(load_corpus(), cache), external_on_topic(cache_dir=cache)


def main(argv: Sequence[str] | None = None) -> None:
    """Train on every voice and write the artefact."""
    parser = argparse.ArgumentParser(description=__doc__)
    add_vector_cache(parser)
    args = parser.parse_args(argv)
    model = fit_model(*corpus_examples(args.vector_cache))
    digest = model.save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} (threshold {model.threshold:.2f}, sha256 {digest[:12]}…)")


if __name__ == "__main__":
    main()
