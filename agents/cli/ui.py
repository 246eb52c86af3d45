"""`barraiser ui`: start the web app (same as `make run`)."""

from __future__ import annotations

import argparse
from typing import Any

from agents.config import load_settings


def add_parser(sub: Any) -> None:
    """Register `ui` on the subcommand parsers."""
    ui = sub.add_parser("ui", help="start the web app (same as `make run`)")
    ui.add_argument("--host", default=None)
    ui.add_argument("--port", type=int, default=None)
    ui.set_defaults(func=cmd_ui)


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the web app (same as `make run`)."""
    from agents.cli.common import CLIError
    from agents.drill.sessions import SessionStoreError
    from agents.services import build_services
    from agents.ui.app import launch

    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    try:
        services = build_services(load_settings(**overrides))
    except SessionStoreError as e:  # bad database URL or server down: one line, no traceback
        raise CLIError(str(e)) from e
    launch(services)
    return 0
