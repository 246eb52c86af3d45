"""Benchmark: offline grading latency at 50/300/1,000 words, pinned to one core."""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from typing import Any

_PIECES = (
    "At my previous company our checkout service started timing out during the holiday peak.",
    "I was asked to bring the p99 latency under one second before the next sale.",
    "I profiled the service and found an N+1 query in the pricing path.",
    "I rewrote the data access layer with batching and added a read-through cache.",
    "We rolled it out behind a flag, and I watched the dashboards through the night.",
    "As a result p99 latency went from 2.1 seconds to 300 ms and cart abandonment fell 12%.",
    "Looking back, I learned to profile before guessing and to share the plan early.",
    "um, so basically, you know, the team was a bit worried at first, which was fair.",
)


QUESTION = "Tell me about a time you dug into the data to find the root cause of a problem."


def make_answer(words: int, seed: int) -> str:
    """A realistic answer of about `words` words."""
    rng = random.Random(seed)
    out: list[str] = []
    while sum(len(p.split()) for p in out) < words:
        out.append(rng.choice(_PIECES))
    text = " ".join(out).split()
    return " ".join(text[:words])


def make_run_on(words: int, seed: int) -> str:
    """A rambling spoken answer: the same pieces run together with commas into one sentence."""
    return make_answer(words, seed).replace(". ", ", ") + "."


def make_dictated(words: int, seed: int) -> str:
    """A dictated answer: the same pieces in lower case with no punctuation (the run-on model
    finds its sentences)."""
    return re.sub(r"[.,;:!?]", "", make_answer(words, seed)).lower()


BUILDERS = {"": make_answer, "run-on": make_run_on, "dictated": make_dictated}
LABELS = {"": "", "run-on": " in one run-on sentence", "dictated": " dictated (no punctuation)"}


def model_load() -> dict[str, Any]:
    """Cold load of the offline grade's three models, sentence roles, payload spans and run-on
    sentence ends (hash checks included), and their size on disk."""
    from agents.grading.payload_model import MODEL_FILE as PAYLOAD_FILE
    from agents.grading.payload_model import load_payload_model
    from agents.grading.roles_model import MODEL_FILE, load_model
    from agents.run_on import MODEL_FILE as RUN_ON_FILE
    from agents.run_on import load_run_on_model

    load_model.cache_clear()
    load_payload_model.cache_clear()
    load_run_on_model.cache_clear()
    start = time.perf_counter()
    load_model()
    load_payload_model()
    load_run_on_model()
    size = sum(f.stat().st_size for f in (MODEL_FILE, PAYLOAD_FILE, RUN_ON_FILE))
    return {
        "load_ms": round((time.perf_counter() - start) * 1000, 1),
        "artefact_kb": round(size / 1024, 1),
        "target": "load < 1 s, artefact <= 25 MB",
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Median/p95 ms per answer and answers per second, on one core after warm-up."""
    from agents.grading import Grader
    from agents.textutil import clear_text_caches

    # The product path (`barraiser grade`, the drill). The target is for an answer graded
    # without a question (no off-topic check); with a question the check embeds the question and
    # the answer with MiniLM, measured separately at 300 words.
    grade = Grader(None).grade

    previous = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if previous:
        os.sched_setaffinity(0, {min(previous)})  # one core, as the acceptance asks
    try:
        results: dict[str, Any] = {
            "cores": 1,
            "target": "median < 20 ms at 300 words without a question",
            "model": model_load(),
        }
        reps = 20 if quick else 200
        cases = ((50, "", ""), (300, "", ""), (1000, "", ""), (300, "", "dictated"),
                 (300, QUESTION, ""), (1000, QUESTION, "run-on"))  # fmt: skip
        for words, question, style in cases:
            answers = [BUILDERS[style](words, i) for i in range(reps)]
            for a in answers[:5]:
                grade(a, question)  # warm-up
            times = []
            for a in answers:
                # Answers are built from a few pieces; a real answer's sentences are new text,
                # so the per-sentence caches start empty for every answer.
                clear_text_caches()
                start = time.perf_counter()
                grade(a, question)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            label = f"{words} words" + LABELS[style]
            label += " with a question (off-topic check)" if question else ""
            results[label] = {
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "answers_per_s": round(1000 / statistics.fmean(times), 1),
            }
        return results
    finally:
        if previous:
            os.sched_setaffinity(0, previous)


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in os.sys.argv), indent=2))
