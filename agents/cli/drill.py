"""`barraiser drill`: a drill in the terminal, or non-interactively from scripted answers.

Every turn is saved to the session database as it happens; `--resume` continues the latest
unfinished drill (or the one named) after the process was stopped or killed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.cli.common import CLIError, settings_from_args

if TYPE_CHECKING:
    from agents.services import Services


def add_parser(sub: Any) -> None:
    """Register `drill` on the subcommand parsers."""
    drill = sub.add_parser("drill", help="run a drill in the terminal")
    drill.add_argument(
        "--role", default="sde2", choices=["sde1", "sde2", "senior", "manager", "nontech"]
    )
    drill.add_argument("--round", default="loop", choices=["phone", "loop", "bar_raiser"])
    drill.add_argument("--mode", default="coach", choices=["coach", "interview"])
    drill.add_argument("--lp", action="append", help="target LP slug (repeatable)")
    drill.add_argument("--seed", type=int, default=None)
    drill.add_argument("--answers", help='scripted answers: JSONL lines {"text": ...}')
    drill.add_argument(
        "--audio-answers", metavar="DIR", help="spoken answers: one WAV per turn, in name order"
    )
    drill.add_argument("--transcript", help="write the transcript as JSON here")
    drill.add_argument("--markdown", help="write the transcript and debrief as Markdown here")
    drill.add_argument("--pdf", help="write the shareable report (with charts) as a PDF here")
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


def cmd_drill(args: argparse.Namespace) -> int:
    """Run a drill in the terminal, or non-interactively from scripted answers."""
    from agents.drill.sessions import SessionStoreError
    from agents.services import build_services

    try:
        services = build_services(settings_from_args(args))
    except SessionStoreError as e:  # bad database URL or server down: one line, no traceback
        raise CLIError(str(e)) from e
    if args.progress:
        assert services.sessions is not None
        rows = [p.model_dump() for p in services.sessions.progress(args.user)]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    state = _resume(services, args) if args.resume is not None else _start(services, args)
    for turn in state.turns:
        _print_turn(turn.text, args, who=turn.role)
    if not args.quiet:
        print(f"\n(session {state.id}; type /skip, /repeat, /clarify, /pause or /end)", flush=True)
    if args.audio_answers:
        _converse_spoken(services, state, args)
    else:
        _converse(services.interviewer, state, args)
    _write_outputs(state, args)
    if args.pdf:
        from agents.cli.report_writer import write_report

        write_report(state, services.sessions, args.pdf, None)
    return 0


def _resume(services: Services, args: argparse.Namespace) -> Any:
    """The unfinished drill named by --resume (or the latest one)."""
    state = services.interviewer.resume(user=args.user, session_id=args.resume or None)
    if state is None:
        raise CLIError("no unfinished drill to resume")
    return state


def _start(services: Services, args: argparse.Namespace) -> Any:
    """A new drill from the command-line options, after checking them."""
    from agents.drill.state import DrillConfig

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
    return services.interviewer.start(config, user=args.user)


def _converse(interviewer: Any, state: Any, args: argparse.Namespace) -> None:
    """Answer turn by turn until the drill is done or the answers run out."""
    answers = _scripted_answers(args.answers) if args.answers else None
    while state.status != "done":
        text = _next_answer(answers)
        if text is None:
            # Out of answers (script or stdin): end without inventing a candidate turn.
            for turn in interviewer.end(state, by_candidate=False):
                _print_turn(turn.text, args)
            break
        _stream_reply(interviewer, state, text, args)


def _converse_spoken(services: Services, state: Any, args: argparse.Namespace) -> None:
    """Answer turn by turn from recordings: each is transcribed, timed and sent as a reply."""
    from agents.ui.voice import measure_spoken
    from agents.voice import VoiceError

    stt = services.speech_to_text()
    if stt is None:
        raise CLIError("speech to text is turned off (BARRAISER_VOICE_STT=off)")
    folder = Path(args.audio_answers)
    if not folder.is_dir():
        raise CLIError(f"audio answers folder not found: {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".wav")
    if not files:
        raise CLIError(f"no .wav files in {folder}")
    for path in files:
        if state.status == "done" or state.current is None:
            break
        try:
            spoken = measure_spoken(stt, str(path))
        except VoiceError as e:
            raise CLIError(f"{path.name}: {e}") from e
        _print_turn(spoken.transcript, args, who="candidate")
        _stream_reply(services.interviewer, state, spoken.transcript, args, spoken.summary())
    if state.status != "done":
        for turn in services.interviewer.end(state, by_candidate=False):
            _print_turn(turn.text, args)


def _next_answer(answers: Iterator[str] | None) -> str | None:
    """The next scripted answer, else a line typed at the prompt; None when there is none."""
    if answers is not None:
        return next(answers, None)
    try:
        return input("\nyou> ")
    except EOFError:
        return None


def _stream_reply(
    interviewer: Any,
    state: Any,
    text: str,
    args: argparse.Namespace,
    voice: dict[str, Any] | None = None,
) -> None:
    """Print the interviewer's reply as it streams (a discarded stream is retried offline)."""
    streamed = False
    extra = {"voice": voice} if voice else None
    for event in interviewer.respond_stream(state, text, extra):
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


def _write_outputs(state: Any, args: argparse.Namespace) -> None:
    """The transcript as JSON (--transcript) and as Markdown with the debrief (--markdown)."""
    from agents.drill.transcript import transcript_json, transcript_markdown

    if args.transcript:
        out = Path(args.transcript)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(transcript_json(state), ensure_ascii=False, indent=2), "utf-8")
    if args.markdown:
        out = Path(args.markdown)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(transcript_markdown(state), "utf-8")


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
