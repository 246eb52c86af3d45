"""The one error the material readers raise: its message is written for the candidate."""

from __future__ import annotations


class MaterialError(ValueError):
    """A file that cannot be read as a resume or transcript; `str(e)` is the user message."""

    def __init__(self, message: str, *, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.kind = kind
