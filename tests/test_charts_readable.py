"""The page's charts read well: whole labels, digits that contrast with their cell, distinct
trend ticks and a plain legend, and bars instead of a radar for fewer than three LPs."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest

from agents.drill.sessions import ProgressPoint
from agents.lp.principles import load_principles
from agents.stories.coverage import Coverage
from agents.ui import charts, charts_voice

PRINCIPLES = load_principles()
NAMES = {slug: p.name for slug, p in PRINCIPLES.items()}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tick_texts(labels) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in labels]


def _coverage() -> Coverage:
    lps = list(PRINCIPLES)
    stories = [{"id": "a", "title": "Checkout latency at Wombatcorp during the big sale"},
               {"id": "b", "title": "Onboarding by pairing"}]  # fmt: skip
    matrix = {lp: {"a": 3 if i % 2 else 0, "b": 1} for i, lp in enumerate(lps)}
    return Coverage(lps=lps, stories=stories, matrix=matrix, strong_counts={}, weak_lps=[],
                    overused=[], duplicates=[])  # fmt: skip


def test_coverage_labels_are_whole_and_digits_contrast() -> None:
    fig = charts.coverage_heatmap(_coverage(), NAMES)
    ax = fig.axes[0]
    assert _tick_texts(ax.get_yticklabels()) == [NAMES[lp] for lp in PRINCIPLES]
    assert "Checkout latency at Wombatcorp during the big sale" in _tick_texts(
        ax.get_xticklabels()
    )
    colors = {t.get_text(): t.get_color() for t in ax.texts}
    assert colors["3"] == "white" and colors["1"] == "black"


def test_digit_color_follows_the_cell() -> None:
    assert charts.digit_color("Blues", 3) == "white"
    assert charts.digit_color("Greens", 3) == "white"
    assert charts.digit_color("Blues", 0) == "black"
    assert charts.digit_color("Greens", 1) == "black"


def _point(n: int, created: float) -> ProgressPoint:
    return ProgressPoint(session_id=f"s{n}", created=created, status="done", role="sde2",
                         round_type="loop", mode="coach", answered=2, overall=3.0 + n,
                         measurability=2.0, ownership=0.5, signal="inclined")  # fmt: skip


def test_trend_ticks_are_distinct_and_the_legend_plain() -> None:
    day = 1_764_900_000.0
    fig = charts.progress_trend([_point(0, day), _point(1, day + 3600)])
    ax = fig.axes[0]
    ticks = _tick_texts(ax.get_xticklabels())
    assert len(set(ticks)) == 2 and ticks[0].startswith("#1") and ticks[1].startswith("#2")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any('share of "I"' in t for t in legend)
    assert not any("x3" in t or "I-share" in t or "scaled" in t for t in legend)


def _debrief(slugs: list[str]) -> SimpleNamespace:
    per_lp = [SimpleNamespace(name=NAMES[s], score=4.0) for s in slugs]
    return SimpleNamespace(per_lp=per_lp, heatmap=[])


@pytest.mark.parametrize("count", [1, 2])
def test_fewer_than_three_lps_draw_bars(count: int) -> None:
    slugs = ["have-backbone", "ownership"][:count]
    fig = charts.lp_radar(_debrief(slugs))
    ax = fig.axes[0]
    assert ax.name != "polar"
    assert _tick_texts(ax.get_yticklabels()) == [NAMES[s] for s in slugs]


def test_three_lps_keep_the_radar() -> None:
    fig = charts.lp_radar(_debrief(["have-backbone", "ownership", "dive-deep"]))
    assert fig.axes[0].name == "polar"


def _spoken(action: float, wpm: float, fillers: int) -> dict:
    star = {"situation": 20.0, "task": 5.0, "action": action, "result": 10.0, "learning": 0.0}
    return {"star_seconds": star, "wpm": wpm, "fillers": fillers, "pauses": 1}


def test_spoken_answers_trend_rows_and_plain_words() -> None:
    day = 1_764_900_000.0
    first = _point(0, day).model_copy(update={"spoken": [_spoken(30.0, 141.6, 3)]})
    typed = _point(1, day + 3600)  # a typed drill adds nothing to this chart
    second = _point(2, day + 7200).model_copy(
        update={"spoken": [_spoken(45.0, 150.0, 0), _spoken(50.04, 162.0, 1)]}
    )
    rows = charts_voice.spoken_trend_rows([first, typed, second])
    assert [r.label.split("\n")[1] for r in rows] == ["answer 1", "answer 1", "answer 2"]
    assert rows[0].label != rows[1].label  # sessions told apart by date and time
    assert [r.seconds["action"] for r in rows] == [30.0, 45.0, 50.0]
    assert [r.wpm for r in rows] == [142, 150, 162] and [r.fillers for r in rows] == [3, 0, 1]
    assert all(r.long_pauses == 1 and r.seconds["learning"] == 0.0 for r in rows)
    fig = charts_voice.spoken_trend([first, typed, second])
    top, low = fig.axes[0], fig.axes[1]
    heights = [p.get_height() for p in top.patches]
    assert heights[6:9] == [30.0, 45.0, 50.0]  # the "what you did" layer of the stacked bars
    legend = [t.get_text() for ax in (top, low) for t in ax.get_legend().get_texts()]
    assert "what you did" in legend and "words per minute" in legend and "long pauses" in legend
    words = legend + [ax.get_ylabel() for ax in fig.axes] + [top.get_title()]
    assert not any("_" in w or ">=" in w or "wpm" in w for w in words), words
    empty = charts_voice.spoken_trend([typed])
    assert "voice interview" in empty.axes[0].texts[0].get_text()
