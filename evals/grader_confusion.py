"""Where the grader's measurability and top gap go wrong: `python -m evals.grader_confusion`.

The same leave-one-voice-out models as `evals.grader_lovo` (each voice graded by a model trained on
the others); prints, pooled over the held-out voices, the confusion of labelled vs graded
measurability and of labelled vs chosen top gap, most frequent mismatches first. `--dev` keeps
only the dev part (odd story numbers, legacy's dev split), the part tuning may read.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence

from agents.grading.learned import analyze
from evals.corpus import is_dev_story, load_corpus
from evals.grader_lovo import corpus_case, fit_left_out, legacy_cases


def confusions(dev_only: bool = False, jobs: int = 1) -> tuple[Counter, Counter]:
    """(labelled, graded) measurability counts and (labelled, chosen) top-gap mismatch counts."""
    corpus = load_corpus()
    voices = sorted({a.voice for a in corpus} - {"injection"})
    models = fit_left_out(corpus, [*voices, "legacy"], jobs)
    measurability: Counter = Counter()
    gaps: Counter = Counter()
    for voice in [*voices, "legacy"]:
        cases = legacy_cases("dev" if dev_only else "all") if voice == "legacy" else [
            corpus_case(a) for a in corpus
            if a.voice == voice and (not dev_only or is_dev_story(a.story))]  # fmt: skip
        for case in cases:
            grade = analyze(case.answer, case.question, model=models[voice])
            measurability[(case.measurability, grade.measurability.level)] += 1
            if case.top_gap != grade.top_gap:
                gaps[(case.top_gap, grade.top_gap)] += 1
    return measurability, gaps


def main(argv: Sequence[str] | None = None) -> int:
    """Print both confusions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="only the dev part")
    parser.add_argument("--jobs", type=int, default=1, help="fit the voices in parallel")
    args = parser.parse_args(argv)
    measurability, gaps = confusions(args.dev, args.jobs)
    print("measurability, labelled (rows) vs graded (columns):")
    print("    " + " ".join(f"{g:>5}" for g in range(4)))
    for gold in range(4):
        print(f"{gold:>3} " + " ".join(f"{measurability[(gold, g)]:>5}" for g in range(4)))
    print("\ntop gap mismatches, labelled -> chosen:")
    for (gold, chosen), n in gaps.most_common():
        print(f"{n:>4}  {gold} -> {chosen}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
