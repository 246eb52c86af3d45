"""Flags on the corpus: `python -m evals.flag_check`.

Prints (1) how many sentences of the corpus's non-injection answers the injection rules flag
(every one would be a false flag: these answers are the candidates' own words), and (2) how the
hypothetical and non-answer flags agree with the labels: found, missed, and raised on an answer
labelled as a story. Both figures are quoted in the README's grader section.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from agents.grading.learned import analyze
from agents.grading.structure import suspect_spans
from agents.textutil import split_sentences
from evals.corpus import Answer, load_corpus


def injection_false_flags(answers: Sequence[Answer]) -> tuple[int, int]:
    """(sentences flagged, sentences read) over the answers not labelled as injection."""
    flagged = read = 0
    for a in answers:
        if a.labels["injection"]:
            continue
        spans = split_sentences(a.answer)
        read += len(spans)
        flagged += len(suspect_spans(a.answer, spans))
    return flagged, read


def no_story_flags(answers: Sequence[Answer]) -> tuple[int, int, int]:
    """(found, missed, false) for the hypothetical / non-answer flags against the labels."""
    found = missed = false = 0
    for a in answers:
        if a.labels["injection"]:
            continue
        gold = bool(a.labels["hypothetical"] or a.labels["non_answer"])
        said = bool({"hypothetical", "non_answer"} & set(analyze(a.answer, a.question).flags))
        found += gold and said
        missed += gold and not said
        false += said and not gold
    return found, missed, false


def main(argv: Sequence[str] | None = None) -> int:
    """Print both checks over every corpus voice."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    answers = [a for a in load_corpus() if a.voice != "injection"]
    flagged, read = injection_false_flags(answers)
    print(f"injection rules on the corpus's own sentences: {flagged} of {read} flagged")
    found, missed, false = no_story_flags(answers)
    print(f"hypothetical / non-answer: {found} found, {missed} missed, {false} false flags")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
