"""Train the run-on model, `agents/run_on.py`: `python -m evals.train_run_on`.

Every corpus answer (all voices but the injection pairs) is read four ways with its sentence
punctuation removed: lower case with no punctuation at all (dictation), lower case keeping commas
(chat), lower case with every sentence end typed as a comma (comma splices), and as written
without full stops (a hurried writer). A gap after a labelled sentence is a
sentence end. Leave-one-voice-out: each voice is held out, the model is trained on the others and
cuts the held-out voice's answers; the shipped threshold is the one with the best pooled F2
there (a missed sentence end costs more than an extra cut). `--eval` prints (and with `--write`
records) the held-out figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agents.run_on import MIN_UNIT_WORDS, MODEL_FILE, RunOnModel, cut_points, using
from evals.corpus import Answer, load_corpus

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
_END_PUNCT = re.compile(r"[.!?…;:]+(?=[\"')\]]*(?:\s|$))")
_COMMA = re.compile(r",(?=\s|$)")


def dictation(sentence: str) -> str:
    """No punctuation at the ends of words, all lower case."""
    return _COMMA.sub("", _END_PUNCT.sub("", sentence)).lower()


def chat(sentence: str) -> str:
    """Commas kept, no sentence ends, all lower case."""
    return _END_PUNCT.sub("", sentence).lower()


def hurried(sentence: str) -> str:
    """As written, without sentence ends."""
    return _END_PUNCT.sub("", sentence)


def splice(sentence: str) -> str:
    """Lower case, every sentence end typed as a comma ("we missed our number, i owned it")."""
    return _END_PUNCT.sub(",", sentence.rstrip()).lower()


STYLES: dict[str, Callable[[str], str]] = {"dictation": dictation, "chat": chat,
                                           "splice": splice, "hurried": hurried}  # fmt: skip


@dataclass(frozen=True)
class Run:
    """One answer read in one style: its words and, per gap, whether a sentence ends there."""

    voice: str
    style: str
    words: tuple[str, ...]
    ends: tuple[bool, ...]


def runs(answers: Sequence[Answer], styles: dict[str, Callable[[str], str]] | None = None
         ) -> list[Run]:  # fmt: skip
    """Every answer in every style (STYLES unless given)."""
    out = []
    for a in answers:
        for style, strip in (styles or STYLES).items():
            words: list[str] = []
            ends: list[bool] = []
            for s in a.sentences:
                w = strip(s["text"]).split()
                if not w:
                    continue
                if words:
                    ends.append(True)
                words += w
                ends += [False] * (len(w) - 1)
            if len(words) > 1:
                out.append(Run(a.voice, style, tuple(words), tuple(ends)))
    return out


def corpus_runs() -> list[Run]:
    """The training runs: every corpus voice but the injection pairs. (Loading the corpus cuts
    its answers into spans; that must not need the model being trained.)"""
    with using(RunOnModel.never()):
        answers = load_corpus()
    return runs([a for a in answers if a.voice != "injection"])


def fit(data: Sequence[Run], threshold: float = 0.5) -> RunOnModel:
    """A model trained on `data`."""
    model = RunOnModel(threshold=threshold)
    return model.fit([r.words for r in data], [r.ends for r in data])


def score(model: RunOnModel, data: Sequence[Run]) -> tuple[int, int, int]:
    """(true cuts, cuts made, true sentence ends) over `data`."""
    hit = made = true = 0
    for r in data:
        cut = set(model.cuts(r.words))
        gold = {i for i, e in enumerate(r.ends) if e}
        hit, made, true = hit + len(cut & gold), made + len(cut), true + len(gold)
    return hit, made, true


def prf(hit: int, made: int, true: int) -> tuple[float, float, float]:
    """Precision, recall, F1."""
    p = hit / made if made else 0.0
    r = hit / true if true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def lovo(data: Sequence[Run]) -> dict[str, dict[float, dict[str, tuple[int, int, int]]]]:
    """Per held-out voice, per threshold, per style: (hits, made, true)."""
    out: dict[str, dict[float, dict[str, tuple[int, int, int]]]] = {}
    for voice in sorted({r.voice for r in data}):
        model = fit([r for r in data if r.voice != voice])
        held = [(r, model.gap_probs(r.words)) for r in data if r.voice == voice]
        out[voice] = {}
        for t in THRESHOLDS:
            counts = {s: [0, 0, 0] for s in STYLES}
            for r, p in held:
                cut = set(cut_points(p, t)) if len(r.words) >= 2 * MIN_UNIT_WORDS else set()
                gold = {i for i, e in enumerate(r.ends) if e}
                c = counts[r.style]
                c[0], c[1], c[2] = c[0] + len(cut & gold), c[1] + len(cut), c[2] + len(gold)
            out[voice][t] = {s: (c[0], c[1], c[2]) for s, c in counts.items()}
        print(voice, {s: round(prf(*v)[2], 3) for s, v in out[voice][0.5].items()}, flush=True)
    return out


def pooled(result: dict, threshold: float, style: str | None = None) -> tuple[int, int, int]:
    """Summed (hits, made, true) over voices (and styles unless one is named)."""
    tot = [0, 0, 0]
    for per_t in result.values():
        for s, v in per_t[threshold].items():
            if style is None or s == style:
                tot = [a + b for a, b in zip(tot, v, strict=True)]
    return tot[0], tot[1], tot[2]


def f_beta(hit: int, made: int, true: int, beta: float = 2.0) -> float:
    """F-beta of the cuts: beta 2 weighs a missed sentence end four times an extra cut."""
    p, r, _ = prf(hit, made, true)
    return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


def best_threshold(result: dict) -> float:
    """The threshold with the best pooled held-out F2. A missed end leaves two sentences (say the
    action and its result) in one span, and both parts are read from it; an extra cut only splits
    a sentence whose halves keep its role."""
    return max(THRESHOLDS, key=lambda t: (f_beta(*pooled(result, t)), -abs(t - 0.5)))


def section(result: dict, threshold: float, command: str) -> str:
    """The RESULTS.md section: held-out boundary precision/recall/F1 per voice and style."""
    lines = [
        "## Run-on answers: where the sentences end",
        "",
        f"_Generated by `{command}` on {dt.date.today().isoformat()}._",
        "",
        "Dictated, chat-typed and raw speech-to-text answers may have no full stops; the splitter "
        "then reads one long sentence. `agents/run_on.py` reads each gap between two words and "
        "cuts runs of more than `RUN_ON_WORDS` words where a sentence ends. Each corpus voice's "
        "answers, read without their sentence punctuation (dictation: lower case, no punctuation; "
        "chat: lower case with commas; comma splices: chat with every sentence end typed as a "
        "comma; hurried: as written without sentence ends), are cut by a "
        f"model trained on the other voices (threshold {threshold:.2f}, the shipped one: the "
        "best pooled F2, since a missed end puts two sentences' parts in one span). "
        "A cut is right when it falls exactly where a labelled sentence ends.",
        "",
        "| held-out voice | dictation F1 | chat F1 | comma splices F1 | hurried F1 | precision "
        "| recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for voice, per_t in result.items():
        styles = [prf(*per_t[threshold][s])[2] for s in STYLES]
        tot = [sum(v[k] for v in per_t[threshold].values()) for k in range(3)]
        p, r, f = prf(*tot)
        lines.append(f"| {voice} | " + " | ".join(f"{x:.3f}" for x in styles)
                     + f" | {p:.3f} | {r:.3f} | {f:.3f} |")  # fmt: skip
    styles = [prf(*pooled(result, threshold, s))[2] for s in STYLES]
    p, r, f = prf(*pooled(result, threshold))
    lines.append("| **pooled** | " + " | ".join(f"{x:.3f}" for x in styles)
                 + f" | {p:.3f} | {r:.3f} | **{f:.3f}** |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Train on every voice and write the artefact; `--eval` instead prints the leave-one-voice-out
    table at the shipped threshold (and the threshold with the best pooled F1), `--write` also
    records it in evals/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", action="store_true", help="print the leave-one-voice-out table")
    parser.add_argument("--write", action="store_true", help="with --eval: update RESULTS.md")
    args = parser.parse_args(argv)
    data = corpus_runs()
    if args.eval or args.write:
        result = lovo(data)
        text = section(result, SHIPPED_THRESHOLD, "python -m evals.train_run_on --write")
        print(text)
        print(f"best pooled F2 at threshold {best_threshold(result):.2f} "
              f"(shipped {SHIPPED_THRESHOLD:.2f})")  # fmt: skip
        if args.write:
            from evals.results_file import write_section

            write_section(text)
        return
    digest = fit(data, SHIPPED_THRESHOLD).save(MODEL_FILE)
    print(f"wrote {MODEL_FILE} (threshold {SHIPPED_THRESHOLD:.2f}, sha256 {digest[:12]}…)")


# The threshold of the shipped artefact: the best pooled leave-one-voice-out F2 (`--eval` prints
# it), so that `make train` stays one fit.
SHIPPED_THRESHOLD = 0.15


if __name__ == "__main__":
    main()
