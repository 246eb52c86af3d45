"""The end-of-drill debrief: every number comes from the question grades by fixed rules.

Signal (`SIGNAL_RULE`), per-LP scores, the STAR(L) heatmap, trends, the top improvements with the
candidate's own words, and stories to prepare. Wording: `prompts/phrases/debrief.yaml`; the
Markdown is rendered by `agents.drill.transcript`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from agents.drill.phrases import debrief_phrases
from agents.drill.policy import policy_gaps
from agents.drill.state import (
    Debrief,
    DrillState,
    HeatmapRow,
    Improvement,
    LPScore,
    QuestionRecord,
    Signal,
    StorySuggestion,
    Trends,
    question_score,
    reached,
)
from agents.drill.story_checks import STORY_MATCH_SCORE
from agents.grading.grade import COMPONENTS, Grade
from agents.lp.demands import load_demands
from agents.lp.roles import ROLE_LPS
from agents.textutil import split_sentences

if TYPE_CHECKING:
    from agents.lp.principles import Principle

StoryLookup = Callable[[str, str, str], dict[str, Any] | None]
Asked = Sequence[tuple[int, QuestionRecord]]

SIGNAL_RULE = debrief_phrases().signal_rule
# How much each remaining gap costs; also the tie-break order of the improvements.
_GAP_WEIGHT = {
    "off_topic": 4.0,
    "hypothetical": 4.0,
    "non_answer": 4.0,
    "action": 2.0,
    "result": 2.0,
    "ownership": 1.5,
    "measurability": 1.5,
    "decision": 1.0,
    "learning": 1.0,
    "situation": 0.5,
    "task": 0.5,
}
_WE = re.compile(r"\b(?:we|our team|the team)\b", re.I)
_WOULD = re.compile(r"\b(?:would|I'd|I'll|will)\b", re.I)


def signal_from(scores: Sequence[int], integrity_flag: bool, quantified: float = 1.0) -> Signal:
    """The documented rule (`SIGNAL_RULE`): question scores, the share of answers with a
    quantified result, and integrity flags mapped to an Amazon-style signal."""
    if not scores:
        return "not_inclined"
    mean = sum(scores) / len(scores)
    low = min(scores)
    if mean >= 4.0 and low >= 3 and quantified >= 0.5 and not integrity_flag:
        return "strong"
    if mean >= 3.0 and low >= 2:
        return "inclined"
    return "not_inclined"


def _graded(q: QuestionRecord) -> Grade | None:
    """The question's exchange grade when it was really answered (not skipped)."""
    return q.grade if (q.grade is not None and q.answers and not q.skipped) else None


def _clip(sentence: str, limit: int = 200) -> str:
    """A verbatim sentence, cut at a word boundary with an ellipsis when long."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _quotes_for_gap(q: QuestionRecord, gap: str) -> list[str]:
    """Verbatim sentences from the candidate's answers that show a gap."""
    text = "\n\n".join(q.answers)
    sentences = [s.text for s in split_sentences(text)]
    if not sentences:
        return []
    assert q.grade is not None
    picked: list[str]
    if gap == "ownership":
        picked = [s for s in sentences if _WE.search(s)][:2]
    elif gap == "hypothetical":
        picked = [s for s in sentences if _WOULD.search(s)][:2]
    elif gap == "measurability":
        picked = list(q.grade.components["result"].evidence[:1]) or sentences[-1:]
    elif gap == "decision":
        picked = list(q.grade.components["action"].evidence[:1])
    elif gap in ("result", "learning"):
        picked = sentences[-1:]
    else:
        picked = sentences[:1]
    return [_clip(s) for s in picked]


def _direction(values: Sequence[float]) -> Literal["improving", "declining", "steady", "n/a"]:
    if len(values) < 2:
        return "n/a"
    if values[-1] > values[0]:
        return "improving"
    if values[-1] < values[0]:
        return "declining"
    return "steady"


def _lp_scores(asked: Asked, principles: dict[str, Principle]) -> list[LPScore]:
    """Mean question score per principle, in the order the principles were asked."""
    per_lp: dict[str, list[int]] = {}
    for _, q in asked:
        per_lp.setdefault(q.lp, []).append(question_score(q))
    return [
        LPScore(
            lp=lp,
            name=principles[lp].name if lp in principles else lp,
            score=round(sum(v) / len(v), 2),
            questions=len(v),
        )
        for lp, v in per_lp.items()
    ]


def _heatmap_row(i: int, q: QuestionRecord) -> HeatmapRow:
    """STAR(L) strengths of one question's exchange and of its first answer."""
    grade = _graded(q)
    first = q.first_grade if grade is not None else None
    status: Literal["graded", "skipped", "no_answer"] = (
        "skipped" if q.skipped else ("graded" if grade else "no_answer")
    )
    return HeatmapRow(
        index=i,
        lp=q.lp,
        question=q.question,
        status=status,
        cells={n: grade.components[n].strength if grade else 0 for n in COMPONENTS},
        first_cells={n: first.components[n].strength if first else 0 for n in COMPONENTS},
        measurability=grade.measurability.level if grade else 0,
        ownership=grade.ownership.label if grade else "none",
        i_share=grade.ownership.i_share if grade else 0.0,
        score=question_score(q),
    )


def _trends(asked: Asked) -> Trends:
    """Measurability and ownership per answered question, final and first, and probe uplift."""
    trends = Trends()
    uplift: list[int] = []
    for _, q in asked:
        grade = _graded(q)
        first = q.first_grade if grade is not None else None
        if grade is not None and first is not None:
            trends.measurability.append(grade.measurability.level)
            trends.ownership.append(grade.ownership.i_share)
            trends.first_measurability.append(first.measurability.level)
            trends.first_ownership.append(first.ownership.i_share)
            uplift.append(grade.overall - first.overall)
    trends.measurability_direction = _direction(trends.measurability)
    trends.ownership_direction = _direction(trends.ownership)
    trends.probe_uplift = round(statistics.fmean(uplift), 2) if uplift else 0.0
    return trends


def _gap_items(q: QuestionRecord) -> list[tuple[str, float, str]]:
    """(key, weight, gap): remaining gaps at full weight, gaps filled only when probed at half."""
    assert q.grade is not None
    known = debrief_phrases().improvements
    final = policy_gaps(q.grade)
    first = policy_gaps(q.first_grade) if q.first_grade else []
    items = [(g, _GAP_WEIGHT.get(g, 0.5), g) for g in final if g in known]
    items += [
        (f"volunteer:{g}", _GAP_WEIGHT.get(g, 0.5) / 2, g)
        for g in first
        if g not in final and g in known
    ]
    return items


def _new_improvement(key: str, gap: str) -> Improvement:
    """An empty improvement for a gap, worded from the phrase file."""
    phrases = debrief_phrases()
    text = phrases.improvements[gap]
    title, advice = text.title, text.advice
    if key.startswith("volunteer:"):
        title = phrases.volunteer.title.format(title=f"{title[0].lower()}{title[1:]}")
        advice = phrases.volunteer.advice.format(advice=advice)
    return Improvement(key=key, title=title, advice=advice, value=0.0, lps=[], quotes=[])


def _improvements(asked: Asked) -> list[Improvement]:
    """The three highest-value improvements, each with up to two of the candidate's sentences."""
    found: dict[str, Improvement] = {}
    for _, q in asked:
        if _graded(q) is None:
            continue
        for key, weight, gap in _gap_items(q):
            imp = found.setdefault(key, _new_improvement(key, gap))
            imp.value = round(imp.value + weight, 2)
            if q.lp not in imp.lps:
                imp.lps.append(q.lp)
            source = q.first_grade if key.startswith("volunteer:") and q.first_grade else q.grade
            quotes = _quotes_for_gap(q, gap) if source is not None else []
            for quote in quotes:
                if quote not in imp.quotes and len(imp.quotes) < 2:
                    imp.quotes.append(quote)
    order = list(_GAP_WEIGHT)

    def rank(imp: Improvement) -> tuple[float, int]:
        gap = imp.key.split(":")[-1]
        return (-imp.value, order.index(gap) if gap in order else 99)

    return sorted(found.values(), key=rank)[:3]


def _weak_questions(asked: Asked) -> list[tuple[int, QuestionRecord, str]]:
    """(score, question, reason) for skipped, reused and low-scoring questions, weakest first."""
    reasons = debrief_phrases().story_reasons
    weak: list[tuple[int, QuestionRecord, str]] = []
    for _, q in asked:
        score = question_score(q)
        if q.skipped:
            weak.append((0, q, reasons.skipped))
        elif q.reused_from is not None:
            weak.append((score, q, reasons.reused))
        elif q.grade is not None and q.grade.missing_demand in load_demands():
            ask = load_demands()[q.grade.missing_demand].ask
            weak.append((score, q, reasons.off_topic.format(ask=ask)))
        elif score < 3:
            weak.append((score, q, reasons.low_score.format(score=score)))
    weak.sort(key=lambda item: item[0])
    return weak


def _suggest_stories(
    state: DrillState,
    principles: dict[str, Principle],
    asked: Asked,
    story_lookup: StoryLookup | None,
) -> list[StorySuggestion]:
    """Weakest principles first (score < 3, skipped, reused stories); else the next to cover."""
    out: list[StorySuggestion] = []
    seen: set[str] = set()
    for _, q, reason in _weak_questions(asked):
        if q.lp in seen or q.lp not in principles:
            continue
        seen.add(q.lp)
        p = principles[q.lp]
        # The question actually asked: the one the candidate needs a (better) story for.
        prompt = q.question
        suggestion = StorySuggestion(lp=q.lp, name=p.name, prompt=prompt, reason=reason)
        hit = story_lookup(state.user, q.lp, prompt) if story_lookup else None
        if hit and hit.get("score", 0) >= STORY_MATCH_SCORE:
            suggestion.story_id, suggestion.story_title = hit["id"], hit["title"]
        out.append(suggestion)
        if len(out) == 3:
            return out
    if not out:
        out = _uncovered(state, principles)
    return out


def _uncovered(state: DrillState, principles: dict[str, Principle]) -> list[StorySuggestion]:
    """Two of the role's common principles this drill did not cover."""
    covered = {q.lp for q in state.questions}
    reason = debrief_phrases().story_reasons.not_covered
    out: list[StorySuggestion] = []
    for lp in ROLE_LPS[state.config.role]:
        if lp in covered or lp not in principles:
            continue
        p = principles[lp]
        out.append(StorySuggestion(lp=lp, name=p.name, prompt=p.questions[0].text, reason=reason))
        if len(out) == 2:
            break
    return out


def _conduct(state: DrillState) -> dict[str, int]:
    """How often each flag (repeat, abuse, story reuse ...) and a skip happened in the drill."""
    conduct: dict[str, int] = {}
    for q in state.questions:
        for flag in q.flags:
            conduct[flag] = conduct.get(flag, 0) + 1
    skipped = sum(1 for q in state.questions if q.skipped)
    if skipped:
        conduct["skipped"] = skipped
    return conduct


def claim_notes(state: DrillState) -> list[str]:
    """One note per contradiction: the answer's figure against the resume, bank or earlier one."""
    from agents.material.phrases import material_phrases

    phrases = material_phrases().claims
    notes: list[str] = []
    for q in state.questions:
        for claim in q.claims:
            template = phrases.role if claim.get("kind") == "role" else phrases.resume
            notes.append(template.format(said=claim["said"], other=claim["other"],
                                         quote=_clip(claim["quote"], 120)))  # fmt: skip
        for inc in q.inconsistencies:
            template = phrases.bank if inc.get("source") == "bank" else phrases.session
            said = f"{inc['now']} {inc['unit']}".replace(" %", "%")
            other = f"{inc['earlier']} {inc['unit']}".replace(" %", "%")
            notes.append(template.format(said=said, other=other, quote=inc["earlier_quote"]))
    return list(dict.fromkeys(notes))


def build_debrief(
    state: DrillState,
    principles: dict[str, Principle],
    reason: str = "completed",
    story_lookup: StoryLookup | None = None,
) -> Debrief:
    """Compute the debrief from the question records by the documented rules."""
    asked = [(i, q) for i, q in enumerate(state.questions) if reached(q)]
    scores = [question_score(q) for _, q in asked]
    # Integrity and breadth: prompt injection, abuse or one story for several questions.
    integrity = any({"injection", "abuse", "story_reused"} & set(q.flags) for q in state.questions)
    graded = [q for _, q in asked if _graded(q) is not None]
    quantified = (
        sum(1 for q in graded if q.grade and q.grade.measurability.level >= 2) / len(graded)
        if graded
        else 0.0
    )
    signal = signal_from(scores, integrity, quantified)
    return Debrief(
        signal=signal,
        signal_label=getattr(debrief_phrases().signal_labels, signal),
        mean_score=round(sum(scores) / len(scores), 2) if scores else 0.0,
        lowest_score=min(scores) if scores else 0,
        rule=SIGNAL_RULE,
        per_lp=_lp_scores(asked, principles),
        heatmap=[_heatmap_row(i, q) for i, q in asked],
        trends=_trends(asked),
        improvements=_improvements(asked),
        suggested_stories=_suggest_stories(state, principles, asked, story_lookup),
        conduct=_conduct(state),
        story_reuse=[
            {"question": i, "reused_from": q.reused_from, "story_id": q.story_id}
            for i, q in enumerate(state.questions)
            if q.reused_from is not None
        ],
        claim_notes=claim_notes(state),
        not_answered=[
            {"index": i, "question": q.question, "missing_demand": q.grade.missing_demand}
            for i, q in asked
            if q.grade is not None and q.grade.missing_demand
        ],
        reason=reason,
    )
