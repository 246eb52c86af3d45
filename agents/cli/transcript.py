"""`barraiser transcript import FILE [--json]`: grade a real interview's transcript like a drill
and save it to Feedback."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agents.cli.common import CLIError, settings_from_args
from agents.material.errors import MaterialError
from agents.material.phrases import material_phrases
from agents.material.store import MaterialStore
from agents.material.transcript_formats import read_transcript
from agents.material.transcript_split import exchanges, split_transcript


def add_parser(sub: Any) -> None:
    """Register `transcript import`."""
    transcript = sub.add_parser("transcript", help="import a real interview transcript")
    actions = transcript.add_subparsers(dest="transcript_command", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="WebVTT, SRT, or a Zoom/Teams/Otter text export")
    imp.add_argument("file")
    imp.add_argument("--user", default="local", help="whose session (default: local)")
    imp.add_argument("--json", action="store_true", help="print the graded questions as JSON")
    imp.add_argument("--backend", choices=["offline", "openai"], default=None)
    transcript.set_defaults(func=run)


def run(args: argparse.Namespace, out: Any = None) -> int:
    """Split, grade, debrief and save the transcript; print what was found."""
    out = out or sys.stdout
    from agents.drill.imported import import_interview
    from agents.services import build_services

    path = Path(args.file)
    try:
        if not path.is_file():
            raise MaterialError(f"No such file: {args.file}", kind="missing")
        utterances, fmt = read_transcript(path)
        found = exchanges(split_transcript(utterances))
        if not found:
            raise MaterialError(material_phrases().transcript_empty.format(name=path.name))
        services = build_services(settings_from_args(args))
        store = MaterialStore(services.settings.data_dir)
        store.folder(args.user)  # checks the user name before anything is saved
        state = import_interview(
            found, services.grader, services.principles, user=args.user, source=path.name,
            store=services.sessions,
        )  # fmt: skip
        store.save_transcript(args.user, path.name, path.read_bytes(), state.id)
    except MaterialError as e:
        raise CLIError(str(e)) from e
    if args.json:
        payload = {
            "file": path.name,
            "format": fmt,
            "session_id": state.id,
            "questions": [
                {
                    "lp": q.lp,
                    "question": q.question,
                    "probes": q.probes,
                    "answers": q.answers,
                    "grade": q.grade.public_dict() if q.grade else None,
                }
                for q in state.questions
            ],
            "debrief": state.debrief.model_dump(mode="json") if state.debrief else None,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
        return 0
    phrase = material_phrases().transcript_imported
    print(phrase.format(n=len(state.questions), name=path.name, id=state.id), file=out)
    return 0
