"""Child processes for tests and benchmarks: an isolated, offline environment with the network
blocked (tests/netguard), a free port, waiting for a listener, stopping, and the app itself."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NETGUARD_DIR = Path(__file__).parent / "netguard"
# Variables a developer's shell may carry that would change what the app does.
SCRUB = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST", "CHROMA_PORT")


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a child process: isolated, offline, network blocked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BARRAISER_") and k not in SCRUB}
    env.update(
        BARRAISER_DATA_DIR=str(data_dir),
        BARRAISER_BLOCK_NETWORK="1",
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONPATH=os.pathsep.join([str(NETGUARD_DIR), str(REPO)]),
    )
    env.update(extra)
    return env


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until something listens on 127.0.0.1:port (or the process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"process exited early ({proc.returncode}):\n{out}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Terminate a child process; kill it if it has not exited within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def stop_process_group(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
    """Stop a process started in its own session and everything it started: SIGTERM to the
    group, then SIGKILL if it has not exited within `timeout` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@dataclass
class App:
    """A `python app.py` child process and where it listens."""

    proc: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://127.0.0.1:{self.port}/"

    def wait(self, timeout: float = 60.0) -> App:
        """Return once the app listens; if it exits or times out first, kill it and raise."""
        try:
            wait_for_port(self.port, self.proc, timeout)
        except BaseException:
            self.proc.kill()  # never leave a half-started app behind
            self.proc.wait()
            raise
        return self


def start_app(data_dir: Path, *, capture: bool = False, **env: str) -> App:
    """Start `python app.py` on a free port with the network blocked (call `.wait()` next).

    `capture` keeps its output (shown if it exits early); `env` adds or overrides variables.
    """
    port = free_port()
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=REPO,
        env=child_env(data_dir, BARRAISER_PORT=str(port), **env),
        stdout=out,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        text=True,
    )
    return App(proc, port)


def run_python_offline(
    code: str, home: Path, *, timeout: float = 120, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`python -c code` in a fresh interpreter: network blocked, repo importable, HOME=home."""
    env = child_env(home / "barraiser-data", HOME=str(home))
    for name in without:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
