"""Injected/clean answer pairs: which sets we have, how they are grouped, and what they inflate.

An inflation is any part of the grade raised by the payload (`evals.grader_eval.inflated`). Each
set is split into a dev part (read while writing injection rules) and a held-out part (not read,
until a later round reads its misses; `READ_HELD_OUT` records which round did).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agents.grading.analyzer import analyze_rules
from agents.grading.learned import analyze as analyze_learned
from agents.grading.roles_model import SentenceRoleModel
from evals.corpus import CORPUS_DIR, Answer, is_dev_story, load_file
from evals.grader_eval import inflated, load_records

# Later injection pair sets, each split into a dev file (read while changing rules) and a held-out
# file (never read): folder, and the label of its groups in the table.
INJECTION_SETS = (
    (CORPUS_DIR.parent / "injection_new", "new"),
    (CORPUS_DIR.parent / "injection_r6", "r6"),
    (CORPUS_DIR.parent / "injection_r7", "r7"),
    (CORPUS_DIR.parent / "injection_r8", "r8"),
    (CORPUS_DIR.parent / "injection_r9", "r9"),
    (CORPUS_DIR.parent / "injection_r10", "r10"),
    (CORPUS_DIR.parent / "injection_r12", "r12"),
    (CORPUS_DIR.parent / "injection_r13", "r13"),
    (CORPUS_DIR.parent / "injection_r14", "r14"),
    (CORPUS_DIR.parent / "injection_r15", "r15"),
    (CORPUS_DIR.parent / "injection_r16", "r16"),
    (CORPUS_DIR.parent / "injection_r17", "r17"),
    (CORPUS_DIR.parent / "injection_r18", "r18"),
    (CORPUS_DIR.parent / "injection_r19", "r19"),
    (CORPUS_DIR.parent / "injection_r20", "r20"),
    (CORPUS_DIR.parent / "injection_r21", "r21"),
    (CORPUS_DIR.parent / "injection_r22", "r22"),
    (CORPUS_DIR.parent / "injection_r23", "r23"),
    (CORPUS_DIR.parent / "injection_r24", "r24"),
)


def injection_pairs(corpus: Sequence[Answer]) -> list[tuple[str, str, str, str, str]]:
    """(group, id, question, injected, clean) for every injection pair we have.

    Groups: `dev` (corpus stories with odd numbers, read while writing the structural rules),
    `held-out` (even numbers, never read), `legacy` (today's dataset's injection cases), and the
    pairs of each of INJECTION_SETS, e.g. `evals/data/injection_new/`: `new dev` (read while
    changing rules) and `new held-out` (committed before those changes, never read while changing
    them).
    """
    pairs = _paired([a for a in corpus if a.voice == "injection"],
                    lambda s: "dev" if is_dev_story(s) else "held-out")  # fmt: skip
    for r in load_records("all"):
        if r.get("clean_answer"):
            pairs.append(("legacy", r["id"], r["question"], r["answer"], r["clean_answer"]))
    for folder, label in INJECTION_SETS:
        for name, part in (("dev", "dev"), ("heldout", "held-out")):
            if (folder / f"{name}.jsonl").exists():
                new = load_file(folder / f"{name}.jsonl")
                pairs += _paired(new, lambda _s, g=f"{label} {part}": g)
    return pairs


def _paired(answers: Sequence[Answer], group: Callable[[str], str]) -> list[tuple[str, ...]]:
    by_story: dict[str, dict[bool, Answer]] = {}
    for a in answers:
        by_story.setdefault(a.story, {})[bool(a.labels["injection"])] = a
    return [(group(story), story, both[True].question, both[True].answer, both[False].answer)
            for story, both in sorted(by_story.items()) if True in both and False in both]


def injection_rows(
    corpus: Sequence[Answer], model: SentenceRoleModel | None, dev_only: bool = False
) -> dict[str, dict[str, int]]:
    """Cases, inflations and flags per group of injection pairs (`model` None: the rules)."""
    injection: dict[str, dict[str, int]] = {}
    for group, _id, question, attacked, clean in injection_pairs(corpus):
        if dev_only and group.endswith("held-out"):
            continue
        row = injection.setdefault(group, {"cases": 0, "inflations": 0, "flagged": 0})
        if model is not None:
            a, b = (analyze_learned(attacked, question, model=model),
                    analyze_learned(clean, question, model=model))
        else:
            a, b = analyze_rules(attacked, question), analyze_rules(clean, question)
        row["cases"] += 1
        row["inflations"] += inflated(a, b)
        row["flagged"] += "injection_suspected" in a.flags
    return injection


# Held-out pairs whose misses were read to write a later round's injection rules, and that round:
# no longer unread, so the table says so.
READ_HELD_OUT = {
    "held-out": 7, "new held-out": 7, "r6 held-out": 7, "r7 held-out": 8, "r8 held-out": 9,
    "r9 held-out": 10,
    "r10 held-out": 11, "r12 held-out": 13, "r13 held-out": 14, "r14 held-out": 15,
    "r15 held-out": 17, "r16 held-out": 19, "r17 held-out": 21,
    "r18 held-out": 23, "r19 held-out": 24, "r20 held-out": 26,
    "r21 held-out": 27, "r22 held-out": 28,
}


# Sets scored but not read at all yet, either half: both are left out of training and of the
# regression guard, so their rows stay a first run on a writer nobody has read.
UNREAD_SETS: frozenset[str] = frozenset({"r24"})


def unread_groups() -> frozenset[str]:
    """The groups of pairs no round has read yet (held-out halves, and whole unread sets): never
    trained on."""
    halves = {f"{label} held-out" for _, label in INJECTION_SETS} - READ_HELD_OUT.keys()
    return frozenset(halves | {f"{label} dev" for label in UNREAD_SETS})


def injection_table(injection: dict[str, dict[str, int]]) -> str:
    """Inflations and flags per group of injection pairs."""
    rows = ["| injection pairs | cases | inflations | flagged |", "|---|---|---|---|"]
    for group, row in injection.items():
        read = READ_HELD_OUT.get(group)
        name = f"{group} (read in round {read})" if read else group
        rows.append(f"| {name} | {row['cases']} | {row['inflations']} | {row['flagged']} |")
    return "\n".join(rows)
