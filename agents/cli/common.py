"""What every subcommand shares: the user-facing error and settings with command-line overrides."""

from __future__ import annotations

import argparse

from agents.config import Settings, load_settings


class CLIError(Exception):
    """A user-facing command-line error (printed without a traceback)."""


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings with command-line overrides applied."""
    overrides: dict[str, object] = {}
    backend = getattr(args, "backend", None)
    if backend:
        overrides["llm_backend"] = backend
    return load_settings(**overrides)
