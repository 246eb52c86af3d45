"""Benchmark: many candidates at once against the real web app, offline, on 127.0.0.1.

`run(quick)` starts `python app.py` in a child process (network blocked, a temporary data dir)
and drives it with `gradio_client`: N concurrent simulated candidates, each starting a drill and
answering until it ends (quick: a few answers each), and importing stories when the page offers
an import endpoint. Every request is timed; the run is bounded by a deadline and every loop by a
turn limit. Each candidate's answers carry a unique marker, so cross-user data shows up as a
marker in someone else's chat. With `BARRAISER_AUTH` set by the page (login), each candidate
logs in as its own user.

Returns p50/p95/max turn latency, throughput, errors and cross-user leaks.
`python -m benchmarks.bench_load [--quick]` prints the result.
"""

from __future__ import annotations

import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bench_scale import _Sampler, tree_rss_mb
from tests.processes import start_app, stop_process

ANSWERS = (
    "At {m} last year our checkout kept timing out during sales. I was responsible for its "
    "reliability. I profiled the service, found an N+1 query and I rewrote it as one batched "
    "query. As a result p99 latency went from 2.1 seconds to 400 ms and errors fell 60%.",
    "We had a flaky release at {m} last spring. We rolled it back and rewrote the deploy script.",
    "I personally rewrote the {m} deploy script and I ran the canary myself before the launch.",
    "Failed deploys at {m} went from 9% to 2%, which saved our customers a lot of errors.",
    "I chose the batched query over a cache at {m} because a cache would hide the problem.",
    "Looking back, I learned at {m} to load test before every peak event.",
)
STORY_MD = (
    "## Fixed the {m} checkout\nLPs: dive-deep\n\nAt {m} our checkout timed out. I profiled it, "
    "rewrote the query and errors fell 60%.\n"
)


@dataclass
class Candidate:
    """One simulated candidate's run."""

    index: int
    marker: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    turns: int = 0
    finished: bool = False
    imported: bool = False


def _chat_text(chat: Any) -> str:
    """All text of a Chatbot value, whatever shape the client returns."""
    return json.dumps(chat, ensure_ascii=False, default=str)


def _endpoint(names: set[str], *wanted: str) -> str | None:
    return next((w for w in wanted if w in names), None)


def _drive(
    url: str,
    cand: Candidate,
    markers: list[str],
    max_turns: int,
    deadline: float,
    auth: tuple[str, str] | None,
    tmp: Path,
) -> None:
    """One candidate: start a drill, answer until done / max_turns / deadline, import stories."""
    from gradio_client import Client, handle_file

    try:
        client = Client(url, verbose=False, auth=auth)
        names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        others = [m for m in markers if m != cand.marker]
        importer = _endpoint(names, "/import_stories", "/stories_import")
        if importer is not None and time.monotonic() < deadline:
            src = tmp / f"{cand.marker}.md"
            src.write_text(STORY_MD.format(m=cand.marker), "utf-8")
            started = time.monotonic()
            client.predict(handle_file(str(src)), api_name=importer)
            cand.latencies.append(time.monotonic() - started)
            cand.imported = True
        started = time.monotonic()
        chat = client.predict("sde2", "phone", "coach", [], api_name="/start_drill")
        cand.latencies.append(time.monotonic() - started)
        rng = random.Random(cand.index)
        for turn in range(max_turns):
            if time.monotonic() > deadline:
                break
            answer = ANSWERS[(turn + rng.randrange(2)) % len(ANSWERS)].format(m=cand.marker)
            started = time.monotonic()
            out = client.predict(answer, api_name="/send_answer")
            cand.latencies.append(time.monotonic() - started)
            cand.turns += 1
            chat = out[0] if isinstance(out, list | tuple) else out
            text = _chat_text(chat)
            if cand.marker not in text:
                cand.errors.append(f"turn {turn}: own answer missing from the chat")
            cand.leaks += [m for m in others if m in text]
            if "debrief" in text.lower() and ("signal" in text.lower() or "Debrief" in text):
                cand.finished = True
                break
        client.close()
    except Exception as e:  # every failure is counted, none stops the others
        cand.errors.append(f"{type(e).__name__}: {str(e)[:200]}")


def run_load(
    clients: int = 50,
    max_turns: int = 8,
    duration: float = 240.0,
    *,
    url: str | None = None,
    auth_users: bool = False,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Run `clients` concurrent candidates for at most `duration` seconds; returns the summary."""
    proc: subprocess.Popen[str] | None = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        credentials = {f"user{i:02d}": f"pw-{i:02d}-load" for i in range(clients)}
        env: dict[str, str] = {}
        if auth_users:
            env["BARRAISER_AUTH"] = ",".join(f"{u}:{p}" for u, p in credentials.items())
        if database_url:  # e.g. a PostgreSQL database instead of the data dir's SQLite file
            env["BARRAISER_DATABASE_URL"] = database_url
        started_app = time.monotonic()
        if url is None:
            app = start_app(tmp / "data", **env).wait(timeout=90)
            proc, url = app.proc, app.url
        startup = time.monotonic() - started_app
        markers = [f"Marker{i:02d}x{random.Random(i).randrange(10**6):06d}" for i in range(clients)]
        cands = [Candidate(i, m) for i, m in enumerate(markers)]
        deadline = time.monotonic() + duration
        users = list(credentials.items())
        threads = [
            threading.Thread(
                target=_drive,
                args=(url, c, markers, max_turns, deadline, users[c.index] if auth_users else None),
                kwargs={"tmp": tmp},
                daemon=True,
            )
            for c in cands
        ]
        # Server memory from /proc: at idle (page up, no drill yet), then the peak under load.
        idle_rss = tree_rss_mb(proc.pid) if proc is not None else 0.0
        sampler = _Sampler(proc.pid) if proc is not None else contextlib.nullcontext()
        began = time.monotonic()
        with sampler:
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(1.0, deadline - time.monotonic() + 60))
        wall = time.monotonic() - began
        peak_rss = sampler.peak if isinstance(sampler, _Sampler) else 0.0
        stuck = sum(t.is_alive() for t in threads)
        if proc is not None:
            stop_process(proc, timeout=15)
    lat = sorted(x for c in cands for x in c.latencies)
    errors = [e for c in cands for e in c.errors]
    leaks = [f"{c.marker} saw {m}" for c in cands for m in c.leaks]

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {
        "clients": clients,
        "max_turns": max_turns,
        "duration_limit_s": duration,
        "app_startup_s": round(startup, 1),
        "wall_s": round(wall, 1),
        "requests": len(lat),
        "answers": sum(c.turns for c in cands),
        "drills_finished": sum(c.finished for c in cands),
        "stories_imported": sum(c.imported for c in cands),
        "requests_per_s": round(len(lat) / wall, 1) if wall else 0.0,
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else 0.0,
        "p95_ms": pct(0.95),
        "max_ms": round(1000 * lat[-1], 1) if lat else 0.0,
        "errors": len(errors),
        "error_samples": errors[:5],
        "cross_user_leaks": len(leaks),
        "leak_samples": leaks[:5],
        "stuck_clients": stuck,
        "server_rss_idle_mb": round(idle_rss, 1),
        "server_rss_peak_under_load_mb": round(peak_rss, 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """The benchmark: 50 candidates; quick = 3 answers in 90 s, full = 5 answers each in 300 s."""
    if quick:
        result = run_load(clients=50, max_turns=3, duration=90.0)
    else:
        result = run_load(clients=50, max_turns=5, duration=300.0)
    result["notes"] = [
        "Latency is per request (start, answer or import) seen by the client, queueing included; "
        "the app serves 8 requests at a time (Gradio queue) on the machine's cores.",
        "Server RSS is the app process and its children, read from /proc/PID/status every 0.1 s "
        "while the candidates run (peak) and once before they start (idle).",
    ]
    return result


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
