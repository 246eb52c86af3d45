"""An off-topic answer in the page: the interviewer redirects once, the grade card says so, and
the debrief names the question as not answered; screenshot `relevance`."""

from __future__ import annotations

from typing import Any

import pytest

from agents.lp.demands import load_demands
from tests.test_relevance import HACKATHON

from .browser_support import chat_texts, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_off_topic_answer_gets_the_relevance_probe(app_url: str, page: Any) -> None:
    page.goto(app_url)
    page.locator("#start-drill").wait_for()
    lps = page.locator("#target-lps input")
    lps.click()
    lps.fill("Have Backbone")
    page.get_by_role("option", name="Have Backbone").first.click()
    page.locator("#start-drill").click()
    page.locator("#drill-chat .message").nth(1).wait_for()
    before = len(chat_texts(page))
    page.locator("#answer-box textarea").fill(HACKATHON)
    page.locator("#send-answer").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#drill-chat .message').length >= n", arg=before + 2
    )
    ask = load_demands()["disagreement"].ask
    assert ask in chat_texts(page)[-1]
    card = page.locator("#grade-card")
    card.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#grade-card').innerText.toLowerCase().includes('off topic')"
    )
    screenshot(page, "relevance")
    page.locator("#end-drill").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#drill-chat .message')]"
        ".some(m => m.innerText.includes('Not answered'))"
    )
    screenshot(page, "relevance-debrief")
