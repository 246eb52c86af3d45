"""Build the grader's labelled dataset from `evals/data/grader/`.

Constructed answers are assembled from stories written as separate STAR(L) renderings
(`stories.yaml`), so their labels are exact by construction; hypotheticals and non-answers come
from `other.yaml`; injection cases insert hand-written payloads (`payloads.yaml`) into constructed
answers, whose labels they keep. Messy spoken answers are written and labelled by hand in
`spoken.yaml` (their top gap follows from the labels). The constructed split is by story (about
30% held out) and fully deterministic.

Run: `python -m evals.build_grader_dataset` (rewrites the three .jsonl files).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "grader"
HELDOUT_SHARE = 0.3
COMPONENTS = ("situation", "task", "action", "result", "learning")
FILLERS = ("Um, ", "So basically, ", "Yeah, so ", "You know, ", "And, uh, ", "Like, ")

# name -> (pieces in order, ownership) ; a piece is S, T, Ai, Awe, Rv, Rq, Rb or L.
VARIANTS: dict[str, tuple[tuple[str, ...], str]] = {
    "full_i_baseline": (("S", "T", "Ai", "Rb", "L"), "i"),
    "full_we_quant": (("S", "T", "Awe", "Rq", "L"), "we"),
    "no_result": (("S", "T", "Ai", "L"), "i"),
    "vague_no_learning": (("S", "T", "Ai", "Rv"), "i"),
    "no_action": (("S", "T", "Rq", "L"), "none"),
    "no_context": (("Ai", "Rq", "L"), "i"),
    "no_task": (("S", "Ai", "Rq", "L"), "i"),
    "quant_no_learning": (("S", "T", "Ai", "Rq"), "i"),
    "result_first": (("Rb", "S", "T", "Ai", "L"), "i"),
    "we_vague_thin": (("S", "Awe", "Rv"), "we"),
    "spoken_full": (("S", "T", "Ai", "Rq", "L"), "i"),
}
PIECE_FIELD = {
    "S": "situation",
    "T": "task",
    "Ai": "action_i",
    "Awe": "action_we",
    "Rv": "result_vague",
    "Rq": "result_quant",
    "Rb": "result_baseline",
    "L": "learning",
}
PIECE_COMPONENT = {
    "S": "situation",
    "T": "task",
    "Ai": "action",
    "Awe": "action",
    "Rv": "result",
    "Rq": "result",
    "Rb": "result",
    "L": "learning",
}
PIECE_LEVEL = {"Rv": 1, "Rq": 2, "Rb": 3}


def heldout_ids(ids: Sequence[str], share: float = HELDOUT_SHARE) -> set[str]:
    """The held-back stories: the `share` of ids with the smallest stable hash."""
    ranked = sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
    return set(ranked[: round(len(ids) * share)])


def top_gap(labels: dict[str, Any]) -> str:
    """The gap the follow-up should aim at, by the grader's documented priority."""
    if labels["hypothetical"]:
        return "hypothetical"
    if labels["non_answer"]:
        return "non_answer"
    c = labels["components"]
    if not c["action"]:
        return "action"
    if labels["ownership"] == "we":
        return "ownership"
    if not c["result"]:
        return "result"
    if labels["measurability"] <= 1:
        return "measurability"
    for name in ("situation", "task", "learning"):
        if not c[name]:
            return name
    return "none"


def _labels(
    components: dict[str, bool], level: int, ownership: str, **flags: bool
) -> dict[str, Any]:
    labels: dict[str, Any] = {
        "components": components,
        "measurability": level,
        "ownership": ownership,
        "hypothetical": flags.get("hypothetical", False),
        "non_answer": flags.get("non_answer", False),
        "injection": flags.get("injection", False),
    }
    labels["top_gap"] = top_gap(labels)
    return labels


def _spoken(sentences: list[str], seed: str) -> list[str]:
    """Add fillers to about half of the sentences, deterministically."""
    h = int(hashlib.sha1(seed.encode()).hexdigest(), 16)
    out = []
    for i, s in enumerate(sentences):
        if (h >> i) & 1:
            filler = FILLERS[(h >> (i + 8)) % len(FILLERS)]
            s = filler + s[0].lower() + s[1:]
        out.append(s)
    return out


def constructed(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every variant of every story, with exact labels."""
    held = heldout_ids([s["id"] for s in stories])
    records = []
    for story in stories:
        for name, (pieces, ownership) in VARIANTS.items():
            sentences = [story[PIECE_FIELD[p]].strip() for p in pieces]
            if name.startswith("spoken"):
                sentences = _spoken(sentences, f"{story['id']}:{name}")
            present = {c: False for c in COMPONENTS}
            for p in pieces:
                present[PIECE_COMPONENT[p]] = True
            level = max((PIECE_LEVEL.get(p, 0) for p in pieces), default=0)
            records.append(
                {
                    "id": f"{story['id']}:{name}",
                    "source": "constructed",
                    "story": story["id"],
                    "variant": name,
                    "split": "heldout" if story["id"] in held else "dev",
                    "lp": story["lp"],
                    "question": story["question"],
                    "answer": " ".join(sentences),
                    "labels": _labels(present, level, ownership),
                }
            )
    return records


def others(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hypothetical answers and non-answers: no components, flagged."""
    held = heldout_ids([i["id"] for i in items])
    out = []
    for item in items:
        kind = item["kind"]
        out.append(
            {
                "id": item["id"],
                "source": "constructed",
                "story": item["id"],
                "variant": kind,
                "split": "heldout" if item["id"] in held else "dev",
                "lp": item["lp"],
                "question": item["question"],
                "answer": item["answer"].strip(),
                "labels": _labels(
                    {c: False for c in COMPONENTS},
                    0,
                    "none",
                    hypothetical=kind == "hypothetical",
                    non_answer=kind == "non_answer",
                ),
            }
        )
    return out


def _insert(answer: str, payload: str, position: str) -> str:
    if position == "start":
        return f"{payload} {answer}"
    if position == "end":
        return f"{answer} {payload}"
    sentences = answer.split(". ")
    mid = len(sentences) // 2
    return ". ".join([*sentences[:mid], payload.rstrip(".") + "", *sentences[mid:]])


def injection(
    records: list[dict[str, Any]], payloads: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each payload inserted into a weak constructed answer (room to inflate), labels kept."""
    bases = [
        r
        for r in records
        if r["variant"] in ("no_result", "vague_no_learning", "we_vague_thin", "full_we_quant")
    ]
    # Every third payload goes into a held-back answer, so both splits see every vector.
    pools = {s: [r for r in bases if r["split"] == s] for s in ("dev", "heldout")}
    out = []
    for i, payload in enumerate(payloads):
        pool = pools["heldout" if i % 3 == 0 else "dev"]
        base = pool[(i * 7) % len(pool)]
        labels = json.loads(json.dumps(base["labels"]))
        labels["injection"] = True
        out.append(
            {
                "id": f"inj-{payload['id']}",
                "source": "injection",
                "story": base["story"],
                "variant": base["variant"],
                "vector": payload["vector"],
                "split": base["split"],
                "lp": base["lp"],
                "question": base["question"],
                "answer": _insert(base["answer"], payload["text"].strip(), payload["position"]),
                "clean_answer": base["answer"],
                "labels": labels,
            }
        )
    return out


SPOKEN_KEYS = {"S": "situation", "T": "task", "A": "action", "R": "result", "L": "learning"}


def spoken(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hand-labelled spoken answers in the harness's record shape."""
    out = []
    for item in items:
        lab = item["labels"]
        labels = _labels(
            {SPOKEN_KEYS[k]: bool(lab[k]) for k in SPOKEN_KEYS},
            int(lab["m"]),
            lab["own"],
            hypothetical=bool(lab.get("hyp")),
            non_answer=bool(lab.get("non")),
        )
        out.append(
            {
                "id": item["id"],
                "source": "spoken",
                "story": item["id"],
                "variant": "spoken",
                "split": item["split"],
                "lp": item["lp"],
                "question": item["question"],
                "answer": " ".join(item["answer"].split()),
                "labels": labels,
            }
        )
    return out


def build() -> dict[str, list[dict[str, Any]]]:
    """All generated records by file name."""
    stories = yaml.safe_load((DATA / "stories.yaml").read_text("utf-8"))
    items = yaml.safe_load((DATA / "other.yaml").read_text("utf-8"))
    payloads = yaml.safe_load((DATA / "payloads.yaml").read_text("utf-8"))
    talk = yaml.safe_load((DATA / "spoken.yaml").read_text("utf-8"))
    records = constructed(stories) + others(items)
    return {
        "constructed": records,
        "spoken": spoken(talk),
        "injection": injection(records, payloads),
    }


def write(files: dict[str, list[dict[str, Any]]], directory: Path = DATA) -> None:
    """Write each list as JSON lines."""
    for name, records in files.items():
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (directory / f"{name}.jsonl").write_text(text, "utf-8")


def main() -> int:
    """Rebuild the generated files and print their sizes."""
    files = build()
    write(files)
    for name, records in files.items():
        held = sum(r["split"] == "heldout" for r in records)
        print(f"{name}: {len(records)} records ({held} held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
