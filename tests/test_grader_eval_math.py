"""The agreement statistics the grader eval publishes."""

from __future__ import annotations

import pytest

from evals.grader_eval import cohen_kappa, quadratic_weighted_kappa
from evals.results_file import write_section


def test_cohen_kappa_known_values() -> None:
    assert cohen_kappa([1, 1, 0, 0], [1, 1, 0, 0]) == 1.0
    # 50% observed agreement against 50% expected by chance: no better than chance.
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.0)
    # Textbook example: 20/25/15/... table -> kappa 0.4.
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_qwk_penalises_distance() -> None:
    gold = [0, 1, 2, 3, 0, 1, 2, 3]
    assert quadratic_weighted_kappa(gold, gold) == pytest.approx(1.0)
    near = [0, 1, 2, 2, 0, 1, 2, 3]
    far = [0, 1, 2, 0, 0, 1, 2, 3]
    assert quadratic_weighted_kappa(gold, far) < quadratic_weighted_kappa(gold, near) < 1.0


def test_write_section_replaces_only_its_own(tmp_path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Evaluation results\n\n## Other\n\nkeep me\n\n## Grader\n\nold\n")
    write_section("## Grader\n\nnew\n", path)
    text = path.read_text()
    assert "keep me" in text and "new" in text and "old" not in text


def test_write_section_matches_whole_title_lines_and_keeps_the_order(tmp_path) -> None:
    """ "## Grader" replaces itself where it stands and leaves "## Grader: leave-one-voice-out"."""
    path = tmp_path / "RESULTS.md"
    path.write_text(
        "# Evaluation results\n\n## Grader\n\nold\n\n## Grader: leave-one-voice-out\n\nlovo\n"
        "\n## Relevance\n\nrel\n"
    )
    write_section("## Grader\n\nnew\n", path)
    text = path.read_text()
    assert "lovo" in text and "rel" in text and "old" not in text
    assert text.index("new") < text.index("lovo") < text.index("rel")
    write_section("## Story retrieval\n\nolder title\n", path)
    write_section("## Retrieval\n\nfresh\n", path, drop=("## Story retrieval",))
    assert "older title" not in path.read_text() and "fresh" in path.read_text()
