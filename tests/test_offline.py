"""Proof that the product needs no internet: the guard is real, and the app imports, builds
its services and grades with every non-loopback connection refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import child_env

PROBE = """
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    print("CONNECTED")
except OSError as e:
    print("BLOCKED", type(e).__name__)
from agents.config import load_settings
from agents.services import build_services
from agents.embeddings import get_embedding_function
s = build_services(load_settings())
get_embedding_function().warm_up()
from agents.tokens import count_tokens
print("TOKENS", count_tokens("hello world"))
print("OVERALL", s.grader.grade("I rewrote the cache and latency fell 40%.", "q").overall)
print("BACKEND", s.llm.name)
import netguard
print("ATTEMPTS", len(netguard.attempts))
"""


@pytest.mark.slow
def test_app_services_work_with_no_route_to_the_internet(tmp_path: Path) -> None:
    env = child_env(tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    assert lines["BLOCKED"] == "NetworkBlocked"  # the guard really is installed
    assert lines["TOKENS"] == "2"
    assert 1 <= int(lines["OVERALL"]) <= 5
    assert lines["BACKEND"] == "offline"
    assert lines["ATTEMPTS"] == "1"  # only our own probe tried to leave the machine
