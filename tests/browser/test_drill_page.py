"""A whole typed drill in a real browser: start, answer, follow-up, grade card with highlighted
evidence, end, debrief, Feedback charts; a screenshot of every tab."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .browser_support import (
    STRONG,
    WE_ANSWER,
    chat_texts,
    open_tab,
    screenshot,
    send_answer,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_typed_drill_from_question_to_debrief(signed_in_app: str, page: Any) -> None:
    sign_in(page, signed_in_app, "typist")
    page.locator("#start-drill").wait_for()
    clicked = time.perf_counter()
    page.locator("#start-drill").click()
    page.locator("#drill-chat .message").nth(1).wait_for()
    print(f"\nfirst interviewer turn visible {time.perf_counter() - clicked:.2f} s after start")
    question = chat_texts(page)[-1]
    assert question.strip().startswith(("Tell me", "Describe", "Give me", "Walk me"))
    page.wait_for_function(
        "() => document.querySelector('#drill-timer').innerText.includes(' of 30:00')"
    )

    send_answer(page, WE_ANSWER)
    texts = chat_texts(page)
    assert any(WE_ANSWER[:40] in t for t in texts[-4:])
    # The probe goes after what the answer lacks: the candidate's own actions.
    assert "you" in texts[-1].lower() and texts[-1].strip().endswith("?")
    card = page.locator("#grade-card")
    card.wait_for()
    assert "Grade card" in card.inner_text()
    # Evidence is highlighted inside the candidate's own words.
    assert page.locator("#grade-card mark").count() >= 1

    send_answer(page, STRONG)
    # The card is re-graded over the whole exchange: the result now shows, marked in the answer.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#grade-card mark.ev-result')]"
        ".some(m => m.innerText.includes('400 milliseconds'))"
    )
    assert page.locator("#grade-card mark.ev-action").count() >= 1
    screenshot(page, "drill")

    page.locator("#end-drill").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#drill-chat .message')]"
        ".some(m => m.innerText.includes('Debrief'))"
    )
    page.wait_for_function(
        "() => document.querySelector('#drill-timer').innerText.includes('finished')"
    )

    open_tab(page, "Feedback")
    page.locator("#feedback-debrief").get_by_text("Debrief").wait_for()
    for plot in ("#lp-radar", "#star-heatmap", "#trend"):
        page.locator(f"{plot} img").wait_for()
    screenshot(page, "feedback")
    page.locator("#export-debrief").click()
    page.locator("#feedback-notice").get_by_text("Exported").wait_for()

    open_tab(page, "Prompts")
    page.locator("#gen-prompts").click()
    page.locator("#prompts-out").get_by_text("?").first.wait_for()
    screenshot(page, "prompts")

    open_tab(page, "Status")
    page.locator("#status-table").get_by_text("Speech to text").wait_for()
    assert "sk-" not in page.locator("#status-table").inner_text()
    screenshot(page, "status")

    open_tab(page, "Stories")
    page.locator("#stories-table").wait_for()
    screenshot(page, "stories-empty")


def test_a_reload_resumes_the_unfinished_drill(signed_in_app: str, page: Any) -> None:
    sign_in(page, signed_in_app, "reloader")
    page.locator("#start-drill").click()
    page.locator("#drill-chat .message").nth(1).wait_for()
    send_answer(page, WE_ANSWER)
    page.reload()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#drill-chat .message')]"
        ".some(m => m.innerText.includes('Welcome back'))"
    )
    assert any(WE_ANSWER[:40] in t for t in chat_texts(page))
    # The visible timer keeps counting from the drill's start.
    page.wait_for_function(
        "() => /Timer: 00:0[2-9] of/.test(document.querySelector('#drill-timer').innerText)"
    )
