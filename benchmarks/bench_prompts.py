"""Benchmark: time to generate 50 offline prompts, including embedding-based de-duplication.

`run(quick)` returns a dict of timings in seconds; `python -m benchmarks.bench_prompts` prints it.
The one-time embedding model load is measured separately and excluded from the per-batch times;
"cold_cache" is a first run with an empty vector cache (bank, LP prototypes and probes embedded),
"fresh_process_warm_cache" a new generator reading that cache from disk (the usual case after the
first run), "steady" repeated batches in a long-running process (the UI).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 2.0


def run(quick: bool = False) -> dict[str, Any]:
    """Measure model load, cold-cache, warm-cache and steady-state times for 50 prompts."""
    from agents.embeddings import get_embedding_function

    started = time.perf_counter()
    get_embedding_function().warm_up()
    model_load = time.perf_counter() - started

    from agents.question_gen import PromptGenerator, PromptRequest

    request = PromptRequest(level="sde2", n=50, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        started = time.perf_counter()
        batch = PromptGenerator(cache_dir=cache).generate(request)
        cold = time.perf_counter() - started

        fresh = PromptGenerator(cache_dir=cache)
        started = time.perf_counter()
        fresh.generate(request.model_copy(update={"seed": 2}))
        warm = time.perf_counter() - started

        steady: list[float] = []
        for seed in range(3 if quick else 10):
            started = time.perf_counter()
            fresh.generate(request.model_copy(update={"seed": 100 + seed}))
            steady.append(time.perf_counter() - started)
    median = statistics.median(steady)
    return {
        "prompts": len(batch),
        "model_load_s": round(model_load, 3),
        "cold_cache_s": round(cold, 3),
        "fresh_process_warm_cache_s": round(warm, 3),
        "steady_median_s": round(median, 3),
        "steady_max_s": round(max(steady), 3),
        "target_s": TARGET_SECONDS,
        "meets_target": max(warm, median) < TARGET_SECONDS,
    }


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["meets_target"] else 1)
