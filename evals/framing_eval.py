"""Grades of answers framed the way people paste or say them: `python -m evals.framing_eval`.

The same story reads the same in any frame. For every corpus voice the sentence-role model is
trained on the other voices (`evals.grader_lovo`), and the held-out voice's answers are graded as
written, typed as a bulleted or a numbered list of their sentences, said with a spoken opening and
sign-off (a remark on the question, the question said back, "So yeah, that's it."), and pasted as
a transcript under the interviewer's question. Then the independent framed set
(`evals/data/framed/`, written in such frames by a writer who saw only LABELS.md) is graded with
the shipped models, which never saw it. `--write` records the tables in evals/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from agents.grading.learned import analyze
from agents.grading.roles_model import SentenceRoleModel, load_model
from evals.corpus import Answer, load_corpus
from evals.grader_lovo import VoiceReport, corpus_case, fit_left_out, report
from evals.run_on_eval import reading_row, report_cells

DATA_DIR = Path(__file__).resolve().parent / "data" / "framed"
SECTION = "## Framed answers: bullets, numbered steps, spoken openings, transcripts"
# Spoken openings and sign-offs, one of each per answer (chosen by its id). Written with the rules
# of `agents/grading/chatter.py`, so the corpus rows show that those rules hold across voices; the
# independent set below is the test of words they were not written from.
OPENINGS = ("Great question, let me think.", "Okay, um, so.", "Hmm, good one.")
CLOSINGS = (
    "So yeah, that's the story.",
    "Does that answer your question?",
    "I'm happy to go into more detail if you like.",
)


def _pick(options: Sequence[str], key: str) -> str:
    return options[int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(options)]


def _units(a: Answer) -> list[str]:
    return [s["text"] for s in a.sentences]


def bullets(a: Answer) -> str:
    """Every sentence a bullet."""
    return "\n".join(f"- {t}" for t in _units(a))


def numbered(a: Answer) -> str:
    """Every sentence a numbered step."""
    return "\n".join(f"{i}. {t}" for i, t in enumerate(_units(a), 1))


def spoken_frame(a: Answer) -> str:
    """An opening remark, the question said back, the answer, a sign-off."""
    echo = a.question.rstrip(" ?.") + "? Sure."
    return f"{_pick(OPENINGS, a.id)} {echo} {a.answer} {_pick(CLOSINGS, a.id)}"


def transcript(a: Answer) -> str:
    """Pasted under the interviewer's question, the answer labelled as the candidate's."""
    return f"Interviewer: {a.question}\nMe: {a.answer}"


READINGS: tuple[tuple[str, Callable[[Answer], str]], ...] = (
    ("as written", lambda a: a.answer),
    ("bullets", bullets),
    ("numbered steps", numbered),
    ("spoken opening and sign-off", spoken_frame),
    ("transcript", transcript),
)


def _grades(answers: Sequence[Answer], texts: Sequence[str], role: SentenceRoleModel) -> list:
    return [analyze(t, a.question, model=role) for a, t in zip(answers, texts, strict=True)]


def lovo(jobs: int = 1) -> tuple[dict[str, list[VoiceReport]], Counter]:
    """Per reading, one report per held-out corpus voice; and per reading, how many answers that
    were not flagged as written are flagged `injection_suspected` in the frame."""
    corpus = [a for a in load_corpus() if a.voice != "injection"]
    voices = sorted({a.voice for a in corpus})
    roles = fit_left_out(corpus, voices, jobs)
    out: dict[str, list[VoiceReport]] = {name: [] for name, _ in READINGS}
    flagged: Counter = Counter()
    for voice in voices:
        held = [a for a in corpus if a.voice == voice]
        cases = [corpus_case(a) for a in held]
        plain = _grades(held, [a.answer for a in held], roles[voice])
        for name, frame in READINGS:
            grades = _grades(held, [frame(a) for a in held], roles[voice])
            out[name].append(report(voice, cases, grades))
            flagged[name] += sum(
                "injection_suspected" in g.flags and "injection_suspected" not in p.flags
                for g, p in zip(grades, plain, strict=True)
            )
        print(voice, {n: round(r[-1].macro_kappa, 3) for n, r in out.items()}, flush=True)
    return out, flagged


def load_framed_set(split: str = "all") -> list[Answer]:
    """The independent framed answers (`dev`: odd ids, `heldout`: even ids, or `all`)."""
    files = ["dev", "heldout"] if split == "all" else [split]
    out = []
    for name in files:
        for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append(Answer(
                    id=r["id"], voice=r.get("style", r["voice"]), story=r["story"],
                    question=r["question"], answer=r["answer"], labels=r["labels"],
                    sentences=r["sentences"],
                ))  # fmt: skip
    return out


def independent() -> dict[str, tuple[VoiceReport, int]]:
    """Per split and style of the framed set: a report with the shipped models, and how many of
    its answers (all genuine) are flagged `injection_suspected`."""
    role = load_model()
    out: dict[str, tuple[VoiceReport, int]] = {}
    for split in ("dev", "heldout"):
        answers = load_framed_set(split)
        for style in sorted({a.voice for a in answers}):
            some = [a for a in answers if a.voice == style]
            grades = _grades(some, [a.answer for a in some], role)
            flags = sum("injection_suspected" in g.flags for g in grades)
            out[f"{split} {style}"] = (
                report(style, [corpus_case(a) for a in some], grades), flags
            )
    return out


def section(
    lovo_reports: dict[str, list[VoiceReport]] | None, flagged: Counter | None,
    indep: dict[str, tuple[VoiceReport, int]], command: str,
) -> str:  # fmt: skip
    """The RESULTS.md section."""
    lines = [SECTION, "", f"_Generated by `{command}` on {dt.date.today().isoformat()}._", ""]
    if lovo_reports and flagged is not None:
        n = len(next(iter(lovo_reports.values())))
        lines += [
            f"Corpus voices ({n}), each held out (the sentence-role model trained on the others), "
            "graded as written and in each frame; means over voices. 'newly flagged': answers "
            "not flagged as written that the frame gets flagged `injection_suspected`.",
            "",
            "| reading | S | T | A | R | L | macro κ (worst) | meas. exact | meas. QWK "
            "| ownership | top gap | newly flagged |",
            "|" + "---|" * 12,
            *(f"{reading_row(n, reps)} {flagged[n]} |" for n, reps in lovo_reports.items()),
            "",
        ]
    lines += [
        "Independent framed set (`evals/data/framed/`, README there): genuine answers typed as "
        "bullets or numbered steps, said with spoken openings and sign-offs, or pasted as a "
        "transcript, by a writer who saw only LABELS.md; graded with the shipped models. "
        "'parts right' is the share of the five parts read present or absent as labelled.",
        "",
        "| part and style | n | parts right | task right | macro κ | meas. exact | meas. QWK "
        "| ownership | top gap | flagged injection |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (rep, flags) in indep.items():
        lines.append(f"| {name} | {rep.n} | {report_cells(rep)} | {flags} of {rep.n} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print (and with `--write` record) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update evals/RESULTS.md")
    parser.add_argument("--jobs", type=int, default=1, help="fit the role models in parallel")
    parser.add_argument("--independent-only", action="store_true",
                        help="only the independent set, with the shipped models")  # fmt: skip
    args = parser.parse_args(argv)
    reports, flagged = (None, None) if args.independent_only else lovo(args.jobs)
    text = section(reports, flagged, independent(), "python -m evals.framing_eval --write")
    print(text)
    if args.write:
        from evals.results_file import write_section

        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
