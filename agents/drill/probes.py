"""Probes: which phrasing to ask for a gap or a deep dive, and asking it.

Phrasings come from `prompts/phrases/probes.yaml`, after the grader's own follow-ups for the gap
(so an offline probe matches what `barraiser grade` suggests). Probes never repeat within a drill
(compared by `norm_probe`); the LLM may reword the chosen template, never choose the gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from agents.drill.context import DrillContext, say
from agents.drill.phrases import probe_phrases
from agents.drill.phrasing import COACHING_RE, candidate_numbers, llm_phrase, numbers_in
from agents.drill.state import DrillState, QuestionRecord, StreamEvent, drill_rng
from agents.grading.grade import FOLLOW_UPS
from agents.prompts import leaks_prompt
from agents.textutil import split_sentences

if TYPE_CHECKING:
    from agents.lp.principles import Principle

_PHRASES = probe_phrases()
# Every probe ends with a question mark (the UI and the candidate both expect a question); the
# bank's own entries are checked on load, the grader's follow-ups are filtered here.
PROBE_BANK: dict[str, tuple[str, ...]] = {
    gap: tuple(o for o in (*FOLLOW_UPS.get(gap, ()), *options) if o.rstrip().endswith("?"))
    for gap, options in _PHRASES.bank.items()
}
# Variants that quote the candidate (a short verbatim fragment) so the probe sounds heard.
QUOTED_PROBES: dict[str, tuple[str, ...]] = {
    gap: tuple(options) for gap, options in _PHRASES.quoted.items()
}
# Amazon deep dives once the story is complete; "lp" is the principle's own probes.
DEEP_DIVES: dict[str, tuple[str, ...]] = {
    category: tuple(options) for category, options in _PHRASES.deep_dives.items()
}
DEEP_DIVE_ORDER: tuple[str, ...] = tuple(_PHRASES.deep_dive_order)
GAP_LABELS: dict[str, str] = dict(_PHRASES.gap_labels)
_WE = re.compile(r"\b(?:we|our team|the team)\b", re.I)


def norm_probe(text: str) -> str:
    """Case- and space-insensitive form used to guarantee probes never repeat."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def gap_of_template(text: str) -> str | None:
    """The gap a bank probe belongs to (reverse lookup, used by the evals)."""
    core = norm_probe(text)
    for gap, options in PROBE_BANK.items():
        if any(norm_probe(o) == core or core.endswith(norm_probe(o)) for o in options):
            return gap
    return None


def used_probes(state: DrillState) -> set[str]:
    """Every probe of the drill so far, normalised."""
    return {norm_probe(p) for p in state.all_probes}


def _consistency_probe(q: QuestionRecord, used: set[str]) -> str | None:
    """Ask which of two conflicting figures is right, quoting both."""
    inc = q.inconsistencies[0]
    places = _PHRASES.consistency_where
    where = places.bank if inc.get("source") == "bank" else places.session
    options = [
        template.format(
            Where=f"{where[0].upper()}{where[1:]}",
            where=where,
            earlier=inc["earlier_quote"],
            now=inc["now_quote"],
        )
        for template in _PHRASES.consistency
    ]
    return next((o for o in options if norm_probe(o) not in used), None)


def template_probe(state: DrillState, q: QuestionRecord, gap: str) -> str | None:
    """An unused phrasing for `gap`: quoted variants when a fragment fits, else the bank."""
    used = used_probes(state)
    rng = drill_rng(state, f"probe:{gap}")
    if gap == "consistency" and q.inconsistencies:
        return _consistency_probe(q, used)
    if gap == "off_topic":
        # The grader's redirect already names what the question asked for; said once.
        probe = q.grade.follow_up if q.grade is not None else ""
        return probe if probe and norm_probe(probe) not in used else None
    quote = quote_for(q, gap)
    candidates: list[str] = []
    if quote and gap in QUOTED_PROBES:
        candidates += [t.format(quote=quote) for t in QUOTED_PROBES[gap]]
    bank = list(PROBE_BANK.get(gap, ()))
    rng.shuffle(bank)
    # Prefer quoting the candidate half the time: it shows they were heard.
    candidates = candidates + bank if rng.random() < 0.5 else bank + candidates
    for option in candidates:
        if norm_probe(option) not in used:
            return option
    return None


def quote_for(q: QuestionRecord, gap: str) -> str | None:
    """A short verbatim fragment of the candidate's words the probe can refer to."""
    if q.grade is None:
        return None
    sentences: list[str] = []
    if gap == "ownership":
        sentences = [s.text for a in q.answers for s in split_sentences(a) if _WE.search(s.text)]
    elif gap == "measurability":
        sentences = list(q.grade.components["result"].evidence)
    elif gap == "decision":
        sentences = list(q.grade.components["action"].evidence)
    for sentence in sentences:
        words = sentence.strip().rstrip(".!?").split()
        if 3 <= len(words) <= 10 and '"' not in sentence:
            return " ".join(words)
        if len(words) > 10:
            return " ".join(words[:8]).rstrip(",;:") + "…"
    return None


def deep_dive(
    state: DrillState, q: QuestionRecord, principle: Principle | None
) -> tuple[str, str] | None:
    """The next deep-dive category not used on this question, with an unused phrasing."""
    used = used_probes(state)
    done = {g.split(":", 1)[1] for g in q.probed_gaps if g.startswith("deep_dive:")}
    start = len(state.questions) % len(DEEP_DIVE_ORDER)
    order = DEEP_DIVE_ORDER[start:] + DEEP_DIVE_ORDER[:start]
    rng = drill_rng(state, "deep")
    for category in order:
        if category in done:
            continue
        if category == "lp":
            options = list(principle.probes) if principle else []
        else:
            options = list(DEEP_DIVES[category])
        rng.shuffle(options)
        for option in options:
            if norm_probe(option) not in used:
                return category, option
    return None


def probe_variables(
    state: DrillState, q: QuestionRecord, gap: str, template: str, principle: Principle | None
) -> dict[str, Any]:
    """The variables of the `interviewer_probe` prompt for this probe."""
    goal = _PHRASES.llm_goals.get(gap, _PHRASES.llm_goal_deep_dive)
    return {
        "lp_name": principle.name if principle else q.lp,
        "question": q.question,
        "goal": goal,
        "example": template,
        "avoid": state.all_probes[-12:],
        "round_type": state.config.round_type,
    }


def probe_ok(state: DrillState) -> Callable[[str], bool]:
    """Whether an LLM phrasing may be said: one question, new, no invented numbers, no coaching."""
    allowed = candidate_numbers(state)
    used = used_probes(state)

    def ok(text: str) -> bool:
        return (
            5 <= len(text) <= 300
            and 1 <= text.count("?") <= 2
            and "<" not in text
            and norm_probe(text) not in used
            and set(numbers_in(text)) <= allowed
            and not COACHING_RE.search(text)
            and not leaks_prompt(text)
        )

    return ok


def coach_note(gap: str) -> str:
    """Coach mode: what the probe is after, said above it."""
    notes = _PHRASES.coach_notes
    if gap.startswith("deep_dive"):
        return notes.deep_dive
    return notes.gap.format(label=GAP_LABELS.get(gap, gap))


def ask_probe(
    ctx: DrillContext, state: DrillState, q: QuestionRecord, gap: str, template: str
) -> Iterator[StreamEvent]:
    """Phrase the probe (LLM when available, else the template) and say it."""
    source = "template"
    core = template
    variables = probe_variables(state, q, gap, template, ctx.principles.get(q.lp))
    phrased = yield from llm_phrase(ctx, state, "interviewer_probe", variables, probe_ok(state))
    spoken = core
    if phrased is not None:
        core = spoken = phrased
        source = "llm"
    elif not (
        gap.startswith("deep_dive") or gap in ("consistency", "off_topic")
        or '"' in template
    ):
        # A short acknowledgement in front makes template probes sound less mechanical;
        # uniqueness is checked on the core so a new "Okay." never disguises a repeat.
        spoken = drill_rng(state, "ack").choice(_PHRASES.acknowledgements) + template
    q.probes.append(core)
    q.probed_gaps.append(gap)
    state.awaiting = "probe"
    meta: dict[str, Any] = {"gap": gap, "probe": core, "template": template, "source": source}
    if state.config.mode == "coach":
        note = coach_note(gap)
        meta["coach_note"] = note
        spoken = f"_{note}_\n\n{spoken}"
    say(ctx, state, "probe", spoken, lp=q.lp, meta=meta)
