"""Story seeds: each achievement bullet with a title, its metrics verbatim, suggested LPs and the
STAR(L) parts it does not tell yet (read by the grader's offline analyzer)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from agents.grading.grade import COMPONENTS, Grade
from agents.material.bullets import Bullet, find_bullets
from agents.material.phrases import material_phrases
from agents.textutil import find_metrics

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier

# A title is the bullet's opening, cut at the first joint after this many words, at most _MAX.
_TITLE_MIN, _TITLE_MAX = 3, 9
_TITLE_JOINT = re.compile(
    r",|;|:|\s[-–—]\s|\s(?:by|through|via|using|resulting|which|while|so that|to cut|to reduce)\s"
)
_PASSIVE = re.compile(r"\b(?:\w+ed|used|run|seen|made|built|won|read|chosen|taken)$")
# A suggested LP is kept when its share is at least this part of the top one's (as auto-tagging).
LP_SHARE = 0.5
MAX_LPS = 3


class LPSuggestion(BaseModel):
    """One suggested leadership principle with the classifier's share."""

    lp: str
    share: float


class MissingPart(BaseModel):
    """A STAR(L) part the bullet does not tell yet, and the question that draws it out."""

    part: str
    prompt: str


class StorySeed(BaseModel):
    """An achievement bullet ready to grow into a story."""

    id: str
    title: str
    text: str
    metrics: list[str] = Field(default_factory=list)
    lps: list[LPSuggestion] = Field(default_factory=list)
    missing: list[MissingPart] = Field(default_factory=list)
    present: list[str] = Field(default_factory=list)
    role: str = ""
    section: str = ""


def seed_title(text: str) -> str:
    """A short title: the bullet's opening up to its first joint ("Cut checkout latency")."""
    for joint in _TITLE_JOINT.finditer(text):
        head = text[: joint.start()]
        if joint.group(0).strip() == "by" and _PASSIVE.search(head):
            continue  # "used by 1.2 million customers" belongs to the title's object
        if len(head.split()) >= _TITLE_MIN:
            if len(head.split()) <= _TITLE_MAX + 3:
                return head.strip(" ,.;:")
            break
    return " ".join(text.split()[:_TITLE_MAX]).strip(" ,.;:")


def as_spoken(text: str) -> str:
    """A bullet as the candidate would say it ("Cut X, saving Y" -> "I cut X. Saving Y."):
    bullets drop the "I", and the grader reads ownership and actions from first-person
    sentences and gives each sentence one role, so the clause after the first comma (usually
    the outcome) becomes a sentence of its own."""
    words = text.split(maxsplit=1)
    if not words:
        return text
    first = words[0] if words[0].isupper() and len(words[0]) > 1 else words[0].lower()
    spoken = " ".join(["I", first, *words[1:]])
    head, comma, tail = spoken.partition(", ")
    if comma and len(head.split()) >= 4 and len(tail.split()) >= 2:
        spoken = f"{head}. {tail[0].upper()}{tail[1:]}"
    return spoken if spoken.endswith((".", "!", "?")) else f"{spoken}."


def _suggest(classifier: LPClassifier | None, texts: Sequence[str]) -> list[list[LPSuggestion]]:
    """The classifier's top LPs per text (top one, plus runners-up with half its share)."""
    if classifier is None or not texts:
        return [[] for _ in texts]
    from agents.lp.classifier import softmax

    out = []
    for row in classifier.scores(list(texts)):
        share = softmax(row)
        order = np.argsort(-row, kind="stable")[:MAX_LPS]
        top = float(share[order[0]])
        out.append(
            [
                LPSuggestion(lp=classifier.slugs[j], share=round(float(share[j]), 4))
                for j in order
                if float(share[j]) >= LP_SHARE * top
            ]
        )
    return out


def seed_from(bullet: Bullet, grade: Grade, lps: list[LPSuggestion]) -> StorySeed:
    """One seed from a bullet and its offline grade."""
    prompts = material_phrases().missing
    present = [c for c in COMPONENTS if grade.components[c].present]
    missing = [
        MissingPart(part=c, prompt=getattr(prompts, c)) for c in COMPONENTS if c not in present
    ]
    digest = hashlib.sha256(bullet.text.encode()).hexdigest()[:12]
    return StorySeed(
        id=f"seed-{digest}",
        title=seed_title(bullet.text),
        text=bullet.text,
        metrics=find_metrics(bullet.text),
        lps=lps,
        missing=missing,
        present=present,
        role=bullet.role,
        section=bullet.section,
    )


def build_seeds(
    text: str,
    *,
    classifier: LPClassifier | None = None,
    grade: Callable[[str], Grade] | None = None,
) -> list[StorySeed]:
    """Story seeds for every achievement bullet of resume text."""
    if grade is None:
        from agents.grading.learned import analyze

        grade = analyze
    bullets = find_bullets(text)
    suggestions = _suggest(classifier, [b.text for b in bullets])
    pairs = zip(bullets, suggestions, strict=True)
    return [seed_from(b, grade(as_spoken(b.text)), s) for b, s in pairs]
