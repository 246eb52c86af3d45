"""A child process for the crash tests: does real story-bank work and says when each step has
committed, so the parent can kill -9 it at a chosen moment.

python crash_child.py import FILE [FILE ...]   -> "DONE <file> <count>" after each import
python crash_child.py export DEST N            -> "EXPORTED <i> <count>" after each export
python crash_child.py verify [QUESTION ...]     -> one JSON line: stories, ids, problems
The data directory comes from BARRAISER_DATA_DIR; the user is `crash`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from agents.config import load_settings
from agents.stories import StoryBank, story_chunks

USER = "crash"


def main(argv: list[str]) -> int:
    """Run one command."""
    bank = StoryBank.from_settings(load_settings())
    command, *args = argv
    if command == "import":
        for path in args:
            report = bank.import_file(USER, path)
            print(f"DONE {path} {report.total}", flush=True)
    elif command == "export":
        dest, n = args[0], int(args[1])
        for i in range(n):
            count = bank.export_file(USER, dest)
            print(f"EXPORTED {i} {count}", flush=True)
    elif command == "verify":
        print(json.dumps(verify(bank, args)), flush=True)
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    return 0


def verify(bank: StoryBank, questions: list[str]) -> dict[str, object]:
    """Every story complete (its record and all its chunks), no orphan chunk, search working."""
    stories = bank.list(USER)
    problems: list[str] = []
    col = bank.store.collection(USER, create=False)
    chunks: Counter[str] = Counter()
    if col is not None:
        got = col.get(where={"$and": [{"user": USER}, {"kind": "chunk"}]}, include=["metadatas"])
        chunks.update(str(m["story_id"]) for m in got["metadatas"] or [])
    ids = {s.id for s in stories}
    for story in stories:
        if chunks[story.id] != len(story_chunks(story)):
            problems.append(f"{story.id}: {chunks[story.id]} of {len(story_chunks(story))} chunks")
    problems += [f"orphan chunks of {sid}" for sid in chunks if sid not in ids]
    for story in stories[:: max(1, len(stories) // 10)]:  # the vector index knows the stories
        hits = bank.search(USER, story.title, k=5)
        if story.id not in {h.id for h in hits}:
            problems.append(f"{story.id} not found by its own title")
    found = {q: [h.id for h in bank.search(USER, q, k=3)] for q in questions}
    return {"stories": len(stories), "ids": sorted(ids), "problems": problems, "found": found}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
