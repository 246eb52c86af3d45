"""`barraiser report SESSION_ID`: the shareable report of any past drill, as PDF and/or Markdown
(printed as Markdown when neither file is asked for)."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

from agents.cli.common import CLIError, settings_from_args
from agents.cli.report_writer import write_report

if TYPE_CHECKING:
    from agents.drill.sessions import SessionStore
    from agents.drill.state import DrillState

_SESSION_ID = re.compile(r"^[0-9a-f]{6,32}$")


def add_parser(sub: Any) -> None:
    """Register `report` on the subcommand parsers."""
    report = sub.add_parser("report", help="the shareable report of a past drill (PDF/Markdown)")
    report.add_argument("session_id", metavar="SESSION_ID", help="the drill's session id")
    report.add_argument("--pdf", metavar="OUT.pdf", help="write the report as a PDF here")
    report.add_argument("--md", metavar="OUT.md", help="write the report as Markdown here")
    report.add_argument("--user", default="local", help="whose sessions (default: local)")
    report.set_defaults(func=cmd_report)


def _recent(store: SessionStore, user: str) -> str:
    ids = [info.id for info in store.list(user)[:5]]
    return f"recent sessions: {', '.join(ids)}" if ids else "this user has no sessions yet"


def load_session(store: SessionStore, session_id: str, user: str) -> DrillState:
    """The user's session, or a CLIError that says what to type instead."""
    sid = session_id.strip().lower()
    state = store.load(sid, user) if _SESSION_ID.match(sid) else None
    if state is None:
        raise CLIError(
            f"no drill session {session_id!r} for user {user!r} ({_recent(store, user)}; "
            "`barraiser drill --progress` lists them all)"
        )
    return state


def cmd_report(args: argparse.Namespace) -> int:
    """Write (or print) the report of one past drill."""
    from agents.drill.report import report_markdown
    from agents.drill.sessions import SessionStore

    settings = settings_from_args(args)
    store = SessionStore(settings.database_url or settings.db_path)
    state = load_session(store, args.session_id, args.user)
    if not (args.pdf or args.md):
        print(report_markdown(state), end="")
        return 0
    for path in write_report(state, store, args.pdf, args.md):
        print(f"wrote {path}")
    return 0
