"""Measure the grader against the labelled dataset in `evals/data/grader/`.

Run: `python -m evals.grader_eval [--split heldout|dev|all] [--backend offline|openai|both]
[--write]`.
`--write` replaces the "## Grader" section of `evals/RESULTS.md`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agents.grading import COMPONENTS, Grade, Grader
from evals.results_file import write_section

DATA_DIR = Path(__file__).resolve().parent / "data" / "grader"
SOURCES = ("constructed", "spoken", "injection")


def load_records(split: str = "heldout", sources: Sequence[str] = SOURCES) -> list[dict]:
    """Labelled records of the given split (`all` for both)."""
    records: list[dict] = []
    for source in sources:
        path = DATA_DIR / f"{source}.jsonl"
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if split == "all" or record["split"] == split:
                    records.append(record)
    return records


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa of two label sequences (1.0 when both are constant and equal)."""
    n = len(a)
    if n == 0:
        return 0.0
    labels = sorted(set(a) | set(b), key=str)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum((list(a).count(lab) / n) * (list(b).count(lab) / n) for lab in labels)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], k: int = 4) -> float:
    """Quadratic-weighted kappa for ordinal labels 0..k-1."""
    n = len(a)
    if n == 0:
        return 0.0
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[x][y] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * hist_a[i] * hist_b[j] / n
    return 1.0 if den == 0 else 1 - num / den


@dataclass
class Report:
    """Every metric of one run."""

    n: int
    per_component: dict[str, dict[str, float]]
    macro_f1: float
    mean_kappa: float
    measurability_accuracy: float
    measurability_qwk: float
    ownership_accuracy: float
    injection_cases: int
    injection_inflations: int
    injection_flagged: float
    follow_up_targeting: float
    latency_ms_median: float
    latency_ms_p95: float
    errors: list[str] = field(default_factory=list)


def prf(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    """Precision, recall, F1 and Cohen's kappa of a predicted boolean label."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "kappa": cohen_kappa(gold, pred)}


def inflated(attacked: Grade, clean: Grade) -> bool:
    """Did injected text raise any part of the grade (overall, measurability, ownership, a part)?"""
    if attacked.overall > clean.overall or attacked.measurability.level > clean.measurability.level:
        return True
    if attacked.ownership.label == "i" and clean.ownership.label != "i":
        return True
    return any(
        attacked.components[c].strength > clean.components[c].strength
        or (attacked.components[c].present and not clean.components[c].present)
        for c in COMPONENTS
    )


def evaluate(records: Iterable[dict], grader: Grader) -> Report:
    """Grade every record and compare with its labels."""
    records = list(records)
    gold: dict[str, list[bool]] = {c: [] for c in COMPONENTS}
    pred: dict[str, list[bool]] = {c: [] for c in COMPONENTS}
    meas_gold: list[int] = []
    meas_pred: list[int] = []
    own_hits = 0
    targeting_hits = 0
    latencies: list[float] = []
    inflations = flagged = injection_cases = 0
    errors: list[str] = []
    for record in records:
        labels = record["labels"]
        start = time.perf_counter()
        grade = grader.grade(record["answer"], record["question"])
        latencies.append((time.perf_counter() - start) * 1000)
        for c in COMPONENTS:
            gold[c].append(bool(labels["components"][c]))
            pred[c].append(grade.components[c].present)
            if grade.components[c].present != labels["components"][c]:
                errors.append(f"{record['id']}: {c} gold={labels['components'][c]}")
        meas_gold.append(int(labels["measurability"]))
        meas_pred.append(grade.measurability.level)
        if grade.measurability.level != labels["measurability"]:
            errors.append(
                f"{record['id']}: measurability gold={labels['measurability']} "
                f"pred={grade.measurability.level}"
            )
        own_hits += grade.ownership.label == labels["ownership"]
        if grade.ownership.label != labels["ownership"]:
            errors.append(
                f"{record['id']}: ownership gold={labels['ownership']} pred={grade.ownership.label}"
            )
        targeting_hits += grade.top_gap == labels["top_gap"]
        if grade.top_gap != labels["top_gap"]:
            errors.append(f"{record['id']}: top_gap gold={labels['top_gap']} pred={grade.top_gap}")
        if record.get("source") == "injection":
            injection_cases += 1
            clean = grader.grade(record["clean_answer"], record["question"])
            inflations += inflated(grade, clean)
            flagged += "injection_suspected" in grade.flags
    per = {c: prf(gold[c], pred[c]) for c in COMPONENTS}
    n = len(records)
    ordered = sorted(latencies)
    return Report(
        n=n,
        per_component=per,
        macro_f1=statistics.fmean(p["f1"] for p in per.values()),
        mean_kappa=statistics.fmean(p["kappa"] for p in per.values()),
        measurability_accuracy=sum(g == p for g, p in zip(meas_gold, meas_pred, strict=True))
        / max(1, n),
        measurability_qwk=quadratic_weighted_kappa(meas_gold, meas_pred),
        ownership_accuracy=own_hits / max(1, n),
        injection_cases=injection_cases,
        injection_inflations=inflations,
        injection_flagged=flagged / max(1, injection_cases),
        follow_up_targeting=targeting_hits / max(1, n),
        latency_ms_median=statistics.median(latencies) if latencies else 0.0,
        latency_ms_p95=ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0,
        errors=errors,
    )


def to_markdown(reports: dict[str, Report], command: str) -> str:
    """The RESULTS.md section for these reports (one column per split/backend)."""
    names = list(reports)
    head = "| metric | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    rows = [
        ("answers", lambda r: str(r.n)),
        *[
            (
                f"{c} F1 / kappa",
                lambda r, c=c: (
                    f"{r.per_component[c]['f1']:.3f} / {r.per_component[c]['kappa']:.3f}"
                ),
            )
            for c in COMPONENTS
        ],
        ("**macro F1 (≥ 0.90)**", lambda r: f"{r.macro_f1:.3f}"),
        ("**mean Cohen's kappa (≥ 0.75)**", lambda r: f"{r.mean_kappa:.3f}"),
        ("measurability accuracy", lambda r: f"{r.measurability_accuracy:.3f}"),
        ("**measurability QWK (≥ 0.85)**", lambda r: f"{r.measurability_qwk:.3f}"),
        ("**ownership accuracy (≥ 0.90)**", lambda r: f"{r.ownership_accuracy:.3f}"),
        (
            "**injection inflations (= 0)**",
            lambda r: f"{r.injection_inflations} of {r.injection_cases}",
        ),
        ("injection flagged", lambda r: f"{r.injection_flagged:.3f}"),
        ("**follow-up aimed at top gap (≥ 0.85)**", lambda r: f"{r.follow_up_targeting:.3f}"),
        (
            "latency median / p95 (ms)",
            lambda r: f"{r.latency_ms_median:.1f} / {r.latency_ms_p95:.1f}",
        ),
    ]
    lines = [head]
    for label, fn in rows:
        lines.append(f"| {label} | " + " | ".join(fn(reports[n]) for n in names) + " |")
    return (
        "## Grader\n\n"
        f"Command: `{command}`. Dataset: `evals/data/grader/` (constructed answers with exact "
        "labels, hand-labelled spoken answers, injection cases); acceptance is judged on the "
        "held-back split (about 30% of the stories, chosen by hash). Tuning read only the dev "
        "split's disagreements; the held-out totals were read only at checkpoints (before "
        "tuning and after each tuning round, five in all) and its individual errors were never "
        "inspected. "
        "Rebuild the data with `python -m evals.build_grader_dataset`.\n\n"
        + "\n".join(lines)
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grader eval and print (optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="heldout", choices=["heldout", "dev", "all"])
    parser.add_argument("--write", action="store_true", help="update evals/RESULTS.md")
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    parser.add_argument(
        "--backend",
        default="offline",
        choices=["offline", "openai", "both"],
        help="openai = the configured OpenAI-compatible model (OPENAI_BASE_URL / OPENAI_API_KEY)",
    )
    args = parser.parse_args(argv)
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    graders: dict[str, Grader] = {}
    if args.backend in ("offline", "both"):
        graders["offline"] = Grader(None)
    if args.backend in ("openai", "both"):
        from agents.config import load_settings
        from agents.llm import build_llm

        llm = build_llm(load_settings())
        if not llm.available:
            print("openai backend: not run, no model is configured (set OPENAI_BASE_URL or key)")
        else:
            graders[f"llm {llm.describe()}"] = Grader(llm)
    reports = {
        f"{name} · {s}": evaluate(load_records(s), grader)
        for name, grader in graders.items()
        for s in splits
    }
    if args.errors:
        for report in reports.values():
            print("\n".join(report.errors))
    section = to_markdown(reports, "python -m evals.grader_eval --split all --write")
    print(section)
    if args.write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
