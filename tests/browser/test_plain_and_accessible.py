"""What a candidate reads, in a real browser: plain words on every tab and in the exported
Markdown (no slugs, snake_case, ">=" or "i ("), an axe-core audit of every tab, tables that
never break a word, readable charts, a read-only story table with a format hint and a Find
button, and a Status tab that says how to add a model, with no emoji and one font per heading.

One app and one finished coach-mode drill serve the whole module (the drill is the slow part).
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from agents.lp.principles import load_principles

from .browser_support import PAGE_TIMEOUT_MS, chat_texts, open_tab, screenshot, send_answer, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABS = ("Drill", "Stories", "Feedback", "Prompts", "Status")
TARGET_LP = "Have Backbone; Disagree and Commit"
WE_ANSWER = (
    "Last year our team disagreed with a launch date our director set. We looked into it "
    "together and we pushed back a little, and it went fine in the end."
)
STRONG = (
    "I was responsible for the launch plan. I wrote a one-page risk memo myself, I showed the "
    "director that load tests failed at 2,000 requests per second, and I proposed a two-week "
    "slip. We launched two weeks later with zero sev-1 incidents, against four on the previous "
    "launch. I learned to bring data, not opinions, when I disagree."
)
STORIES_MD = """## Checkout latency at Wombatcorp
LPs: Dive Deep, Deliver Results

Last spring our checkout service at Wombatcorp timed out during every big sale. I owned
checkout reliability. I profiled the service, found an N+1 query and rewrote it as one batched
query. Checkout p99 latency went from 2.1 seconds to 300 ms and abandoned carts fell 18%. I
learned to load test before every peak.

## Onboarding by pairing
LPs: Hire and Develop the Best

Two junior engineers struggled with on-call. I paired with each of them for a week and rewrote
the runbooks with them. They ran solo on-call weeks after six weeks instead of three months.
"""

_SLUGS = sorted((s for s in load_principles() if "-" in s), key=len, reverse=True)
JARGON = {
    "an LP slug": re.compile(r"\b(?:" + "|".join(map(re.escape, _SLUGS)) + r")\b"),
    "a role slug": re.compile(r"\b(?:sde\d|nontech)\b", re.IGNORECASE),
    # A file path is not a value shown as words, so tokens after "/" are left alone.
    "a snake_case value": re.compile(r"(?<![/\w])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "a comparison sign": re.compile(r">=|<=|≥|≤"),
    'an "i (" label': re.compile(r"\bi \(", re.IGNORECASE),
}
# Characters drawn as emoji by default: with no emoji font installed they are empty boxes.
EMOJI_RANGES = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x231A, 0x23FF))
TEXT_GLYPHS_OK = set("✔✘★☆☐☑☒⚠✓✗")  # text-style symbols DejaVu Sans draws


def jargon_in(text: str) -> list[str]:
    """Every piece of jargon in `text`, as 'kind: match (context)'."""
    found = []
    for kind, pattern in JARGON.items():
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ")
            found.append(f"{kind}: {m.group(0)!r} in …{context}…")
    return found


def emoji_in(text: str) -> list[str]:
    """Characters that need an emoji font (with their Unicode names)."""
    out = []
    for ch in set(text):
        code = ord(ch)
        if ch in TEXT_GLYPHS_OK or ch in "\ufe0e":
            continue
        if any(lo <= code <= hi for lo, hi in EMOJI_RANGES) or ch == "\ufe0f":
            out.append(f"{ch} {unicodedata.name(ch, hex(code))}")
    return sorted(out)


@pytest.fixture(scope="module")
def drilled(
    browser: Any, signed_in_app: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """One page with a finished coach-mode drill on one LP, stories imported, prompts made."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    sign_in(page, signed_in_app, "auditor")
    page.locator("#start-drill").wait_for()
    lps = page.get_by_label("Target LPs (optional)")
    lps.click()
    lps.fill("Have Backbone")
    page.get_by_role("option", name=TARGET_LP).click()
    page.keyboard.press("Escape")
    page.locator("#start-drill").click()
    page.locator("#drill-chat .message").nth(1).wait_for()
    send_answer(page, WE_ANSWER)
    send_answer(page, STRONG)
    page.locator("#end-drill").click()
    page.wait_for_function(
        "() => document.querySelector('#drill-timer').innerText.includes('finished')"
    )
    page.locator("#drill-summary table").first.wait_for()  # the debrief has its own panel

    stories = tmp_path_factory.mktemp("stories") / "stories.md"
    stories.write_text(STORIES_MD, "utf-8")
    open_tab(page, "Stories")
    page.locator("#stories-upload input[type=file]").set_input_files(str(stories))
    page.locator("#stories-notice").get_by_text("Imported").wait_for(timeout=60_000)
    page.locator("#show-coverage").click()
    page.locator("#coverage-heatmap img").wait_for()

    open_tab(page, "Feedback")
    page.locator("#feedback-refresh").click()
    page.locator("#feedback-debrief table").first.wait_for()
    for plot in ("#lp-radar", "#star-heatmap", "#trend"):
        page.locator(f"{plot} img").wait_for()

    open_tab(page, "Prompts")
    page.locator("#gen-prompts").click()
    page.locator("#prompts-out").get_by_text("?").first.wait_for()
    open_tab(page, "Drill")
    yield page
    context.close()


def _settled(page: Any) -> None:
    """Wait until no component shows Gradio's loading state and its fade back has ended.

    Gradio dims a refreshing component and fades it back in with a CSS transition; an audit
    taken mid-fade measures a half-transparent grey, which is not what a reader sees.
    """
    page.wait_for_timeout(200)
    page.wait_for_function("() => !document.querySelector('.pending, .generating, .eta-bar')")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def _tab_text(page: Any, tab: str) -> str:
    open_tab(page, tab)
    panel = page.locator("[role=tabpanel]:visible").first
    panel.wait_for()
    _settled(page)  # a tab's select handler refreshes its content
    return page.locator("h1").first.inner_text() + "\n" + panel.inner_text()


def test_plain_words_on_every_tab_and_in_the_exported_markdown(drilled: Any) -> None:
    page = drilled
    problems = {tab: jargon_in(_tab_text(page, tab)) for tab in TABS}
    open_tab(page, "Feedback")
    page.locator("#feedback-export-format").get_by_label("Markdown").check()  # PDF is the default
    page.locator("#export-debrief").click()
    page.locator("#feedback-notice").get_by_text("Exported").wait_for()
    link = page.locator("#feedback-file a[href]").first
    link.wait_for()
    markdown = page.request.get(link.get_attribute("href")).text()
    assert "Debrief" in markdown and TARGET_LP in markdown
    problems["exported Markdown"] = jargon_in(markdown)
    screenshot(page, "plain-words-feedback")
    assert not any(problems.values()), problems


def test_axe_finds_no_serious_or_critical_violation_on_any_tab(drilled: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = drilled
    bad: dict[str, list[str]] = {}
    for tab in TABS:
        open_tab(page, tab)
        _settled(page)
        results = axe.run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            bad[tab] = serious
    assert not bad, bad


def test_debrief_tables_never_break_a_word(drilled: Any) -> None:
    """Item 6: each word of every table cell in the chat and the debrief sits on one line."""
    page = drilled
    broken_js = """sel => {
      const out = [];
      for (const cell of document.querySelectorAll(sel)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const re = /\\S+/g; let m;
          while ((m = re.exec(node.data)) !== null) {
            const r = document.createRange();
            r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
            const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
            if (tops.size > 1) out.push(m[0]);
          }
        }
      }
      return out;
    }"""
    open_tab(page, "Drill")
    page.locator("#drill-summary table").first.scroll_into_view_if_needed()
    in_chat = page.evaluate(broken_js, "#drill-summary th, #drill-summary td")
    screenshot(page, "debrief-table-in-panel")
    open_tab(page, "Feedback")
    page.locator("#feedback-debrief table").first.wait_for()
    in_feedback = page.evaluate(broken_js, "#feedback-debrief th, #feedback-debrief td")
    assert page.locator("#drill-summary th").count()
    assert page.locator("#feedback-debrief th").count()
    assert not in_chat and not in_feedback, (in_chat, in_feedback)
    text = page.locator("#feedback-debrief").inner_text()
    assert "at least 4.0" in text, text
    assert re.search(r"(mostly you|you and the team|mostly the team|only the team), \d+%", text), (
        text
    )


def _image_bytes(page: Any, selector: str) -> bytes:
    src = page.locator(f"{selector} img").first.get_attribute("src")
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    return page.request.get(src).body()


def _bar_pixels(png: bytes) -> int:
    """How many pixels have the bars' solid blue (#1f6feb); a radar's fill is a pale tint."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    target = (0x1F, 0x6F, 0xEB)
    return sum(
        1 for px in img.getdata() if all(abs(a - b) <= 6 for a, b in zip(px, target, strict=True))
    )


def test_one_lp_is_a_bar_chart_and_all_charts_show(drilled: Any) -> None:
    """Item 8 (the rest of it, label wrapping, digit colours and trend ticks and legend, is
    checked on the figures themselves in tests/test_charts_readable.py)."""
    page = drilled
    open_tab(page, "Feedback")
    for plot in ("#lp-radar", "#star-heatmap", "#trend"):
        page.locator(f"{plot} img").wait_for()
    # One LP asked: bars, drawn in solid blue (a radar's area is a pale 25% tint).
    assert _bar_pixels(_image_bytes(page, "#lp-radar")) > 2_000
    screenshot(page, "charts-feedback")
    open_tab(page, "Stories")
    page.locator("#coverage-heatmap img").wait_for()
    screenshot(page, "charts-coverage")


def test_stories_table_is_read_only_without_ids_with_a_hint_and_a_find_button(
    drilled: Any,
) -> None:
    """Item 9."""
    page = drilled
    open_tab(page, "Stories")
    table = page.locator("#stories-table")
    title = table.locator("span", has_text="Checkout latency at Wombatcorp").first
    title.wait_for()
    assert not re.search(r"\bs-[0-9a-f]{8,}\b", table.inner_text()), table.inner_text()
    hint = page.locator("#stories-format-hint")
    assert "## Faster checkout before the big sale" in hint.inner_text()
    title.click()
    page.locator("#story-coaching").get_by_text("Coaching: Checkout latency").wait_for()
    _settled(page)
    editors = table.locator("input:not([type=file]), textarea, [contenteditable=true]")
    assert editors.count() == 0, "a click turned a table cell into an editor"
    assert page.locator("#story-title input, #story-title textarea").first.input_value() == (
        "Checkout latency at Wombatcorp"
    )
    page.locator("#find-question textarea, #find-question input").first.fill(
        "Tell me about a time you improved the performance of a system"
    )
    page.locator("#find-story").click()
    page.locator("#find-result").get_by_text("Checkout latency at Wombatcorp").wait_for()
    screenshot(page, "stories-read-only")


def _fonts_of(page: Any, selector: str) -> list[set[str]]:
    """The platform fonts Chromium used for each element matching `selector`."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    out = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        if fonts:
            out.append({f["familyName"] for f in fonts})
    cdp.detach()
    return out


def test_status_says_how_to_add_a_model_with_no_emoji_and_one_font_per_heading(
    drilled: Any,
) -> None:
    """Item 10."""
    page = drilled
    open_tab(page, "Status")
    guide = page.locator("#model-guide")
    guide.wait_for()
    text = guide.inner_text()
    for setting in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BARRAISER_MODEL"):
        assert setting in text
    assert "What changes with a model" in text
    screenshot(page, "status-model-guide")
    emoji = {tab: emoji_in(_tab_text(page, tab)) for tab in TABS}
    assert not any(emoji.values()), emoji
    open_tab(page, "Drill")
    headings = _fonts_of(page, "h1, h2, h3, h4")
    assert headings, "no headings found"
    mixed = [fonts for fonts in headings if len(fonts) > 1]
    assert not mixed, f"headings drawn in more than one font: {mixed}"


def test_jargon_and_emoji_checks_catch_what_they_should() -> None:
    """The scanners themselves (so a pass above means something)."""
    assert jargon_in("Principle: have-backbone, role sde2, signal not_inclined")
    assert jargon_in("strong: mean >= 4.0") and jargon_in("Ownership I (33% first-person)")
    assert not jargon_in("Have Backbone; Disagree and Commit · SDE II · Not inclined")
    assert not jargon_in("Data directory /tmp/pytest-of-root/x_y/chroma · OPENAI_API_KEY")
    assert emoji_in("✅ Situation") and emoji_in("❌") and not emoji_in("● ○ ✔ ⚠ — →")


def test_the_drill_page_screenshot(drilled: Any) -> None:
    open_tab(drilled, "Drill")
    assert any("Debrief" in t for t in chat_texts(drilled))
    screenshot(drilled, "plain-drill")
