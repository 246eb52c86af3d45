"""The story bank's errors: what the caller can fix (StoryError) and what the storage did."""

from __future__ import annotations

from collections.abc import Sequence


class StoryError(ValueError):
    """A story-bank request the caller can fix (bad input, unknown story, bad user)."""


class StoryNotFoundError(StoryError, KeyError):
    """No story with that id for that user."""

    def __str__(self) -> str:
        """Plain message (KeyError would quote it)."""
        return str(self.args[0]) if self.args else "story not found"


class StoryImportError(StoryError):
    """An import file is unreadable or invalid; nothing from it was saved."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<input>",
        line: int | None = None,
        field: str | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        """Build `source:line: message` so the user can jump to the bad spot."""
        self.source = source
        self.line = line
        self.field = field
        self.problems = list(problems)
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class StoryBankError(RuntimeError):
    """The storage backend (embedded Chroma or a Chroma server) failed or is unreachable."""


class StaleCollectionError(StoryBankError):
    """A cached collection handle points at a collection another process has deleted."""
