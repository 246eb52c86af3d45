"""The interviewer's eval harness against its acceptance thresholds (simulated candidates)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))

pytestmark = pytest.mark.eval

# Gap choice is a deterministic rule over the grade, so a miss is a bug; 1% slack absorbs only a
# borderline re-grade after a future grader change (see evals/RESULTS.md).
TARGETING_THRESHOLD = 0.99


@pytest.fixture(scope="module")
def summary():
    from evals.interviewer_eval import run_all

    summary, _ = run_all(quick=True)
    return summary


def test_probes_target_the_top_gap(summary) -> None:
    assert summary.probes > 100
    assert summary.targeting_rate >= TARGETING_THRESHOLD, summary.examples["mistargeted"]


def test_no_repeats_no_leaks_no_timebox_violations(summary) -> None:
    assert summary.repeats == 0
    assert summary.leak_sessions == 0, summary.examples["leaks"]
    assert summary.timebox_violations == 0, summary.examples["timebox"]
    assert summary.unfinished == 0


def test_debrief_is_consistent_and_models_invent_nothing(summary) -> None:
    assert summary.debrief_mismatches == 0, summary.examples["debrief"]
    assert summary.stronger_models > 20
    assert summary.invented_numbers == 0, summary.examples["invented"]


def test_personas_get_the_signal_they_deserve(summary) -> None:
    per = summary.per_persona
    assert per["strong"]["signals"] == {"strong": per["strong"]["sessions"]}
    for bad in ("vague", "hypothetical", "empty", "gibberish", "hostile", "injection"):
        assert set(per[bad]["signals"]) == {"not_inclined"}, bad
    assert per["injection"]["flags"].get("injection", 0) >= per["injection"]["sessions"]
    assert per["hostile"]["flags"].get("abuse", 0) >= per["hostile"]["sessions"]
    assert per["gibberish"]["flags"].get("gibberish", 0) >= per["gibberish"]["sessions"]
    # The all-"we" candidate supplies ownership when asked and is credited for it.
    assert per["all_we"]["mean_score"] >= 3.5


def test_offline_reply_latency(summary) -> None:
    assert summary.latency_median_ms < 300


def test_results_section_is_replaced_not_duplicated(tmp_path: Path) -> None:
    from evals.interviewer_eval import write_section

    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# R\n\n## Grader\n\nkeep\n\n## Interviewer\n\nold\n\n## Story bank\n\nstays\n"
    )
    write_section("## Interviewer\n\nnew\n", results)
    write_section("## Interviewer\n\nnewer\n", results)
    text = results.read_text("utf-8")
    assert text == "# R\n\n## Grader\n\nkeep\n\n## Interviewer\n\nnewer\n\n## Story bank\n\nstays\n"
    fresh = tmp_path / "NEW.md"
    write_section("## Interviewer\n\nx\n", fresh)
    assert fresh.read_text("utf-8") == "# Evaluation results\n\n## Interviewer\n\nx\n"
