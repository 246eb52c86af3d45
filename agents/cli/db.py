"""`barraiser db`: the session database's schema and moving sessions between databases.

- `barraiser db upgrade [--url URL]` runs the Alembic migrations up to this version's head (the
  app also runs them at start when the schema is behind).
- `barraiser db copy --from URL --to URL` copies every user's sessions between SQLite and
  PostgreSQL, idempotently, and verifies row counts and a checksum per session.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from agents.cli.common import CLIError, settings_from_args


def add_parser(sub: Any) -> None:
    """Register `db` and its actions on the subcommand parsers."""
    db = sub.add_parser("db", help="session database: upgrade the schema, copy sessions")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = actions.add_parser("upgrade", help="run the schema migrations up to the newest")
    up.add_argument("--url", help="database URL (default: BARRAISER_DATABASE_URL or the data dir)")
    copy = actions.add_parser("copy", help="copy every user's sessions to another database")
    copy.add_argument("--from", dest="source", required=True, help="source database URL or file")
    copy.add_argument("--to", dest="target", required=True, help="target database URL or file")
    copy.add_argument("--json", action="store_true", help="print the report as JSON")
    db.set_defaults(func=cmd_db)


def cmd_db(args: argparse.Namespace) -> int:
    """Run one `db` action; database errors become one line, never a traceback."""
    from agents.drill.session_copy import copy_sessions
    from agents.drill.session_db import SessionStoreError, make_engine, safe_url, upgrade

    try:
        if args.db_command == "upgrade":
            settings = settings_from_args(args)
            engine = make_engine(args.url or settings.database_url or settings.db_path)
            try:
                before, after = upgrade(engine)
            finally:
                engine.dispose()
            where = safe_url(engine.url)
            if before == after:
                print(f"{where}: schema already at {after}")
            else:
                print(f"{where}: schema upgraded from {before or 'empty'} to {after}")
            return 0
        report = copy_sessions(args.source, args.target)
    except SessionStoreError as e:
        raise CLIError(str(e)) from e
    if args.json:
        print(json.dumps(report.model_dump()))
    else:
        print(
            f"copied {report.sessions} session(s) of {report.users} user(s), {report.turns} "
            f"turn(s) from {report.source} to {report.target}; {report.verified} verified "
            "(row counts and checksums match)"
        )
    return 0
