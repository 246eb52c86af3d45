"""Shared fixtures: no network, an isolated environment and data dir, ready-made services."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "netguard"))
import netguard
from processes import (  # noqa: F401 - re-exported: tests import these from conftest
    NETGUARD_DIR,
    REPO,
    SCRUB,
    child_env,
    free_port,
    run_python_offline,
    start_app,
    stop_process,
    stop_process_group,
    wait_for_port,
)

from agents.blas import pin_blas_kernels

# Before anything imports numpy: retraining reproduces the shipped artefacts on every x86-64 CPU,
# in this process and in every process a test starts (they inherit the environment).
pin_blas_kernels()


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
        if name.startswith("BARRAISER_") or name in SCRUB:
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


@pytest.fixture
def running_app(tmp_path: Path) -> Iterator[str]:
    """The real app (`python app.py`) in a child process with the network blocked; yields URL."""
    app = start_app(tmp_path / "appdata", capture=True)
    try:
        yield app.wait().url
    finally:
        stop_process(app.proc)


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One throwaway PostgreSQL cluster for the whole run (tests/servers.py), stopped at the end."""
    from servers import ServerUnavailable, start_postgres

    try:
        cluster = start_postgres(fsync=False)
    except ServerUnavailable as e:  # `make test` installs it; a bare pytest may not have it
        pytest.skip(str(e))
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(postgres) -> str:
    """A fresh, empty PostgreSQL database of the session cluster, as a postgresql:// URL."""
    return postgres.url(postgres.create_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The session database URL on each engine: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'barraiser.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def nginx_stack(postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """nginx in front of two `python app.py` processes (own data dirs) sharing one PostgreSQL
    database and one `chroma run` server; started once per run (tests/servers.py)."""
    from servers import ServerUnavailable, start_chroma, start_stack

    root = tmp_path_factory.mktemp("nginx-stack")
    try:
        chroma, chroma_port = start_chroma(root)
    except ServerUnavailable as e:
        pytest.skip(str(e))
    stack = None
    try:
        stack = start_stack(root, postgres.url(postgres.create_database("stack")), chroma_port)
        yield stack
    finally:
        if stack is not None:
            stack.nginx.stop()
            for app in stack.apps:
                stop_process(app)
        stop_process_group(chroma)
