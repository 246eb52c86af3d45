"""The `barraiser` command: the parser and the dispatch; each subcommand lives in its own module
(`ui`, `grade`, `drill`; `prompts` and `stories` hand over to their packages' `run_cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from agents.cli import db, drill, grade, report, resume, transcript, ui, voice
from agents.cli.common import CLIError, settings_from_args
from agents.config import load_settings

__all__ = ["CLIError", "build_parser", "main"]


def cmd_prompts(args: argparse.Namespace) -> int:
    """Generate Amazon-style behavioral prompts (offline grammar or the configured LLM)."""
    from agents.cli.prompts import run_cli

    try:
        return run_cli(args, settings_from_args(args))
    except ValueError as e:
        raise CLIError(str(e)) from e


def cmd_stories(args: argparse.Namespace) -> int:
    """Manage the story bank: import, list, search, export, delete, coverage, coach."""
    from agents.cli.stories import StoryBankError, StoryError, run_cli

    try:
        return run_cli(args, settings_from_args(args))
    except (StoryError, StoryBankError) as e:
        raise CLIError(str(e)) from e


def _add_prompts_parser(sub: Any) -> None:
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


def _add_stories_parser(sub: Any) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="barraiser", description="Practice Amazon Leadership Principle interviews."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ui.add_parser(sub)
    grade.add_parser(sub)
    drill.add_parser(sub)
    report.add_parser(sub)
    voice.add_parser(sub)
    _add_prompts_parser(sub)
    _add_stories_parser(sub)
    db.add_parser(sub)
    resume.add_parser(sub)
    transcript.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `barraiser` console script."""
    args = build_parser().parse_args(argv)
    from agents.logging_setup import configure_logging

    try:
        configure_logging(load_settings())
    except ValueError:  # pydantic's ValidationError: the command itself reports bad settings
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
