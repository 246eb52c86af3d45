"""evals/RESULTS.md, one `## ` section per eval command: each `--write` replaces only its own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(section: str, path: Path = RESULTS, drop: Sequence[str] = ()) -> None:
    """Replace the section whose title line is exactly `section`'s first line, where it stands
    (or append it), leaving every other section alone. "## Grader" must not take "## Grader:
    leave-one-voice-out" with it, so titles match whole lines. `drop`: earlier titles of the same
    section, removed."""
    title = section.splitlines()[0].rstrip()
    text = path.read_text("utf-8") if path.exists() else "# Evaluation results\n"
    for old in drop:
        text = _section(old).sub("", text)
    pattern = _section(title)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    path.write_text(text.rstrip("\n") + "\n", "utf-8")


def _section(title: str) -> re.Pattern[str]:
    """A `## ` section from its exact title line up to the next section or the end."""
    return re.compile(rf"^{re.escape(title)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
