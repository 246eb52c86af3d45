"""Evaluate the interviewer with simulated candidates; writes "## Interviewer" in RESULTS.md.

Run: `python -m evals.interviewer_eval [--quick] [--no-write]`.

Every persona of `evals.simulated_candidates` runs whole drills under several set-ups (interview
and coach mode; phone, loop and bar-raiser rounds; a tight 8-minute time-box) and seeds, on an
injected clock (each reply takes 15 s of thinking plus speaking at 150 words a minute). The
harness then checks machine-verifiable properties from the transcript and the question records,
recomputing what it checks instead of trusting the interviewer's bookkeeping:

- targeting: each probe that follows an answer aims at the first not-yet-probed gap of the
  exchange so far, re-graded here with a fresh offline grader (grader gaps, with a thin action
  adding "decision" after the result gaps); a deep dive counts as on target only when no
  unprobed gap remained and the story was real (not hypothetical, not a non-answer).
  Consistency probes (a figure contradicting an earlier telling) are outside this rule and
  reported separately.
- repeats: identical probes (case and punctuation ignored) within a drill.
- coaching leaks: in interview mode, any interviewer turn before the debrief that is feedback,
  carries a grade, or uses coaching words (STAR, score, grade, tip, measurable, /5, ...).
- time-box: a question or probe asked after the drill's time, a probe asked after the question's
  share of the time, or a drill not finished with a debrief.
- debrief consistency: per-question scores, per-LP means, mean, lowest, signal (recomputed by
  the documented rule) and heatmap cells all agree with the grades; every grade reproduces when
  the exchange is graded again; every improvement quote is verbatim from the candidate.
- invented numbers: a number in a stronger-answer model that the candidate never said.
Latency of each `respond` call is recorded too (offline, no session store; the benchmark
`benchmarks/bench_interviewer.py` measures with the SQLite store).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from evals.results_file import write_section

SECTION = "## Interviewer"

# (mode, round, minutes)
CONFIGS: tuple[tuple[str, str, int], ...] = (
    ("interview", "loop", 30),
    ("coach", "loop", 30),
    ("interview", "bar_raiser", 40),
    ("coach", "phone", 20),
    ("interview", "loop", 8),
)
MAX_REPLIES = 80
# Wider than the interviewer's own list on purpose: the check must catch what it might miss.
LEAK_RE = re.compile(
    r"\bSTAR\b|\bscor(?:e|ed|es|ing)\b|\bgrad(?:e|ed|es|ing)\b|/\s?5\b|\bcoach|\btips?\b|"
    # "What was the measurable impact?" is the bar raiser's own probe, not feedback.
    r"\bmeasurab(?!le impact\b)|\bquantif|\bgaps?\b|\brubric\b|\bstronger answer\b|"
    r"\b(?:good|great|strong|excellent|weak) (?:answer|story)\b|\byou should have\b|"
    r"\bwell done\b|\bnice job\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class Clock:
    """Injected time: the harness advances it as the candidate thinks and speaks."""

    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def expected_gaps(grade: Any) -> list[str]:
    """The documented policy order, re-implemented here: grader gaps, then a thin action's
    "decision" after the off-topic/action/ownership/result/measurability gaps."""
    gaps = list(grade.gaps)
    if "hypothetical" in gaps or "non_answer" in gaps:
        return gaps
    action = grade.components["action"]
    if action.present and action.strength <= 1:
        idx = 0
        while idx < len(gaps) and gaps[idx] in (
            "off_topic",
            "action",
            "ownership",
            "result",
            "measurability",
        ):
            idx += 1
        gaps.insert(idx, "decision")
    return gaps


def signal_rule(scores: list[int], integrity: bool, quantified: float) -> str:
    """The documented rule, re-implemented."""
    if not scores:
        return "not_inclined"
    mean = sum(scores) / len(scores)
    if mean >= 4.0 and min(scores) >= 3 and quantified >= 0.5 and not integrity:
        return "strong"
    if mean >= 3.0 and min(scores) >= 2:
        return "inclined"
    return "not_inclined"


@dataclass
class SessionResult:
    """What one simulated drill produced and every check's counts."""

    persona: str
    mode: str
    round_type: str
    minutes: int
    seed: int
    probes: int = 0
    targeted: int = 0
    consistency_probes: int = 0
    mistargeted: list[str] = field(default_factory=list)
    repeats: int = 0
    leaks: list[str] = field(default_factory=list)
    timebox: list[str] = field(default_factory=list)
    debrief: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    stronger_models: int = 0
    latencies: list[float] = field(default_factory=list)
    signal: str = ""
    mean_score: float = 0.0
    flags: Counter[str] = field(default_factory=Counter)
    questions: int = 0
    finished: bool = False


def run_session(
    persona: str, mode: str, round_type: str, minutes: int, seed: int
) -> tuple[Any, SessionResult]:
    """Run one simulated drill to the end and check it."""
    from agents.drill.interviewer import Interviewer
    from agents.drill.state import DrillConfig
    from agents.grading import Grader
    from agents.lp.principles import load_principles
    from evals.simulated_candidates import PERSONAS, play_drill

    principles = load_principles()
    clock = Clock()
    iv = Interviewer(Grader(None), principles, None, clock)
    config = DrillConfig(mode=mode, round_type=round_type, minutes=minutes, seed=seed)  # type: ignore[arg-type]
    state = iv.start(config, user=f"sim-{persona}")
    result = SessionResult(persona, mode, round_type, minutes, seed)
    rng = random.Random(f"{persona}:{seed}")

    def think(text: str) -> None:  # 15 s of thinking, then speaking at 150 words a minute
        clock.t += 15 + len(text.split()) / 2.5

    def pause() -> None:
        clock.t += 3

    result.latencies = play_drill(
        iv, state, PERSONAS[persona], rng, MAX_REPLIES, before=think, after=pause
    )
    check(state, result, principles)
    return state, result


def check(state: Any, result: SessionResult, principles: dict[str, Any]) -> None:
    """Every machine-verifiable property of one finished drill."""
    from agents.grading import Grader

    grader = Grader(None)
    result.finished = state.status == "done" and state.turns[-1].kind == "debrief"
    result.questions = len(state.questions)
    limit = state.config.minutes * 60
    n_questions = max(1, len(state.questions))
    budget = limit / _planned_questions(state)
    qi = -1
    exchanges: dict[int, list[str]] = {}
    last_reply: dict[int, str] = {}
    probed: dict[int, list[str]] = {}
    asked_at: dict[int, float] = {}
    seen: set[str] = set()
    for turn in state.turns:
        if turn.role == "interviewer" and turn.kind == "question":
            qi += 1
            asked_at[qi] = turn.at
            if turn.at - state.started_at > limit:
                result.timebox.append(f"question {qi} asked after the time limit")
        if turn.role == "candidate" and turn.meta.get("intake") == "answer":
            text = turn.meta.get("story", turn.text)
            last_reply[qi] = text
            if turn.meta.get("substantive"):
                exchanges.setdefault(qi, []).append(text)
        if turn.role != "interviewer" or turn.kind != "probe":
            continue
        result.probes += 1
        core = turn.meta.get("probe", turn.text)
        key = " ".join(re.sub(r"[^\w\s]", " ", core.lower()).split())
        if key in seen:
            result.repeats += 1
        seen.add(key)
        if turn.at - state.started_at > limit:
            result.timebox.append(f"probe after the time limit: {core}")
        if turn.at - asked_at.get(qi, state.started_at) > budget:
            result.timebox.append(f"probe after question {qi}'s time share: {core}")
        gap = turn.meta.get("gap", "")
        before = probed.setdefault(qi, [])
        if gap == "consistency":
            result.consistency_probes += 1
            before.append(gap)
            continue
        exchange = "\n\n".join(exchanges.get(qi, [])) or last_reply.get(qi, "")
        question = state.questions[qi].question
        grade = grader.grade(exchange, question)
        gaps = [g for g in expected_gaps(grade) if g not in before]
        if gap.startswith("deep_dive"):
            real = not ({"hypothetical", "non_answer"} & set(grade.flags)) and exchanges.get(qi)
            ok = not gaps and bool(real)
        else:
            ok = bool(gaps) and gaps[0] == gap
        if ok:
            result.targeted += 1
        else:
            result.mistargeted.append(f"q{qi}: probed {gap}, expected {gaps[:1] or 'none'}")
        before.append(gap)
    del n_questions

    if state.config.mode == "interview":
        for turn in state.turns:
            if turn.role != "interviewer" or turn.kind == "debrief":
                continue
            if turn.kind == "feedback" or turn.grade is not None or LEAK_RE.search(turn.text):
                result.leaks.append(f"{turn.kind}: {turn.text[:80]}")
    if not result.finished:
        result.timebox.append("drill did not finish with a debrief")

    _check_debrief(state, result, grader, principles)
    for q in state.questions:
        for flag in q.flags:
            result.flags[flag] += 1


def _planned_questions(state: Any) -> int:
    from agents.drill.policy import MIN_MINUTES_PER_QUESTION, ROUND_QUESTIONS

    c = state.config
    if c.n_questions:
        return int(c.n_questions)
    return min(ROUND_QUESTIONS[c.round_type], max(1, c.minutes // MIN_MINUTES_PER_QUESTION))


def _check_debrief(state: Any, result: SessionResult, grader: Any, principles: Any) -> None:
    d = state.debrief
    if d is None:
        result.debrief.append("no debrief")
        return
    reached = [q for q in state.questions if q.skipped or q.replies > 0]
    scores = []
    said_by_q = []
    for q in reached:
        said = " ".join(q.answers)
        said_by_q.append(said)
        if q.skipped or q.grade is None or not q.answers:
            scores.append(1)
            continue
        again = grader.grade("\n\n".join(q.answers), q.question)
        if again.overall != q.grade.overall or again.gaps != q.grade.gaps:
            result.debrief.append(f"grade of {q.lp} does not reproduce")
        scores.append(q.grade.overall)
    integrity = any({"injection", "abuse", "story_reused"} & set(q.flags) for q in state.questions)
    if [r.score for r in d.heatmap] != scores:
        result.debrief.append(f"heatmap scores {[r.score for r in d.heatmap]} != {scores}")
    if scores:
        if d.mean_score != round(sum(scores) / len(scores), 2):
            result.debrief.append("mean score differs")
        if d.lowest_score != min(scores):
            result.debrief.append("lowest score differs")
    graded = [q for q in reached if q.grade is not None and q.answers and not q.skipped]
    quantified = (
        sum(1 for q in graded if q.grade.measurability.level >= 2) / len(graded) if graded else 0.0
    )
    expected = signal_rule(scores, integrity, quantified)
    if d.signal != expected:
        result.debrief.append(f"signal {d.signal} != rule {expected}")
    per_lp: dict[str, list[int]] = {}
    for q, s in zip(reached, scores, strict=True):
        per_lp.setdefault(q.lp, []).append(s)
    got = {s.lp: s.score for s in d.per_lp}
    want = {lp: round(sum(v) / len(v), 2) for lp, v in per_lp.items()}
    if got != want:
        result.debrief.append(f"per-LP {got} != {want}")
    for row, q in zip(d.heatmap, reached, strict=True):
        if row.status == "graded" and q.grade is not None:
            cells = {n: c.strength for n, c in q.grade.components.items()}
            if row.cells != cells:
                result.debrief.append(f"heatmap cells differ for {q.lp}")
    everything = "\n\n".join(a for q in state.questions for a in q.answers)
    for imp in d.improvements:
        for quote in imp.quotes:
            if quote.rstrip("…") not in everything:
                result.debrief.append(f"improvement quote not verbatim: {quote[:60]}")
    result.signal = d.signal
    result.mean_score = d.mean_score
    for q in state.questions:
        if not q.stronger_answer:
            continue
        result.stronger_models += 1
        said = " ".join(q.answers)
        allowed = set(_NUMBER.findall(said))
        extra = [n for n in _NUMBER.findall(q.stronger_answer) if n not in allowed]
        if extra:
            result.invented.append(f"{q.lp}: {extra}")


@dataclass
class Summary:
    """Rates over all sessions."""

    sessions: int
    probes: int
    targeting_rate: float
    consistency_probes: int
    repeats: int
    leak_sessions: int
    interview_sessions: int
    timebox_violations: int
    debrief_mismatches: int
    invented_numbers: int
    stronger_models: int
    unfinished: int
    latency_median_ms: float
    latency_p95_ms: float
    latency_max_ms: float
    per_persona: dict[str, dict[str, Any]]
    examples: dict[str, list[str]]


def summarize(results: list[SessionResult]) -> Summary:
    """Aggregate the per-session checks into rates."""
    probes = sum(r.probes for r in results)
    targeted = sum(r.targeted for r in results)
    consistency = sum(r.consistency_probes for r in results)
    lat = sorted(x for r in results for x in r.latencies)
    per: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(r.persona for r in results):
        mine = [r for r in results if r.persona == name]
        p = sum(r.probes - r.consistency_probes for r in mine)
        per[name] = {
            "sessions": len(mine),
            "probes": sum(r.probes for r in mine),
            "targeting": (sum(r.targeted for r in mine) / p) if p else None,
            "mean_score": round(statistics.fmean(r.mean_score for r in mine), 2),
            "signals": dict(Counter(r.signal for r in mine)),
            "questions": round(statistics.fmean(r.questions for r in mine), 2),
            "flags": dict(sum((r.flags for r in mine), Counter())),
        }
    examples = {
        "mistargeted": [m for r in results for m in r.mistargeted][:5],
        "leaks": [m for r in results for m in r.leaks][:5],
        "timebox": [m for r in results for m in r.timebox][:5],
        "debrief": [m for r in results for m in r.debrief][:5],
        "invented": [m for r in results for m in r.invented][:5],
    }
    return Summary(
        sessions=len(results),
        probes=probes,
        targeting_rate=targeted / (probes - consistency) if probes > consistency else 1.0,
        consistency_probes=consistency,
        repeats=sum(r.repeats for r in results),
        leak_sessions=sum(1 for r in results if r.leaks),
        interview_sessions=sum(1 for r in results if r.mode == "interview"),
        timebox_violations=sum(len(r.timebox) for r in results),
        debrief_mismatches=sum(len(r.debrief) for r in results),
        invented_numbers=sum(len(r.invented) for r in results),
        stronger_models=sum(r.stronger_models for r in results),
        unfinished=sum(1 for r in results if not r.finished),
        latency_median_ms=round(statistics.median(lat) * 1000, 2) if lat else 0.0,
        latency_p95_ms=round(lat[int(0.95 * (len(lat) - 1))] * 1000, 2) if lat else 0.0,
        latency_max_ms=round(lat[-1] * 1000, 2) if lat else 0.0,
        per_persona=per,
        examples=examples,
    )


def run_all(quick: bool = False) -> tuple[Summary, list[SessionResult]]:
    """Every persona x set-up x seed."""
    from evals.simulated_candidates import PERSONAS

    seeds = range(1) if quick else range(3)
    results = []
    for persona in PERSONAS:
        for mode, round_type, minutes in CONFIGS:
            for seed in seeds:
                _, result = run_session(persona, mode, round_type, minutes, seed)
                results.append(result)
    return summarize(results), results


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def render(summary: Summary) -> str:
    """The "## Interviewer" section of RESULTS.md."""
    s = summary
    setups = ", ".join(f"{m}/{r}/{n} min" for m, r, n in CONFIGS)
    lines = [
        SECTION,
        "",
        f"_Generated by `python -m evals.interviewer_eval` on {time.strftime('%Y-%m-%d')}._",
        "",
        f"{s.sessions} simulated drills: 10 personas × 5 set-ups ({setups}) × seeds, offline, on "
        "an injected clock (15 s thinking + 150 words/min per reply). Every check is recomputed "
        "from the transcript, with a fresh grader, not read from the interviewer's bookkeeping.",
        "",
        "| Property | Result | Target |",
        "|---|---|---|",
        f"| Probe after an answer targets its top unprobed gap (deep dives only once the story "
        f"is complete) | {_pct(s.targeting_rate)} of {s.probes - s.consistency_probes} probes "
        "| ≥ 99% |",
        f"| Repeated probes within a drill | {s.repeats} | 0 |",
        f"| Interview-mode drills with coaching before the debrief | {s.leak_sessions} of "
        f"{s.interview_sessions} | 0 |",
        f"| Time-box violations (question/probe after time, probe past the question's share, "
        f"no debrief) | {s.timebox_violations} | 0 |",
        f"| Debrief inconsistent with the grades (scores, per-LP, signal rule, heatmap, "
        f"reproducible grades, verbatim quotes) | {s.debrief_mismatches} | 0 |",
        f"| Numbers in stronger-answer models the candidate never said | {s.invented_numbers} "
        f"in {s.stronger_models} models | 0 |",
        f"| Drills that did not finish | {s.unfinished} | 0 |",
        f"| Reply latency offline (`respond`, no store): median / p95 / max | "
        f"{s.latency_median_ms} / {s.latency_p95_ms} / {s.latency_max_ms} ms | median < 300 ms |",
        "",
        "| Persona | Drills | Probes | Targeting | Mean score | Signals | Questions | Recorded |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, p in s.per_persona.items():
        signals = ", ".join(f"{k} {v}" for k, v in sorted(p["signals"].items()))
        flags = ", ".join(f"{k} {v}" for k, v in sorted(p["flags"].items())) or "—"
        lines.append(
            f"| {name} | {p['sessions']} | {p['probes']} | {_pct(p['targeting'])} | "
            f"{p['mean_score']} | {signals} | {p['questions']} | {flags} |"
        )
    lines += [
        "",
        "Why ≥ 99% targeting: gap selection is a deterministic rule over the grade, so any miss "
        "is a bug, not noise; the 1% slack only absorbs a future grader change that makes the "
        "harness's re-grade differ on a borderline sentence. Consistency probes (a figure that "
        f"contradicts an earlier telling; {s.consistency_probes} here) sit outside the rule.",
    ]
    bad = {k: v for k, v in s.examples.items() if v}
    if bad:
        lines += ["", "Examples of failures:", ""]
        for kind, items in bad.items():
            lines += [f"- {kind}: {item}" for item in items]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed per set-up")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    summary, _ = run_all(quick=args.quick)
    if args.json:
        print(json.dumps(summary.__dict__, indent=2, default=str))
    else:
        print(render(summary))
    if not args.no_write:
        write_section(render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
