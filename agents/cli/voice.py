"""`barraiser voice analyze FILE.wav`: transcript, delivery, seconds per STAR(L) part and grade."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from agents.cli.common import CLIError, settings_from_args


def add_parser(sub: Any) -> None:
    """Register `voice` (with its `analyze` action) on the subcommand parsers."""
    voice = sub.add_parser("voice", help="analyse a spoken answer (WAV, MP3, OGG, WebM)")
    actions = voice.add_subparsers(dest="voice_command", required=True, metavar="ACTION")
    analyze = actions.add_parser("analyze", help="where the seconds of a spoken answer went")
    analyze.add_argument("file", help="the recording")
    analyze.add_argument("--question", default="", help="the question it answers")
    analyze.add_argument("--json", action="store_true", help="print JSON instead of text")
    analyze.add_argument("--backend", choices=["offline", "openai"], default=None)
    voice.set_defaults(func=cmd_voice)


def cmd_voice(args: argparse.Namespace) -> int:
    """Transcribe, time and grade one spoken answer."""
    from agents.drill.voice_coach import timeline_markdown
    from agents.grading import Grader
    from agents.llm import build_llm
    from agents.ui.voice import analysis_json, measure_answer
    from agents.voice import VoiceError, build_stt

    settings = settings_from_args(args)
    stt = build_stt(settings)
    if stt is None:
        raise CLIError("speech to text is turned off (BARRAISER_VOICE_STT=off)")
    if not Path(args.file).is_file():
        raise CLIError(f"audio file not found: {args.file}")
    try:
        spoken, grade = measure_answer(stt, Grader(build_llm(settings)), args.file, args.question)
    except VoiceError as e:
        raise CLIError(str(e)) from e
    if args.json:
        print(json.dumps(analysis_json(spoken, grade), ensure_ascii=False, indent=2))
        return 0
    print(spoken.transcript)
    print()
    print(timeline_markdown([spoken.summary()]))
    print(f"\ngrade {grade.overall}/5; top gap: {grade.top_gap}")
    return 0
