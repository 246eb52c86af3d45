"""Browser fixtures shared by every browser test module: one signed-in app server per worker, one
headless Chromium per session (plain, and one with a fake microphone playing the fixture WAV)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser_support import (
    BROWSER_ARGS,
    CHROMIUM,
    MIC_ARGS,
    PAGE_TIMEOUT_MS,
    SIGNED_IN_USERS,
    VOICE_WAV,
    app_server,
)

# The modules that run longest (real-time microphone audio) go first, so that with two workers
# (`make test` runs `-n 2 --dist loadfile --no-loadscope-reorder`) the short ones fill in
# beside them.
LONGEST_FIRST = (
    "test_voice_interview_page.py",
    "test_stories_and_users.py",
    "test_plain_and_accessible.py",
    "test_drill_ux.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order browser modules longest first (a stable sort keeps each module's own order)."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    slots = [i for i, item in enumerate(items) if item.path.parent.name == "browser"]
    for i, item in zip(slots, sorted((items[i] for i in slots), key=rank), strict=True):
        items[i] = item


@pytest.fixture(scope="session")
def signed_in_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data dir of the shared signed-in app (a test may read its own user's sessions)."""
    return tmp_path_factory.mktemp("signed-in-app")


@pytest.fixture(scope="session")
def signed_in_app(signed_in_data: Path) -> Iterator[str]:
    """One app with Gradio login for the whole run (per xdist worker); a test signs in as its own
    user (`browser_support.sign_in`). Starting the app costs seconds of CPU, so modules share it."""
    auth = ",".join(f"{u}:{u}-pw" for u in SIGNED_IN_USERS)
    with app_server(signed_in_data, BARRAISER_AUTH=auth) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The Playwright driver (sync API), started once."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Headless Debian Chromium."""
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="session")
def mic_browser(playwright: Any) -> Iterator[Any]:
    """Headless Chromium whose (fake) microphone plays tests/fixtures/voice_answer.wav."""
    if not VOICE_WAV.exists():
        pytest.fail(f"{VOICE_WAV} is missing")
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=MIC_ARGS)
    yield b
    b.close()


def _new_page(browser: Any, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    pg = context.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, pg


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies, so its own signed-in user)."""
    context, pg = _new_page(browser)
    yield pg
    context.close()


@pytest.fixture
def mic_page(mic_browser: Any) -> Iterator[Any]:
    """A fresh context of the fake-microphone browser, microphone permission granted."""
    context, pg = _new_page(mic_browser, permissions=["microphone"])
    yield pg
    context.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of extra fresh contexts (several users in one test); all closed afterwards."""
    contexts: list[Any] = []

    def make() -> Any:
        context, pg = _new_page(browser)
        contexts.append(context)
        return pg

    yield make
    for context in contexts:
        context.close()
