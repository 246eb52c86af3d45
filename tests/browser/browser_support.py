"""Browser test helpers (plain functions; the fixtures are in conftest.py): the real app in a
child process, Chromium flags, screenshots, tab and chat helpers."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import REPO, child_env, free_port, stop_process, wait_for_port

CHROMIUM = "/usr/bin/chromium"
VOICE_WAV = REPO / "tests" / "fixtures" / "voice_answer.wav"
SHOTS = REPO / "test-artifacts" / "screenshots"
# How long a page action may wait. Generous: two workers share two cores with their apps and
# browsers, and a wait that ends early costs nothing.
PAGE_TIMEOUT_MS = 60_000
BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
MIC_ARGS = [
    *BROWSER_ARGS,
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
        url = f"http://127.0.0.1:{port}/"
        wait_for_http_200(url, proc)
        print(f"\npage ready {time.perf_counter() - started:.1f} s after launch")
        yield url
    finally:
        stop_process(proc)


def wait_for_http_200(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until the page answers 200 (Gradio listens a moment before it serves)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early ({proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError as e:  # URLError/HTTPError/connection reset while it starts
            last = e
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {timeout}s") from last


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_tab(page: Any, name: str) -> None:
    """Click a top-level tab by its label."""
    page.get_by_role("tab", name=name).click()


# Two answers to an opening question about a reliability problem: one in the group voice with no
# result, one that owns the action and measures the result.
WE_ANSWER = (
    "Last year our checkout service kept timing out during big sales. We looked into it "
    "together and we changed a few things, and it went fine in the end."
)
STRONG = (
    "I was responsible for checkout reliability. I profiled the service myself, I found an N+1 "
    "query and I rewrote it as one batched query. Checkout latency went from 2.1 seconds to 400 "
    "milliseconds and cart abandonment fell 12 percent in the next sale. I learned to load test "
    "before every peak."
)
N_MESSAGES = "n => document.querySelectorAll('#drill-chat .message').length >= n"


def start_drill(page: Any) -> str:
    """Press Start (nothing unfinished) and return the first question once it shows."""
    page.locator("#start-drill").click()
    page.locator("#drill-chat .message").nth(1).wait_for()
    return chat_texts(page)[-1]


def send_answer(page: Any, text: str) -> None:
    """Type and send an answer; return once it and at least one interviewer turn show."""
    before = len(chat_texts(page))
    page.locator("#answer-box textarea").fill(text)
    page.locator("#send-answer").click()
    page.wait_for_function(N_MESSAGES, arg=before + 2)


def chat_texts(page: Any) -> list[str]:
    """The visible chat messages, in order."""
    return page.locator("#drill-chat .message").all_inner_texts()


# The users of the shared signed-in app (conftest `signed_in_app`); each test signs in as its own
# user, so tests never see each other's drills or stories. The password is "<user>-pw".
SIGNED_IN_USERS = (
    *("alice", "bob", "carol"),  # test_stories_and_users
    *("skipper", "carder", "starter", "reader", "longer", "keys"),  # test_drill_ux
    *("typist", "reloader", "seeker", "reporter", "auditor"),
    *("offtopic", "speaker"),  # test_relevance_page, test_voice_interview_page
)


def sign_in(page: Any, url: str, user: str) -> None:
    """Sign in to the shared signed-in app as one of SIGNED_IN_USERS."""
    login(page, url, user, f"{user}-pw")


def login(page: Any, url: str, user: str, password: str) -> None:
    """Sign in through Gradio's login form."""
    page.goto(url)
    page.locator("input").first.fill(user)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    page.locator("#start-drill").wait_for()
