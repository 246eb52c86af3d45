"""The Feedback tab's export in a real browser: the PDF a candidate downloads says every character
of the Markdown export, in a readable title, with the charts as images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from report_text import first_difference, image_count, markdown_text, pdf_text

from .browser_support import open_tab, screenshot, send_answer, sign_in, start_drill

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER = (
    "I was responsible for checkout reliability — the team's top risk → so I profiled the "
    "service myself… I found an N+1 query and rewrote it; latency went from 2.1 s to 400 ms, "
    "cart abandonment fell 12% (>= our goal) and we saved 3 000 € a month. ✅ I learned to load "
    "test before every peak."
)


def _export(page: Any, fmt: str, tmp_path: Path) -> Path:
    """Export in one format and download the file the page offers."""
    page.locator("#feedback-export-format").get_by_label(fmt).check()
    page.locator("#export-debrief").click()
    suffix = ".md" if fmt == "Markdown" else ".pdf"
    link = page.locator(f'#feedback-file a[download$="{suffix}"]')
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    out = tmp_path / info.value.suggested_filename
    info.value.save_as(out)
    return out


def test_feedback_export_is_a_shareable_pdf(signed_in_app: str, page: Any, tmp_path: Path) -> None:
    sign_in(page, signed_in_app, "reporter")
    start_drill(page)
    send_answer(page, ANSWER)
    page.locator("#end-drill").click()
    page.wait_for_function(
        "() => document.querySelector('#drill-timer').innerText.includes('finished')"
    )
    open_tab(page, "Feedback")
    page.locator("#feedback-debrief").get_by_text("Overall signal").wait_for()

    markdown = _export(page, "Markdown", tmp_path).read_text("utf-8")
    pdf = _export(page, "PDF", tmp_path)
    screenshot(page, "feedback-export")
    assert pdf.suffix == ".pdf" and pdf.name.startswith("bar-raiser-")
    reader = PdfReader(pdf)
    expected, got = markdown_text(markdown), pdf_text(reader)
    assert got == expected, first_difference(expected, got)
    for ch in "—→…€✔":
        assert ch in got, ch
    assert ">=" not in markdown and "(at least our goal)" in markdown
    title = markdown.splitlines()[0]
    assert "Drill " not in title and "interview loop" in title
    assert reader.metadata is not None and reader.metadata.title == title.lstrip("# ")
    assert markdown.count("Debrief") == 1
    # LP chart, STAR(L) heatmap, this drill's trend and the trend across sessions.
    assert image_count(reader) == 4
