"""Run every `benchmarks/bench_*.py` and write `benchmarks/RESULTS.md`.

`python -m benchmarks.run [--quick] [--only NAME ...] [--out FILE]` (this is `make bench`).
`--full` passes `full=True` to modules whose `run` takes it (100,000 stories in `bench_scale`):
`python -m benchmarks.run --full --only scale --timeout 3600 --out benchmarks/RESULTS-full.md`.

Each module exposes `run(quick: bool) -> dict` and runs in its own Python process, so one
benchmark's memory, threads or crash cannot disturb the next, and a time limit can stop it. The
dict may hold `tables` (each `{"title", "columns", "rows"}`, written as Markdown tables), `notes`
(a list of sentences) and any other values (nested dicts are flattened into a metric/value
table). A module that fails, times out or does not exist yet is reported as such in the file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.processes import stop_process_group

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
# Benchmarks the issues ask for, with who writes them: listed even while the file is missing.
EXPECTED: dict[str, str] = {
    "grader": "offline grading latency (#10)",
    "interviewer": "offline turn latency (#5)",
    "prompts": "prompt generation (#8)",
    "stories": "story bank (#6)",
    "app": "web app (#7)",
    "tokens": "tokens and cost per drill (#10)",
    "llm_overhead": "time to first token vs the raw server (#10)",
    "scale": "retrieval, cold start and concurrency growth (#10)",
    "voice": "offline speech to text and text to speech (#7)",
    "voice_turns": "hands-free turn taking and STAR seconds (#19)",
    "load": "50 concurrent candidates, long profile (#9)",
    "sessions_db": "session store: SQLite vs PostgreSQL (#20)",
}
DEFAULT_TIMEOUT_S = 420.0


def machine() -> str:
    """CPU model, cores and memory, read from the system."""
    cpu = platform.processor() or "unknown CPU"
    mem = "unknown memory"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested result dicts as (dotted key, value) rows."""
    if isinstance(data, dict):
        rows: list[tuple[str, str]] = []
        for key, value in data.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, list | tuple):
        if len(data) > 8 or any(isinstance(x, dict | list) for x in data):
            return [(prefix, f"{len(data)} items")]
        return [(prefix, ", ".join(map(str, data)))]
    return [(prefix, str(data))]


def discover() -> list[str]:
    """Names of every benchmark module."""
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def _cell(value: Any) -> str:
    """A value as a Markdown table cell."""
    text = str(value) if value is not None else ""
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def render_result(result: dict[str, Any]) -> list[str]:
    """A module's result as Markdown: its tables, the other values, then its notes."""
    out: list[str] = []
    for table in result.get("tables") or []:
        if table.get("title"):
            out += [f"**{table['title']}**", ""]
        out += [*render_table(table["columns"], table["rows"]), ""]
    rest = {k: v for k, v in result.items() if k not in ("tables", "notes")}
    if rest:
        out += [*render_table(["metric", "value"], flatten(rest)), ""]
    for note in result.get("notes") or []:
        out.append(f"- {note}")
    if result.get("notes"):
        out.append("")
    return out


def git_commit() -> str:
    """The commit benchmarked, marked -dirty when the tree has uncommitted changes."""
    try:
        return (
            subprocess.run(
                ["git", "describe", "--always", "--dirty"],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except OSError:
        return "unknown"


def run_module(
    name: str, quick: bool, timeout: float, full: bool = False
) -> tuple[str, dict[str, Any] | str, float]:
    """Run one module in a child process: ("ok", result, s) or ("FAILED"/"TIMEOUT", why, s)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "benchmarks.run", "--child", name, "--json", str(out)]
        if quick:
            command.append("--quick")
        if full:
            command.append("--full")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        )}  # fmt: skip
        proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # SIGTERM first: the child turns it into SystemExit so its servers are stopped.
            stop_process_group(proc, timeout=30)
            return "TIMEOUT", f"stopped after {timeout:.0f} s", time.perf_counter() - started
        elapsed = time.perf_counter() - started
        if out.exists():
            payload = json.loads(out.read_text("utf-8"))
            if "error" in payload:
                return "FAILED", payload["error"], elapsed
            return "ok", payload["result"], elapsed
        return "FAILED", f"the benchmark process exited with {code} and no result", elapsed


def _child(name: str, out: Path, quick: bool, full: bool = False) -> int:
    """Inside the child: run one module and write its result (or error) as JSON."""
    import traceback

    # A SIGTERM from the parent unwinds `finally` blocks, which stop any servers we started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run = importlib.import_module(f"benchmarks.{name}").run
        takes_full = "full" in inspect.signature(run).parameters
        result = run(quick=quick, full=True) if full and takes_full else run(quick=quick)
        payload: dict[str, Any] = {"result": result}
    except Exception as e:  # a broken benchmark is reported in the file, not hidden
        traceback.print_exc()
        payload = {"error": f"{type(e).__name__}: {e}"}
    out.write_text(json.dumps(payload, default=str), "utf-8")
    return 0 if "result" in payload else 1


def command_line(argv: Sequence[str]) -> str:
    """How this run was started, for the results file."""
    if not argv and os.environ.get("MAKELEVEL"):
        return "make bench"
    return " ".join(["python -m benchmarks.run", *argv])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    parser.add_argument("--full", action="store_true", help="largest sizes where offered")
    parser.add_argument("--only", action="append", default=None, help="a module (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="per module, s")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.json, args.quick, args.full)

    def wanted(name: str) -> bool:
        short = name.removeprefix("bench_")
        return not args.only or short in args.only or name in args.only

    present = [n for n in discover() if wanted(n)]
    absent = [n for n in EXPECTED if f"bench_{n}" not in discover() and wanted(f"bench_{n}")]
    started_at = dt.datetime.now(dt.UTC)
    total_started = time.perf_counter()
    summary: list[list[Any]] = []
    sections: list[str] = []
    failed = 0
    for name in present:
        short = name.removeprefix("bench_")
        print(f"{short}: running", flush=True)
        status, result, elapsed = run_module(name, args.quick, args.timeout, args.full)
        print(f"{short}: {status} in {elapsed:.1f} s", flush=True)
        summary.append([short, EXPECTED.get(short, ""), status, f"{elapsed:.1f}"])
        sections += [f"## {short} ({status}, {elapsed:.1f} s)", ""]
        if isinstance(result, dict):
            sections += render_result(result)
        else:
            failed += 1
            sections += [f"**{status}**: {result}", ""]
    for short in absent:
        summary.append([short, EXPECTED[short], "absent", ""])
        sections += [
            f"## {short} (absent)",
            "",
            f"`benchmarks/bench_{short}.py` does not exist yet: {EXPECTED[short]}.",
            "",
        ]
    total = time.perf_counter() - total_started
    header = [
        "# Benchmark results",
        "",
        f"- machine: {machine()}",
        f"- date: {started_at.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {git_commit()}",
        f"- command: `{command_line(argv)}`" + (" (quick: small sizes, not for quoting)"
                                                 if args.quick else ""),
        f"- total time: {total:.0f} s",
        "",
        *render_table(["benchmark", "what", "status", "seconds"], summary),
        "",
    ]  # fmt: skip
    args.out.write_text("\n".join(header + sections), "utf-8")
    print(f"wrote {args.out} in {total:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
