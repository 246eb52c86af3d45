"""`barraiser resume import FILE [--json]`: story seeds from a resume, kept per user."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agents.cli.common import CLIError, settings_from_args
from agents.material.errors import MaterialError
from agents.material.resume import read_resume_bytes
from agents.material.resume_text import MAX_FILE_BYTES
from agents.material.store import MaterialStore


def add_parser(sub: Any) -> None:
    """Register `resume import`."""
    resume = sub.add_parser("resume", help="import your resume: story seeds from its bullets")
    actions = resume.add_subparsers(dest="resume_command", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="read a PDF, DOCX, Markdown or text resume")
    imp.add_argument("file")
    imp.add_argument("--user", default="local", help="whose resume (default: local)")
    imp.add_argument("--json", action="store_true", help="print the seeds as JSON")
    resume.set_defaults(func=run)


def run(args: argparse.Namespace, out: Any = None) -> int:
    """Read the resume, store it for the user, print its seeds."""
    out = out or sys.stdout
    from agents.lp.classifier import get_classifier

    settings = settings_from_args(args)
    path = Path(args.file)
    try:
        if not path.is_file():
            raise MaterialError(f"No such file: {args.file}", kind="missing")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MaterialError(f"'{path.name}' is too large for a resume.", kind="too_big")
        data = path.read_bytes()
        saved = read_resume_bytes(data, path.name, get_classifier(settings.data_dir / "cache"))
        MaterialStore(settings.data_dir).save_resume(args.user, path.name, data, saved)
    except MaterialError as e:
        raise CLIError(str(e)) from e
    except OSError as e:
        raise CLIError(f"Could not read {args.file}: {e.strerror or e}") from e
    if args.json:
        payload = {"file": path.name, "seeds": [s.model_dump() for s in saved.seeds]}
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
        return 0
    print(f"{len(saved.seeds)} story seed(s) from {path.name}:", file=out)
    for seed in saved.seeds:
        lps = ", ".join(s.lp for s in seed.lps) or "-"
        missing = ", ".join(m.part for m in seed.missing) or "none"
        print(f"- {seed.title}  [{lps}]  metrics: {', '.join(seed.metrics) or '-'}", file=out)
        print(f"    missing: {missing}", file=out)
    return 0
