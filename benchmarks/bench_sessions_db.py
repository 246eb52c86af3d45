"""Benchmark: the session store on SQLite vs PostgreSQL, on this machine.

`run(quick)` starts a throwaway PostgreSQL cluster (tests/servers.py; fsync on, so its commits
are as durable as SQLite's WAL with synchronous=FULL) and measures, on each engine:
- turn latency: simulated drills through `Interviewer.respond` with the store on (each reply
  commits the answer, then the interviewer's turns), median and p95;
- commits per second: `SessionStore.save_turns` of one new turn per commit, from 1 writer and
  from 8 threads each with its own drill, for a fixed time;
- on PostgreSQL, the stale-write check both ways: the revision column (one compare-and-set
  UPDATE, what the store does) vs `SELECT ... FOR UPDATE` then UPDATE, session row only.
`python -m benchmarks.bench_sessions_db [--quick]` prints the result.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

WRITERS = 8


def _turn_latency(store: Any, drills: int) -> list[float]:
    """Reply latencies of simulated drills against `store`."""
    from agents.drill.interviewer import Interviewer
    from agents.drill.state import DrillConfig
    from agents.grading import Grader
    from agents.lp.principles import load_principles
    from evals.simulated_candidates import PERSONAS, play_drill

    iv = Interviewer(Grader(None), load_principles(), None, store=store)
    latencies: list[float] = []
    for seed in range(drills):
        for name, reply in PERSONAS.items():
            state = iv.start(DrillConfig(mode="interview", seed=seed), user=f"bench-{name}")
            latencies += play_drill(iv, state, reply, random.Random(seed), 40)
    return latencies


def _commits_per_s(store: Any, writers: int, seconds: float) -> float:
    """save_turns commits per second from `writers` threads, one drill each."""
    from agents.drill.state import DrillConfig, DrillState, Turn

    counts = [0] * writers
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        state = DrillState(user=f"w{i}", config=DrillConfig(seed=i))
        store.create(state)
        while time.monotonic() < stop:
            state.turns.append(Turn(role="candidate", kind="answer", text="x" * 400, at=1.0))
            store.save_turns(state, len(state.turns) - 1)
            counts[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - began)


def _stale_check_strategies(store: Any, n: int) -> dict[str, float]:
    """Session-row saves per second on PostgreSQL: revision compare-and-set vs FOR UPDATE."""
    from sqlalchemy import select

    from agents.drill.session_db import SESSIONS

    store.engine.dispose()
    row = {"id": "strategy", "user": "u", "config": "{}", "status": "open", "created": 0.0}
    with store.engine.begin() as conn:
        conn.execute(SESSIONS.insert().values(**row, updated=0.0, state="{}", revision=0))
    out = {}
    for name in ("revision column", "select for update"):
        began = time.monotonic()
        for rev in range(n):
            with store.engine.begin() as conn:
                where = SESSIONS.c.id == "strategy"
                if name == "select for update":
                    seen = conn.execute(
                        select(SESSIONS.c.revision).where(where).with_for_update()
                    ).scalar_one()
                    assert seen == rev
                    conn.execute(SESSIONS.update().where(where).values(revision=rev + 1))
                else:
                    done = conn.execute(
                        SESSIONS.update()
                        .where(where, SESSIONS.c.revision == rev)
                        .values(revision=rev + 1)
                    ).rowcount
                    assert done == 1
        out[name] = round(n / (time.monotonic() - began), 1)
        with store.engine.begin() as conn:
            conn.execute(SESSIONS.update().values(revision=0))
    return out


def _measure(store: Any, quick: bool) -> dict[str, Any]:
    """Every figure for one engine."""
    lat = sorted(_turn_latency(store, 1 if quick else 3))
    seconds = 3.0 if quick else 10.0
    return {
        "replies": len(lat),
        "turn_p50_ms": round(1000 * statistics.median(lat), 2),
        "turn_p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 2),
        "commits_per_s_1_writer": round(_commits_per_s(store, 1, seconds), 1),
        f"commits_per_s_{WRITERS}_writers": round(_commits_per_s(store, WRITERS, seconds), 1),
    }


def run(quick: bool = False) -> dict[str, Any]:
    """SQLite (WAL, synchronous=FULL) vs PostgreSQL (fsync on) on this machine."""
    from agents.drill.sessions import SessionStore
    from tests.servers import start_postgres

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SessionStore(Path(tmp) / "bench.sqlite3")
        results["sqlite"] = _measure(store, quick)
        store.close()
    pg = start_postgres(fsync=True)
    try:
        store = SessionStore(pg.url(pg.create_database("bench")))
        results["postgresql"] = _measure(store, quick)
        strategies = _stale_check_strategies(store, 300 if quick else 2000)
        store.close()
    finally:
        pg.stop()
    columns = ["engine", "turn p50 ms", "turn p95 ms", "commits/s, 1 writer",
               f"commits/s, {WRITERS} writers"]  # fmt: skip
    rows = [
        [name, r["turn_p50_ms"], r["turn_p95_ms"], r["commits_per_s_1_writer"],
         r[f"commits_per_s_{WRITERS}_writers"]]
        for name, r in results.items()
    ]  # fmt: skip
    return {
        "tables": [
            {"title": "Session store: SQLite vs PostgreSQL", "columns": columns, "rows": rows},
            {
                "title": "PostgreSQL stale-write check (session-row saves/s, 1 writer)",
                "columns": ["strategy", "saves/s"],
                "rows": [[k, v] for k, v in strategies.items()],
            },
        ],
        "replies_per_engine": results["sqlite"]["replies"],
        "notes": [
            "SQLite: WAL, synchronous=FULL, one file in a temp dir. PostgreSQL: a local cluster "
            "started by the benchmark (initdb/pg_ctl, fsync on), over TCP on 127.0.0.1.",
            "Turn latency is the offline interviewer's reply time including its two commits; "
            f"commits/s saves one 400-character turn per transaction ({WRITERS} writers: one "
            "drill per thread, one SessionStore shared).",
        ],
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
