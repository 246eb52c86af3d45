"""Offline acceptance thresholds of the prompt generator on a batch of 50 (issue #8)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))

pytestmark = pytest.mark.eval


@pytest.fixture(scope="module")
def generator(tmp_path_factory: pytest.TempPathFactory):
    """A generator with its own vector cache."""
    from agents.question_gen.generator import PromptGenerator

    gen = PromptGenerator(cache_dir=tmp_path_factory.mktemp("cache"))
    gen.warm_up()
    return gen


@pytest.mark.parametrize(
    "spec",
    [
        {"level": "sde2"},  # the default LPs for SDE II
        {"level": "sde1", "role_family": "support", "themes": ["customer", "failure"]},
        {"level": "manager", "role_family": "pm", "lps": "all"},
    ],
)
def test_offline_batch_of_50_meets_acceptance(generator, spec: dict) -> None:
    from agents.question_gen.request import PromptRequest
    from evals.prompt_eval import measure

    if spec.get("lps") == "all":
        spec = {**spec, "lps": list(generator.principles)}
    batch = generator.generate(PromptRequest(n=50, seed=2024, **spec))
    assert len(batch) == 50, batch.notices
    metrics = measure([p.text for p in batch], [p.lps[0] for p in batch], generator)
    assert metrics.form >= 0.95
    assert metrics.near_dup_core < 0.02
    assert metrics.near_dup_full < 0.02
    assert metrics.agree_top3 >= 0.85
    # Not a copy of the bank either.
    assert metrics.near_dup_bank < 0.02


def test_results_section_is_replaced_not_duplicated(tmp_path: Path) -> None:
    from evals.prompt_eval import write_section

    results = tmp_path / "RESULTS.md"
    results.write_text("# Evaluation results\n\n## Grader\n\nkeep me\n", "utf-8")
    write_section("## Prompt generator\n\nfirst\n", results)
    write_section("## Prompt generator\n\nsecond\n", results)
    text = results.read_text("utf-8")
    assert text.count("## Prompt generator") == 1
    assert "second" in text and "first" not in text
    assert "## Grader\n\nkeep me" in text
    results.write_text("# R\n\n## Prompt generator\n\nold\n\n## Story bank\n\nstays\n", "utf-8")
    write_section("## Prompt generator\n\nnew\n", results)
    expected = "# R\n\n## Prompt generator\n\nnew\n\n## Story bank\n\nstays\n"
    assert results.read_text("utf-8") == expected
