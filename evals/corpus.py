"""Load the multi-voice labelled corpus (`evals/data/corpus/*.jsonl`, see LABELS.md there).

Each record's answer is its labelled sentences joined by single spaces. The grader splits answers
with `agents.textutil.split_sentences`, which may cut a long spoken sentence into clauses; for
training and evaluation every span the splitter makes inherits the roles of the labelled sentence
it overlaps most, so the model learns on exactly the units it will see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from agents.grading.roles_model import ROLES
from agents.textutil import split_sentences

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"
GAP_ORDER = ("action", "ownership", "result", "measurability", "situation", "task", "learning")


@dataclass
class Answer:
    """One labelled answer with its splitter spans and their roles."""

    id: str
    voice: str
    story: str
    question: str
    answer: str
    labels: dict
    sentences: list[dict]
    spans: list[str] = field(default_factory=list)
    span_roles: list[set[str]] = field(default_factory=list)

    @property
    def components(self) -> dict[str, bool]:
        """A part is present when a labelled sentence carries its role."""
        return {r: any(r in s["roles"] for s in self.sentences) for r in ROLES}

    @property
    def top_gap(self) -> str:
        """The highest-priority gap under the README's rules."""
        lab = self.labels
        if lab.get("hypothetical"):
            return "hypothetical"
        if lab.get("non_answer"):
            return "non_answer"
        comp = self.components
        gaps = []
        if not comp["action"]:
            gaps.append("action")
        elif lab["ownership"] == "we":
            gaps.append("ownership")
        if not comp["result"]:
            gaps.append("result")
        elif lab["measurability"] <= 1:
            gaps.append("measurability")
        gaps += [n for n in ("situation", "task", "learning") if not comp[n]]
        return gaps[0] if gaps else "none"


def _align(rec: dict) -> tuple[str, list[str], list[set[str]]]:
    texts = [s["text"] for s in rec["sentences"]]
    answer = " ".join(texts)
    bounds, pos = [], 0
    for t in texts:
        bounds.append((pos, pos + len(t)))
        pos += len(t) + 1
    spans, roles = [], []
    for span in split_sentences(answer):
        overlaps = [max(0, min(e, span.end) - max(s, span.start)) for s, e in bounds]
        best = max(range(len(bounds)), key=overlaps.__getitem__)
        spans.append(span.text)
        roles.append({r for r in rec["sentences"][best]["roles"] if r in ROLES})
    return answer, spans, roles


def load_file(path: Path) -> list[Answer]:
    """Every record of one voice file."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        answer, spans, roles = _align(rec)
        out.append(Answer(
            id=rec["id"], voice=rec["voice"], story=rec["story"], question=rec["question"],
            answer=answer, labels=rec["labels"], sentences=rec["sentences"], spans=spans,
            span_roles=roles,
        ))  # fmt: skip
    return out


def load_corpus(directory: Path = CORPUS_DIR, voices: Iterable[str] | None = None) -> list[Answer]:
    """All answers of the chosen voices (every `*.jsonl` in the corpus folder by default)."""
    wanted = set(voices) if voices is not None else None
    answers: list[Answer] = []
    for path in sorted(directory.glob("*.jsonl")):
        if wanted is None or path.stem in wanted:
            answers.extend(load_file(path))
    return answers


def is_dev_story(story: str) -> bool:
    """Odd story numbers are the dev part of the corpus (read while tuning); even ones are not."""
    return int(re.search(r"(\d+)$", story).group(1)) % 2 == 1  # type: ignore[union-attr]
