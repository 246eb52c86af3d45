"""The candidate's own material in a real browser: upload a resume, grow a seed into a saved
story with the guided form, then "Practise for this job" asks about the candidate's own domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.material_files import load_resumes, render_pdf

from .browser_support import chat_texts, open_tab, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JOB = (
    "We are hiring a senior software engineer for our payments platform team. You will own the "
    "checkout service, raise the bar on reliability and mentor other engineers."
)


def _field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def test_resume_seed_story_and_practice_for_this_job(
    signed_in_app: str, page: Any, tmp_path: Path
) -> None:
    resume = next(r for r in load_resumes("dev") if r.name == "dev_01_backend")
    pdf = tmp_path / "priya-raman.pdf"
    pdf.write_bytes(render_pdf(resume))
    sign_in(page, signed_in_app, "seeker")
    open_tab(page, "Stories")
    page.locator("#resume-upload input[type=file]").set_input_files(str(pdf))
    page.locator("#resume-notice").get_by_text("story seed").wait_for(timeout=90_000)
    assert "Read 5 story seed(s)" in page.locator("#resume-notice").inner_text()
    page.locator("#resume-seeds").get_by_text("Cut checkout p95 latency").first.wait_for()

    # The first seed fills the guided form; each part gets the grader's live feedback.
    title = _field(page, "seed-title")
    page.wait_for_function("el => el.value.length > 0", arg=title.element_handle())
    assert "checkout" in title.input_value().lower()
    _field(page, "seed-situation").fill(
        "Last year our checkout at Northwind timed out during every big sale and we lost orders."
    )
    _field(page, "seed-task").fill("I owned checkout reliability for the payments team.")
    _field(page, "seed-result").fill(
        "Checkout p95 latency went from 2.1 s to 300 ms and abandoned carts fell by 18%."
    )
    _field(page, "seed-learning").fill("I learned to load test before every peak.")
    page.locator("#seed-feedback").get_by_text("Grader, live").wait_for()
    # Every part filled in: the live feedback ends up reading all five.
    page.locator("#seed-feedback").get_by_text(
        "Told: situation, task, action, result, learning"
    ).wait_for()
    screenshot(page, "resume-seed-form")
    page.locator("#seed-save").click()
    page.locator("#seed-saved").get_by_text("Saved").wait_for(timeout=60_000)

    open_tab(page, "Drill")
    page.locator("#job-practice").get_by_text("Practise for this job").first.click()
    _field(page, "job-description").fill(JOB)
    page.locator("#practise-job").click()
    page.locator("#job-notice").get_by_text("Practising for this job").wait_for(timeout=90_000)
    page.locator("#drill-chat").get_by_text("payments", exact=False).first.wait_for()
    texts = " ".join(chat_texts(page)).lower()
    assert "payments system" in texts or "payments platform" in texts
    screenshot(page, "practise-for-this-job")
