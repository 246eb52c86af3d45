"""Grades of answers without full stops, leave-one-voice-out: `python -m evals.run_on_eval`.

For every corpus voice the sentence-role model (`evals.train_grader`) and the run-on model
(`evals.train_run_on`) are trained on the other voices; the held-out voice's answers are graded as
written and with their sentence punctuation removed (dictation: lower case, no punctuation; chat:
lower case with commas), with and without the run-on model. Then the independent run-on set
(`evals/data/runon/`, written without punctuation by a writer who saw only LABELS.md) is graded
with the shipped models. `--write` records the tables in evals/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from agents.grading.learned import analyze
from agents.grading.roles_model import SentenceRoleModel, load_model
from agents.run_on import RunOnModel, load_run_on_model, using
from evals.corpus import Answer, load_corpus
from evals.grader_lovo import Case, VoiceReport, corpus_case, fit_left_out, report
from evals.train_run_on import SHIPPED_THRESHOLD, STYLES, fit, prf, runs, score

DATA_DIR = Path(__file__).resolve().parent / "data" / "runon"
SECTION = "## Run-on answers: grades without full stops"
# (name, style transform or None for as written, whether the run-on model cuts)
READINGS: tuple[tuple[str, str | None, bool], ...] = (
    ("as written", None, True),
    ("dictation, no run-on model", "dictation", False),
    ("dictation", "dictation", True),
    ("chat", "chat", True),
    ("comma splices", "splice", True),
)


def restyle(a: Answer, style: str | None) -> str:
    """The answer with each labelled sentence read in `style` (as written when None)."""
    if style is None:
        return a.answer
    strip = STYLES[style]
    return " ".join(t for t in (strip(s["text"]) for s in a.sentences) if t)


def _grades(
    cases: Sequence[Case], answers: Sequence[str], role: SentenceRoleModel | None,
    cut: AbstractContextManager[None],
) -> list:  # fmt: skip
    with cut:
        return [analyze(t, c.question, model=role) for c, t in zip(cases, answers, strict=True)]


def lovo(jobs: int = 1) -> dict[str, list[VoiceReport]]:
    """Per reading, one report per held-out corpus voice."""
    corpus = [a for a in load_corpus() if a.voice != "injection"]
    voices = sorted({a.voice for a in corpus})
    roles = fit_left_out(corpus, voices, jobs)
    data = runs(corpus)
    out: dict[str, list[VoiceReport]] = {name: [] for name, _, _ in READINGS}
    for voice in voices:
        cutter = fit([r for r in data if r.voice != voice], SHIPPED_THRESHOLD)
        held = [a for a in corpus if a.voice == voice]
        cases = [corpus_case(a) for a in held]
        for name, style, cuts in READINGS:
            texts = [restyle(a, style) for a in held]
            model = cutter if cuts else RunOnModel.never()
            out[name].append(report(voice, cases, _grades(cases, texts, roles[voice],
                                                          using(model))))  # fmt: skip
        print(voice, {n: round(r[-1].macro_kappa, 3) for n, r in out.items()}, flush=True)
    return out


def load_runon_set(split: str = "all") -> list[Answer]:
    """The independent run-on answers (`dev`: odd ids, `heldout`: even ids, or `all`)."""
    files = ["dev", "heldout"] if split == "all" else [split]
    out = []
    for name in files:
        for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append(Answer(
                    id=r["id"], voice=r["voice"], story=r["story"], question=r["question"],
                    answer=" ".join(s["text"] for s in r["sentences"]), labels=r["labels"],
                    sentences=r["sentences"],
                ))  # fmt: skip
    return out


def independent() -> dict[str, tuple[VoiceReport, VoiceReport, tuple[int, int, int]]]:
    """Per split of the run-on set: reports with and without the shipped run-on model, and the
    model's (hits, cuts, sentence ends) against the writer's units."""
    role, cutter = load_model(), load_run_on_model()
    out = {}
    for split in ("dev", "heldout"):
        answers = load_runon_set(split)
        cases = [corpus_case(a) for a in answers]
        texts = [a.answer for a in answers]
        without = report(split, cases, _grades(cases, texts, role, using(RunOnModel.never())))
        with_model = report(split, cases, _grades(cases, texts, role, using(cutter)))
        bounds = score(cutter, runs(answers, {"as written": str.strip}))
        out[split] = (without, with_model, bounds)
    return out


def reading_row(name: str, reports: Sequence[VoiceReport]) -> str:
    """One table row: mean part kappas, macro kappa (worst voice), measurability, ownership, gap."""
    def mean(f: Callable[[VoiceReport], float]) -> float:
        return statistics.fmean(f(r) for r in reports)

    k = [mean(lambda r, c=c: r.kappa[c]) for c in ("situation", "task", "action", "result",
                                                    "learning")]  # fmt: skip
    worst = min(reports, key=lambda r: r.macro_kappa)
    return (
        f"| {name} | " + " | ".join(f"{x:.2f}" for x in k)
        + f" | {mean(lambda r: r.macro_kappa):.3f} ({worst.voice} {worst.macro_kappa:.3f})"
        f" | {mean(lambda r: r.measurability_exact):.3f}"
        f" | {mean(lambda r: r.measurability_qwk):.3f}"
        f" | {mean(lambda r: r.ownership):.3f} | {mean(lambda r: r.targeting):.3f} |"
    )


def report_cells(rep: VoiceReport) -> str:
    """The cells 'parts right | task right | macro κ | meas. exact | meas. QWK | ownership | top
    gap' of one report (the independent sets' tables)."""
    return (
        f"{rep.parts_right:.3f} | {rep.part_right['task']:.3f} | {rep.macro_kappa:.3f} "
        f"| {rep.measurability_exact:.3f} | {rep.measurability_qwk:.3f} | {rep.ownership:.3f} "
        f"| {rep.targeting:.3f}"
    )


HEADER = (
    "| reading | S | T | A | R | L | macro κ (worst) | meas. exact | meas. QWK | ownership "
    "| top gap |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def section(lovo_reports: dict[str, list[VoiceReport]] | None, indep: dict, command: str) -> str:
    """The RESULTS.md section."""
    lines = [SECTION, "", f"_Generated by `{command}` on {dt.date.today().isoformat()}._", ""]
    if lovo_reports:
        n = len(next(iter(lovo_reports.values())))
        lines += [
            f"Corpus voices ({n}), each held out: the sentence-role and run-on models are "
            "trained on the other voices; the held-out answers are graded as written and with "
            "their sentence punctuation removed (dictation: lower case, no punctuation; chat: "
            "lower case with commas). Means over voices.",
            "",
            HEADER,
            *(reading_row(name, reps) for name, reps in lovo_reports.items()),
            "",
        ]
    lines += [
        "Independent run-on set (`evals/data/runon/`, README there): answers dictated, "
        "chat-typed, transcribed or run on without full stops, by a writer who saw only "
        "LABELS.md; graded with the shipped models, which never saw them. Sentence ends: the "
        "run-on model's cuts against the writer's own units. Nearly every answer has a situation "
        "and an action, so their kappa is 0 for one miss: 'parts right' (the share of the five "
        "parts read present or absent as labelled) is the steadier figure here.",
        "",
        "| part | n | run-on model | parts right | task right | macro κ | meas. exact | meas. QWK "
        "| ownership | top gap | sentence ends P / R / F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for split, (without, with_model, bounds) in indep.items():
        p, r, f = prf(*bounds)
        for label, rep in (("no", without), ("yes", with_model)):
            lines.append(
                f"| {split} | {rep.n} | {label} | {report_cells(rep)} | "
                + (f"{p:.2f} / {r:.2f} / {f:.2f} |" if label == "yes" else "- |")
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print (and with `--write` record) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update evals/RESULTS.md")
    parser.add_argument("--jobs", type=int, default=1, help="fit the role models in parallel")
    parser.add_argument("--independent-only", action="store_true",
                        help="only the independent set, with the shipped models")  # fmt: skip
    args = parser.parse_args(argv)
    reports = None if args.independent_only else lovo(args.jobs)
    text = section(reports, independent(), "python -m evals.run_on_eval --write")
    print(text)
    if args.write:
        from evals.results_file import write_section

        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
