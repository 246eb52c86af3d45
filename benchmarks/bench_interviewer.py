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
from pathlib import Path
from typing import Any

TARGET_MEDIAN_MS = 300.0


def run(quick: bool = False) -> dict[str, Any]:
    """Time every reply of simulated drills (all personas, interview and coach mode)."""
    import random

    from agents.drill.interviewer import Interviewer
    from agents.drill.sessions import SessionStore
    from agents.drill.state import DrillConfig
    from agents.grading import Grader
    from agents.lp.principles import load_principles
    from evals.simulated_candidates import PERSONAS, play_drill

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
                    times = play_drill(iv, state, reply, random.Random(seed), 40)
                    latencies += times
                    by_persona.setdefault(name, []).extend(times)
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
