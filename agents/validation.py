"""Pydantic validation errors as words a person can act on, and YAML data files loaded through
them: every error names the file and the key at fault, so whoever edits the data can fix it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def _message(err: Any) -> str:
    """pydantic's message without the "Value error, " it puts before a validator's own words."""
    return str(err["msg"]).removeprefix("Value error, ")


def describe_validation_error(
    error: ValidationError, *, prefix: Sequence[str | int] = (), root: str = "<root>"
) -> str:
    """Every error as `key.path: message`, joined by "; " (`root` names an error at the top)."""
    return "; ".join(
        (".".join(str(p) for p in (*prefix, *err["loc"])) or root) + ": " + _message(err)
        for err in error.errors()
    )


def first_validation_error(error: ValidationError, *, located: bool = True) -> str:
    """The first error alone: `key.path: message`, or only the message when not `located`."""
    first = error.errors()[0]
    if not located:
        return _message(first)
    return ".".join(str(p) for p in first["loc"]) + ": " + _message(first)


def read_yaml(path: Path, what: str, error: type[Exception] = ValueError) -> Any:
    """The parsed YAML of `path`; an unreadable file or bad YAML raises `error` naming the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise error(f"{path}: cannot read {what} ({e})") from e


def load_yaml_model(
    path: Path, model: type[M], what: str, error: type[Exception] = ValueError
) -> M:
    """Read `path` and validate it as `model`; any problem raises `error` naming file and key."""
    raw = read_yaml(path, what, error)
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        raise error(f"{path}: {describe_validation_error(e)}") from e
