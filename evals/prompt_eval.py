"""Evaluate the prompt generator (and its LP classifier); writes "## Prompt generator" in
evals/RESULTS.md.

Run: `python -m evals.prompt_eval [--quick] [--no-write]`.

Per path (offline always; LLM only when a model is configured, never the scripted fake) it
generates 200 prompts in four batches of 50 that span levels, role families, themes and all 16
LPs, and reports:
- behavioral form: share passing the past-event / one-question rule;
- near-duplicates: share of prompts whose core (opener stripped) has cosine >= 0.80 with an
  earlier prompt of the same batch, plus an independent check (full-text cosine >= 0.90) and the
  share near-duplicating a hand-written bank question;
- LP agreement: intended LP in the classifier's top-3 (and top-1), for delivered prompts and for
  the raw grammar output before the filter (the honest measure of the grammar itself);
- distinctness: mean pairwise embedding distance (1 - cosine) of the prompts, next to the same
  number for the hand-written bank (192 questions).
It also reports the classifier's accuracy@1/@3 on the bank (held out: the classifier never reads
it) and on held-out stories written for this purpose, and the time to generate 50 prompts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evals.results_file import write_section

SECTION = "## Prompt generator"
FULL_TEXT_DUP = 0.90

# Stories written after the classifier's cue words and exemplars were frozen, and never used to
# tune it: the held-out check of how it does on story text (the story bank's use).
HELDOUT_STORIES: list[tuple[str, str]] = [
    ("So at my last job our mobile app had a one-star streak in the store. I read every review "
     "from the past month, grouped them, and saw that people could not reset their password on "
     "older phones. I fixed that flow first, and the rating went back above four within six "
     "weeks.", "customer-obsession"),
    ("Sales wanted us to auto-renew subscriptions without a reminder email because it would "
     "boost revenue. I argued that surprising people with charges would cost us their trust, "
     "and we kept the reminder.", "customer-obsession"),
    ("Nobody was maintaining the shared deployment pipeline after its author left. I "
     "volunteered to take it over, documented it, fixed the three longest-standing bugs and set "
     "up an owner rotation.", "ownership"),
    ("A partner team's API kept timing out and hurting our page. Rather than just complaining, "
     "I dug into their code with them, proposed the fix, and followed up for a month until the "
     "error rate stayed under one percent.", "ownership"),
    ("Our onboarding took new engineers two weeks of setup. I replaced the twelve-page wiki "
     "with a single command that built the environment, and setup now takes an afternoon.",
     "invent-and-simplify"),
    ("I borrowed the idea of a kanban board from our warehouse team to track support "
     "escalations, which replaced a long email chain nobody could follow.",
     "invent-and-simplify"),
    ("Leadership had to choose between two vendors with very little usage data. I ran a quick "
     "survey of teams who had used each, laid out what we knew and did not know, recommended "
     "one, and it turned out to be the right choice when the other vendor was acquired.",
     "are-right-a-lot"),
    ("I was convinced the memory leak was in our code, but after a teammate showed me a heap "
     "dump pointing at the library I changed my view and we patched the dependency instead.",
     "are-right-a-lot"),
    ("When we adopted Rust I knew nothing about it. I worked through the official book in the "
     "evenings, rewrote a small service as practice and then paired with others to spread what "
     "I had learned.", "learn-and-be-curious"),
    ("I kept wondering why our test suite took forty minutes, so I spent a Friday profiling it "
     "out of pure curiosity and found a fixture that rebuilt the database for every test.",
     "learn-and-be-curious"),
    ("One of my reports was struggling with code reviews. We set weekly one-on-ones, I gave her "
     "specific examples and a stretch task, and within a quarter she was reviewing for the "
     "whole team.", "hire-and-develop-the-best"),
    ("As an interviewer I pushed back on an offer to a candidate whose system design was weak, "
     "even though the hiring manager was desperate, because I did not think they would raise "
     "our bar.", "hire-and-develop-the-best"),
    ("Our API docs were full of errors, and I would not sign off the release until every "
     "endpoint had an accurate example and a test that checked it.",
     "insist-on-the-highest-standards"),
    ("After the third production bug from the same module I set up a review rule that every "
     "change there needed tests for edge cases, and regressions dropped to zero.",
     "insist-on-the-highest-standards"),
    ("Everyone was fixing search one query at a time. I wrote a proposal to rebuild it as a "
     "shared service for every product line, got three directors on board and it now serves "
     "the whole company.", "think-big"),
    ("I suggested that instead of a small discount feature we build a loyalty programme that "
     "could grow with the business, and sketched what it would look like in three years.",
     "think-big"),
    ("A certificate was about to expire on a Sunday and the owner was unreachable. I renewed it "
     "myself with a reversible change and told the team on Monday.", "bias-for-action"),
    ("While the committee argued over the design, I built a throwaway prototype over two days "
     "so we could see real numbers and make the decision quickly.", "bias-for-action"),
    ("We had no money for a load-testing tool, so I repurposed our old staging servers and an "
     "open-source script to run the tests ourselves.", "frugality"),
    ("I noticed we were paying for three monitoring services that did the same thing, "
     "consolidated them into one and cut the bill by half.", "frugality"),
    ("I had promised the marketing team a feature by March and realised in February we would "
     "miss it. I called their lead right away, explained why, and offered a smaller version "
     "that we delivered on the date.", "earn-trust"),
    ("A new teammate and I clashed in our first project. I asked her for coffee, listened to "
     "what was frustrating her, and we agreed on how to split the work; we are now close "
     "collaborators.", "earn-trust"),
    ("Our churn numbers jumped overnight. I queried the events table, broke it down by region "
     "and app version, and found that one release was logging cancellations twice.",
     "dive-deep"),
    ("The team trusted the vendor's uptime report, but I compared it with our own request logs "
     "minute by minute and found four outages they had not reported.", "dive-deep"),
    ("My manager wanted to rewrite the service from scratch. I laid out the risks and argued "
     "for an incremental migration; he listened and we compromised on a phased plan.",
     "have-backbone"),
    ("I objected to launching the feature without a privacy review in front of the VP. I was "
     "overruled, so I committed to the launch and made sure the review happened in the "
     "following sprint.", "have-backbone"),
    ("We had six weeks to move a million customers to the new billing system. I split the "
     "migration into weekly cohorts, handled the blockers each day and finished two days early "
     "with no data loss.", "deliver-results"),
    ("Halfway through the quarter our main engineer quit. I reprioritised the backlog down to "
     "the two features that drove revenue and we still hit the target.", "deliver-results"),
    ("A teammate came back from parental leave overwhelmed, so I arranged a gradual return, "
     "covered some of her on-call shifts and checked in every week.", "best-employer"),
    ("I noticed that our team social events always happened at a bar, which left out people "
     "who did not drink, so I organised alternatives everyone could join.", "best-employer"),
    ("I realised our new ranking algorithm could push harmful products to teenagers, so I "
     "raised it with legal and we added safeguards before release.", "broad-responsibility"),
    ("I measured the carbon footprint of our training jobs and moved them to a region powered "
     "by renewable energy.", "broad-responsibility"),
]  # fmt: skip

# Four batches of 50 spanning levels, role families and themes; every batch targets all 16 LPs.
EVAL_REQUESTS: list[dict[str, Any]] = [
    {"level": "sde1", "role_family": "sde", "themes": []},
    {"level": "sde2", "role_family": "pm",
     "themes": ["conflict", "failure", "customer", "ambiguity"]},
    {"level": "sde3", "role_family": "tpm",
     "themes": ["deadlines", "mentoring", "trade-offs", "raising-the-bar"]},
    {"level": "manager", "role_family": "data", "themes": []},
]  # fmt: skip


@dataclass
class BatchMetrics:
    """Quality numbers for one set of prompts."""

    n: int
    form: float
    near_dup_core: float
    near_dup_full: float
    near_dup_bank: float
    agree_top3: float
    agree_top1: float
    distinct_full: float
    distinct_core: float
    stats: Counter[str] = field(default_factory=Counter)

    def raw_agreement(self) -> float | None:
        """LP agreement of the raw candidates that reached the classifier step."""
        checked = self.stats["lp-checked"]
        return None if not checked else 1 - self.stats["rejected:lp-disagreement"] / checked


def mean_pairwise_distance(vectors: np.ndarray) -> float:
    """Mean of 1 - cosine over all distinct pairs of unit vectors."""
    n = len(vectors)
    if n < 2:
        return 0.0
    sims = vectors @ vectors.T
    total = (sims.sum() - np.trace(sims)) / (n * (n - 1))
    return float(1 - total)


def near_dup_share(vectors: np.ndarray, threshold: float) -> float:
    """Share of items with an earlier item at cosine >= threshold."""
    hits = 0
    for i in range(1, len(vectors)):
        if float(np.max(vectors[:i] @ vectors[i])) >= threshold:
            hits += 1
    return hits / max(1, len(vectors))


def measure(texts: Sequence[str], intended: Sequence[str], generator: Any) -> BatchMetrics:
    """Form, near-duplicate, agreement and distinctness numbers for one batch of prompts."""
    from agents.question_gen.form import is_behavioral, prompt_core

    embed = generator.embedder.embed
    cores = embed([prompt_core(t) for t in texts])
    fulls = embed(list(texts))
    ranks = generator.classifier.rank(list(texts), fulls)
    bank_max = (cores @ generator.bank_vectors().T).max(axis=1) if len(texts) else np.zeros(0)
    n = max(1, len(texts))
    return BatchMetrics(
        n=len(texts),
        form=sum(is_behavioral(t) for t in texts) / n,
        near_dup_core=near_dup_share(cores, generator.threshold),
        near_dup_full=near_dup_share(fulls, FULL_TEXT_DUP),
        near_dup_bank=float(np.mean(bank_max >= generator.threshold)) if len(texts) else 0.0,
        agree_top3=sum(lp in r[:3] for lp, r in zip(intended, ranks, strict=True)) / n,
        agree_top1=sum(lp == r[0] for lp, r in zip(intended, ranks, strict=True)) / n,
        distinct_full=mean_pairwise_distance(fulls),
        distinct_core=mean_pairwise_distance(cores),
    )


def bank_metrics(generator: Any) -> BatchMetrics:
    """The same numbers for the hand-written bank, as the reference."""
    from agents.lp.evaluation import bank_examples

    pairs = bank_examples(generator.principles)
    metrics = measure([t for t, _ in pairs], [lp for _, lp in pairs], generator)
    metrics.near_dup_bank = float("nan")  # every bank question is, trivially, in the bank
    return metrics


def run_path(generator: Any, llm: Any, quick: bool = False) -> tuple[BatchMetrics, list[Any]]:
    """Generate the evaluation batches on one path; returns pooled metrics and the prompts."""
    from agents.question_gen.request import PromptRequest

    prompts: list[Any] = []
    stats: Counter[str] = Counter()
    per_batch: list[BatchMetrics] = []
    size = 25 if quick else 50
    all_lps = list(generator.principles)
    for i, spec in enumerate(EVAL_REQUESTS):
        request = PromptRequest(lps=all_lps, n=size, seed=1000 + i, **spec)
        batch = generator.generate(request, llm)
        stats.update(batch.stats)
        prompts.extend(batch)
        per_batch.append(measure([p.text for p in batch], [p.lps[0] for p in batch], generator))
    pooled = measure([p.text for p in prompts], [p.lps[0] for p in prompts], generator)
    # Near-duplicates are judged within each batch of 50 (what a user sees at once).
    pooled.near_dup_core = statistics.fmean(b.near_dup_core for b in per_batch)
    pooled.near_dup_full = statistics.fmean(b.near_dup_full for b in per_batch)
    pooled.stats = stats
    return pooled, prompts


def acceptance_batch(generator: Any) -> tuple[BatchMetrics, float]:
    """The acceptance case: 50 offline prompts for the default SDE II request, and the time."""
    from agents.question_gen.request import PromptRequest

    request = PromptRequest(level="sde2", n=50, seed=7)
    started = time.perf_counter()
    batch = generator.generate(request, None)
    seconds = time.perf_counter() - started
    metrics = measure([p.text for p in batch], [p.lps[0] for p in batch], generator)
    metrics.stats = batch.stats
    return metrics, seconds


def capacity(
    generator: Any, levels: Sequence[str] = ("sde1", "sde2", "sde3", "manager")
) -> dict[str, tuple[int, float, int]]:
    """How many distinct prompts one LP alone yields per level (min / median / max over LPs)."""
    from agents.question_gen.request import PromptRequest

    out: dict[str, tuple[int, float, int]] = {}
    for level in levels:
        counts = [
            len(generator.generate(PromptRequest(lps=[lp], level=level, n=200, seed=3), None))
            for lp in generator.principles
        ]
        out[level] = (min(counts), statistics.median(counts), max(counts))
    return out


def _pct(x: float | None) -> str:
    """A share as a percentage, or n/a."""
    if x is None or x != x:  # NaN
        return "n/a"
    return f"{100 * x:.1f}%"


def render_section(report: dict[str, Any]) -> str:
    """The Markdown section for RESULTS.md."""
    off: BatchMetrics = report["offline"]
    bank: BatchMetrics = report["bank"]
    acc: BatchMetrics = report["acceptance"]
    llm = report.get("llm")
    rows = [
        ("Prompts evaluated", f"{off.n}", f"{llm.n}" if llm else "—", f"{bank.n}"),
        ("Behavioral past-event form", _pct(off.form), _pct(llm.form) if llm else "—",
         _pct(bank.form)),
        ("Near-duplicates within a batch of 50 (core cos ≥ 0.80)", _pct(off.near_dup_core),
         _pct(llm.near_dup_core) if llm else "—", "—"),
        ("Near-duplicates within a batch (full-text cos ≥ 0.90)", _pct(off.near_dup_full),
         _pct(llm.near_dup_full) if llm else "—", "—"),
        ("Near-duplicate of a bank question", _pct(off.near_dup_bank),
         _pct(llm.near_dup_bank) if llm else "—", "—"),
        ("LP agreement, delivered (intended LP in classifier top-3)", _pct(off.agree_top3),
         _pct(llm.agree_top3) if llm else "—", _pct(bank.agree_top3)),
        ("LP agreement, delivered, top-1", _pct(off.agree_top1),
         _pct(llm.agree_top1) if llm else "—", _pct(bank.agree_top1)),
        ("LP agreement of raw candidates before the filter (top-3)", _pct(off.raw_agreement()),
         _pct(llm.raw_agreement()) if llm else "—", "—"),
        ("Distinctness: mean pairwise distance, full text", f"{off.distinct_full:.3f}",
         f"{llm.distinct_full:.3f}" if llm else "—", f"{bank.distinct_full:.3f}"),
        ("Distinctness: mean pairwise distance, core", f"{off.distinct_core:.3f}",
         f"{llm.distinct_core:.3f}" if llm else "—", f"{bank.distinct_core:.3f}"),
    ]  # fmt: skip
    lines = [
        SECTION,
        "",
        f"_Generated by `python -m evals.prompt_eval` on {report['date']}"
        f"{' (quick run)' if report['quick'] else ''}._",
        "",
        "Offline path: 4 batches of 50 (SDE I/SDE, SDE II/PM with conflict-failure-customer-"
        "ambiguity themes, Senior/TPM with deadlines-mentoring-trade-offs-raising-the-bar, "
        "Manager/data), each over all 16 LPs. The hand-written bank is the reference column.",
        "",
        "| Metric | Offline | LLM | Hand-written bank |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines.append("")
    lines.append(f"LLM path: {report['llm_status']}.")
    lines.append("")
    raw = off.stats
    rejected = {k.split(":", 1)[1]: v for k, v in raw.items() if k.startswith("rejected:")}
    lines.append(
        f"Offline filter, over the 200: {raw['candidates']} candidates composed, "
        f"{raw['accepted']} accepted (some accepted ones are surplus from over-generation); "
        "rejected: " + (", ".join(f"{k} {v}" for k, v in sorted(rejected.items())) or "none") + "."
    )
    lines += [
        "",
        "**Acceptance (offline, SDE II default LPs, batch of 50)**: "
        f"form {_pct(acc.form)} (≥ 95%), near-duplicates {_pct(acc.near_dup_core)} (< 2%; "
        f"full-text ≥ 0.90: {_pct(acc.near_dup_full)}), LP agreement {_pct(acc.agree_top3)} "
        f"(≥ 85%), generated in {report['acceptance_seconds']:.2f} s (< 2 s; the one-time "
        f"embedding model load of {report['model_load_seconds']:.2f} s is excluded, bank and "
        "prototype vectors come from the on-disk cache). The very first run with an empty "
        "cache also embeds the bank, LP prototypes and probes once; "
        "`python -m benchmarks.bench_prompts` times that case too.",
        "",
        "**LP classifier** (`agents/lp/classifier.py`; keyword cues + MiniLM prototypes from "
        "each LP's name, summary, signals, red flags and a few hand-written exemplars; it never "
        "reads the question bank or the generator's grammar):",
        "",
        "| Test set | n | accuracy@1 | accuracy@3 |",
        "|---|---|---|---|",
    ]
    for name, rep in report["classifier"].items():
        lines.append(f"| {name} | {rep.n} | {_pct(rep.at1)} | {_pct(rep.at3)} |")
    if report.get("capacity"):
        lines += [
            "",
            "Distinct offline prompts available for a single LP (min / median / max over the "
            "16 LPs): "
            + "; ".join(f"{lvl} {a} / {b:g} / {c}" for lvl, (a, b, c) in report["capacity"].items())
            + ". Asking one LP for more returns fewer, with a notice.",
        ]
    lines += [
        "",
        "Definitions: a prompt's *core* is the question without its opener (\"Tell me about a "
        'time you"), so two openers on one situation count as duplicates; the 0.80 threshold '
        "sits above the most similar pair of distinct bank questions (0.75). The filter enforces "
        "form, the 0.80 core threshold and top-3 agreement, so the delivered numbers are "
        "guaranteed; the full-text column and the raw-candidate agreement are the independent "
        "checks.",
        "",
    ]
    return "\n".join(lines)


def run(quick: bool = False, write: bool = True) -> dict[str, Any]:
    """Run every measurement; write the RESULTS.md section unless `write` is False."""
    from agents.config import load_settings
    from agents.embeddings import get_embedding_function
    from agents.llm import build_llm
    from agents.lp.evaluation import bank_examples, evaluate
    from agents.question_gen.generator import PromptGenerator

    settings = load_settings()
    started = time.perf_counter()
    get_embedding_function(settings.embedding_threads or None).warm_up()
    model_load = time.perf_counter() - started
    settings.ensure_dirs()
    generator = PromptGenerator(cache_dir=settings.data_dir / "cache")
    generator.warm_up()  # bank/prototype vectors: computed once, then read from the disk cache
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "quick": quick,
        "model_load_seconds": model_load,
    }
    report["offline"], _ = run_path(generator, None, quick)
    report["bank"] = bank_metrics(generator)
    report["acceptance"], report["acceptance_seconds"] = acceptance_batch(generator)
    report["classifier"] = {
        "Hand-written question bank (held out)": evaluate(
            generator.classifier, bank_examples(generator.principles)
        ),
        "Held-out stories (written for this eval)": evaluate(generator.classifier, HELDOUT_STORIES),
    }
    report["capacity"] = None if quick else capacity(generator)
    llm = build_llm(settings)
    if llm.available:
        report["llm"], _ = run_path(generator, llm, quick)
        report["llm_status"] = f"run with {llm.describe()}"
    else:
        report["llm"] = None
        report["llm_status"] = "not run: no model configured"
    if write:
        write_section(render_section(report))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batches of 25, no capacity scan")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args(argv)
    report = run(quick=args.quick, write=not args.no_write)
    print(render_section(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
