"""The grader against its labelled dataset: acceptance targets on the held-back split (offline),
and the dataset's own guarantees (deterministic build, no story in both splits, sizes)."""

from __future__ import annotations

import json

import pytest

from agents.grading import Grader
from evals import build_grader_dataset as builder
from evals.grader_eval import DATA_DIR, evaluate, load_records


@pytest.fixture(scope="module")
def heldout():
    return evaluate(load_records("heldout"), Grader(None))


def test_the_committed_dataset_is_what_the_builder_makes() -> None:
    built = builder.build()
    for name, records in built.items():
        on_disk = [
            json.loads(line)
            for line in (DATA_DIR / f"{name}.jsonl").read_text("utf-8").splitlines()
            if line.strip()
        ]
        assert on_disk == records, f"{name}.jsonl is stale: rebuild with evals.build_grader_dataset"


def test_the_builder_is_deterministic() -> None:
    first, second = builder.build(), builder.build()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    # The split is a pure function of the story ids, not of their order.
    ids = [f"story-{i}" for i in range(40)]
    assert builder.heldout_ids(ids) == builder.heldout_ids(list(reversed(ids)))
    assert len(builder.heldout_ids(ids)) == 12


def test_sizes_and_splits() -> None:
    built = builder.build()
    constructed, spoken, injection = built["constructed"], built["spoken"], built["injection"]
    assert len(constructed) >= 200 and len(spoken) >= 25 and len(injection) >= 20
    others = ("hypothetical", "non_answer")
    stories = {r["story"] for r in constructed if r["variant"] not in others}
    assert len(stories) >= 40
    # Every gap the follow-up can aim at occurs in the constructed answers.
    gaps = {r["labels"]["top_gap"] for r in constructed}
    assert gaps >= {
        *("action", "ownership", "result", "measurability", "situation", "task", "learning"),
        *("hypothetical", "non_answer", "none"),
    }
    assert sum(r["labels"]["hypothetical"] for r in constructed) >= 10
    assert sum(r["labels"]["non_answer"] for r in constructed) >= 5
    for records in built.values():
        dev = {r["story"] for r in records if r["split"] == "dev"}
        held = {r["story"] for r in records if r["split"] == "heldout"}
        assert dev and held and not dev & held
    # Every injected answer really differs from its clean version, and keeps its labels.
    for r in injection:
        assert r["answer"] != r["clean_answer"] and r["labels"]["injection"]


def test_labels_follow_the_documented_gap_priority() -> None:
    labels = {
        "components": dict.fromkeys(("situation", "task", "action", "result", "learning"), True),
        "measurability": 1,
        "ownership": "we",
        "hypothetical": False,
        "non_answer": False,
    }
    assert builder.top_gap(labels) == "ownership"
    labels["ownership"] = "i"
    assert builder.top_gap(labels) == "measurability"


@pytest.mark.eval
def test_heldout_components(heldout) -> None:
    assert heldout.macro_f1 >= 0.90, heldout.per_component
    assert heldout.mean_kappa >= 0.75, heldout.per_component


@pytest.mark.eval
def test_heldout_measurability_and_ownership(heldout) -> None:
    assert heldout.measurability_qwk >= 0.85
    assert heldout.ownership_accuracy >= 0.90


@pytest.mark.eval
def test_heldout_injection_never_inflates_and_is_flagged(heldout) -> None:
    assert heldout.injection_cases >= 5
    assert heldout.injection_inflations == 0
    assert heldout.injection_flagged == 1.0


@pytest.mark.eval
def test_heldout_follow_up_targets_the_top_gap(heldout) -> None:
    assert heldout.follow_up_targeting >= 0.85
