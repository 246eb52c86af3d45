"""Real servers for the multi-machine tests and benchmarks, started and stopped by the suite.

- `start_postgres`: a throwaway PostgreSQL cluster (Debian's `postgresql` package, which
  `make test` installs when missing) made with `initdb` in a temp dir and run with `pg_ctl` on a
  free 127.0.0.1 port, password login (scram) for the user `barraiser`. PostgreSQL refuses to
  run as root, so under root the cluster belongs to `nobody` and runs through `runuser`.
- `start_nginx`: nginx (Debian's `nginx`) in the foreground with a generated config, in front of
  app processes. Gradio's queue needs an event's `queue/join` POST and its `queue/data` stream on
  the same process, so the upstream is hashed on Gradio's `session_hash` (the query argument, the
  heartbeat path, else the JSON body); different pages spread over the processes, requests
  without one (page, assets) go round robin, and when a process dies its pages move to the next
  (`proxy_next_upstream`). Its access log names the upstream of every request.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    from processes import REPO, child_env, free_port, wait_for_port
except ModuleNotFoundError:  # imported as tests.servers (benchmarks)
    from tests.processes import REPO, child_env, free_port, wait_for_port


class ServerUnavailable(RuntimeError):
    """A server binary is not installed (run `make server-deps`)."""


def pg_bindir() -> Path:
    """PostgreSQL's server binaries: `pg_config --bindir`, else the newest /usr/lib/postgresql."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            candidates.append(Path(out))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    candidates += [Path(p) for p in versions]
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise ServerUnavailable("PostgreSQL server binaries not found (make server-deps)")


def nginx_binary() -> str:
    """The nginx executable."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        raise ServerUnavailable("nginx not found (make server-deps)")
    return found


@dataclass
class Postgres:
    """A running throwaway cluster."""

    root: Path
    port: int
    password: str
    runas: list[str]
    bindir: Path
    user: str = "barraiser"
    _databases: list[str] = field(default_factory=list)

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        """A `postgresql://` URL for one database of this cluster."""
        pw = self.password if password is None else password
        return f"postgresql://{self.user}:{pw}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE, ALTER ...)."""
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user={self.user} password={self.password}"
        with psycopg.connect(f"{dsn} dbname={database}", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, prefix: str = "t") -> str:
        """A fresh empty database; returns its name."""
        name = f"{prefix}_{secrets.token_hex(5)}"
        self.admin(f'CREATE DATABASE "{name}"')
        self._databases.append(name)
        return name

    def stop(self) -> None:
        """Stop the server at once and delete the cluster."""
        subprocess.run(
            [*self.runas, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
             "immediate", "-w", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(*, fsync: bool = True) -> Postgres:
    """initdb + pg_ctl start in a new temp dir; `fsync=False` for tests that need no durability."""
    bindir = pg_bindir()
    # Not under pytest's 0700 tmp dirs: the server user must reach its own directory.
    root = Path(tempfile.mkdtemp(prefix="barraiser-pg-"))
    runas: list[str] = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        runas = ["runuser", "-u", "nobody", "--"]
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if runas:
        os.chown(pwfile, pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid)
    port = free_port()
    run = {"capture_output": True, "text": True, "timeout": 120, "cwd": root}
    init = subprocess.run(
        [*runas, str(bindir / "initdb"), "-D", str(root / "data"), "-U", "barraiser",
         f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
         "--encoding=UTF8", "--locale=C", "--no-sync"],
        **run,
    )  # fmt: skip
    if init.returncode:
        raise RuntimeError(f"initdb failed: {init.stderr[-2000:]}")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200"
    if not fsync:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    start = subprocess.run(
        [*runas, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
         "-o", options, "-w", "-t", "60", "start"],
        **run,
    )  # fmt: skip
    if start.returncode:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {start.stderr[-1000:]}\n{log[-2000:]}")
    return Postgres(root, port, password, runas, bindir)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    # The body must be in memory for $request_body (the session_hash of a queue/join POST).
    client_body_buffer_size 1m;
    client_max_body_size 50m;
    log_format upstreams '$request_method $uri $status upstream=$upstream_addr '
                         'session=$barraiser_session';
    access_log {root}/access.log upstreams;
    map $request_body $body_session {{
        '~"session_hash":\\s*"(?<h>[^"]+)"' $h;
        default "";
    }}
    map $uri $path_session {{
        "~^/gradio_api/heartbeat/(?<ph>[^/]+)$" $ph;
        default $body_session;
    }}
    map $arg_session_hash $barraiser_session {{
        "" $path_session;
        default $arg_session_hash;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}
    upstream barraiser {{
        hash $barraiser_session;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://barraiser;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            # Gradio streams replies (server-sent events): pass them on as they come.
            proxy_buffering off;
            proxy_read_timeout 300s;
            proxy_connect_timeout 2s;
            # A dead process: the request goes to the next one (nothing was sent to it yet).
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    """A running nginx in front of app processes."""

    proc: subprocess.Popen[str]
    port: int
    root: Path

    @property
    def url(self) -> str:
        """The proxy's address."""
        return f"http://127.0.0.1:{self.port}/"

    def access_log(self) -> list[str]:
        """The access log's lines so far."""
        path = self.root / "access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def stop(self) -> None:
        """Stop nginx (SIGQUIT lets it finish open requests, then SIGKILL)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_nginx(root: Path, upstream_ports: list[int]) -> Nginx:
    """nginx on a free 127.0.0.1 port, proxying to `upstream_ports` on 127.0.0.1."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=60s;" for p in upstream_ports
    )
    conf = root / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            root=root, port=port, servers=servers,
            user="user root root;" if os.geteuid() == 0 else "",
        )
    )  # fmt: skip
    proc = subprocess.Popen(
        [nginx_binary(), "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, proc, timeout=20)
    except BaseException:
        proc.kill()
        raise
    time.sleep(0.1)
    return Nginx(proc, port, root)


def start_chroma(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A `chroma run` server (the console script next to this Python) on a free port."""
    import sys

    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        raise ServerUnavailable(f"{exe} is not installed")
    port = free_port()
    with (root / "chroma.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(exe), "run", "--path", str(root / "chroma"), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
    wait_for_port(port, proc, timeout=60)
    return proc, port


@dataclass
class Stack:
    """Two app processes (own data dirs, as on two machines) sharing one PostgreSQL database
    and one Chroma server, behind nginx."""

    nginx: Nginx
    apps: list[subprocess.Popen[str]]
    ports: list[int]
    database_url: str
    logs: list[Path]

    def served(self) -> list[tuple[str, int | None, str, list[int]]]:
        """Access-log rows: (uri, app index that answered or None, session hash, apps tried)."""
        rows = []
        for line in self.nginx.access_log():
            m = re.match(r"\S+ (\S+) \d+ upstream=(.*) session=(\S*)$", line)
            if not m:
                continue
            addrs = [a.strip() for a in re.split(r"[,:]\s", m.group(2)) if a.strip()]
            tried = [
                self.ports.index(int(a.rsplit(":", 1)[1]))
                for a in addrs
                if a.rsplit(":", 1)[-1].isdigit() and int(a.rsplit(":", 1)[1]) in self.ports
            ]
            rows.append((m.group(1), tried[-1] if tried else None, m.group(3), tried))
        return rows


def start_stack(root: Path, database_url: str, chroma_port: int) -> Stack:
    """Start both apps (same command as `make run`, different ports) and nginx in front."""
    import sys

    ports = [free_port() for _ in range(2)]
    apps, logs = [], []
    for i, port in enumerate(ports):
        log = root / f"app{i}.log"
        env = child_env(
            root / f"machine{i}", BARRAISER_PORT=str(port), BARRAISER_DATABASE_URL=database_url,
            CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma_port),
        )  # fmt: skip
        with log.open("w") as out:
            apps.append(
                subprocess.Popen(
                    [sys.executable, "app.py"],
                    cwd=REPO,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        logs.append(log)
    try:
        for app, port, log in zip(apps, ports, logs, strict=True):
            try:
                wait_for_port(port, app, timeout=120)
            except RuntimeError as e:
                raise RuntimeError(f"{e}\n{log.read_text()[-3000:]}") from e
        nginx = start_nginx(root / "nginx", ports)
    except BaseException:
        for app in apps:
            app.kill()
        raise
    return Stack(nginx, apps, ports, database_url, logs)
