"""`make bench` machinery: the runner discovers modules and writes a results file."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_grader import make_answer
from benchmarks.run import discover, flatten, main


def test_runner_writes_tables_for_a_benchmark(tmp_path: Path) -> None:
    # The tokens benchmark (4 s) stands in for any: the grader's own figures are checked in
    # tests/test_benchmarks_smoke.py, and running it here too cost 30 s of the suite.
    out = tmp_path / "RESULTS.md"
    assert main(["--quick", "--only", "tokens", "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "## tokens (ok" in text and "| gpt-4o-mini |" in text and "machine:" in text


def test_discovery_and_flattening() -> None:
    assert "bench_grader" in discover()
    assert flatten({"a": {"b": 1}, "c": [1, 2]}) == [("a.b", "1"), ("c", "1, 2")]
    assert abs(len(make_answer(300, 1).split()) - 300) <= 1
