"""Many users: 50 concurrent gradio_client candidates against one `python app.py` on 127.0.0.1.

The CI profile (each candidate signs in as their own user, imports stories, answers 3 times;
at most 120 s) runs here, with sessions on SQLite and on PostgreSQL; `make bench` runs the longer
profile in `benchmarks/bench_load.py`. No request may fail, no candidate may see another's
answers, and the p50/p95 turn latency is printed (measured, not asserted).
"""

from __future__ import annotations

import json

import pytest

from benchmarks.bench_load import run_load

CLIENTS = 50
TURNS = 3


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_fifty_concurrent_candidates_without_errors_or_cross_user_data(
    engine: str, request: pytest.FixtureRequest
) -> None:
    # Each candidate signs in as their own user, imports stories, then drills; sessions in the
    # data dir's SQLite file, or in a database of the PostgreSQL server the suite started.
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else None
    result = run_load(
        clients=CLIENTS, max_turns=TURNS, duration=120.0, auth_users=True, database_url=url
    )
    print(f"\nload (CI profile, {engine}):", json.dumps(result))
    assert result["errors"] == 0, result["error_samples"]
    assert result["cross_user_leaks"] == 0, result["leak_samples"]
    assert result["stuck_clients"] == 0
    # Every candidate started a drill and answered every turn (the deadline was never hit).
    assert result["answers"] == CLIENTS * TURNS
    assert result["requests"] >= CLIENTS * (TURNS + 2)
    assert result["stories_imported"] == CLIENTS
