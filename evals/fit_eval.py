"""Story search on the multi-voice fit corpus: `python -m evals.fit_eval`.

Each voice slice of `evals/data/fit/` (written independently, see LABELS.md there) is imported
into its own fresh embedded story bank through the real import path, and every question is
searched with `StoryBank.search`. A hit counts when the story is graded relevant (1 or 2) for the
question; recall@k is over questions that have at least one relevant story. Questions with no
fitting story are reported apart: there the right behaviour is to say so.
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

FIT_DIR = Path(__file__).resolve().parent / "data" / "fit"
STORY_FIELDS = ("id", "title", "lps", "role", "company", "text")


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
    from agents.stories import StoryBank

    folder = FIT_DIR / voice
    stories = yaml.safe_load((folder / "stories.yaml").read_text("utf-8"))
    # The bank imports what a candidate writes; the labels (demands) stay with the eval.
    bank_file = workdir / f"{voice}.yaml"
    bank_file.write_text(
        yaml.safe_dump([{k: s[k] for k in STORY_FIELDS if k in s} for s in stories]), "utf-8"
    )
    bank = StoryBank(path=workdir / f"chroma-{voice}")
    bank.import_file(voice, bank_file)
    questions = [json.loads(line) for line in (folder / "questions.jsonl").read_text("utf-8")
                 .splitlines() if line.strip()]  # fmt: skip
    r1, r3, rr, nd = [], [], [], []
    unanswerable = 0
    for q in questions:
        relevant = {k: int(v) for k, v in q["relevant"].items()}
        if not relevant:
            unanswerable += 1
            continue
        ranked = [h.id for h in bank.search(voice, q["question"], k=10)]
        rank = next((i for i, sid in enumerate(ranked, 1) if sid in relevant), None)
        r1.append(rank == 1)
        r3.append(rank is not None and rank <= 3)
        rr.append(1 / rank if rank else 0.0)
        nd.append(_ndcg3(ranked, relevant))
    return VoiceFit(
        voice=voice, questions=len(r1), recall1=statistics.fmean(r1),
        recall3=statistics.fmean(r3), mrr=statistics.fmean(rr), ndcg3=statistics.fmean(nd),
        unanswerable=unanswerable,
    )  # fmt: skip


def table(rows: Sequence[VoiceFit]) -> str:
    """Markdown table, one row per voice and the mean."""
    lines = ["| voice | questions | recall@1 | recall@3 | MRR | nDCG@3 | no fitting story |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        lines.append(f"| {r.voice} | {r.questions} | {r.recall1:.3f} | {r.recall3:.3f} "
                     f"| {r.mrr:.3f} | {r.ndcg3:.3f} | {r.unanswerable} |")
    mean = lambda f: statistics.fmean(f(r) for r in rows)  # noqa: E731
    lines.append(f"| **mean** | {sum(r.questions for r in rows)} | {mean(lambda r: r.recall1):.3f} "
                 f"| {mean(lambda r: r.recall3):.3f} | {mean(lambda r: r.mrr):.3f} "
                 f"| {mean(lambda r: r.ndcg3):.3f} | {sum(r.unanswerable for r in rows)} |")
    return "\n".join(lines)


def main() -> int:
    """Print the table."""
    with tempfile.TemporaryDirectory(prefix="fit-eval-") as tmp:
        rows = [score_voice(v, Path(tmp)) for v in voices()]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
