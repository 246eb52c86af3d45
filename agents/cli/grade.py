"""`barraiser grade`: grade a JSONL file of answers into a JSONL file of grades."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from agents.cli.common import CLIError, settings_from_args


def add_parser(sub: Any) -> None:
    """Register `grade` on the subcommand parsers."""
    grade = sub.add_parser("grade", help="grade answers from a JSONL file")
    grade.add_argument("input", help='JSONL with {"id", "question", "answer"} per line')
    grade.add_argument("--out", default="-", help="output JSONL (default: stdout)")
    grade.add_argument("--backend", choices=["offline", "openai"], default=None)
    grade.set_defaults(func=cmd_grade)


def iter_grade_requests(stream: TextIO, errors: TextIO) -> Iterator[tuple[str, str, str]]:
    """Yield (id, question, answer) from JSONL, reporting malformed lines by number."""
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"line {lineno}: not valid JSON ({e.msg}); skipped", file=errors)
            continue
        if not isinstance(record, dict):
            print(f"line {lineno}: expected a JSON object; skipped", file=errors)
            continue
        answer = record.get("answer")
        if not isinstance(answer, str):
            print(f"line {lineno}: missing string field 'answer'; skipped", file=errors)
            continue
        question = record.get("question", "")
        if not isinstance(question, str):
            print(f"line {lineno}: field 'question' must be a string; skipped", file=errors)
            continue
        answer_id = record.get("id", lineno)
        yield str(answer_id), question, answer


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade a JSONL file of answers into a JSONL file of grades."""
    from agents.grading import Grader
    from agents.llm import build_llm

    settings = settings_from_args(args)
    grader = Grader(build_llm(settings))
    src = Path(args.input)
    if not src.is_file():
        raise CLIError(f"input file not found: {src}")
    count = 0
    try:
        with (
            src.open(encoding="utf-8", errors="replace") as fin,
            _open_out(args.out) as fout,
        ):
            for answer_id, question, answer in iter_grade_requests(fin, sys.stderr):
                grade = grader.grade(answer, question)
                if grade.notice:
                    print(f"{answer_id}: {grade.notice}", file=sys.stderr)
                fout.write(json.dumps(grade.public_dict(answer_id), ensure_ascii=False) + "\n")
                count += 1
    except OSError as e:
        raise CLIError(f"could not write {args.out}: {e.strerror}") from e
    print(f"graded {count} answer(s)", file=sys.stderr)
    return 0


def _open_out(path: str | None) -> TextIO:
    """The output file, or stdout for '-' or no path."""
    if not path or path == "-":
        return _NoClose(sys.stdout)  # type: ignore[return-value]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8")


class _NoClose:
    """Wrap stdout so `with` does not close it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __enter__(self) -> TextIO:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        self._stream.flush()
