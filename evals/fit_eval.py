"""Story search on the multi-voice fit corpus: `python -m evals.fit_eval`.

Each voice slice of `evals/data/fit/` (written independently, see LABELS.md there) is imported
into its own fresh embedded story bank through the real import path, and every question is
searched with `StoryBank.search`. A hit counts when the story is graded relevant (1 or 2) for the
question; recall@k is over questions that have at least one relevant story. Questions with no
fitting story are reported apart: there the right behaviour is to say so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FIT_DIR = Path(__file__).resolve().parent / "data" / "fit"
STORY_FIELDS = ("id", "title", "lps", "role", "company", "text")
CAL_BINS = (0.0, 0.3, 0.5, 0.7, 1.01)


@dataclass
class VoiceFit:
    """Search quality on one voice slice."""

    voice: str
    questions: int
    recall1: float
    recall3: float
    mrr: float
    ndcg3: float
    unanswerable: int
    none_said: int  # questions no story fits where search said so
    none_wrong: int  # questions a story fits where search said none does
    calibration: list[tuple[float, bool]]  # (probability, relevant) of every top-3 hit
    tags: tuple[int, int, int, int, int]  # stories; LP suggestions in the writer's tags (top 1,
    # a tag in the top 3), by the classifier's words alone and with the demands the story shows


def _ndcg3(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    gains = [relevant.get(sid, 0) for sid in ranked[:3]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:3]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def voices() -> list[str]:
    """The slices present."""
    return sorted(p.name for p in FIT_DIR.iterdir() if (p / "stories.yaml").exists())


def score_voice(voice: str, workdir: Path) -> VoiceFit:
    """Import one slice into a fresh bank and search every question."""
    from agents.stories import StoryBank, none_fits

    folder = FIT_DIR / voice
    stories = yaml.safe_load((folder / "stories.yaml").read_text("utf-8"))
    # The bank imports what a candidate writes; the labels (demands) stay with the eval.
    bank_file = workdir / f"{voice}.yaml"
    bank_file.write_text(
        yaml.safe_dump([{k: s[k] for k in STORY_FIELDS if k in s} for s in stories]), "utf-8"
    )
    bank = StoryBank(path=workdir / f"chroma-{voice}")
    bank.import_file(voice, bank_file)
    tags = lp_suggestions(bank, stories)
    questions = [json.loads(line) for line in (folder / "questions.jsonl").read_text("utf-8")
                 .splitlines() if line.strip()]  # fmt: skip
    r1, r3, rr, nd = [], [], [], []
    unanswerable = none_said = none_wrong = 0
    calibration: list[tuple[float, bool]] = []
    for q in questions:
        relevant = {k: int(v) for k, v in q["relevant"].items()}
        hits = bank.search(voice, q["question"], k=10)
        calibration += [(h.probability, h.id in relevant) for h in hits[:3]]
        if not relevant:
            unanswerable += 1
            none_said += none_fits(hits)
            continue
        none_wrong += none_fits(hits)
        ranked = [h.id for h in hits]
        rank = next((i for i, sid in enumerate(ranked, 1) if sid in relevant), None)
        r1.append(rank == 1)
        r3.append(rank is not None and rank <= 3)
        rr.append(1 / rank if rank else 0.0)
        nd.append(_ndcg3(ranked, relevant))
    return VoiceFit(
        voice=voice, questions=len(r1), recall1=statistics.fmean(r1),
        recall3=statistics.fmean(r3), mrr=statistics.fmean(rr), ndcg3=statistics.fmean(nd),
        unanswerable=unanswerable, none_said=none_said, none_wrong=none_wrong,
        calibration=calibration, tags=tags,
    )  # fmt: skip


def lp_suggestions(bank: Any, stories: Sequence[dict]) -> tuple[int, int, int, int, int]:
    """How often the suggested LPs are among the writer's tags: the classifier alone, then the
    shipped suggestion (words and demands), each as (top 1 is a tag, a tag in the top 3)."""
    from agents.stories.tagging import rank_lps

    texts = [s["text"] for s in stories]
    vectors = bank.embedder.embed(texts)
    counts = [len(stories), 0, 0, 0, 0]
    for col, ranks in ((1, bank.classifier.rank(texts, vectors)),
                       (3, rank_lps(bank.classifier, texts, vectors))):  # fmt: skip
        for s, ranked in zip(stories, ranks, strict=True):
            counts[col] += ranked[0] in s["lps"]
            counts[col + 1] += bool(set(ranked[:3]) & set(s["lps"]))
    return (counts[0], counts[1], counts[2], counts[3], counts[4])


def tags_table(rows: Sequence[VoiceFit]) -> str:
    """LP suggestions against the writers' tags, per voice."""
    lines = ["| voice | stories | top LP is a tag: words alone | words and demands "
             "| a tag in the top 3: words alone | words and demands |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for r in [*rows, None]:
        n, a1, a3, b1, b3 = (r.tags if r else
                             tuple(sum(x.tags[i] for x in rows) for i in range(5)))  # fmt: skip
        name = r.voice if r else "**all**"
        shares = " | ".join(f"{x / n:.3f}" for x in (a1, b1, a3, b3))
        lines.append(f"| {name} | {n} | {shares} |")
    return "\n".join(lines)


def table(rows: Sequence[VoiceFit]) -> str:
    """Markdown table, one row per voice and the mean."""
    lines = ["| voice | questions | recall@1 | recall@3 | MRR | nDCG@3 | no fitting story "
             "| ...said so | a story fits, said none |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r.voice} | {r.questions} | {r.recall1:.3f} | {r.recall3:.3f} "
                     f"| {r.mrr:.3f} | {r.ndcg3:.3f} | {r.unanswerable} | {r.none_said} "
                     f"| {r.none_wrong} |")  # fmt: skip
    mean = lambda f: statistics.fmean(f(r) for r in rows)  # noqa: E731
    total = lambda f: sum(f(r) for r in rows)  # noqa: E731
    lines.append(f"| **mean** | {total(lambda r: r.questions)} | {mean(lambda r: r.recall1):.3f} "
                 f"| {mean(lambda r: r.recall3):.3f} | {mean(lambda r: r.mrr):.3f} "
                 f"| {mean(lambda r: r.ndcg3):.3f} | {total(lambda r: r.unanswerable)} "
                 f"| {total(lambda r: r.none_said)} | {total(lambda r: r.none_wrong)} |")
    return "\n".join(lines)


def calibration_table(rows: Sequence[VoiceFit], bins: Sequence[float] = CAL_BINS) -> str:
    """The top-3 hits' probability in bins against the share that answer the question."""
    lines = ["| voice | P(answers it) | hits | mean predicted | observed |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        for lo, hi in itertools.pairwise(bins):
            got = [(p, ok) for p, ok in r.calibration if lo <= p < hi]
            if got:
                lines.append(
                    f"| {r.voice} | {lo:.1f}–{min(hi, 1.0):.1f} | {len(got)} "
                    f"| {statistics.fmean(p for p, _ in got):.2f} "
                    f"| {statistics.fmean(ok for _, ok in got):.2f} |"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; `--write` also updates evals/RESULTS.md."""
    from evals.results_file import write_section

    write = "--write" in (argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="fit-eval-") as tmp:
        rows = [score_voice(v, Path(tmp)) for v in voices()]
    text = (
        table(rows) + "\n\nCalibration of the probability shown with each of the top 3 hits "
        "(`FIT_COEF`, `FIT_BIAS` in `agents/stories/ranking.py`, fitted on care and tech; biz is "
        "the held-out check):\n\n" + calibration_table(rows)
        + "\n\nLP suggestions (auto-tags, coverage, coaching) against the writers' own tags "
        "(`DEMAND_LP_WEIGHT` in `agents/stories/tagging.py` chosen on care and tech):\n\n"
        + tags_table(rows)
    )
    print(text)
    if write:
        write_section(
            "## Story search on the fit corpus\n\n"
            f"_Generated by `python -m evals.fit_eval --write` on {dt.date.today().isoformat()}._"
            "\n\nThree voice slices written independently (`evals/data/fit/`, LABELS.md there), "
            "each imported into its own bank; a hit is a story graded relevant. The ranking was "
            "tuned on `care` and `tech`; `biz` was never read while tuning. \"Said so\": the best "
            "hit's probability is under `NO_FIT_P`, and search says none of the stories fits "
            "well.\n\n" + text + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
