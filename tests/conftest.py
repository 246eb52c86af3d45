"""Shared fixtures: no network, an isolated environment and data dir, ready-made services."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "netguard"))
import netguard

REPO = Path(__file__).resolve().parent.parent
NETGUARD_DIR = Path(__file__).parent / "netguard"

# Variables a developer's shell may carry that would change what the app does.
_SCRUB = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST", "CHROMA_PORT")


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """Every test runs with non-loopback connections refused."""
    netguard.install()
    yield
    netguard.uninstall()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No model keys, no developer settings, user data in a temp dir."""
    for name in list(os.environ):
        if name.startswith("BARRAISER_") or name in _SCRUB:
            monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("BARRAISER_DATA_DIR", str(data))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    return data


@pytest.fixture
def settings(isolated_env: Path):
    """Offline settings that ignore any `.env` file."""
    from agents.config import Settings

    return Settings(_env_file=None, data_dir=isolated_env)  # type: ignore[call-arg]


@pytest.fixture
def services(settings):
    """Offline services built from the isolated settings."""
    from agents.services import build_services

    return build_services(settings)


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a child process: isolated, offline, network blocked."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("BARRAISER_") and k not in _SCRUB
    }
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


@pytest.fixture
def running_app(tmp_path: Path) -> Iterator[str]:
    """The real app (`python app.py`) in a child process with the network blocked; yields URL."""
    port = free_port()
    env = child_env(tmp_path / "appdata", BARRAISER_PORT=str(port))
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process(proc)
