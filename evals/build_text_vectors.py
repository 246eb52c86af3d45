"""Build (or check) the shipped vectors of the fixed texts: part of `make train`.

`python -m evals.build_text_vectors` runs what the app runs on first use (the LP classifier, the
prompt generator's bank and probe index, the demand examples of the off-topic check and of story
search, a graded answer with its question, a story import and search) with the real MiniLM
model, and writes every fixed-text entry it met to `agents/models/text_vectors.npz` with its
sha256 (`agents.text_vectors`). Same data and model, same bytes.

`--check` runs the same work against the shipped store and exits 1, naming the entries, when
any fixed text had to be embedded (an edited YAML file without a rebuild).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agents.text_vectors import STORE, recording, write_store

ANSWER = (
    "Our checkout kept timing out during big sales. My job was to fix it before the peak. "
    "I profiled the service and added a missing index. Errors fell from 4% to 0.5%."
)
STORIES = """## Checkout latency
Our checkout timed out during every big sale. I owned reliability, profiled the service and
rewrote the slow query. Latency went from 2.1 seconds to 300 ms.
"""


def workload() -> None:
    """What the app embeds on first use, through its public entry points."""
    from agents.embeddings import get_embedding_function
    from agents.grading.demand_embed import absence_features
    from agents.grading.grader import Grader
    from agents.lp.classifier import LPClassifier
    from agents.lp.demands import load_demands
    from agents.question_gen.generator import PromptGenerator
    from agents.question_gen.request import PromptRequest
    from agents.stories.bank import StoryBank
    from agents.stories.demand_index import DemandVectors
    from agents.stories.tagging import rank_lps

    ef = get_embedding_function()
    LPClassifier(embedder=ef).rank(["I cut the cloud bill in half on a tiny budget."])
    rank_lps(LPClassifier(embedder=ef), ["I cut the cloud bill in half on a tiny budget."])
    PromptGenerator(embedder=ef).generate(PromptRequest(n=3, seed=1))
    for name in load_demands():
        absence_features(name, np.zeros((1, ef.dimension), dtype=np.float32))
    DemandVectors(ef)
    Grader().grade(ANSWER, "Tell me about a time you fixed a reliability problem.")
    with tempfile.TemporaryDirectory() as tmp:
        bank = StoryBank(path=Path(tmp) / "chroma")
        bank.import_text("builder", STORIES, "md")
        bank.search("builder", "Tell me about a time you improved a system's performance.")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the store, or with --check, report fixed texts the store lacks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when anything was embedded")
    parser.add_argument("--out", type=Path, default=STORE, help="where to write the store")
    args = parser.parse_args(argv)
    with recording() as seen:
        workload()
    computed = sorted(k[1:] for k in seen if k.startswith("+"))
    if args.check:
        if computed:
            print(
                f"{STORE.name} lacks {len(computed)} entries: {', '.join(computed)}; "
                "run `python -m evals.build_text_vectors` (part of `make train`)"
            )
            return 1
        print(f"{STORE.name}: all {len(seen)} fixed-text entries served from the store")
        return 0
    entries = {k.lstrip("+"): v for k, v in seen.items()}
    digest = write_store(entries, args.out)
    rows = sum(len(v) for v in entries.values())
    print(f"wrote {args.out} ({len(entries)} entries, {rows} vectors, sha256 {digest[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
