"""How `ulimit -n` bounds the story bank's memory: Chroma keeps RLIMIT_NOFILE/5 indices loaded.

`python -m benchmarks.chroma_memory` (not part of `make bench`: about two minutes). Each user has
their own collection, and embedded Chroma 1.5 keeps every opened collection's HNSW index in an
LRU cache sized `RLIMIT_NOFILE // 5` (five files per index). Fills 300 users x 20 stories, then
searches every user through a fresh bank, once per soft file limit, each in a child process,
and prints resident memory and search latency as JSON.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

USERS = 300
LIMITS = (20_000, 400)  # the sandbox's default, and a cap of 80 loaded indices


def child() -> dict[str, Any]:
    """Fill, then search every user once; report RSS and latency."""
    import numpy as np

    from agents.embeddings import get_embedding_function
    from agents.stories import StoryBank
    from benchmarks import bench_scale as bs

    ef = get_embedding_function()
    ef.warm_up()
    bases = bs._bank_bases(20, ef)
    stories = USERS * bs.STORIES_PER_USER
    with tempfile.TemporaryDirectory(prefix="bench-chroma-memory-") as tmp:
        bank = StoryBank(path=Path(tmp) / "chroma", embedder=ef)
        bs.fill_bank(bank, 0, stories, bases, np.random.default_rng(0))
        fresh = StoryBank(path=Path(tmp) / "chroma", embedder=ef)
        timing = bs.time_searches(fresh, stories, bs._questions(2 * USERS))
        return {
            "nofile_soft_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            "indices_cached_at_most": resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5,
            "users": USERS,
            "stories": stories,
            "rss_mb": round(bs.rss_mb(), 1),
            **timing,
        }


def main() -> int:
    """Run the child once per limit and print the rows."""
    if "--child" in sys.argv:
        print(json.dumps(child()))
        return 0
    rows = []
    for limit in LIMITS:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        soft = min(limit, hard) if hard != resource.RLIM_INFINITY else limit

        def lower(soft: int = soft, hard: int = hard) -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.chroma_memory", "--child"],
            preexec_fn=lower,  # only setrlimit between fork and exec
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
