"""Behaviour is unchanged by refactors: the public commands reproduce the committed golden outputs.

Regenerate deliberately with `python -m tests.golden.record` and list the intended change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden.record import DEFAULT_OUT, record

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_public_commands_reproduce_golden_outputs(tmp_path: Path) -> None:
    """`grade`, 30 drills, `prompts` and `stories search` are byte-identical to the goldens."""
    fresh = tmp_path / "golden"
    record(fresh)
    want, got = _files(DEFAULT_OUT), _files(fresh)
    assert sorted(got) == sorted(want)
    differing = [name for name in want if want[name].read_bytes() != got[name].read_bytes()]
    assert not differing, f"changed outputs: {differing[:10]}"
