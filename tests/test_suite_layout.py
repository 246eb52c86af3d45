"""`make test` runs the browser tests as `pytest -m browser tests/browser` (collecting only that
folder saves each xdist worker importing the whole suite): a browser test anywhere else would
silently never run."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BROWSER_MARK = re.compile(r"\bpytest\.mark\.browser\b")


def test_every_browser_test_lives_in_tests_browser() -> None:
    stray = [
        str(p.relative_to(TESTS))
        for p in sorted(TESTS.rglob("*.py"))
        if "browser" not in p.relative_to(TESTS).parts[:1]
        and p.name != Path(__file__).name
        and BROWSER_MARK.search(p.read_text("utf-8"))
    ]
    assert not stray, f"move these browser tests into tests/browser/: {stray}"


def test_the_makefile_runs_the_browser_folder() -> None:
    makefile = (TESTS.parent / "Makefile").read_text("utf-8")
    assert re.search(r"pytest -q -m browser tests/browser\b", makefile), makefile
