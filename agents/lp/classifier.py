"""Which Leadership Principle(s) a question or story is about: keyword cues + embedding prototypes.

The classifier is deliberately independent of the prompt generator. It reads only what the LP
data says a principle *is* (name, summary, signals, red flags and keywords) plus a small cue
lexicon below; it never sees the question bank or the generator's sentence grammar. That keeps
"the classifier agrees with the generator's LP tag" a meaningful check, and lets the hand-written
question bank serve as a held-out test set (see `evaluate_on_bank`).

Two signals are combined per LP:
- embedding similarity between the text and the LP's prototype sentences (best match and the
  mean of the top few, so one lucky sentence does not dominate), standardised across LPs;
- keyword cues: stemmed single words and phrases from the LP keywords and the cue lexicon, each
  weighted by how few LPs share it (IDF), so "feedback" (three LPs) counts less than "frugal".
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.principles import Principle

# The agreement rule used by the prompt generator's quality filter: the intended LP must be in
# the classifier's top AGREEMENT_K. LPs overlap by design (Ownership vs Deliver Results, Dive Deep
# vs Are Right), so top-1 would reject good prompts; top-3 of 16 still rejects off-topic ones.
AGREEMENT_K = 3

# Extra cue words per LP, written from what interviewers listen for. They complement the YAML
# keywords (which are mostly past-tense story words) with the nouns and verbs questions use.
CUES: dict[str, tuple[str, ...]] = {
    "customer-obsession": ("customer", "customers", "client", "user need", "customer trust",
                           "customer feedback", "work backwards", "customer experience",
                           "user experience", "customer problem", "what users", "buyer"),
    "ownership": ("owner", "owned it", "outside your role", "outside my role",
                  "job description", "nobody owned", "no one owned", "nobody else",
                  "no one else", "long-term", "responsible for", "accountable", "took charge",
                  "stayed until", "my fault", "stepped in", "clean up", "mess", "neglected",
                  "take on", "took on"),
    "invent-and-simplify": ("invent", "invented", "simpler", "simplify", "simplified",
                            "complexity", "complex process", "automate", "automated",
                            "new way", "new approach", "unconventional", "novel", "reinvent",
                            "fewer steps", "by hand", "manual", "borrowed an idea", "innovation",
                            "copied by hand", "removed the need"),
    "are-right-a-lot": ("judgement", "judgment", "decision", "decide", "instinct",
                        "the right call", "made a call", "wrong", "changed your mind",
                        "changed my mind", "conflicting advice", "dissenting", "contradict",
                        "options", "predicted", "assumption", "limited data",
                        "without all the data", "prove me wrong", "poke holes",
                        "counter-argument", "recommendation", "held up"),
    "learn-and-be-curious": ("learn", "learned", "learnt", "curious", "curiosity", "new skill",
                             "unfamiliar", "outside your area", "outside my area",
                             "self-taught", "taught yourself", "taught myself", "ramp up",
                             "out of date", "explore", "explored", "read up"),
    "hire-and-develop-the-best": ("hire", "hiring", "hiring bar", "interview", "candidate",
                                  "coach", "coached", "mentor", "mentored", "develop",
                                  "grow", "career", "promotion", "underperforming",
                                  "underperformer", "onboard", "new hire", "feedback to",
                                  "direct report", "talent", "stretch"),
    "insist-on-the-highest-standards": ("standard", "standards", "quality bar", "high bar",
                                        "raise the bar", "raised the bar", "quality",
                                        "defect", "defects", "not good enough", "polish",
                                        "code review", "checklist", "refused to ship",
                                        "status quo", "good enough", "bar"),
    "think-big": ("vision", "bold", "ambitious", "big picture", "long-term vision",
                  "strategy", "multi-year", "transform", "platform", "10x", "scale",
                  "organisation-wide", "company-wide", "roadmap", "bigger", "broader"),
    "bias-for-action": ("quickly", "fast", "speed", "urgent", "act", "acted", "calculated risk",
                        "without waiting", "before waiting", "reversible", "two-way door",
                        "move fast", "moved fast", "crisis", "unblock", "unblocked", "stalled",
                        "without approval", "immediately", "right away", "rather than wait",
                        "instead of waiting", "roll back", "rolled back", "within the hour"),
    "frugality": ("frugal", "budget", "cost", "costs", "money", "cheap", "cheaper", "save",
                  "saved", "savings", "resources", "fewer resources", "headcount", "spend",
                  "spending", "vendor", "constraint", "constraints", "limited resources"),
    "earn-trust": ("trust", "trusted", "honest", "candid", "admit", "admitted", "mistake",
                   "bad news", "credibility", "rebuilt", "relationship", "credit",
                   "did not want to hear", "listen", "listened", "commitment", "apologise",
                   "apologize", "transparent", "get along", "before anyone noticed", "owned up",
                   "told them the truth", "told the whole", "what went wrong"),
    "dive-deep": ("data", "metrics", "metric", "root cause", "dig", "dug", "digging",
                  "details", "detail", "logs", "analysis", "analyse", "analyze", "debug",
                  "debugged", "investigate", "investigated", "anomaly", "numbers",
                  "discrepancy", "audit", "audited", "hands-on", "sql"),
    "have-backbone": ("disagree", "disagreed", "disagreement", "push back", "pushed back",
                      "challenge", "challenged", "object", "objected", "stand firm",
                      "stood firm", "commit", "committed to", "argued", "argue", "overruled",
                      "speak up", "spoke up", "consensus", "went along", "conviction", "escalate"),
    "deliver-results": ("deliver", "delivered", "deadline", "deadlines", "results", "result",
                        "goal", "goals", "target", "on time", "setback", "obstacle", "slip",
                        "milestone", "launch", "shipped", "under pressure", "cut scope",
                        "reprioritise", "reprioritize", "kpi", "outcome"),
    "best-employer": ("wellbeing", "well-being", "morale", "burnout", "burned out",
                      "burning out", "workload", "inclusive", "inclusion", "included",
                      "excluded", "belonging", "empathy", "psychological safety", "struggling",
                      "colleague", "teammates", "fair", "unfair", "work-life", "safe",
                      "safety", "enjoyable", "outsider"),
    "broad-responsibility": ("society", "community", "communities", "environment",
                             "environmental", "sustainability", "carbon", "energy", "privacy",
                             "ethical", "ethics", "fairly", "fairness", "accessible",
                             "accessibility", "disabilities", "unintended", "second-order",
                             "outside your company", "outside the company", "the public",
                             "harm", "regulation", "responsibility"),
}  # fmt: skip

# Short labelled stories (and one question) written for this classifier, ~3 per LP. They are
# extra prototypes that show how candidates *talk* about each LP, which the abstract signals
# do not; none comes from the question bank or the prompt generator.
EXEMPLARS: dict[str, tuple[str, ...]] = {
    "customer-obsession": (
        (
            'Our checkout page confused first-time buyers, so I sat in on ten support calls, '
            'mapped where they dropped off and rewrote the flow around what they were trying to '
            'do. Abandoned carts fell by a fifth.'
        ),
        (
            'A big client wanted a custom export feature. After interviewing their analysts I '
            'realised the real need was a scheduled report, which we built in a week and they '
            'still use.'
        ),
        'How do you decide what your users really need when they cannot tell you?',
        (
            'I spent a day shadowing the warehouse staff who used our tool and changed the screen'
            ' order to match how they actually packed orders.'
        ),
    ),
    "ownership": (
        (
            'The billing job kept failing at night and it belonged to no team. I picked it up on '
            'my own time, fixed the retry logic, wrote a runbook and added an alarm so it never '
            'paged anyone again.'
        ),
        (
            'When our launch slipped because of my migration script, I told my lead straight '
            'away, stayed until it was repaired and then added a dry-run step to the release '
            'checklist.'
        ),
        (
            'The monthly report I inherited was always late, so I rebuilt the data pull, checked '
            'it myself every month for a year and handed it over with documentation.'
        ),
    ),
    "invent-and-simplify": (
        (
            'Support engineers copied data between three spreadsheets every morning. I wrote a '
            'small script that did it in seconds and removed two of the spreadsheets entirely.'
        ),
        (
            'Instead of building our own scheduler I proposed adapting an open-source one, which '
            'cut the design from six services to one.'
        ),
        (
            'I replaced a five-step approval form with a single button that filled in the details'
            ' automatically.'
        ),
    ),
    "are-right-a-lot": (
        (
            'We had to pick a database with only half the benchmarks finished. I listed what '
            'would prove me wrong, asked the sceptics on the team to poke holes in it, and the '
            'choice held up under peak load a year later.'
        ),
        (
            "My first read was that the latency came from the cache, but a colleague's counter-"
            'argument convinced me to test it and I changed my recommendation.'
        ),
        (
            'I chose to delay the migration despite pressure because the error budget told me we '
            'were not ready, and the later outage at a competitor proved the point.'
        ),
    ),
    "learn-and-be-curious": (
        (
            'I had never touched Kubernetes, so I spent two weekends working through the docs and'
            ' a course, then ran a brown-bag to teach the rest of the team.'
        ),
        (
            "Out of curiosity I read the payment provider's changelog and found a deprecation "
            'that would have broken our integration.'
        ),
        (
            'After a failed launch I asked three senior engineers for honest feedback on my '
            'design and changed how I write proposals.'
        ),
    ),
    "hire-and-develop-the-best": (
        (
            'I coached a junior engineer through her first design review; six months later she '
            'was leading the project and got promoted.'
        ),
        (
            'We were under pressure to fill three roles, but I argued against hiring a candidate '
            'who did not meet the bar, and we waited two more weeks for a stronger hire.'
        ),
        (
            'I rewrote our interview loop so every interviewer assessed a different skill, and '
            'the new hires ramped up faster.'
        ),
    ),
    "insist-on-the-highest-standards": (
        (
            'The team wanted to ship with flaky tests. I refused, spent two days fixing the root '
            'cause of the flakiness and set a rule that no build merges below 90 percent '
            'coverage.'
        ),
        (
            'I introduced a design review checklist after noticing the same kinds of defects in '
            'every release.'
        ),
        (
            'Even though the client had accepted the draft, I sent it back to the team because '
            'the numbers in two charts did not match.'
        ),
    ),
    "think-big": (
        (
            'Rather than patching one report, I pitched a shared analytics platform for all '
            'twelve teams and laid out a three-year roadmap to get there.'
        ),
        (
            'I convinced leadership that our internal tool could become a product for external '
            'sellers, which opened a new market.'
        ),
        (
            'I pitched turning our one-city pilot into a national service and mapped out the '
            'partnerships we would need to get there.'
        ),
    ),
    "bias-for-action": (
        (
            'The vendor outage hit on a Friday. Rather than wait for a full analysis I switched '
            'traffic to the backup provider within the hour, knowing it could be rolled back.'
        ),
        (
            'We shipped a rough prototype in three days to test demand before the committee '
            'finished debating.'
        ),
        (
            'Customers were seeing errors at midnight, so I rolled back the release on my own '
            'rather than waiting for the morning meeting.'
        ),
    ),
    "frugality": (
        (
            'With no budget for new servers, I moved our batch jobs to spare capacity at night '
            'and cut the cloud bill by 30 percent.'
        ),
        (
            'Instead of licensing an expensive tool we reused an existing open-source library and'
            ' saved forty thousand dollars a year.'
        ),
        (
            'We shipped the first version on a single small server and a free database tier, '
            'which kept costs under a hundred dollars a month.'
        ),
    ),
    "earn-trust": (
        (
            'I broke the release and told the whole channel before anyone noticed, explained what'
            ' went wrong and what I would change.'
        ),
        (
            'The relationship with the partner team was damaged after we missed two commitments. '
            'I met their lead weekly, listened to their concerns and delivered exactly what I '
            'promised.'
        ),
        (
            'I had blamed the QA team for a delay in a meeting, realised I was wrong and '
            'apologised to them in front of the same group.'
        ),
    ),
    "dive-deep": (
        (
            'Dashboards said conversion was fine but support tickets kept rising. I pulled the '
            'raw logs, traced sessions one by one and found a bug that only affected one browser.'
        ),
        (
            'I reconciled the finance numbers line by line with SQL queries and found a double-'
            'counted refund.'
        ),
        (
            "I followed a single failed order through five services' logs until I found the "
            'timeout that was silently dropping it.'
        ),
    ),
    "have-backbone": (
        (
            'My director wanted to skip the security review to hit the date. I pushed back with '
            'the data on past incidents; he overruled me, so I committed and helped the team ship'
            ' safely.'
        ),
        (
            "I disagreed with the architect's choice of message queue in the design meeting and "
            'argued for an alternative, even though everyone else agreed with him.'
        ),
        (
            'The team wanted to drop accessibility work to save time; I challenged that in the '
            'planning meeting and held my position until we agreed to keep it.'
        ),
    ),
    "deliver-results": (
        (
            'Two engineers left in one month and the project still had to launch by the end of '
            'the quarter. I re-planned the milestones, cut scope and we launched on the date with'
            ' the key metric up 12 percent.'
        ),
        (
            'Despite a vendor delay that cost us three weeks, I found a workaround and hit the '
            'quarterly target.'
        ),
        (
            'The launch date was fixed by a marketing campaign, so I cut two nice-to-have '
            'features, tracked progress daily and shipped on the day.'
        ),
    ),
    "best-employer": (
        (
            'I noticed my team was working every weekend and burning out, so I renegotiated the '
            'deadline and set up an on-call rotation that spread the load fairly.'
        ),
        (
            'A new colleague felt excluded from meetings held in a language she did not speak, so'
            ' I changed our meetings to English and made sure her ideas were heard.'
        ),
        (
            'I set up a quiet-hours policy after seeing people answer messages late at night, and'
            ' our engagement scores went up.'
        ),
    ),
    "broad-responsibility": (
        (
            'Before launching the recommendation feature I checked whether it treated different '
            'groups of users fairly and pushed for a privacy review of the data we collected.'
        ),
        (
            'I led a project to cut the energy use of our data processing jobs and volunteered to'
            ' teach coding at a local school.'
        ),
        (
            'I made our public website work with screen readers and pushed to publish how we use '
            'customer data in plain language.'
        ),
    ),
}

# Weights of the two signals and of the embedding summary, chosen on the exemplars above before
# they became prototypes; the question bank and the held-out stories in
# tests/test_lp_classifier.py are test sets only.
EMBED_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.1
TOP_PROTOTYPES = 3

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = ("ments", "ment", "ings", "ing", "edly", "ied", "ies", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A tiny suffix stripper: "disagreed", "disagreement" and "disagree" share a stem."""
    word = word.lower().replace("'s", "")
    stripped = False
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("i" if suffix in ("ied", "ies") else "")
            # "-ed"/"-ing" already took the e ("managed"); "-ment" did not ("management").
            stripped = not suffix.startswith("ment")
            break
    # "simplify"/"simplified" -> "simplifi"; "hire"/"hired" -> "hir"; "disagree"/"disagreed"
    # -> "disagre" (a final e is dropped only from bare words, where "-ed" did not take it).
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if not stripped and word.endswith("e") and len(word) > 3:
        word = word[:-1]
    # Doubled final consonants: "stopped" -> "stopp" -> "stop".
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    """Stem every word of `text`, in order."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("’", "'"))]


def prototype_sentences(principle: Principle) -> list[str]:
    """What an LP is, as texts to embed: name, summary, signals, red flags and exemplars."""
    out = [f"{principle.name}."]
    out += [s.strip() for s in re.split(r"(?<=\.)\s+", principle.summary) if s.strip()]
    out += list(principle.signals)
    # Red flags describe the same topic from the failing side ("blames other teams"), which
    # is exactly what failure-themed questions and candid stories talk about.
    out += list(principle.red_flags)
    out += list(EXEMPLARS.get(principle.slug, ()))
    return out


@dataclass(frozen=True)
class _Phrase:
    """A stemmed cue phrase and the LPs it points to, with its weight."""

    tokens: tuple[str, ...]
    lps: tuple[str, ...]
    weight: float


def _build_phrases(principles: Mapping[str, Principle]) -> dict[str, list[_Phrase]]:
    """Index cue phrases by their first stem, with IDF weights over LPs."""
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for slug, p in principles.items():
        for cue in (*p.keywords, *CUES.get(slug, ())):
            tokens = tuple(stems(cue))
            if tokens:
                owners[tokens].add(slug)
    n = len(principles)
    index: dict[str, list[_Phrase]] = defaultdict(list)
    for tokens, lps in owners.items():
        # IDF: shared cues carry less evidence; phrases are more specific than single words.
        weight = float(np.log(1 + n / len(lps))) * (1.25 if len(tokens) > 1 else 1.0)
        index[tokens[0]].append(_Phrase(tokens, tuple(sorted(lps)), weight))
    for phrases in index.values():
        phrases.sort(key=lambda ph: -len(ph.tokens))  # longest match first
    return dict(index)


def _texts_key(texts: Sequence[str]) -> str:
    """A stable hash of a list of texts and the embedding model they are embedded with."""
    from agents.embeddings import MODEL_SHA256

    digest = hashlib.sha256(MODEL_SHA256.encode())
    for t in texts:
        digest.update(t.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def cached_embed(
    texts: Sequence[str], embedder: MiniLMEmbedding, cache_dir: Path | None, tag: str
) -> np.ndarray:
    """Embed fixed texts once; reuse vectors from `<cache_dir>/<tag>-<hash>.npy` across runs."""
    if cache_dir is None:
        return embedder.embed(list(texts))
    path = Path(cache_dir) / f"{tag}-{_texts_key(texts)}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dimension):
            return vectors
    except (OSError, ValueError):
        pass  # missing or corrupt cache: recompute
    vectors = embedder.embed(list(texts))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)  # atomic, so a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only data dir only costs speed
    return vectors


class LPClassifier:
    """Scores texts against every Leadership Principle; build once and reuse."""

    def __init__(
        self,
        principles: Mapping[str, Principle] | None = None,
        *,
        embedder: MiniLMEmbedding | None = None,
        cache_dir: Path | None = None,
        use_embeddings: bool = True,
    ) -> None:
        """Index keyword cues now; prototype vectors are embedded lazily on first use."""
        if principles is None:
            from agents.lp.principles import load_principles

            principles = load_principles()
        self.principles = dict(principles)
        self.slugs: list[str] = list(self.principles)
        self._slug_index = {s: i for i, s in enumerate(self.slugs)}
        self._phrases = _build_phrases(self.principles)
        self._embedder = embedder
        self._cache_dir = cache_dir
        self.use_embeddings = use_embeddings
        self._proto: np.ndarray | None = None
        self._proto_owner: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> MiniLMEmbedding:
        """The embedding function (the process-wide one unless another was given)."""
        if self._embedder is None:
            from agents.embeddings import get_embedding_function

            self._embedder = get_embedding_function()
        return self._embedder

    def _prototypes(self) -> tuple[np.ndarray, np.ndarray]:
        """Prototype vectors and, for each, the index of its LP."""
        if self._proto is None:
            with self._lock:
                if self._proto is None:
                    texts: list[str] = []
                    owner: list[int] = []
                    for i, slug in enumerate(self.slugs):
                        sentences = prototype_sentences(self.principles[slug])
                        texts += sentences
                        owner += [i] * len(sentences)
                    vectors = cached_embed(texts, self.embedder, self._cache_dir, "lp-prototypes")
                    self._proto_owner = np.array(owner)
                    self._proto = vectors
        assert self._proto_owner is not None
        return self._proto, self._proto_owner

    def keyword_scores(self, text: str) -> np.ndarray:
        """Per-LP keyword evidence: IDF-weighted cue matches, damped for long texts."""
        tokens = stems(text)
        scores = np.zeros(len(self.slugs))
        i = 0
        while i < len(tokens):
            matched = 0
            for phrase in self._phrases.get(tokens[i], ()):
                n = len(phrase.tokens)
                if tuple(tokens[i : i + n]) == phrase.tokens:
                    for slug in phrase.lps:
                        scores[self._slug_index[slug]] += phrase.weight
                    matched = n
                    break
            i += max(matched, 1)
        # A 200-word story mentions many cues; a square-root damping keeps long texts from
        # being decided by keyword volume alone while short questions keep their cues' weight.
        return scores / np.sqrt(max(1.0, len(tokens) / 15))

    def matched_cues(self, text: str) -> dict[str, list[str]]:
        """Which cue phrases matched, per LP (for explanations and debugging)."""
        tokens = stems(text)
        found: dict[str, list[str]] = defaultdict(list)
        i = 0
        while i < len(tokens):
            matched = 0
            for phrase in self._phrases.get(tokens[i], ()):
                n = len(phrase.tokens)
                if tuple(tokens[i : i + n]) == phrase.tokens:
                    for slug in phrase.lps:
                        found[slug].append(" ".join(phrase.tokens))
                    matched = n
                    break
            i += max(matched, 1)
        return dict(found)

    def embedding_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Per-LP similarity for each row of `vectors`: mean of best and top-k prototype sims."""
        proto, owner = self._prototypes()
        sims = vectors @ proto.T  # unit vectors, so this is cosine
        out = np.zeros((vectors.shape[0], len(self.slugs)))
        for j in range(len(self.slugs)):
            block = np.sort(sims[:, owner == j], axis=1)[:, ::-1]
            top = block[:, :TOP_PROTOTYPES]
            out[:, j] = 0.5 * block[:, 0] + 0.5 * top.mean(axis=1)
        return out

    def scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """A (len(texts), n_LPs) score matrix; pass `vectors` to reuse embeddings you have."""
        items = list(texts)
        kw = np.array([self.keyword_scores(t) for t in items]).reshape(len(items), len(self.slugs))
        if not self.use_embeddings:
            return kw
        if vectors is None:
            vectors = self.embedder.embed(items)
        emb = self.embedding_scores(np.asarray(vectors, dtype=np.float32))
        # Standardise per text: raw cosines of short questions sit in a narrow band whose
        # level says nothing about which LP wins; only the spread between LPs matters.
        mu = emb.mean(axis=1, keepdims=True)
        sd = emb.std(axis=1, keepdims=True) + 1e-6
        return EMBED_WEIGHT * (emb - mu) / sd + KEYWORD_WEIGHT * kw

    def rank(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[list[str]]:
        """LP slugs best first, one ranking per text."""
        matrix = self.scores(texts, vectors)
        return [[self.slugs[j] for j in np.argsort(-row, kind="stable")] for row in matrix]

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The top-k (slug, score) for one text, best first; scores are softmax shares."""
        row = self.scores([text])[0]
        share = np.exp(row - row.max())
        share /= share.sum()
        order = np.argsort(-row, kind="stable")[: max(1, k)]
        return [(self.slugs[j], round(float(share[j]), 4)) for j in order]

    def agrees(
        self, text: str, lp: str, k: int = AGREEMENT_K, vector: np.ndarray | None = None
    ) -> bool:
        """Whether `lp` is among the classifier's top-k for `text`."""
        vectors = None if vector is None else np.asarray(vector).reshape(1, -1)
        return lp in self.rank([text], vectors)[0][:k]


_default: dict[str | None, LPClassifier] = {}
_default_lock = threading.Lock()


def get_classifier(cache_dir: Path | None = None) -> LPClassifier:
    """A process-wide classifier over the bundled principles (one per cache dir)."""
    key = str(cache_dir) if cache_dir is not None else None
    with _default_lock:
        if key not in _default:
            _default[key] = LPClassifier(cache_dir=cache_dir)
        return _default[key]


def suggest_lps(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The k most likely LPs for a question or story as (slug, score), best first."""
    return get_classifier().suggest(text, k)


def classify_lp(text: str) -> str:
    """The single most likely LP slug for a question or story."""
    return suggest_lps(text, k=1)[0][0]


@dataclass(frozen=True)
class ClassifierReport:
    """Accuracy of the classifier on labelled texts."""

    n: int
    at1: float
    at3: float
    confusions: list[tuple[str, str, str]]  # (text, expected, predicted) for top-1 misses


def evaluate(
    classifier: LPClassifier, labelled: Iterable[tuple[str, str]], batch_vectors: bool = True
) -> ClassifierReport:
    """Accuracy@1 and @3 of `classifier` on (text, slug) pairs."""
    pairs = list(labelled)
    texts = [t for t, _ in pairs]
    embed = classifier.use_embeddings and batch_vectors
    vectors = classifier.embedder.embed(texts) if embed else None
    ranks = classifier.rank(texts, vectors)
    at1 = sum(r[0] == lp for r, (_, lp) in zip(ranks, pairs, strict=True))
    at3 = sum(lp in r[:3] for r, (_, lp) in zip(ranks, pairs, strict=True))
    misses = [(t, lp, r[0]) for r, (t, lp) in zip(ranks, pairs, strict=True) if r[0] != lp]
    n = max(1, len(pairs))
    return ClassifierReport(len(pairs), at1 / n, at3 / n, misses)


def bank_examples(principles: Mapping[str, Principle] | None = None) -> list[tuple[str, str]]:
    """The hand-written question bank as (question, slug): held out from the classifier."""
    if principles is None:
        from agents.lp.principles import load_principles

        principles = load_principles()
    return [(q.text, slug) for slug, p in principles.items() for q in p.questions]


def evaluate_on_bank(classifier: LPClassifier | None = None) -> ClassifierReport:
    """Accuracy@1/@3 on the bundled question bank (which the classifier never reads)."""
    classifier = classifier or get_classifier()
    return evaluate(classifier, bank_examples(classifier.principles))
