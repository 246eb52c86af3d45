"""Benchmark: the web app — page ready after launch, first interviewer turn after "start"."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_scale import running_app, tree_rss_mb


def run(quick: bool = False) -> dict[str, Any]:
    """Cold start to HTTP 200 (median of runs) and first-turn latency through gradio_client."""
    from gradio_client import Client

    starts: list[float] = []
    first_turns: list[float] = []
    rss = 0.0
    for _ in range(1 if quick else 3):
        with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "data") as app:
            starts.append(app["cold_start_s"])
            client = Client(app["url"], verbose=False)
            for _ in range(3 if quick else 10):
                t = time.perf_counter()
                client.predict("sde2", "loop", "coach", [], api_name="/start_drill")
                first_turns.append(time.perf_counter() - t)
            rss = tree_rss_mb(app["pid"])
            client.close()
    first_ms = sorted(1000 * x for x in first_turns)
    return {
        "page_ready_s_median": round(statistics.median(starts), 2),
        "page_ready_runs_s": starts,
        "page_ready_target_s": 10.0,
        "first_turn_ms_median": round(statistics.median(first_ms), 1),
        "first_turn_ms_max": round(first_ms[-1], 1),
        "first_turn_target_ms": 1000.0,
        "rss_after_drills_mb": round(rss, 1),
        "meets_targets": statistics.median(starts) < 10 and statistics.median(first_ms) < 1000,
        "note": "first turn = /start_drill round trip via gradio_client (the browser test prints "
        "the same in a real page)",
    }
