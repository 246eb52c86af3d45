"""Run every `benchmarks/bench_*.py` and write `benchmarks/RESULTS.md`.

`python -m benchmarks.run [--quick] [--only NAME]` (this is `make bench`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import subprocess
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


def machine() -> str:
    """CPU model, cores and memory, read from the system."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        mem = "unknown memory"
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}"


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", action="append", default=None)
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    args = parser.parse_args(argv)
    names = [n for n in discover() if not args.only or n.removeprefix("bench_") in args.only
             or n in args.only]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    command = "make bench" + (" (python -m benchmarks.run --quick)" if args.quick else "")
    sections = [
        "# Benchmark results",
        "",
        f"- machine: {machine()}",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {commit}",
        f"- command: `{command}`",
        "",
    ]
    failed = 0
    for name in names:
        started = time.perf_counter()
        try:
            result = importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)
            rows = flatten(result)
            status = f"{time.perf_counter() - started:.1f} s"
        except Exception as e:  # a broken benchmark is reported in the file, not hidden
            failed += 1
            rows = [("error", f"{type(e).__name__}: {e}")]
            status = "FAILED"
            traceback.print_exc()
        sections += [f"## {name.removeprefix('bench_')} ({status})", "", "| metric | value |",
                     "|---|---|"]
        sections += [f"| {k} | {v} |" for k, v in rows]
        sections.append("")
        print(f"{name}: {status}")
    args.out.write_text("\n".join(sections), "utf-8")
    print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
