"""A flagged answer gets no benefit of the doubt: the lower of two readings.

Rules and the payload model find most of a payload, but a new writer's payload often leaves a
piece behind: the clause after a dash, a signature's initial, the last item of a list, an
attribution glued to the next sentence. Those pieces sit next to what was flagged. So when an
answer is flagged `injection_suspected`, it is also graded without the spans next to each flagged
one (its halo), and every part of the grade takes the lower of the two readings. Neither reading
can raise the grade above the other, so the guard can only lower what a payload left behind (when
every kept span is next to a payload, the second reading is empty, and so is the grade); a
genuine sentence next to a payload may be lost with it, which a bar raiser who caught the candidate
gaming the interview would not mind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agents.grading.grade import COMPONENTS, Component, ComponentName, Grade, apply_rules
from agents.textutil import Span

_OWNERSHIP_RANK = {"none": 0, "we": 1, "i": 2}


def halo_of(spans: Sequence[Span], removed: Sequence[Span]) -> list[Span]:
    """The kept spans right before or after a removed one."""
    gone = set(removed)
    return [
        s for i, s in enumerate(spans)
        if s not in gone and any(n in gone for n in spans[max(0, i - 1) : i + 2])
    ]  # fmt: skip


def lower_of(first: Grade, second: Grade, seed: str, avoid_follow_ups: Iterable[str]) -> Grade:
    """Per part the lower of two gradings of one answer, with the rules applied again (flags and
    backend from `first`)."""
    components: dict[ComponentName, Component] = {}
    for name in COMPONENTS:
        a, b = first.components[name], second.components[name]
        components[name] = b if (b.present, b.strength) < (a.present, a.strength) else a
    measurability = min(first.measurability, second.measurability, key=lambda m: m.level)
    ownership = min(
        first.ownership, second.ownership, key=lambda o: (_OWNERSHIP_RANK[o.label], o.i_share)
    )
    return apply_rules(
        components, measurability, ownership, list(first.flags), seed, avoid_follow_ups,
        backend=first.backend,
    )  # fmt: skip
