"""An off-topic answer in the page: the interviewer redirects once, the grade card says so, and
the debrief names the question as not answered; screenshot `relevance`."""

from __future__ import annotations

from typing import Any

import pytest

from agents.grading import Grader
from agents.lp.demands import load_demands
from tests.test_relevance import HACKATHON

from .browser_support import chat_texts, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _start(page: Any) -> str:
    """Start a Have Backbone drill; the interviewer's question."""
    lps = page.locator("#target-lps input")
    if "Have Backbone" not in page.locator("#target-lps").inner_text():
        lps.click()
        lps.fill("Have Backbone")
        page.get_by_role("option", name="Have Backbone").first.click()
    before = len(chat_texts(page))
    page.locator("#start-drill").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#drill-chat .message').length >= n", arg=2
    )
    page.wait_for_function(
        "n => document.querySelectorAll('#drill-chat .message').length != n || n < 2",
        arg=before,
    )
    return chat_texts(page)[-1]


def _question_the_story_misses(page: Any) -> str:
    """Skip (or restart) until the interviewer asks a question the shipped grader reads the
    hackathon story as not answering: the page's question is random, the plumbing is under test."""
    question = _start(page)
    for _ in range(12):
        if "off_topic" in Grader().grade(HACKATHON, question).flags:
            return question
        before = len(chat_texts(page))
        page.locator("#skip-question").click()
        page.wait_for_function(  # a next question, or the drill ended (debrief in its panel)
            "n => document.querySelectorAll('#drill-chat .message').length > n"
            " || document.querySelector('#drill-timer').innerText.includes('finished')",
            arg=before,
        )
        page.wait_for_timeout(300)
        question = chat_texts(page)[-1]
        finished = "finished" in page.locator("#drill-timer").inner_text()
        if "Debrief" in question or finished:  # the drill ran out of questions: start another
            question = _start(page)
    pytest.fail("no question the story misses was asked in 12 tries")


def test_an_off_topic_answer_gets_the_relevance_probe(signed_in_app: str, page: Any) -> None:
    sign_in(page, signed_in_app, "offtopic")
    question = _question_the_story_misses(page)
    demand = Grader().grade(HACKATHON, question).missing_demand
    assert demand is not None
    before = len(chat_texts(page))
    page.locator("#answer-box textarea").fill(HACKATHON)
    page.locator("#send-answer").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#drill-chat .message').length >= n", arg=before + 2
    )
    ask = load_demands()[demand].ask
    assert ask in chat_texts(page)[-1]
    page.locator("#grade-card").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#grade-card').innerText.includes('Off topic')"
    )
    screenshot(page, "relevance")
    page.locator("#end-drill").click()
    page.wait_for_function(  # the debrief has its own panel beside the chat
        "() => document.querySelector('#drill-summary').innerText.includes('Not answered')"
    )
    screenshot(page, "relevance-debrief")
