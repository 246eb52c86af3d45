"""Reading a resume end to end: the file's text, a check that it is a resume, and its seeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.material.bullets import find_bullets, heading_of
from agents.material.errors import MaterialError
from agents.material.resume_text import file_format, resume_text
from agents.material.seeds import build_seeds
from agents.material.store import SavedResume

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier


def looks_like_resume(text: str) -> bool:
    """True when the text has a resume section heading or an achievement bullet."""
    if any(heading_of(line) is not None for line in text.splitlines()):
        return True
    return bool(find_bullets(text))


def read_resume_bytes(
    data: bytes, name: str, classifier: LPClassifier | None = None
) -> SavedResume:
    """The resume's text and story seeds; MaterialError for a file that is not a usable resume."""
    text = resume_text(data, file_format(name), name)
    if not looks_like_resume(text):
        raise MaterialError(
            f"'{name}' does not look like a resume: no Experience, Projects or Education "
            "section was found. Import a resume, or paste your achievements as a list.",
            kind="not_resume",
        )
    return SavedResume(name=name, text=text, seeds=build_seeds(text, classifier=classifier))
