"""Train `agents/lp/question_demand.py`: `python -m evals.train_question_demand`.

Training questions: every labelled question of `evals/data/corpus/` (each voice's writer wrote its
own questions from the label definitions), the question sets of `evals/data/question_demands/`
(two more writers, asked for plain-situation and abstract wordings, from the definitions only) and
the example questions of `demand_examples.yaml`. `--eval` scores it two ways, never on a question
it was trained on: leave-one-group-out over the corpus voices and the question writers (a group's
questions are predicted by a model fitted without them), and on the questions of
the three fit-corpus writers (`evals/data/fit/`), which it never trains on, against the two
readings it replaces. `--write` records the table in evals/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agents.embeddings import MODEL_SHA256, get_embedding_function
from agents.grading.demand_embed import example_questions
from agents.lp.question_demand import MODEL_FILE, QuestionDemandModel
from agents.text_vectors import cached_embed
from evals.corpus import CORPUS_DIR
from evals.fit_eval import FIT_DIR
from evals.fit_eval import voices as fit_voices
from evals.train_relevance import add_vector_cache

QUESTIONS_DIR = Path(__file__).resolve().parent / "data" / "question_demands"


@dataclass(frozen=True)
class Question:
    """One labelled question: who wrote it (its voice), its text and the demand it asks for."""

    voice: str
    text: str
    demand: str


def corpus_questions(directory: Path = CORPUS_DIR) -> list[Question]:
    """Each distinct labelled question of the corpus, with the first voice that asks it."""
    seen: dict[str, Question] = {}
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("demand") and rec["question"] not in seen:
                seen[rec["question"]] = Question(rec["voice"], rec["question"], rec["demand"])
    return list(seen.values())


def written_questions(directory: Path = QUESTIONS_DIR) -> list[Question]:
    """The question writers' sets (`writer:<file stem>`), each question once."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.append(Question(f"writer:{path.stem}", rec["question"], rec["demand"]))
    return out


def fit_questions() -> list[Question]:
    """The fit corpus's questions (three more writers), with their labelled demand."""
    out = []
    for voice in fit_voices():
        for line in (FIT_DIR / voice / "questions.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.append(Question(f"fit:{voice}", rec["question"], rec["demand"]))
    return out


def embed(texts: Sequence[str], cache: Path | None, tag: str) -> np.ndarray:
    """MiniLM vectors of `texts` (read from `cache` when there: the same bytes)."""
    return cached_embed(list(texts), get_embedding_function(), cache,
                        f"question-demand-{tag}-{MODEL_SHA256[:12]}")  # fmt: skip


def training_set(cache: Path | None = None) -> tuple[list[Question], np.ndarray]:
    """The training questions (corpus, then examples) and their vectors."""
    texts, owners = example_questions()
    seen = {q.text for q in corpus_questions()}
    written = [q for q in written_questions() if q.text not in seen]
    examples = [Question("examples", t, d) for t, d in zip(texts, owners, strict=True)]
    questions = corpus_questions() + written + examples
    return questions, embed([q.text for q in questions], cache, "train")


def fit(questions: Sequence[Question], vectors: np.ndarray) -> QuestionDemandModel:
    """The model from labelled questions and their vectors."""
    return QuestionDemandModel().fit(vectors, [q.demand for q in questions])


def leave_one_group_out(questions: Sequence[Question], vectors: np.ndarray) -> dict[str, float]:
    """Accuracy on each voice's or writer's questions, from a model fitted without them."""
    groups = sorted({q.voice for q in questions} - {"examples"})
    out = {}
    for voice in groups:
        held = np.array([q.voice == voice for q in questions])
        model = fit([q for q, h in zip(questions, held, strict=True) if not h], vectors[~held])
        pred = model.predict_proba(vectors[held]).argmax(axis=1)
        gold = [q.demand for q, h in zip(questions, held, strict=True) if h]
        out[voice] = float(np.mean([model.names[p] == g for p, g in zip(pred, gold, strict=True)]))
    return out


def old_readings(questions: Sequence[Question], vectors: np.ndarray) -> tuple[list[str], list[str]]:
    """What the readings before this model named: cue phrases with word overlap (the off-topic
    check), and the mean cosine of the two nearest example questions of each demand plus 0.05 per
    cue phrase (story search until this model)."""
    from agents.grading.relevance import question_demand
    from agents.lp.demands import question_demand_scores

    lexical = [question_demand(q.text)[0] or "" for q in questions]
    texts, owners = example_questions()
    names = list(dict.fromkeys(owners))
    sims = vectors @ embed(texts, None, "examples").T
    nearest = []
    for q, row in zip(questions, sims, strict=True):
        cues = question_demand_scores(q.text)
        score = [float(np.sort(row[[o == n for o in owners]])[-2:].mean())
                 + 0.05 * min(cues.get(n, 0), 2) for n in names]  # fmt: skip
        nearest.append(names[int(np.argmax(score))])
    return lexical, nearest


def report(cache: Path | None = None) -> str:
    """The evaluation table (Markdown)."""
    questions, vectors = training_set(cache)
    lovo = leave_one_group_out(questions, vectors)
    model = fit(questions, vectors)
    outside = fit_questions()
    ov = embed([q.text for q in outside], cache, "fit")
    pred = [model.names[i] for i in model.predict_proba(ov).argmax(axis=1)]
    lexical, nearest = old_readings(outside, ov)
    labelled = [q for q in questions if q.voice != "examples"]  # corpus, then writers
    l_lex, l_near = old_readings(labelled, vectors[: len(labelled)])

    def acc(named: Sequence[str], gold: Sequence[Question]) -> float:
        return float(np.mean([n == q.demand for n, q in zip(named, gold, strict=True)]))

    lines = ["| questions | n | cue phrases + word overlap | nearest example questions "
             "| learned (this model) |", "|---|---|---|---|---|"]  # fmt: skip
    kinds = {"corpus voices": lambda g: not g.startswith("writer:"),
             "question writers": lambda g: g.startswith("writer:")}  # fmt: skip
    for kind, member in kinds.items():
        groups = {g: a for g, a in lovo.items() if member(g)}
        idx = [i for i, q in enumerate(labelled) if member(q.voice)]
        if not groups:
            continue
        gold = [labelled[i] for i in idx]
        lex, near = (acc([named[i] for i in idx], gold) for named in (l_lex, l_near))
        worst = min(groups, key=lambda g: groups[g])
        lines.append(
            f"| {kind}, leave-one-out ({len(groups)}) | {len(idx)} "
            f"| {lex:.3f} | {near:.3f}"
            f" | **{np.mean(list(groups.values())):.3f}** (worst {worst} {groups[worst]:.3f}) |"
        )
    for voice in sorted({q.voice for q in outside}):
        idx = [i for i, q in enumerate(outside) if q.voice == voice]
        gold = [outside[i] for i in idx]
        lex, near, ours = (acc([named[i] for i in idx], gold) for named in (lexical, nearest, pred))
        lines.append(
            f"| {voice} (never trained on) | {len(idx)} | {lex:.3f} | {near:.3f} | **{ours:.3f}** |"
        )
    lines.append(f"| fit, all | {len(outside)} | {acc(lexical, outside):.3f} "
                 f"| {acc(nearest, outside):.3f} | **{acc(pred, outside):.3f}** |")  # fmt: skip
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Train on every labelled question and write the artefact; `--eval` / `--write` report."""
    from evals.results_file import write_section

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", action="store_true", help="print the held-out accuracy")
    parser.add_argument("--write", action="store_true", help="--eval, recorded in RESULTS.md")
    add_vector_cache(parser)
    args = parser.parse_args(argv)
    questions, vectors = training_set(args.vector_cache)
    digest = fit(questions, vectors).save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} ({len(questions)} questions, sha256 {digest[:12]}…)")
    if args.eval or args.write:
        text = report(args.vector_cache)
        print(text)
        if args.write:
            write_section(
                "## Question demands\n\n"
                f"_Generated by `python -m evals.train_question_demand --write` on "
                f"{dt.date.today().isoformat()}._\n\nWhich demand a question asks for (a "
                "disagreement, a failure...; `leadership_principles/interview/demands.yaml`): the "
                "share of questions whose labelled demand each reading names first. The learned "
                "model is a logistic regression over the question's MiniLM vector "
                "(`agents/lp/question_demand.py`), trained on the corpus's questions and the "
                "example questions; the fit corpus's three writers were never trained on.\n\n"
                + text + "\n"
            )


if __name__ == "__main__":
    main()
