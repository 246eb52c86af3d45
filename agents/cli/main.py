"""The `barraiser` command: `ui`, `grade`, `drill`, `prompts` (and more as the product grows)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from agents.config import Settings, load_settings


class CLIError(Exception):
    """A user-facing command-line error (printed without a traceback)."""


def _settings(args: argparse.Namespace) -> Settings:
    """Settings with command-line overrides applied."""
    overrides: dict[str, object] = {}
    backend = getattr(args, "backend", None)
    if backend:
        overrides["llm_backend"] = backend
    return load_settings(**overrides)


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the web app (same as `make run`)."""
    from agents.services import build_services
    from agents.ui.app import launch

    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    launch(build_services(load_settings(**overrides)))
    return 0


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

    settings = _settings(args)
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


def cmd_drill(args: argparse.Namespace) -> int:
    """Run a drill in the terminal, or non-interactively from scripted answers.

    Every turn is saved to the session database as it happens; `--resume` continues the latest
    unfinished drill (or the one named) after the process was stopped or killed.
    """
    from agents.drill.interviewer import DrillConfig, transcript_json, transcript_markdown
    from agents.services import build_services

    services = build_services(_settings(args))
    interviewer = services.interviewer
    store = services.sessions
    if args.progress:
        assert store is not None
        rows = [p.model_dump() for p in store.progress(args.user)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if args.resume is not None:
        state = interviewer.resume(user=args.user, session_id=args.resume or None)
        if state is None:
            raise CLIError("no unfinished drill to resume")
        shown = state.turns
    else:
        unknown = [lp for lp in args.lp or [] if lp not in services.principles]
        if unknown:
            valid = ", ".join(services.principles)
            raise CLIError(f"unknown LP {', '.join(unknown)}; valid slugs: {valid}")
        if not 1 <= args.minutes <= 180:
            raise CLIError("--minutes must be between 1 and 180")
        config = DrillConfig(
            role=args.role,
            round_type=args.round,
            mode=args.mode,
            lps=args.lp or [],
            seed=args.seed,
            minutes=args.minutes,
        )
        state = interviewer.start(config, user=args.user)
        shown = state.turns
    for turn in shown:
        _print_turn(turn.text, args, who=turn.role)
    if not args.quiet:
        print(f"\n(session {state.id}; type /skip, /repeat, /clarify, /pause or /end)", flush=True)
    answers = _scripted_answers(args.answers) if args.answers else None
    while state.status != "done":
        if answers is not None:
            text = next(answers, None)
            if text is None:
                # Out of scripted answers: end without inventing a candidate turn.
                for turn in interviewer.end(state, by_candidate=False):
                    _print_turn(turn.text, args)
                break
        else:
            try:
                text = input("\nyou> ")
            except EOFError:
                for turn in interviewer.end(state, by_candidate=False):
                    _print_turn(turn.text, args)
                break
        streamed = False
        for event in interviewer.respond_stream(state, text):
            if args.quiet:
                continue
            if event.type == "delta":
                if not streamed:
                    print("\ninterviewer> ", end="")
                    streamed = True
                print(event.text, end="", flush=True)
            elif event.type == "discard":
                print(" [retrying offline]", flush=True)
                streamed = False
            elif event.type == "done":
                for turn in event.turns:
                    if streamed and turn.kind in ("probe", "clarification"):
                        streamed = False
                        print(flush=True)
                        continue
                    _print_turn(turn.text, args)
    if args.transcript:
        out = Path(args.transcript)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(transcript_json(state), ensure_ascii=False, indent=2), "utf-8")
    if args.markdown:
        out = Path(args.markdown)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(transcript_markdown(state), "utf-8")
    return 0


def cmd_prompts(args: argparse.Namespace) -> int:
    """Generate Amazon-style behavioral prompts (offline grammar or the configured LLM)."""
    from agents.question_gen.generator import run_cli

    try:
        return run_cli(args, _settings(args))
    except ValueError as e:
        raise CLIError(str(e)) from e


def cmd_stories(args: argparse.Namespace) -> int:
    """Manage the story bank: import, list, search, export, delete, coverage, coach."""
    from agents.stories.bank import StoryBankError, StoryError, run_cli

    try:
        return run_cli(args, _settings(args))
    except (StoryError, StoryBankError) as e:
        raise CLIError(str(e)) from e


def _print_turn(text: str, args: argparse.Namespace, who: str = "interviewer") -> None:
    if not args.quiet:
        print(f"\n{'you' if who == 'candidate' else 'interviewer'}> {text}", flush=True)


def _scripted_answers(path: str) -> Iterator[str]:
    """Candidate turns from JSONL lines `{"text": ...}`."""
    src = Path(path)
    if not src.is_file():
        raise CLIError(f"answers file not found: {src}")
    for lineno, line in enumerate(src.read_text("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise CLIError(f"{src}:{lineno}: not valid JSON ({e.msg})") from e
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CLIError(f"{src}:{lineno}: expected an object with a string 'text'")
        yield record["text"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="barraiser", description="Practice Amazon Leadership Principle interviews."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ui = sub.add_parser("ui", help="start the web app (same as `make run`)")
    ui.add_argument("--host", default=None)
    ui.add_argument("--port", type=int, default=None)
    ui.set_defaults(func=cmd_ui)

    grade = sub.add_parser("grade", help="grade answers from a JSONL file")
    grade.add_argument("input", help='JSONL with {"id", "question", "answer"} per line')
    grade.add_argument("--out", default="-", help="output JSONL (default: stdout)")
    grade.add_argument("--backend", choices=["offline", "openai"], default=None)
    grade.set_defaults(func=cmd_grade)

    drill = sub.add_parser("drill", help="run a drill in the terminal")
    drill.add_argument(
        "--role", default="sde2", choices=["sde1", "sde2", "senior", "manager", "nontech"]
    )
    drill.add_argument("--round", default="loop", choices=["phone", "loop", "bar_raiser"])
    drill.add_argument("--mode", default="coach", choices=["coach", "interview"])
    drill.add_argument("--lp", action="append", help="target LP slug (repeatable)")
    drill.add_argument("--seed", type=int, default=None)
    drill.add_argument("--answers", help='scripted answers: JSONL lines {"text": ...}')
    drill.add_argument("--transcript", help="write the transcript as JSON here")
    drill.add_argument("--markdown", help="write the transcript and debrief as Markdown here")
    drill.add_argument("--minutes", type=int, default=30, help="length of the drill (1-180)")
    drill.add_argument("--user", default="local", help="whose sessions to use (default: local)")
    drill.add_argument(
        "--resume",
        nargs="?",
        const="",
        default=None,
        metavar="SESSION_ID",
        help="continue the latest unfinished drill (or SESSION_ID)",
    )
    drill.add_argument("--progress", action="store_true", help="print progress across sessions")
    drill.add_argument("--quiet", action="store_true", help="do not print turns")
    drill.add_argument("--backend", choices=["offline", "openai"], default=None)
    drill.set_defaults(func=cmd_drill)

    prompts = sub.add_parser("prompts", help="generate fresh behavioral practice prompts")
    prompts.add_argument("--lp", action="append", help="LP slug or name (repeatable)")
    prompts.add_argument("--level", default="sde2", help="sde1, sde2, sde3, principal, manager")
    prompts.add_argument("--role-family", default="sde", help="sde, pm, tpm, data, support")
    prompts.add_argument("--theme", action="append", help="e.g. conflict, failure (repeatable)")
    prompts.add_argument("--n", type=int, default=10, help="how many prompts (1-200)")
    prompts.add_argument("--json", action="store_true", help="print JSON instead of text")
    prompts.add_argument("--out", help="also write to FILE.md, FILE.csv or FILE.json")
    prompts.add_argument("--context", help="a job description or your stories (text file)")
    prompts.add_argument("--practised", help="prompts already practised (lines or JSON)")
    prompts.add_argument("--seed", type=int, default=None)
    prompts.add_argument("--backend", choices=["offline", "openai"], default=None)
    prompts.set_defaults(func=cmd_prompts)

    stories = sub.add_parser("stories", help="your story bank: import, search, coverage, coach")
    story_sub = stories.add_subparsers(dest="stories_command", required=True, metavar="ACTION")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", default="local", help="whose stories (default: local)")
    s_import = story_sub.add_parser("import", parents=[who], help="import a .md/.json/.yaml file")
    s_import.add_argument("file")
    s_import.add_argument("--format", choices=["md", "json", "yaml"], default=None)
    s_export = story_sub.add_parser("export", parents=[who], help="export to .md/.json/.yaml")
    s_export.add_argument("file")
    s_export.add_argument("--format", choices=["md", "json", "yaml"], default=None)
    s_list = story_sub.add_parser("list", parents=[who], help="list your stories")
    s_list.add_argument("--json", action="store_true")
    s_search = story_sub.add_parser("search", parents=[who], help="best stories for a question")
    s_search.add_argument("question")
    s_search.add_argument("--k", type=int, default=3)
    s_search.add_argument("--json", action="store_true", help="print [{id, title, score, lps}]")
    s_delete = story_sub.add_parser("delete", parents=[who], help="delete a story by id")
    s_delete.add_argument("id")
    s_cov = story_sub.add_parser("coverage", parents=[who], help="LP x story coverage matrix")
    s_cov.add_argument("--json", action="store_true")
    s_coach = story_sub.add_parser("coach", parents=[who], help="what to add to each story")
    s_coach.add_argument("id", nargs="?", default=None)
    s_coach.add_argument("--json", action="store_true")
    stories.set_defaults(func=cmd_stories)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `barraiser` console script."""
    args = build_parser().parse_args(argv)
    from agents.logging_setup import configure_logging

    try:
        configure_logging(load_settings())
    except Exception:  # invalid settings are reported by the command itself
        configure_logging()
    try:
        return int(args.func(args))
    except CLIError as e:
        print(f"barraiser: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
