"""`barraiser stories ...`: import, export, list, search, delete, coverage and coach.

The parser lives in agents/cli/main.py; StoryError/StoryBankError go to its caller.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from agents.stories import (
    StoryBank,
    StoryBankError,
    StoryError,
    StoryNotFoundError,
    check_user,
)
from agents.stories.coaching import coach_phrases
from agents.ui.story_search import none_fit_notice

if TYPE_CHECKING:
    from agents.config import Settings

__all__ = ["StoryBankError", "StoryError", "run_cli"]


def run_cli(args: Any, settings: Settings, out: Any = None) -> int:
    """Run one `barraiser stories` subcommand; StoryError/StoryBankError go to the caller."""
    out = out or sys.stdout
    bank = StoryBank.from_settings(settings)
    user = check_user(args.user)
    command = args.stories_command
    handler = _COMMANDS.get(command)
    if handler is None:  # pragma: no cover - argparse restricts the choices
        raise StoryError(f"unknown stories command {command!r}")
    handler(bank, user, args, out)
    return 0


def _import(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    report = bank.import_file(user, args.file, args.format)
    print(
        f"imported {report.total} stories from {args.file} for {user}: "
        f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged",
        file=out,
    )


def _export(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    n = bank.export_file(user, args.file, args.format)
    print(f"exported {n} stories for {user} to {args.file}", file=out)


def _list(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    stories = bank.list(user)
    if args.json:
        rows = [{**s.export_dict(), "uses": s.use_count} for s in stories]
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
    elif not stories:
        print(f"no stories for {user}; add some with `barraiser stories import FILE`", file=out)
    else:
        for s in stories:
            print(f"{s.id}  {s.title}  [{', '.join(s.lps)}]  uses={s.use_count}", file=out)


def _search(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    hits = bank.search(user, args.question, k=args.k)
    if args.json:
        print(json.dumps([h.public_dict() for h in hits], ensure_ascii=False), file=out)
    elif not hits:
        print(f"no stories for {user}", file=out)
    else:
        notice = none_fit_notice(hits)
        if notice:
            print(notice.replace("**", ""), file=out)  # the page's sentence, without Markdown
        for h in hits:
            print(f"{h.probability:4.0%}  {h.id}  {h.title}  [{', '.join(h.lps)}]", file=out)
            print(f"      {h.reason}", file=out)


def _delete(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    if not bank.delete(user, args.id):
        raise StoryNotFoundError(f"no story {args.id!r} for user {user!r}")
    print(f"deleted {args.id}", file=out)


def _coverage(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    cov = bank.coverage(user)
    if args.json:
        print(cov.model_dump_json(indent=2), file=out)
    else:
        print(cov.markdown(), file=out)


def _coach(bank: StoryBank, user: str, args: Any, out: Any) -> None:
    reviews = [bank.review(user, args.id)] if args.id else bank.review_all(user)
    if args.json:
        print(json.dumps([r.model_dump() for r in reviews], ensure_ascii=False, indent=2), file=out)
        return
    nothing = coach_phrases().additions.nothing_to_add
    for r in reviews:
        print(f"{r.id}  {r.title}  overall {r.overall}/5", file=out)
        for a in r.additions or [nothing]:
            print(f"  - {a}", file=out)


_COMMANDS = {
    "import": _import,
    "export": _export,
    "list": _list,
    "search": _search,
    "delete": _delete,
    "coverage": _coverage,
    "coach": _coach,
}
