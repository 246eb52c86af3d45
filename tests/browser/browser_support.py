"""Browser test support, imported by the test modules: the real app in a child process and
Debian's headless Chromium via Playwright; a fake microphone plays the fixture WAV."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, child_env, free_port, wait_for_port

CHROMIUM = "/usr/bin/chromium"
VOICE_WAV = REPO / "tests" / "fixtures" / "voice_answer.wav"
SHOTS = REPO / "test-artifacts" / "screenshots"
BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    # A fake microphone that "hears" the fixture WAV, and no permission prompt.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    f"--use-file-for-fake-audio-capture={VOICE_WAV}",
]


@contextlib.contextmanager
def app_server(data_dir: Path, **env: str) -> Iterator[str]:
    """`python app.py` on a free port with its own data dir; yields the URL once it listens."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=REPO,
        env=child_env(data_dir, BARRAISER_PORT=str(port), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = time.perf_counter()
    try:
        wait_for_port(port, proc, timeout=120)
        print(f"\napp listening after {time.perf_counter() - started:.1f} s")
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One offline app without login for the module's tests."""
    with app_server(tmp_path_factory.mktemp("browser-app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own cookies) with microphone permission."""
    context = browser.new_context(
        permissions=["microphone"], viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_tab(page: Any, name: str) -> None:
    """Click a top-level tab by its label."""
    page.get_by_role("tab", name=name).click()


def chat_texts(page: Any) -> list[str]:
    """The visible chat messages, in order."""
    return page.locator("#drill-chat .message").all_inner_texts()


def login(page: Any, url: str, user: str, password: str) -> None:
    """Sign in through Gradio's login form."""
    page.goto(url)
    page.locator("input").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    page.locator("#start-drill").wait_for()
