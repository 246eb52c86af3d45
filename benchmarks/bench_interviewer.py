"""Benchmark: how fast the interviewer replies after an answer, offline.

`run(quick)` drives whole drills with the simulated candidates through `Interviewer.respond`,
with the SQLite session store on (two committed transactions per reply, synchronous=FULL, as in
the app), and returns median / p95 / max latency in milliseconds. The acceptance target is a
median under 300 ms. `python -m benchmarks.bench_interviewer [--quick]` prints the result.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MEDIAN_MS = 300.0


def run(quick: bool = False) -> dict[str, Any]:
    """Time every reply of simulated drills (all personas, interview and coach mode)."""
    import random

    from agents.drill.interviewer import DrillConfig, Interviewer
    from agents.drill.sessions import SessionStore
    from agents.grading import Grader
    from agents.lp.principles import load_principles
    from evals.simulated_candidates import PERSONAS, Context

    principles = load_principles()
    latencies: list[float] = []
    by_persona: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SessionStore(Path(tmp) / "bench.sqlite3")
        iv = Interviewer(Grader(None), principles, None, store=store)
        seeds = range(1) if quick else range(4)
        for name, reply in PERSONAS.items():
            for mode in ("interview", "coach"):
                for seed in seeds:
                    state = iv.start(DrillConfig(mode=mode, seed=seed), user=f"bench-{name}")
                    rng = random.Random(seed)
                    turns = 0
                    while state.status != "done" and turns < 40:
                        last = next(t for t in reversed(state.turns) if t.role == "interviewer")
                        q = state.questions[-1]
                        ctx = Context(
                            lp=q.lp,
                            question=q.question,
                            kind=last.kind,
                            gap=last.meta.get("gap"),
                            q_index=len(state.questions) - 1,
                            turn=turns,
                            rng=rng,
                        )
                        text = reply(ctx)
                        started = time.perf_counter()
                        iv.respond(state, text)
                        elapsed = time.perf_counter() - started
                        latencies.append(elapsed)
                        by_persona.setdefault(name, []).append(elapsed)
                        turns += 1
        store.close()
    ordered = sorted(latencies)
    median_ms = statistics.median(ordered) * 1000
    return {
        "replies": len(ordered),
        "median_ms": round(median_ms, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "median_ms_by_persona": {
            k: round(statistics.median(v) * 1000, 2) for k, v in by_persona.items()
        },
        "store": "sqlite (WAL, synchronous=FULL)",
        "target_median_ms": TARGET_MEDIAN_MS,
        "meets_target": median_ms < TARGET_MEDIAN_MS,
    }


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["meets_target"] else 1)
