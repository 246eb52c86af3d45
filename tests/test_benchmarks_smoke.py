"""Every benchmark this repository's #10 owns runs end to end at quick sizes (no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import run as runner


def test_grader_benchmark_reports_each_length() -> None:
    from benchmarks.bench_grader import run

    result = run(quick=True)
    for label in ("50 words", "300 words", "1000 words", "300 words dictated (no punctuation)"):
        row = result[label]
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["answers_per_s"] > 0


def test_tokens_benchmark_counts_a_whole_drill_and_checks_the_cache_prefix() -> None:
    from benchmarks.bench_tokens import PRICES, run

    result = run(quick=True)
    assert result["questions"] == 4 and result["probes"] == 12
    assert all(result["system_prefix_byte_identical"].values())
    assert result["interviewer_transcript_append_only"] is True
    tokens, cost = result["tables"]
    calls = {row[0]: row for row in tokens["rows"]}
    assert calls["grade"][1] == 16 and calls["probe"][1] == 12
    assert calls["total"][2] > 10_000  # prompt tokens for a whole drill
    assert [row[0] for row in cost["rows"]] == list(PRICES)


def test_llm_overhead_benchmark_measures_both_paths() -> None:
    from benchmarks.bench_llm_overhead import run

    result = run(quick=True)
    ratio, turn = result["tables"]
    row = dict(zip(ratio["columns"], ratio["rows"][0], strict=True))
    assert row["raw_p50_ms"] >= row["first_token_delay_ms"]
    assert row["ours_p50_ms"] >= row["first_token_delay_ms"]
    assert dict(turn["rows"])["probe_source"] == "llm"


@pytest.mark.slow
def test_scale_benchmark_covers_retrieval_server_store_and_app() -> None:
    from benchmarks.bench_scale import run

    result = run(quick=True)
    retrieval, load = result["tables"]
    at = retrieval["columns"].index("store")
    stores = [row[at] for row in retrieval["rows"]]
    assert stores.count("embedded") == 2 and "server (HTTP)" in stores
    assert [row[0] for row in load["rows"]] == [1, 2]
    assert result["app"]["cold_start_s"] > 0 and result["app"]["idle_rss_mb"] > 0
    assert result["sqlite_session_store"]["commits_per_s"] > 0
    assert "not committed" in result["plot"]


def test_runner_reports_failing_and_absent_benchmarks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, why, _s = runner.run_module("bench_does_not_exist", quick=True, timeout=60)
    assert status == "FAILED" and "ModuleNotFoundError" in str(why)
    monkeypatch.setitem(runner.EXPECTED, "someday", "a benchmark nobody wrote yet (#99)")
    out = tmp_path / "RESULTS.md"
    assert runner.main(["--quick", "--only", "someday", "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "## someday (absent)" in text and "bench_someday.py` does not exist yet" in text
    assert "machine:" in text and "commit:" in text and "command:" in text


def test_runner_renders_tables_notes_and_values() -> None:
    lines = runner.render_result(
        {
            "tables": [{"title": "T", "columns": ["a", "b|c"], "rows": [[1, "x|y"]]}],
            "total": {"n": 3},
            "notes": ["a note"],
        }
    )
    text = "\n".join(lines)
    assert "**T**" in text and "| a | b\\|c |" in text and "| 1 | x\\|y |" in text
    assert "| total.n | 3 |" in text and "- a note" in text
