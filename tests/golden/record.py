"""Record golden outputs of the public commands, to prove a refactor changes no behaviour.

`python -m tests.golden.record [OUT_DIR]` runs, through `barraiser`'s own entry point
and an isolated data directory: `grade` over every answer in evals/data; 30 seeded
scripted drills (every role x round x mode) with JSON transcript and Markdown debrief;
`prompts` for every LP at two levels with a fixed seed; `stories search` for every
retrieval-eval question. Session ids and timestamps become placeholders; everything
else must stay byte-identical.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evals" / "data"
DEFAULT_OUT = Path(__file__).resolve().parent / "data"
ROLES = ("sde1", "sde2", "senior", "manager", "nontech")
ROUNDS = ("phone", "loop", "bar_raiser")
MODES = ("coach", "interview")
LEVELS = ("sde2", "manager")
CONTROLS = ("repeat", "Could you clarify what you mean?", "skip", "I don't know.", "Hi, I'm ready.")

_ID = re.compile(r"\b[0-9a-f]{12}\b")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")


def normalise(text: str) -> str:
    """Replace session ids and timestamps, the only parts that differ run to run."""
    return _STAMP.sub("<time>", _ID.sub("<id>", text))


@contextlib.contextmanager
def isolated_env(data_dir: Path) -> Iterator[None]:
    """Point Bar Raiser at a fresh data dir with no model configured, then restore the env."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("BARRAISER_", "OPENAI_", "CHROMA_")):
            del os.environ[key]
    os.environ["BARRAISER_DATA_DIR"] = str(data_dir)
    os.environ["BARRAISER_LOG_LEVEL"] = "WARNING"
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(argv: Sequence[str]) -> str:
    """Run `barraiser ARGV` in this process and return what it printed."""
    from agents.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    if code != 0:
        raise RuntimeError(f"barraiser {' '.join(argv)} exited {code}")
    return out.getvalue()


def eval_answers() -> list[dict]:
    """Every answer in evals/data (grader dataset and injection suite), in a fixed order."""
    rows: list[dict] = []
    for path in [*sorted(DATA.glob("grader/*.jsonl")), DATA / "injection_suite.jsonl"]:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                rows.append({"id": f"{path.stem}:{rec['id']}", "question": rec.get("question", ""),
                             "answer": rec["answer"]})
    return rows


def record_grades(out: Path, work: Path) -> None:
    """`barraiser grade` over every eval answer."""
    src = work / "answers.jsonl"
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in eval_answers())
    src.write_text("".join(lines), "utf-8")
    run_cli(["grade", str(src), "--out", str(out / "grades.jsonl")])


def drill_answers(index: int, answers: list[dict]) -> list[str]:
    """A deterministic script of candidate turns for drill `index`: stories mixed with controls."""
    turns: list[str] = []
    for k in range(9):
        if (index + k) % 4 == 3:
            turns.append(CONTROLS[(index + k) % len(CONTROLS)])
        else:
            turns.append(answers[(index * 17 + k * 31) % len(answers)]["answer"])
    return turns


def record_drills(out: Path, work: Path) -> None:
    """30 seeded drills: every role x round x mode, transcript JSON and Markdown debrief."""
    answers = [r for r in eval_answers() if r["id"].startswith(("constructed", "spoken"))]
    index = 0
    for mode in MODES:
        for round_type in ROUNDS:
            for role in ROLES:
                name = f"{index:02d}-{mode}-{round_type}-{role}"
                script = work / f"{name}.jsonl"
                script.write_text("".join(json.dumps({"text": t}) + "\n"
                                          for t in drill_answers(index, answers)), "utf-8")
                tj, tm = work / f"{name}.json", work / f"{name}.md"
                printed = run_cli(["drill", "--role", role, "--round", round_type, "--mode", mode,
                                   "--seed", str(index), "--answers", str(script),
                                   "--transcript", str(tj), "--markdown", str(tm)])
                (out / "drills").mkdir(exist_ok=True)
                outputs = {".json": tj.read_text("utf-8"), ".md": tm.read_text("utf-8"),
                           ".out": printed}
                for suffix, text in outputs.items():
                    (out / "drills" / f"{name}{suffix}").write_text(normalise(text), "utf-8")
                index += 1


def record_prompts(out: Path) -> None:
    """`barraiser prompts` for every LP at two levels, fixed seed."""
    from agents.lp.principles import load_principles

    (out / "prompts").mkdir(exist_ok=True)
    for slug in load_principles():
        for level in LEVELS:
            text = run_cli(["prompts", "--lp", slug, "--level", level, "--n", "5", "--seed", "11",
                            "--json"])
            (out / "prompts" / f"{slug}-{level}.json").write_text(text, "utf-8")


def record_story_search(out: Path) -> None:
    """Import the retrieval-eval stories, then `stories search` for every question."""
    run_cli(["stories", "import", str(DATA / "retrieval" / "stories.yaml")])
    lines = []
    for line in (DATA / "retrieval" / "questions.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            hits = json.loads(run_cli(["stories", "search", q["question"], "--k", "3", "--json"]))
            lines.append(json.dumps({"q": q["id"], "hits": hits}, ensure_ascii=False))
    (out / "story_search.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (out / "story_coverage.txt").write_text(run_cli(["stories", "coverage"]), "utf-8")
    (out / "story_coach.txt").write_text(run_cli(["stories", "coach"]), "utf-8")


def record(out: Path) -> None:
    """Write every golden output under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with isolated_env(work / "data"):
            record_grades(out, work)
            record_drills(out, work)
            record_prompts(out)
            record_story_search(out)


if __name__ == "__main__":
    record(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
