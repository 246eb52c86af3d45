"""`barraiser prompts`: generate fresh behavioral prompts, print them and optionally export them."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agents.question_gen.export import export, format_text, to_json
from agents.question_gen.generator import generate
from agents.question_gen.request import PromptRequest
from agents.validation import first_validation_error

if TYPE_CHECKING:
    from agents.config import Settings


def read_practised(path: str) -> list[str]:
    """Practised prompts from a file: a JSON list (strings or prompt objects) or one per line."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list or one prompt per line")
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            out.append(item["text"])
    return out


def request_from_args(args: Any) -> PromptRequest:
    """The prompt request the arguments describe; ValueError names the bad file or field."""
    context = None
    if args.context:
        try:
            context = Path(args.context).read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise ValueError(f"cannot read --context file {args.context}: {e.strerror}") from e
    practised: list[str] = []
    if args.practised:
        try:
            practised = read_practised(args.practised)
        except OSError as e:
            raise ValueError(f"cannot read --practised file {args.practised}: {e.strerror}") from e
    try:
        return PromptRequest(
            lps=args.lp or [], level=args.level, role_family=args.role_family,
            themes=args.theme or [], n=args.n, context=context, practised=practised,
            seed=args.seed,
        )  # fmt: skip
    except ValidationError as e:
        raise ValueError(first_validation_error(e)) from e


def run_cli(args: Any, settings: Settings, out: Any = None, err: Any = None) -> int:
    """`barraiser prompts`: generate, print (text or --json) and optionally export (--out)."""
    from agents.embeddings import get_embedding_function
    from agents.llm import build_llm

    out = out or sys.stdout
    err = err or sys.stderr
    request = request_from_args(args)
    settings.ensure_dirs()
    get_embedding_function(settings.embedding_threads or None)
    batch = generate(request, build_llm(settings), settings=settings)
    for notice in batch.notices:
        print(f"note: {notice}", file=err)
    out.write(to_json(batch) + "\n" if args.json else format_text(batch))
    if args.out:
        try:
            path = export(batch, args.out)
        except OSError as e:
            raise ValueError(f"could not write {args.out}: {e.strerror}") from e
        print(f"wrote {len(batch)} prompt(s) to {path}", file=err)
    return 0 if batch else 1
