"""Coach-mode feedback on one question: the STAR(L) card and a stronger answer.

The stronger answer never invents: every sentence is the candidate's own (verbatim grader
evidence); what is missing becomes a bracketed question. Wording: `prompts/phrases/feedback.yaml`.
"""

from __future__ import annotations

import re

from agents.drill.phrases import feedback_phrases
from agents.drill.policy import NOT_A_STORY
from agents.drill.state import QuestionRecord
from agents.drill.wording import flag_names, gap_name, ownership_words
from agents.grading.grade import COMPONENTS, Grade


def _short(text: str, limit: int = 140) -> str:
    """One line of at most `limit` characters, cut with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def grade_card(grade: Grade) -> str:
    """A short Markdown STAR(L) card with quoted evidence."""
    card = feedback_phrases().card
    lines = [card.title.format(overall=grade.overall)]
    for name in COMPONENTS:
        comp = grade.components[name]
        quote = card.quote.format(text=_short(comp.evidence[0])) if comp.evidence else ""
        mark = card.present if comp.present else card.missing
        lines.append(card.component.format(mark=mark, name=name.title(), quote=quote))
    metrics = ", ".join(grade.measurability.metrics) or card.no_metrics
    lines.append(card.measurability.format(level=grade.measurability.level, metrics=metrics))
    share = round(grade.ownership.i_share * 100)
    who = ownership_words(grade.ownership.label, grade.ownership.i_share)
    lines.append(card.ownership.format(label=who, share=share))
    if grade.flags:
        lines.append(card.flags.format(flags=flag_names(grade.flags)))
    if grade.gaps:
        lines.append(card.biggest_gap.format(gap=gap_name(grade.gaps[0])))
    return "\n".join(lines)


def stronger_answer(exchange: str, grade: Grade) -> str:
    """Rebuild the answer in STAR(L) order from the candidate's own sentences, never inventing.

    Every sentence is verbatim grader evidence from `exchange`; what is missing becomes a
    bracketed placeholder question, so no fact or number appears that the candidate did not say.
    """
    phrases = feedback_phrases().stronger_answer
    if NOT_A_STORY & set(grade.flags):
        return "\n".join([phrases.not_a_story, *phrases.placeholders.values()])
    parts: list[str] = []
    for name in COMPONENTS:
        comp = grade.components[name]
        evidence = [e for e in comp.evidence if e and e in exchange]
        if not evidence:
            parts.append(phrases.placeholders[name])
            continue
        line = phrases.line.format(
            label=name.title(), evidence=" ".join(e.strip() for e in evidence)
        )
        if name == "action" and grade.ownership.label == "we":
            line += phrases.we_hint
        if name == "result" and grade.measurability.level <= 1:
            line += phrases.unmeasured_hint
        elif name == "result" and grade.measurability.level == 2:
            line += phrases.baseline_hint
        parts.append(line)
    return "\n".join(parts)


def question_feedback(q: QuestionRecord) -> str:
    """The coach's card for a closed question: grade, what probing drew out, a stronger answer."""
    assert q.grade is not None
    coach = feedback_phrases().coach
    parts = [grade_card(q.grade)]
    if q.first_grade is not None and q.grade.overall > q.first_grade.overall:
        parts.append(coach.lifted.format(first=q.first_grade.overall, final=q.grade.overall))
    if q.reused_from is not None:
        parts.append(coach.reused.format(number=q.reused_from + 1))
    if q.stronger_answer:
        parts.append(f"{coach.stronger_heading}\n\n{q.stronger_answer}")
    return "\n\n".join(parts)
