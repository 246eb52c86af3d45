"""The drill: an Amazon-style behavioral loop that probes like a bar raiser.

All state lives in a serializable `DrillState`; `Interviewer` holds only services (grader, LP data,
optional LLM, optional session store and story bank), so any process that loads the state can
continue the drill.

The policy after each substantive answer (deterministic; the LLM only phrases):
1. The question's grade covers the whole exchange: every substantive answer so far, joined, is
   re-graded, so a result supplied when probed earns credit.
2. Out of time (whole drill) -> close the question and debrief. Over the question's share of the
   time, or `max_probes` used -> close the question and ask the next one.
3. Otherwise probe the first gap of `policy_gaps(grade)` not yet probed for this question:
   consistency (a number contradicts the stored or earlier version of the same story), then the
   grader's ranked gaps (hypothetical, non-answer, action, "we" -> ownership, result,
   measurability), a thin action -> the decision and its alternatives, then situation, task,
   learning.
4. When no unprobed gap remains and the answer is a real story, Amazon deep dives (the LP's own
   probes, trade-off, perception, cost, scale) until the round's quota; then move on.
Probes never repeat within a drill (exact text, compared case- and space-insensitively).

Replies that are not answers: controls (skip, repeat, clarify, pause, end; methods or typed text)
are obeyed; gibberish, off-topic replies, abuse and prompt injection are answered politely,
recorded in the question's `flags`, and never graded or obeyed (two in a row move on; three
abusive replies end the drill). In interview mode nothing before the debrief coaches.

Persistence (when a `SessionStore` is given): the candidate's reply is committed before any work
on it (`pending` = True), and the interviewer's whole reply is committed at once, so a killed
process never leaves a half-written turn and `resume` answers a pending reply exactly once.
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import statistics
import time
import unicodedata
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field

from agents.grading import (
    COMPONENTS,
    FOLLOW_UPS,
    MAX_GRADED_WORDS,
    Grade,
    Grader,
    analyze,
    injection_spans,
)
from agents.logging_setup import answer_for_log
from agents.lp.roles import ROLE_LEVELS, ROLE_LPS
from agents.prompts import leaks_prompt
from agents.textutil import clean_text, find_metrics, split_sentences, word_count

if TYPE_CHECKING:
    from agents.drill.sessions import SessionStore
    from agents.llm import ChatModel, LLMBackendError
    from agents.lp.principles import Principle

log = logging.getLogger("barraiser.interviewer")

Role = Literal["sde1", "sde2", "senior", "manager", "nontech"]
RoundType = Literal["phone", "loop", "bar_raiser"]
Mode = Literal["interview", "coach"]
TurnKind = Literal[
    "greeting",
    "question",
    "probe",
    "clarification",
    "feedback",
    "debrief",
    "notice",
    "answer",
    "control",
]
Control = Literal["skip", "repeat", "clarify", "pause", "end"]
Signal = Literal["strong", "inclined", "not_inclined"]

# Phone screens cover about two LPs, loop rounds and bar raisers about three.
ROUND_QUESTIONS = {"phone": 2, "loop": 3, "bar_raiser": 3}
ROUND_PROBES = {"phone": 3, "loop": 3, "bar_raiser": 4}
# Deep dives asked once a story is complete (bar raisers dig further).
DEEP_DIVE_QUOTA = {"phone": 1, "loop": 1, "bar_raiser": 2}
# A question needs about this long; shorter drills ask fewer questions.
MIN_MINUTES_PER_QUESTION = 5
# Questions asked in this many of the candidate's latest sessions are not asked again.
RECENT_SESSIONS = 5
# Non-substantive replies (gibberish, off-topic, abuse, injection only) before moving on.
MAX_NON_SUBSTANTIVE = 2
# Abusive replies in one drill after which the interviewer ends it politely.
MAX_ABUSE = 3
# After an LLM failure, phrase from the template bank for this long before trying again.
LLM_COOLDOWN_SECONDS = 120.0
# Session-internal story reuse: content-word Jaccard similarity of two first answers.
REUSE_JACCARD = 0.3
# A reply longer than this is cut (with a notice); the grader reads MAX_GRADED_WORDS of it.
MAX_ANSWER_CHARS = 20_000
# Story-bank hit score (0-1) from which an answer counts as telling that stored story.
STORY_MATCH_SCORE = 0.5


class Turn(BaseModel):
    """One message of the transcript; `meta` carries structured data for the UI and evals."""

    role: Literal["interviewer", "candidate"]
    kind: TurnKind
    text: str
    lp: str | None = None
    grade: dict[str, object] | None = None
    at: float = Field(default_factory=time.time)
    meta: dict[str, Any] = Field(default_factory=dict)


class QuestionRecord(BaseModel):
    """One question of the drill and everything said about it."""

    lp: str
    question: str
    answers: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)
    probed_gaps: list[str] = Field(default_factory=list)
    grade: Grade | None = None
    first_grade: Grade | None = None
    skipped: bool = False
    closed: bool = False
    asked_at: float = 0.0
    suspended_at_ask: float = 0.0
    replies: int = 0
    non_substantive: int = 0
    flags: list[str] = Field(default_factory=list)
    story_hits: list[dict[str, Any]] = Field(default_factory=list)
    story_id: str | None = None
    reused_from: int | None = None
    inconsistencies: list[dict[str, str]] = Field(default_factory=list)
    stronger_answer: str | None = None


class CustomQuestion(BaseModel):
    """A question supplied by the user or the prompt generator."""

    lp: str
    text: str


class DrillConfig(BaseModel):
    """How the drill is set up."""

    role: Role = "sde2"
    round_type: RoundType = "loop"
    lps: list[str] = Field(default_factory=list)
    minutes: int = Field(default=30, ge=1, le=180)
    mode: Mode = "coach"
    n_questions: int | None = Field(default=None, ge=1, le=10)
    max_probes: int | None = Field(default=None, ge=0, le=6)
    seed: int | None = None
    # Prompts chosen elsewhere (e.g. the prompt generator's "drill these"), asked first, in order.
    custom_questions: list[CustomQuestion] = Field(default_factory=list)


class LPScore(BaseModel):
    """One leadership principle's score in the debrief."""

    lp: str
    name: str
    score: float
    questions: int


class HeatmapRow(BaseModel):
    """STAR(L) strengths (0-3) of one question's whole exchange, and of its first answer."""

    index: int
    lp: str
    question: str
    status: Literal["graded", "skipped", "no_answer"]
    cells: dict[str, int]
    first_cells: dict[str, int]
    measurability: int
    ownership: str
    i_share: float
    score: int


class Trends(BaseModel):
    """How measurability and ownership moved across the drill (final and first answers)."""

    measurability: list[int] = Field(default_factory=list)
    ownership: list[float] = Field(default_factory=list)
    first_measurability: list[int] = Field(default_factory=list)
    first_ownership: list[float] = Field(default_factory=list)
    measurability_direction: Literal["improving", "declining", "steady", "n/a"] = "n/a"
    ownership_direction: Literal["improving", "declining", "steady", "n/a"] = "n/a"
    probe_uplift: float = 0.0


class Improvement(BaseModel):
    """One of the highest-value things to fix, with the candidate's own words showing it."""

    key: str
    title: str
    advice: str
    value: float
    lps: list[str]
    quotes: list[str]


class StorySuggestion(BaseModel):
    """A story to prepare (or an existing stored story to polish) for a leadership principle."""

    lp: str
    name: str
    prompt: str
    reason: str
    story_id: str | None = None
    story_title: str | None = None


class Debrief(BaseModel):
    """The end-of-drill summary; every number comes from the question grades by fixed rules."""

    signal: Signal
    signal_label: str
    mean_score: float
    lowest_score: int
    rule: str
    per_lp: list[LPScore]
    heatmap: list[HeatmapRow]
    trends: Trends
    improvements: list[Improvement]
    suggested_stories: list[StorySuggestion]
    conduct: dict[str, int] = Field(default_factory=dict)
    story_reuse: list[dict[str, Any]] = Field(default_factory=list)
    reason: str = "completed"


class DrillState(BaseModel):
    """Everything about a drill in progress; JSON-serializable."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    user: str = "local"
    config: DrillConfig = Field(default_factory=DrillConfig)
    turns: list[Turn] = Field(default_factory=list)
    questions: list[QuestionRecord] = Field(default_factory=list)
    status: Literal["new", "awaiting_answer", "done"] = "new"
    started_at: float = Field(default_factory=time.time)
    notices: list[str] = Field(default_factory=list)
    # What the candidate's next reply answers: the question itself or the latest probe.
    awaiting: Literal["question", "probe"] = "question"
    # True between recording a candidate turn and committing the interviewer's reply to it.
    pending: bool = False
    # Time the app was not running (resumed sessions): not counted against the time-box.
    suspended_seconds: float = 0.0
    avoid_questions: list[str] = Field(default_factory=list)
    llm_notice_given: bool = False
    llm_cooldown_until: float = 0.0
    abuse_count: int = 0
    debrief: Debrief | None = None
    # Bumped by every save to the session store; a save from an older revision is refused.
    revision: int = 0

    @property
    def current(self) -> QuestionRecord | None:
        """The question being discussed, if any."""
        if self.status != "awaiting_answer" or not self.questions:
            return None
        return self.questions[-1]

    @property
    def all_probes(self) -> list[str]:
        """Every probe asked in this drill (probes never repeat within one)."""
        return [p for q in self.questions for p in q.probes]


class StreamEvent(BaseModel):
    """What `respond_stream` yields: text deltas of the turn being written, then whole turns.

    - `delta`: a chunk of the interviewer turn being phrased by the LLM (show it as it arrives);
    - `discard`: drop the partial text shown so far (the model failed; a fallback follows);
    - `turn`: a finished interviewer turn, already committed to the session store;
    - `done`: the reply is complete; `turns` holds every new interviewer turn.
    """

    type: Literal["delta", "discard", "turn", "done"]
    text: str = ""
    turn: Turn | None = None
    turns: list[Turn] = Field(default_factory=list)


class StorySource(Protocol):
    """The seam to the story bank: `search` returns hits with id, title, score (0-1), lps."""

    def search(self, user: str, question: str, k: int = 3) -> Sequence[Any]:
        """The user's stored stories most relevant to a question or answer."""
        ...

    def record_use(self, user: str, story_id: str, session_id: str) -> None:
        """Note that a story was told in a session."""
        ...


# --- phrase banks -----------------------------------------------------------------------------

_GREETINGS = (
    "Hi, thanks for making the time. I'll ask you about {n} situations from your experience, "
    "and I'll dig into the details, so take your time and be specific.",
    "Welcome. Over the next {minutes} minutes we'll go through {n} behavioral questions. I may "
    "interrupt with follow-ups; that's normal here.",
    "Good to meet you. This round covers {n} of our leadership principles. Tell me about real "
    "events, in your own words, and feel free to pause to think.",
)
_CONTROLS_HINT = (
    " You can ask me to repeat or clarify a question, take a minute, skip one, or end at any time."
)
_TRANSITIONS = (
    "Thanks, let's move on.",
    "Okay, thank you. Next question.",
    "Got it. Let's switch to a different area.",
    "Thanks for walking me through that. Here's the next one.",
    "Understood. Let's look at something else.",
)
_ACKS = ("", "Okay. ", "Thanks. ", "Got it. ", "Understood. ", "Right. ", "I see. ")

# Probe bank: several natural phrasings per gap. The grader's own follow-ups come first so the
# offline probe matches what `barraiser grade` suggests.
_PROBE_BANK: dict[str, tuple[str, ...]] = {
    "hypothetical": (
        *FOLLOW_UPS["hypothetical"],
        "Can you think of a specific occasion, and tell me what you actually did then?",
        "Rather than the general approach, pick one real instance. What happened?",
        "Has this actually come up for you, and can you walk me through that one time?",
    ),
    "non_answer": (
        *FOLLOW_UPS["non_answer"],
        "No rush. Think about your last team or project; did anything like this happen there?",
        "It can be from school, an internship or a side project too. Anything come to mind?",
        "Maybe start with the project you know best. Was there a moment there that fits?",
        "Even a partial example is fine. What's the closest situation you can recall?",
        "Think about a week at work that was harder than usual. What was going on?",
    ),
    "action": (
        *FOLLOW_UPS["action"],
        "Take me through what you actually did. What were the concrete steps?",
        "Where did you start, and how did you go about it?",
        "Can you go one level deeper on what you did there?",
    ),
    "ownership": (
        *FOLLOW_UPS["ownership"],
        "What was your own contribution, as distinct from the team's?",
        "Help me separate your role from the group's. What did you do?",
        "Of everything the team did, which pieces did you own?",
    ),
    "result": (
        *FOLLOW_UPS["result"],
        "What was the outcome for the customer or the business?",
        "So where did things land? What was different afterwards?",
        "How did you know it had worked?",
    ),
    "measurability": (
        *FOLLOW_UPS["measurability"],
        "How big was the change, roughly, compared with where you started?",
        "What data told you it was a success?",
        "If you had to show this on a dashboard, what would it show before and after?",
    ),
    "decision": (
        "Why did you decide to go that way? What alternatives did you consider?",
        "What other options were on the table, and why did you pick this one?",
        "What made you confident that was the right call at the time?",
        "Walk me through the decision itself: what did you weigh?",
        "Was there another way to handle it? Why didn't you take it?",
    ),
    "situation": (
        *FOLLOW_UPS["situation"],
        "Before we go on, where and when was this, and who was involved?",
        "What was the backdrop here? What made this important?",
    ),
    "task": (
        *FOLLOW_UPS["task"],
        "What did success look like for you at the start?",
        "What was your role going into this?",
    ),
    "learning": (
        *FOLLOW_UPS["learning"],
        "If you could replay it, what would you change?",
        "What's the lesson you took from this into later work?",
    ),
}
# Every probe ends with a question mark (the UI and the candidate both expect a question).
PROBE_BANK: dict[str, tuple[str, ...]] = {
    gap: tuple(o for o in options if o.rstrip().endswith("?"))
    for gap, options in _PROBE_BANK.items()
}
# Variants that quote the candidate (a short verbatim fragment) so the probe sounds heard.
QUOTED_PROBES: dict[str, tuple[str, ...]] = {
    "ownership": (
        'You said "{q}". What was your part in that?',
        'When you say "{q}", what did you personally do?',
    ),
    "measurability": (
        'You said "{q}". How did you measure that?',
        'When you say "{q}", by how much, compared with before?',
    ),
    "decision": ('You said "{q}". Why that, and what else did you consider?',),
}
# Amazon deep dives once the story is complete.
DEEP_DIVES: dict[str, tuple[str, ...]] = {
    "trade_off": (
        "What was the trade-off, and would you make it again?",
        "What did you trade off to get there?",
        "Which trade-off was the hardest, and why?",
    ),
    "perception": (
        "How did others perceive what you did?",
        "How did your manager or your peers react?",
        "Did anyone disagree with your approach? How did you handle that?",
    ),
    "cost": (
        "What did it cost, in time, money or goodwill?",
        "What did you have to give up to make this happen?",
        "What was the price of doing it this way?",
    ),
    "scale": (
        "What if the input had doubled? Would your approach still hold?",
        "How would this have played out at ten times the scale?",
        "What would break first if the load grew sharply?",
    ),
}
DEEP_DIVE_ORDER = ("lp", "trade_off", "perception", "cost", "scale")

GAP_LABELS: dict[str, str] = {
    "hypothetical": "a real example (it was what you would do)",
    "non_answer": "an example",
    "action": "your concrete actions",
    "ownership": "what you did yourself (it was mostly 'we')",
    "result": "the result",
    "measurability": "a measurable result",
    "decision": "why you chose that approach",
    "situation": "the situation",
    "task": "your task or goal",
    "learning": "what you learned",
    "consistency": "a consistent version of the story",
}
# Words that coach; none may appear in an interviewer turn before the debrief in interview mode.
COACHING_RE = re.compile(
    r"\bSTAR\b|\bSTAR\(L\)|\bscor(?:e|ed|ing)\b|\bgrad(?:e|ed|ing)\b|/5\b|\bcoach|\btip\b|"
    r"\bstronger answer\b|\bmeasurab|\bgap\b|\brubric\b|\bgood answer\b|\bstrong answer\b|"
    r"\bgreat answer\b|\byou should have\b|\bbiggest gap\b",
    re.IGNORECASE,
)

# --- reading the candidate's reply ---------------------------------------------------------------

_CONTROL_RES: tuple[tuple[Control, re.Pattern[str], int], ...] = (
    (
        "end",
        re.compile(
            r"^/end\b|^(?:end|stop|quit|exit)\W*$|\blet'?s (?:end|stop|wrap up|finish)"
            r"(?: (?:here|now|the interview|this|it|there))?\b|\b(?:end|stop|finish) (?:the|this) "
            r"(?:interview|session|drill)\b|\bi(?:'d like| want| would like) to (?:stop|end|finish)"
            r"\b|\bthat'?s all for (?:me|today|now)\b|\bi'?m done\b|\bi (?:have|need) to go\b|"
            r"\bi quit\b",
            re.IGNORECASE,
        ),
        12,
    ),
    (
        "skip",
        re.compile(
            r"^/skip\b|^(?:skip|pass|next)(?: please)?\W*$|\b(?:skip|pass on) (?:this|that|it)\b|"
            r"\bnext question\b|\b(?:can|could|may) (?:we|i) (?:please )?(?:skip|move on|pass)\b|"
            r"\blet'?s (?:skip|move on)\b|\bi'?d (?:like|rather|prefer) to skip\b",
            re.IGNORECASE,
        ),
        12,
    ),
    (
        "repeat",
        re.compile(
            r"^/repeat\b|\b(?:repeat|say) (?:the|that|your|it)\b(?: question)?|"
            r"\b(?:can|could|would) you (?:please )?(?:repeat|say that again|ask (?:that|it) "
            r"again)|\bwhat was the question\b|\bcome again\b|^pardon\b|"
            r"\b(?:missed|didn'?t (?:catch|hear)) (?:that|the question)|\brepeat(?:,)? please\b",
            re.IGNORECASE,
        ),
        30,
    ),
    (
        "clarify",
        re.compile(
            r"^/clarify\b|\bwhat do you mean\b|\bwhat does .{1,40}? mean\b|\b(?:can|could|would) "
            r"you (?:please )?(?:clarify|explain|rephrase|elaborate)\b|\bdo you mean\b|\bwhat "
            r"counts as\b|\bwhat kind of (?:example|situation|story)\b|\bnot sure (?:i understand|"
            r"what you mean|what you'?re asking)\b|\bclarif(?:y|ication)\b|\bwhat (?:exactly )?are"
            r" you (?:asking|looking for)\b|\bdoes (?:it|this|that) have to be\b|\bcan it be\b",
            re.IGNORECASE,
        ),
        30,
    ),
    (
        "pause",
        re.compile(
            r"^/pause\b|\bgive me (?:a|one) (?:minute|moment|second|sec)\b|\blet me think\b|"
            r"^(?:one|a|just a) (?:moment|sec|second|minute)\b|\bhold on\b|\bneed a (?:minute|"
            r"moment|second)\b|\bthinking\W*$",
            re.IGNORECASE,
        ),
        12,
    ),
)
_TERM_RES = (
    re.compile(r"what do you mean by\s+['\"“‘]?([^?'\"”’]{1,40})", re.IGNORECASE),
    re.compile(r"what does\s+['\"“‘]?([^?'\"”’]{1,40}?)['\"”’]?\s+mean", re.IGNORECASE),
    re.compile(r"what counts as\s+(?:an?\s+)?['\"“‘]?([^?'\"”’]{1,40})", re.IGNORECASE),
)
_ABUSE_STRONG = re.compile(
    r"\b(?:fuck\w*|shit\w*|bullshit|asshole|bitch\w*|bastard|dickhead|wanker|screw you|"
    r"shut up|go to hell)\b",
    re.IGNORECASE,
)
_ABUSE_DIRECTED = re.compile(
    r"\b(?:you(?:'re| are)?|your (?:questions?|interview)|this (?:is|interview|question)|these "
    r"questions|what a)\b.{0,40}\b(?:stupid|idiot\w*|dumb|moron\w*|useless|pointless|a waste of "
    r"(?:my )?time|garbage|trash|ridiculous|a joke|pathetic|incompetent)\b",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for",
        "with", "from", "by", "as", "is", "was", "were", "be", "been", "it", "its", "this",
        "that", "these", "those", "i", "me", "my", "we", "our", "us", "you", "your", "he",
        "she", "they", "them", "their", "his", "her", "not", "no", "yes", "do", "did", "done",
        "have", "has", "had", "will", "would", "can", "could", "should", "just", "very",
        "really", "also", "then", "than", "there", "here", "what", "when", "where", "which",
        "who", "why", "how", "all", "any", "some", "more", "most", "about", "into", "over",
        "after", "before", "up", "down", "out", "if", "because", "while", "i'm", "it's",
        "we'd", "i'd"
    ]
)  # fmt: skip
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|we|our|us)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b\w{3,}ed\b|\b(?:was|were|had|did|made|took|built|wrote|ran|led|went|got|found|saw|told|"
    r"said|gave|came|left|kept|brought|thought|felt|knew|sent|spent|won|lost|shipped)\b",
    re.IGNORECASE,
)
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")


@dataclass
class Intake:
    """What a candidate reply is: a control, an answer, or something to handle politely."""

    kind: Literal[
        "control", "answer", "empty", "gibberish", "off_topic", "abuse", "injection", "language"
    ]
    control: Control | None = None
    term: str | None = None
    story: str = ""
    flags: list[str] = field(default_factory=list)


def detect_control(text: str) -> tuple[Control | None, str | None]:
    """A control request in a short typed reply ("can you repeat the question?"), and its term."""
    stripped = text.strip()
    n_words = len(stripped.split())
    for control, pattern, max_words in _CONTROL_RES:
        if n_words <= max_words and pattern.search(stripped):
            term = None
            if control == "clarify":
                for term_re in _TERM_RES:
                    m = term_re.search(stripped)
                    if m:
                        term = m.group(1).strip(" .,!").lower()
                        break
            return control, term
    return None, None


def _is_abusive(sentence: str) -> bool:
    return bool(_ABUSE_STRONG.search(sentence) or _ABUSE_DIRECTED.search(sentence))


def _is_gibberish(text: str) -> bool:
    """Keyboard mash: few real function words and many unpronounceable tokens."""
    tokens = re.findall(r"[A-Za-z']+", text)
    if not tokens:
        return bool(text.strip())  # only symbols or digits
    long_tokens = [t.lower() for t in tokens if len(t) >= 3]
    if not long_tokens:
        return False
    weird = sum(
        1
        for t in long_tokens
        if not re.search(r"[aeiouy]", t) or re.search(r"[bcdfghjklmnpqrstvwxz]{4,}", t)
    )
    weird_share = weird / len(long_tokens)
    stop_share = sum(1 for t in tokens if t.lower() in _STOPWORDS) / len(tokens)
    return weird_share >= 0.5 or (weird_share >= 0.3 and stop_share < 0.1)


# Common function words of other Latin-script languages (es, pt, fr, it, de, nl).
_FOREIGN_WORDS = frozenset(
    [
        "el", "la", "los", "las", "del", "que", "y", "en", "un", "una", "por", "con", "para",
        "es", "lo", "mi", "yo", "fue", "pero", "como", "más", "muy", "também", "não", "com",
        "uma", "os", "um", "foi", "eu", "je", "et", "les", "des", "est", "une", "pour", "pas",
        "sur", "nous", "avec", "il", "di", "che", "per", "non", "sono", "gli", "della", "ho",
        "ich", "und", "nicht", "mit", "der", "das", "ist", "ein", "eine", "wir", "auf", "für",
        "auch", "het", "een", "niet", "dat", "ik", "van", "zijn",
    ]
)  # fmt: skip


def _is_other_language(text: str) -> bool:
    """Mostly non-Latin letters, or a Latin-script text whose function words are not English."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    if latin / len(letters) < 0.5:
        return True
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    foreign = sum(1 for t in tokens if t in _FOREIGN_WORDS)
    english = sum(1 for t in tokens if t in _STOPWORDS)
    return len(tokens) >= 8 and foreign >= 3 and foreign > 2 * english


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(text.lower()) if w not in _STOPWORDS}


def classify_reply(text: str, question: str = "", keywords: Sequence[str] = ()) -> Intake:
    """Sort a reply into control / answer / empty / gibberish / off-topic / abuse / injection."""
    raw = clean_text(text if isinstance(text, str) else "").strip()
    if not raw:
        return Intake("empty")
    control, term = detect_control(raw)
    if control is not None:
        return Intake("control", control=control, term=term)
    spans = split_sentences(raw)
    injected = injection_spans(spans)
    abusive = [s for s in spans if _is_abusive(s.text)]
    flags = (["injection"] if injected else []) + (["abuse"] if abusive else [])
    rest = [s for s in spans if s not in injected and s not in abusive]
    story = " ".join(s.text for s in rest) if flags else raw
    if flags and word_count(story) < 15:
        # Nothing but the instruction or the insult: handle it, do not grade it.
        return Intake("injection" if injected else "abuse", story=story, flags=flags)
    if _is_other_language(story):
        return Intake("language", story=story, flags=flags)
    if _is_gibberish(story):
        return Intake("gibberish", story=story, flags=flags)
    n_words = word_count(story)
    if story.rstrip().endswith("?") and n_words <= 40:
        return Intake("off_topic", story=story, flags=[*flags, "question_back"])
    if "non_answer" in analyze(story).flags:
        return Intake("answer", story=story, flags=flags)
    if (
        n_words <= 40
        and not _FIRST_PERSON.search(story)
        and not _PAST.search(story)
        and not (_content_words(story) & (_content_words(question) | set(keywords)))
    ):
        return Intake("off_topic", story=story, flags=flags)
    return Intake("answer", story=story, flags=flags)


# --- gaps, probes and checks -------------------------------------------------------------------


def policy_gaps(grade: Grade) -> list[str]:
    """The grader's ranked gaps, with `decision` (a thin action) after the result gaps."""
    gaps = list(grade.gaps)
    if "hypothetical" in gaps or "non_answer" in gaps:
        return gaps
    action = grade.components["action"]
    if action.present and action.strength <= 1:
        idx = 0
        while idx < len(gaps) and gaps[idx] in ("action", "ownership", "result", "measurability"):
            idx += 1
        gaps.insert(idx, "decision")
    return gaps


def norm_probe(text: str) -> str:
    """Case- and space-insensitive form used to guarantee probes never repeat."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def gap_of_template(text: str) -> str | None:
    """The gap a bank probe belongs to (reverse lookup, used by the evals)."""
    core = norm_probe(text)
    for gap, options in PROBE_BANK.items():
        if any(norm_probe(o) == core or core.endswith(norm_probe(o)) for o in options):
            return gap
    return None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    """Every digit sequence in the text (thousands separators kept), e.g. ['300', '1,200']."""
    return _NUMBER.findall(text)


_NUMBER_UNIT = re.compile(r"[$€£₹]?\s?(\d[\d,.]*)\s*(%|[A-Za-z]+)")
_NOT_UNITS = frozenset(
    {"to", "and", "in", "of", "from", "by", "per", "the", "a", "an", "at", "on", "or"}
)


def _metric_pairs(text: str) -> list[tuple[str, str, str]]:
    """(value, unit, sentence) for quantities with a unit, to compare versions of a story."""
    out: list[tuple[str, str, str]] = []
    for span in split_sentences(text):
        sentence = span.text
        for metric in find_metrics(sentence):
            start = sentence.find(metric)
            if start < 0:
                continue
            # A metric can be a range ("from 2.1 seconds to 300" + "ms"): read every number in it
            # together with the unit that follows, looking a little past the metric's end.
            window = sentence[start : start + len(metric) + 12]
            for m in _NUMBER_UNIT.finditer(window):
                unit = m.group(2).lower()
                if unit not in _NOT_UNITS and (value := m.group(1).rstrip(".,")):
                    out.append((value, unit, sentence))
    return list(dict.fromkeys(out))


def inconsistencies(earlier: str, now: str) -> list[dict[str, str]]:
    """Same unit, different value, in two tellings of one story ("300 ms" then "500 ms")."""
    before = _metric_pairs(earlier)
    after = _metric_pairs(now)
    found: list[dict[str, str]] = []
    after_values = {v for v, _, _ in after}
    before_values = {v for v, _, _ in before}
    for value, unit, sentence in before:
        for value2, unit2, sentence2 in after:
            if (
                unit == unit2
                and value != value2
                and value not in after_values
                and value2 not in before_values
            ):
                found.append(
                    {
                        "unit": unit,
                        "earlier": value,
                        "now": value2,
                        "earlier_quote": _fragment(sentence, value),
                        "now_quote": _fragment(sentence2, value2),
                    }
                )
                break
        if found:
            break
    return found


def _fragment(sentence: str, anchor: str, words: int = 9) -> str:
    """A short verbatim fragment of the sentence around `anchor`."""
    tokens = sentence.split()
    idx = next((i for i, t in enumerate(tokens) if anchor in t), 0)
    start = max(0, idx - words // 2 - 2)
    return " ".join(tokens[start : start + words]).strip(" ,.;:")


def _story_core(grade: Grade) -> str:
    """The sentences that identify a story: what was done and what came of it (situation
    sentences are left out because run-on preambles land there and match across stories)."""
    return " ".join(e for name in ("action", "result") for e in grade.components[name].evidence)


def _jaccard(a: str, b: str) -> float:
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


# --- the interviewer ---------------------------------------------------------------------------


class Interviewer:
    """Runs drills over a `DrillState` using the grader, the LP data and (optionally) an LLM."""

    def __init__(
        self,
        grader: Grader,
        principles: dict[str, Principle],
        llm: ChatModel | None = None,
        clock: Callable[[], float] = time.time,
        *,
        store: SessionStore | None = None,
        stories: StorySource | None = None,
        history_token_budget: int = 6000,
        model_name: str = "gpt-4o-mini",
    ) -> None:
        self.grader = grader
        self.principles = principles
        self.llm = llm
        self.clock = clock
        self.store = store
        self.stories = stories
        self.history_token_budget = history_token_budget
        self.model_name = model_name

    # --- set-up -----------------------------------------------------------------------------

    def start(self, config: DrillConfig | None = None, user: str = "local") -> DrillState:
        """Create a drill: greet and ask the first question (persisted when a store is set)."""
        config = config or DrillConfig()
        state = DrillState(user=user, config=config, started_at=self.clock())
        if self.store is not None:
            state.avoid_questions = self.store.recent_questions(user, RECENT_SESSIONS)
        rng = self._rng(state)
        n = self._n_questions(state)
        greeting = rng.choice(_GREETINGS).format(n=n, minutes=config.minutes) + _CONTROLS_HINT
        self._say(state, "greeting", greeting)
        self._ask_next(state)
        if self.store is not None:
            self.store.create(state)
        return state

    def _rng(self, state: DrillState, salt: str = "") -> random.Random:
        """A per-drill RNG; seeded drills replay exactly."""
        seed = state.config.seed if state.config.seed is not None else state.id
        return random.Random(f"{seed}:{len(state.turns)}:{salt}")

    def _n_questions(self, state: DrillState) -> int:
        if state.config.n_questions:
            return state.config.n_questions
        if state.config.custom_questions:
            return len(state.config.custom_questions)
        by_time = max(1, state.config.minutes // MIN_MINUTES_PER_QUESTION)
        return min(ROUND_QUESTIONS[state.config.round_type], by_time)

    def _max_probes(self, state: DrillState) -> int:
        if state.config.max_probes is not None:
            return state.config.max_probes
        return ROUND_PROBES[state.config.round_type]

    def _question_budget(self, state: DrillState) -> float:
        """Seconds each question may take: the drill's time shared equally."""
        return state.config.minutes * 60 / self._n_questions(state)

    def _elapsed(self, state: DrillState) -> float:
        return self.clock() - state.started_at - state.suspended_seconds

    def _time_up(self, state: DrillState) -> bool:
        return self._elapsed(state) >= state.config.minutes * 60

    def _question_elapsed(self, state: DrillState, q: QuestionRecord) -> float:
        suspended = state.suspended_seconds - q.suspended_at_ask
        return self.clock() - q.asked_at - suspended

    def _lp_order(self, state: DrillState) -> list[str]:
        """Target LPs first, then the role's defaults, then the rest."""
        wanted = [lp for lp in state.config.lps if lp in self.principles]
        if not wanted:
            wanted = [lp for lp in ROLE_LPS[state.config.role] if lp in self.principles]
            self._rng(state).shuffle(wanted)
        rest = [lp for lp in self.principles if lp not in wanted]
        return wanted + rest

    def _pick_question(self, state: DrillState, lp: str) -> str:
        """A question for `lp` suited to the role, not asked here nor in recent sessions."""
        principle = self.principles[lp]
        asked = {q.question for q in state.questions}
        recent = set(state.avoid_questions)
        levels = ROLE_LEVELS[state.config.role]
        pools = (
            [q.text for q in principle.questions if q.level in levels and q.text not in recent],
            [q.text for q in principle.questions if q.text not in recent],
            [q.text for q in principle.questions if q.level in levels],
            [q.text for q in principle.questions],
        )
        rng = self._rng(state, "question")
        for pool in pools:
            options = [t for t in pool if t not in asked]
            if options:
                return rng.choice(options)
        return principle.questions[0].text

    def _ask_next(self, state: DrillState, transition: bool = False) -> None:
        """Ask the next question, or finish with the debrief."""
        if len(state.questions) >= self._n_questions(state):
            self._finish(state, "completed")
            return
        remaining = state.config.minutes * 60 - self._elapsed(state)
        if state.questions and remaining < min(120.0, self._question_budget(state) / 2):
            # Starting a question with no time to answer it helps nobody.
            self._say(state, "clarification", "We're nearly out of time, so let's stop here.")
            self._finish(state, "time")
            return
        asked = {q.question for q in state.questions}
        custom = [c for c in state.config.custom_questions if c.text not in asked]
        if custom:
            lp, question = custom[0].lp, custom[0].text
        else:
            asked_lps = {q.lp for q in state.questions}
            found = next((lp for lp in self._lp_order(state) if lp not in asked_lps), None)
            if found is None:
                self._finish(state, "completed")
                return
            lp, question = found, self._pick_question(state, found)
        record = QuestionRecord(
            lp=lp,
            question=question,
            asked_at=self.clock(),
            suspended_at_ask=state.suspended_seconds,
        )
        state.questions.append(record)
        state.status = "awaiting_answer"
        state.awaiting = "question"
        text = question
        if transition:
            text = f"{self._rng(state, 'transition').choice(_TRANSITIONS)} {question}"
        self._say(
            state,
            "question",
            text,
            lp=lp,
            meta={"question": question, "index": len(state.questions) - 1},
        )
        self._suggest_story(state, record)

    def _say(
        self,
        state: DrillState,
        kind: TurnKind,
        text: str,
        lp: str | None = None,
        grade: Grade | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Turn:
        turn = Turn(
            role="interviewer",
            kind=kind,
            text=text,
            lp=lp,
            grade=grade.public_dict() if grade else None,
            at=self.clock(),
            meta=meta or {},
        )
        state.turns.append(turn)
        return turn

    # --- persistence ------------------------------------------------------------------------

    def _commit(self, state: DrillState, from_index: int) -> None:
        """Write turns[from_index:] and the state snapshot in one transaction.

        A failed save must not lose the candidate's drill in the middle of an answer: the drill
        goes on in memory and the candidate is told once that saving stopped.
        """
        if self.store is None:
            return
        from agents.drill.sessions import SessionStoreError

        try:
            self.store.save_turns(state, from_index)
        except SessionStoreError as e:
            message = f"This session could not be saved ({e}); it continues without saving."
            if message not in state.notices:
                state.notices.append(message)
                self._say(state, "notice", message)

    # --- the loop ---------------------------------------------------------------------------

    def respond(self, state: DrillState, text: str) -> list[Turn]:
        """Take the candidate's reply and return the interviewer's new turns."""
        turns: list[Turn] = []
        for event in self.respond_stream(state, text):
            if event.type == "done":
                turns = event.turns
        return turns

    def respond_stream(self, state: DrillState, text: str) -> Iterator[StreamEvent]:
        """Like `respond`, but yields text deltas while the LLM phrases a turn, then the turns."""
        before = len(state.turns)
        if state.status == "done" or state.current is None:
            self._say(state, "notice", "This drill has finished. Start a new one to keep going.")
            self._commit(state, before)
            yield from self._emit(state, before)
            return
        self._receive(state, text)
        yield from self._reply_events(state, before)

    def _emit(self, state: DrillState, before: int) -> Iterator[StreamEvent]:
        new = [t for t in state.turns[before:] if t.role == "interviewer"]
        for turn in new:
            yield StreamEvent(type="turn", turn=turn)
        yield StreamEvent(type="done", turns=new)

    def _receive(self, state: DrillState, text: str, intake: Intake | None = None) -> Turn:
        """Record the candidate's reply and commit it before any work is done on it."""
        current = state.current
        assert current is not None
        text = text if isinstance(text, str) else ""
        cut_from = len(text) if len(text) > MAX_ANSWER_CHARS else None
        text = text[:MAX_ANSWER_CHARS]
        principle = self.principles.get(current.lp)
        intake = intake or classify_reply(
            text, current.question, principle.keywords if principle else ()
        )
        meta: dict[str, Any] = {"intake": intake.kind, "reply_to": state.awaiting}
        if intake.control:
            meta["control"] = intake.control
        if intake.term:
            meta["term"] = intake.term
        if intake.flags:
            meta["flags"] = intake.flags
        if intake.story and intake.story != text:
            meta["story"] = intake.story
        if cut_from is not None:
            meta["truncated_from"] = cut_from
        turn = Turn(
            role="candidate",
            kind="control" if intake.kind == "control" else "answer",
            text=text,
            lp=current.lp,
            at=self.clock(),
            meta=meta,
        )
        state.turns.append(turn)
        state.pending = True
        log.info("session %s: %s reply %s", state.id, intake.kind, answer_for_log(text))
        self._commit(state, len(state.turns) - 1)
        return turn

    def _reply_events(self, state: DrillState, before: int) -> Iterator[StreamEvent]:
        """Answer the recorded candidate turn, then commit the whole reply at once."""
        yield from self._reply(state)
        state.pending = False
        # From the candidate turn on: its grade was filled in while replying.
        self._commit(state, before)
        yield from self._emit(state, before)

    def _reply(self, state: DrillState) -> Generator[StreamEvent, None, None]:
        """Dispatch on what the last candidate turn was."""
        turn = state.turns[-1]
        q = state.current
        if q is None:
            return
        intake = turn.meta.get("intake", "answer")
        if intake == "control":
            yield from self._control(state, q, turn)
            return
        if turn.meta.get("truncated_from"):
            self._long_answer_notice(state, q, turn)
        q.replies += 1
        if "injection" in turn.meta.get("flags", []):
            self._flag(q, "injection")
        if "abuse" in turn.meta.get("flags", []):
            self._flag(q, "abuse")
            state.abuse_count += 1
            if state.abuse_count >= MAX_ABUSE:
                self._say(
                    state,
                    "clarification",
                    "I don't think this is working today, so let's stop here. You're welcome to "
                    "start a fresh session whenever you like.",
                    meta={"handling": "abuse_end"},
                )
                self._close(state, q, feedback=False)
                self._finish(state, "ended")
                return
        if intake in ("gibberish", "off_topic", "abuse", "injection", "language"):
            yield from self._handle_non_substantive(state, q, intake, turn)
            return
        yield from self._answer(state, q, turn)

    def _long_answer_notice(self, state: DrillState, q: QuestionRecord, turn: Turn) -> None:
        """Tell the candidate (once per question) that a very long answer was cut."""
        if "truncated" in q.flags:
            return
        self._flag(q, "truncated")
        cut_from = turn.meta.get("truncated_from")
        size = f"{cut_from:,} characters" if cut_from else f"{word_count(turn.text):,} words"
        kept = f"; the transcript keeps its first {MAX_ANSWER_CHARS:,} characters"
        self._say(
            state,
            "notice",
            f"That answer was very long ({size}), so only its first {MAX_GRADED_WORDS:,} words "
            f"were taken into account{kept if cut_from else ''}.",
        )

    def _flag(self, q: QuestionRecord, flag: str) -> None:
        if flag not in q.flags:
            q.flags.append(flag)

    def _handle_non_substantive(
        self, state: DrillState, q: QuestionRecord, intake: str, turn: Turn
    ) -> Iterator[StreamEvent]:
        """Reply politely, record it, and move on after repeated non-answers."""
        self._flag(q, intake)
        q.non_substantive += 1
        restate = self._restatement(state, q)
        if intake == "gibberish":
            text = f"Sorry, I couldn't follow that. {restate}"
        elif intake == "language":
            text = (
                "I can only follow answers in English for now, so I couldn't assess that one. "
                f"Could you tell me in English? {restate}"
            )
        elif intake == "abuse":
            text = (
                "I hear that this is frustrating. Let's keep it respectful; if you'd rather skip "
                f"this one, just say so. {restate}"
            )
        elif intake == "injection":
            text = (
                "I'll keep to the usual interview format; that isn't something I can change. "
                f"{restate}"
            )
        elif "question_back" in turn.meta.get("flags", []):
            text = (
                "Happy to come back to questions like that at the end. For now, "
                f"{restate[0].lower()}{restate[1:]}"
            )
        else:
            text = f"Let's stay with the interview for now. {restate}"
        if q.non_substantive >= MAX_NON_SUBSTANTIVE:
            move_on = (
                "Thanks, let's move on to the next one."
                if q.answers
                else "That's okay, let's try a different question."
            )
            self._say(state, "clarification", move_on, meta={"handling": intake, "moved_on": True})
            self._close(state, q, feedback=True)
            self._ask_next(state)
            return
        self._say(state, "clarification", text, lp=q.lp, meta={"handling": intake})
        yield from ()

    def _restatement(self, state: DrillState, q: QuestionRecord) -> str:
        if state.awaiting == "probe" and q.probes:
            return f"My question was: {q.probes[-1]}"
        return f"The question was: {q.question}"

    def _answer(self, state: DrillState, q: QuestionRecord, turn: Turn) -> Iterator[StreamEvent]:
        """Grade the whole exchange and choose the next move by the documented policy."""
        text = turn.meta.get("story", turn.text)
        single = analyze(text, q.question)
        substantive = "non_answer" not in single.flags
        turn.meta["substantive"] = substantive
        if substantive:
            q.answers.append(text)
            q.non_substantive = 0
        # While the model is cooling down after a failure, grade offline (no retry storm).
        grader = self.grader if self.clock() >= state.llm_cooldown_until else Grader(None)
        if q.answers:
            exchange = "\n\n".join(q.answers)
            grade = grader.grade(exchange, q.question, avoid_follow_ups=state.all_probes)
        else:
            grade = grader.grade(text, q.question, avoid_follow_ups=state.all_probes)
        if grade.notice:
            state.llm_cooldown_until = self.clock() + LLM_COOLDOWN_SECONDS
            self._llm_notice(state, grade.notice)
        if "truncated" in single.flags:
            self._long_answer_notice(state, q, turn)
        q.grade = grade
        if substantive and q.first_grade is None:
            q.first_grade = grade
            self._check_story(state, q, text)
        turn.grade = grade.public_dict()
        if self._time_up(state):
            self._say(state, "clarification", "That's our time, so let's stop here.")
            self._close(state, q, feedback=True)
            self._finish(state, "time")
            return
        over_budget = self._question_elapsed(state, q) >= self._question_budget(state)
        if over_budget or len(q.probes) >= self._max_probes(state):
            self._close(state, q, feedback=True)
            self._ask_next(state, transition=True)
            return
        gaps = policy_gaps(grade)
        if q.inconsistencies and "consistency" not in q.probed_gaps:
            gaps.insert(0, "consistency")
        gap = next((g for g in gaps if g not in q.probed_gaps), None)
        if gap is not None:
            yield from self._probe(state, q, gap, grade)
            return
        complete = not ({"hypothetical", "non_answer"} & set(grade.flags)) and bool(q.answers)
        deep_dives = sum(1 for g in q.probed_gaps if g.startswith("deep_dive"))
        if complete and deep_dives < DEEP_DIVE_QUOTA[state.config.round_type]:
            probe = self._deep_dive(state, q)
            if probe is not None:
                category, text_ = probe
                yield from self._ask_probe(state, q, f"deep_dive:{category}", text_, grade)
                return
        self._close(state, q, feedback=True)
        self._ask_next(state, transition=True)

    # --- probes -----------------------------------------------------------------------------

    def _used(self, state: DrillState) -> set[str]:
        return {norm_probe(p) for p in state.all_probes}

    def _template_probe(self, state: DrillState, q: QuestionRecord, gap: str) -> str | None:
        """An unused phrasing for `gap`: quoted variants when a fragment fits, else the bank."""
        used = self._used(state)
        rng = self._rng(state, f"probe:{gap}")
        if gap == "consistency" and q.inconsistencies:
            inc = q.inconsistencies[0]
            where = (
                "in the version of this story you saved"
                if inc.get("source") == "bank"
                else ("earlier")
            )
            options = [
                f'{where[0].upper()}{where[1:]} you said "{inc["earlier_quote"]}", and just now '
                f'"{inc["now_quote"]}". Which is right?',
                f'Help me square two things: "{inc["earlier_quote"]}" {where}, and '
                f'"{inc["now_quote"]}" now. What were the actual figures?',
            ]
            return next((o for o in options if norm_probe(o) not in used), None)
        quote = self._quote_for(q, gap)
        candidates: list[str] = []
        if quote and gap in QUOTED_PROBES:
            candidates += [t.format(q=quote) for t in QUOTED_PROBES[gap]]
        bank = list(PROBE_BANK.get(gap, ()))
        rng.shuffle(bank)
        # Prefer quoting the candidate half the time: it shows they were heard.
        candidates = candidates + bank if rng.random() < 0.5 else bank + candidates
        for option in candidates:
            if norm_probe(option) not in used:
                return option
        return None

    def _quote_for(self, q: QuestionRecord, gap: str) -> str | None:
        """A short verbatim fragment of the candidate's words the probe can refer to."""
        if q.grade is None:
            return None
        sentences: list[str] = []
        if gap == "ownership":
            sentences = [
                s.text
                for a in q.answers
                for s in split_sentences(a)
                if re.search(r"\b(?:we|our team|the team)\b", s.text, re.I)
            ]
        elif gap == "measurability":
            sentences = list(q.grade.components["result"].evidence)
        elif gap == "decision":
            sentences = list(q.grade.components["action"].evidence)
        for sentence in sentences:
            words = sentence.strip().rstrip(".!?").split()
            if 3 <= len(words) <= 10 and '"' not in sentence:
                return " ".join(words)
            if len(words) > 10:
                return " ".join(words[:8]).rstrip(",;:") + "…"
        return None

    def _probe(
        self, state: DrillState, q: QuestionRecord, gap: str, grade: Grade
    ) -> Iterator[StreamEvent]:
        template = self._template_probe(state, q, gap)
        if template is None:
            # Every phrasing of this gap was used in this drill: never repeat, move on.
            self._close(state, q, feedback=True)
            self._ask_next(state, transition=True)
            return
        yield from self._ask_probe(state, q, gap, template, grade)

    def _deep_dive(self, state: DrillState, q: QuestionRecord) -> tuple[str, str] | None:
        """The next deep-dive category not used on this question, with an unused phrasing."""
        used = self._used(state)
        done = {g.split(":", 1)[1] for g in q.probed_gaps if g.startswith("deep_dive:")}
        start = len(state.questions) % len(DEEP_DIVE_ORDER)
        order = DEEP_DIVE_ORDER[start:] + DEEP_DIVE_ORDER[:start]
        rng = self._rng(state, "deep")
        for category in order:
            if category in done:
                continue
            if category == "lp":
                principle = self.principles.get(q.lp)
                options = list(principle.probes) if principle else []
            else:
                options = list(DEEP_DIVES[category])
            rng.shuffle(options)
            for option in options:
                if norm_probe(option) not in used:
                    return category, option
        return None

    def _ask_probe(
        self, state: DrillState, q: QuestionRecord, gap: str, template: str, grade: Grade
    ) -> Iterator[StreamEvent]:
        """Phrase the probe (LLM when available, else the template) and say it."""
        source = "template"
        core = template
        variables = self._probe_vars(state, q, gap, template)
        phrased = yield from self._llm_phrase(
            state, "interviewer_probe", variables, self._probe_ok(state, q)
        )
        spoken = core
        if phrased is not None:
            core = spoken = phrased
            source = "llm"
        elif not (gap.startswith("deep_dive") or gap == "consistency" or '"' in template):
            # A short acknowledgement in front makes template probes sound less mechanical;
            # uniqueness is checked on the core so a new "Okay." never disguises a repeat.
            spoken = self._rng(state, "ack").choice(_ACKS) + template
        q.probes.append(core)
        q.probed_gaps.append(gap)
        state.awaiting = "probe"
        meta: dict[str, Any] = {"gap": gap, "probe": core, "template": template, "source": source}
        if state.config.mode == "coach":
            if gap.startswith("deep_dive"):
                note = "Coach: a deep dive, the follow-up that tests how well you know your story."
            else:
                note = f"Coach: this answer is still missing {GAP_LABELS.get(gap, gap)}."
            meta["coach_note"] = note
            spoken = f"_{note}_\n\n{spoken}"
        self._say(state, "probe", spoken, lp=q.lp, meta=meta)

    def _probe_vars(
        self, state: DrillState, q: QuestionRecord, gap: str, template: str
    ) -> dict[str, Any]:
        principle = self.principles.get(q.lp)
        goals = {
            "hypothetical": "get one specific real past situation instead of a general approach",
            "non_answer": "gently help the candidate find any real example",
            "action": "learn the concrete steps the candidate personally took",
            "ownership": "separate what the candidate personally did from what the team did",
            "result": "learn the outcome and its impact",
            "measurability": "learn how the outcome was measured, before and after",
            "decision": "learn why the candidate chose this approach and which alternatives "
            "they weighed",
            "situation": "learn the context: where, when, who, what was at stake",
            "task": "learn what the candidate was responsible for",
            "learning": "learn what the candidate would do differently",
            "consistency": "resolve two different figures the candidate gave for the same story",
        }
        goal = goals.get(gap, "dig deeper, Amazon-style, into the same story")
        return {
            "lp_name": principle.name if principle else q.lp,
            "question": q.question,
            "goal": goal,
            "example": template,
            "avoid": state.all_probes[-12:],
            "round_type": state.config.round_type,
        }

    def _probe_ok(self, state: DrillState, q: QuestionRecord) -> Callable[[str], bool]:
        said = " ".join(t.text for t in state.turns if t.role == "candidate")
        allowed = set(numbers_in(said))
        used = self._used(state)

        def ok(text: str) -> bool:
            return (
                5 <= len(text) <= 300
                and 1 <= text.count("?") <= 2
                and "<" not in text
                and norm_probe(text) not in used
                and set(numbers_in(text)) <= allowed
                and not COACHING_RE.search(text)
                and not leaks_prompt(text)
            )

        return ok

    # --- LLM phrasing -----------------------------------------------------------------------

    def _llm_ready(self, state: DrillState) -> bool:
        return (
            self.llm is not None and self.llm.available and self.clock() >= state.llm_cooldown_until
        )

    def llm_messages(
        self, state: DrillState, prompt: str, variables: dict[str, Any]
    ) -> list[dict[str, str]]:
        """System prefix (static), the fenced transcript trimmed to budget, then the task."""
        from agents.prompts import render
        from agents.tokens import trim_history

        messages: list[dict[str, str]] = [
            {"role": "system", "content": render("interviewer_system")}
        ]
        for turn in state.turns:
            if turn.kind in ("notice", "debrief"):
                continue
            if turn.role == "interviewer":
                messages.append({"role": "assistant", "content": turn.text})
            else:
                messages.append({"role": "user", "content": fence(turn.text)})
        messages.append({"role": "user", "content": render(prompt, **variables)})
        return trim_history(messages, self.history_token_budget, self.model_name, keep_first=1)

    def _llm_phrase(
        self, state: DrillState, prompt: str, variables: dict[str, Any], ok: Callable[[str], bool]
    ) -> Generator[StreamEvent, None, str | None]:
        """Stream a phrasing from the LLM; None (after a `discard`) when it fails or is invalid."""
        if not self._llm_ready(state):
            return None
        from agents.llm import LLMBackendError

        assert self.llm is not None
        chunks: list[str] = []
        try:
            for chunk in self.llm.stream(self.llm_messages(state, prompt, variables)):
                chunks.append(chunk)
                yield StreamEvent(type="delta", text=chunk)
        except LLMBackendError as e:
            if chunks:
                yield StreamEvent(type="discard")
            self._llm_failed(state, e)
            return None
        text = " ".join("".join(chunks).split()).strip().strip('"“”')
        if not ok(text):
            if chunks:
                yield StreamEvent(type="discard")
            return None
        return text

    def _llm_failed(self, state: DrillState, error: LLMBackendError) -> None:
        state.llm_cooldown_until = self.clock() + LLM_COOLDOWN_SECONDS
        self._llm_notice(state, error.user_message + " Using the built-in question bank instead.")

    def _llm_notice(self, state: DrillState, message: str) -> None:
        """At most one model-failure notice per drill; later failures are silent."""
        if state.llm_notice_given:
            return
        state.llm_notice_given = True
        state.notices.append(message)
        self._say(state, "notice", message)

    # --- closing a question -----------------------------------------------------------------

    def _close(self, state: DrillState, q: QuestionRecord, feedback: bool) -> None:
        """Close the question; in coach mode show the card and a stronger-answer model."""
        if q.closed:
            return
        q.closed = True
        if q.grade is not None and q.answers:
            q.stronger_answer = stronger_answer("\n\n".join(q.answers), q.grade)
        if not feedback or state.config.mode != "coach" or q.grade is None:
            return
        parts = [grade_card(q.grade)]
        if q.first_grade is not None and q.grade.overall > q.first_grade.overall:
            parts.append(
                f"Your follow-up answers lifted this from {q.first_grade.overall}/5 to "
                f"{q.grade.overall}/5; next time, volunteer that detail up front."
            )
        if q.reused_from is not None:
            parts.append(
                f"You used the same story for question {q.reused_from + 1}. Interviewers notice: "
                "prepare a different example for this principle."
            )
        if q.stronger_answer:
            parts.append(
                "**A stronger answer, built only from what you said:**\n\n" + q.stronger_answer
            )
        self._say(
            state,
            "feedback",
            "\n\n".join(parts),
            lp=q.lp,
            grade=q.grade,
            meta={
                "scope": "question",
                "index": state.questions.index(q),
                "stronger_answer": q.stronger_answer,
                "first_overall": q.first_grade.overall if q.first_grade else None,
                "flags": q.flags,
            },
        )

    def _finish(self, state: DrillState, reason: str) -> None:
        current = state.questions[-1] if state.questions else None
        if current is not None and not current.closed:
            self._close(state, current, feedback=False)
        state.status = "done"
        state.debrief = build_debrief(state, self.principles, reason, self._story_suggestions)
        self._say(
            state,
            "debrief",
            debrief_markdown(state.debrief),
            meta={"debrief": state.debrief.model_dump(mode="json")},
        )

    # --- candidate controls -----------------------------------------------------------------

    def _control(self, state: DrillState, q: QuestionRecord, turn: Turn) -> Iterator[StreamEvent]:
        control = turn.meta.get("control")
        if control == "skip":
            q.skipped = True
            self._close(state, q, feedback=False)
            self._say(
                state, "clarification", "No problem, let's move on.", meta={"control": "skip"}
            )
            self._ask_next(state)
        elif control == "end":
            self._say(
                state,
                "clarification",
                "Okay, let's stop here. Thanks for your time.",
                meta={"control": "end"},
            )
            self._finish(state, "ended")
        elif control == "repeat":
            self._flag(q, "repeat")
            if state.awaiting == "probe" and q.probes:
                text = f"Sure. {q.probes[-1]}"
            else:
                text = f"Sure. {q.question}"
            self._say(state, "clarification", text, lp=q.lp, meta={"control": "repeat"})
        elif control == "pause":
            self._flag(q, "pause")
            self._say(
                state,
                "clarification",
                self._rng(state, "pause").choice(
                    (
                        "Of course, take a minute. I'll wait.",
                        "Sure, take your time. Go ahead whenever you're ready.",
                        "No problem. Take a moment to think it through.",
                    )
                ),
                lp=q.lp,
                meta={"control": "pause"},
            )
        else:
            self._flag(q, "clarify")
            template = self._clarification(state, q, turn.meta.get("term"))
            variables = {
                "lp_name": self.principles[q.lp].name if q.lp in self.principles else q.lp,
                "question": q.question,
                "probe": q.probes[-1] if state.awaiting == "probe" and q.probes else "",
                "example": template,
            }
            phrased = yield from self._llm_phrase(
                state, "interviewer_clarify", variables, self._clarify_ok(state)
            )
            self._say(
                state,
                "clarification",
                phrased or template,
                lp=q.lp,
                meta={
                    "control": "clarify",
                    "term": turn.meta.get("term"),
                    "source": "llm" if phrased else "template",
                },
            )

    def _clarify_ok(self, state: DrillState) -> Callable[[str], bool]:
        said = " ".join(t.text for t in state.turns if t.role == "candidate")
        allowed = set(numbers_in(said))

        def ok(text: str) -> bool:
            return (
                10 <= len(text) <= 600
                and "<" not in text
                and not COACHING_RE.search(text)
                and not leaks_prompt(text)
                and not re.search(r"\b(?:metrics?|numbers?|results?|quantif)", text, re.I)
                and set(numbers_in(text)) <= allowed
            )

        return ok

    def _clarification(self, state: DrillState, q: QuestionRecord, term: str | None) -> str:
        """Restate the scope and define the asked-about term, without hinting at a good answer."""
        if state.awaiting == "probe" and q.probes:
            core = f"Sure. I'm still asking about the same situation you described: {q.probes[-1]}"
        else:
            name = self.principles[q.lp].name if q.lp in self.principles else q.lp
            core = (
                f"Sure. This one is about {name}. I'm asking for one specific time from your own "
                f"experience: {q.question[0].lower()}{q.question[1:]} It can be from any job, "
                "project or team, and it doesn't need to have gone perfectly."
            )
        definition = _define(term) if term else None
        return f"{core} {definition}" if definition else core

    def skip(self, state: DrillState, text: str = "Let's skip this one.") -> list[Turn]:
        """Skip the current question."""
        return self._run_control(state, "skip", text)

    def repeat(self, state: DrillState, text: str = "Could you repeat the question?") -> list[Turn]:
        """Say the current question (or latest probe) again."""
        return self._run_control(state, "repeat", text)

    def clarify(
        self, state: DrillState, text: str = "Could you clarify the question?"
    ) -> list[Turn]:
        """Clarify the current question without giving the answer away."""
        return self._run_control(state, "clarify", text)

    def pause(self, state: DrillState, text: str = "Give me a minute.") -> list[Turn]:
        """Acknowledge that the candidate needs a moment (the clock keeps running)."""
        return self._run_control(state, "pause", text)

    def end(
        self, state: DrillState, text: str = "Let's end here.", *, by_candidate: bool = True
    ) -> list[Turn]:
        """End the drill early and show the debrief (`by_candidate=False`: no candidate turn)."""
        if state.status == "done":
            return []
        if not by_candidate or state.current is None:
            before = len(state.turns)
            self._finish(state, "ended")
            self._commit(state, before)
            return state.turns[before:]
        return self._run_control(state, "end", text)

    def _run_control(self, state: DrillState, control: Control, text: str) -> list[Turn]:
        if state.current is None:
            return []
        before = len(state.turns)
        term = detect_control(text)[1] if control == "clarify" else None
        self._receive(state, text, Intake("control", control=control, term=term))
        turns: list[Turn] = []
        for event in self._reply_events(state, before):
            if event.type == "done":
                turns = event.turns
        return turns

    # --- resume -----------------------------------------------------------------------------

    def resume(self, user: str = "local", session_id: str | None = None) -> DrillState | None:
        """Reload an unfinished drill from the store and continue where it stopped."""
        if self.store is None:
            raise RuntimeError("resume needs a session store")
        store = self.store
        state = store.load(session_id, user) if session_id else store.latest_open(user)
        if state is None or state.status == "done":
            return state
        last = state.turns[-1].at if state.turns else state.started_at
        state.suspended_seconds += max(0.0, self.clock() - last)
        before = len(state.turns)
        if state.pending and state.turns and state.turns[-1].role == "candidate":
            # Killed after the candidate's reply was saved but before ours was: answer it now
            # (re-saving from the candidate turn, whose grade is filled in while replying).
            for _ in self._reply_events(state, before - 1):
                pass
            return state
        q = state.current
        if q is not None:
            prompt = q.probes[-1] if state.awaiting == "probe" and q.probes else q.question
            self._say(
                state,
                "clarification",
                f"Welcome back. Picking up where we left off: {prompt}",
                lp=q.lp,
                meta={"control": "resume"},
            )
        state.pending = False
        self._commit(state, before)
        return state

    # --- stories ------------------------------------------------------------------------------

    def _suggest_story(self, state: DrillState, q: QuestionRecord) -> None:
        """Retrieve the candidate's stored stories for this question; coach mode suggests one."""
        if self.stories is None:
            return
        try:
            hits = list(self.stories.search(state.user, q.question, k=3))
        except Exception as e:  # the story bank is optional: a failure must not stop the drill
            state.notices.append(f"Story bank unavailable: {e}")
            return
        q.story_hits = [_hit_dict(h) for h in hits]
        if state.config.mode == "coach" and q.story_hits:
            best = q.story_hits[0]
            if best["score"] >= STORY_MATCH_SCORE:
                self._say(
                    state,
                    "feedback",
                    f'_Coach: your stored story "{best["title"]}" looks like a good fit here._',
                    lp=q.lp,
                    meta={"scope": "suggestion", "story": best},
                )

    def _check_story(self, state: DrillState, q: QuestionRecord, answer: str) -> None:
        """Notice a reused story (this session or the bank) and conflicting figures."""
        index = state.questions.index(q)
        if q.first_grade is None or {"hypothetical", "non_answer"} & set(q.first_grade.flags):
            return  # not a story
        mine = _story_core(q.first_grade)
        for i, other in enumerate(state.questions[:index]):
            if other.first_grade is None or {"hypothetical", "non_answer"} & set(
                other.first_grade.flags
            ):
                continue
            if _jaccard(_story_core(other.first_grade), mine) >= REUSE_JACCARD:
                q.reused_from = i
                self._flag(q, "story_reused")
                found = inconsistencies(" ".join(other.answers), answer)
                for inc in found:
                    inc["source"] = "session"
                q.inconsistencies.extend(found)
                break
        if self.stories is None:
            return
        try:
            hits = list(self.stories.search(state.user, answer, k=1))
        except Exception:  # optional feature; the drill goes on without it
            return
        if not hits:
            return
        best = _hit_dict(hits[0])
        if best["score"] < STORY_MATCH_SCORE:
            return
        q.story_id = best["id"]
        for i, other in enumerate(state.questions[:index]):
            if other.story_id == q.story_id and q.reused_from is None:
                q.reused_from = i
                self._flag(q, "story_reused")
        with contextlib.suppress(Exception):  # bookkeeping only: never stop the drill for it
            self.stories.record_use(state.user, best["id"], state.id)
        stored = best.get("text") or _story_text(self.stories, state.user, best["id"])
        if stored and not q.inconsistencies:
            found = inconsistencies(stored, answer)
            for inc in found:
                inc["source"] = "bank"
            q.inconsistencies.extend(found)

    def _story_suggestions(self, user: str, lp: str, question: str) -> dict[str, Any] | None:
        if self.stories is None:
            return None
        try:
            hits = list(self.stories.search(user, question, k=1))
        except Exception:  # optional feature
            return None
        return _hit_dict(hits[0]) if hits else None


def fence(text: str) -> str:
    """Candidate text as untrusted data: fenced, with any fence look-alikes neutralised."""
    safe = re.sub(r"<\s*/?\s*candidate_reply\s*>", "[tag removed]", text, flags=re.I)
    return f"<candidate_reply>\n{safe}\n</candidate_reply>"


def _hit_dict(hit: Any) -> dict[str, Any]:
    """A story-bank hit (object or mapping) as plain data."""

    def get(name: str, default: Any = None) -> Any:
        if isinstance(hit, dict):
            return hit.get(name, default)
        return getattr(hit, name, default)

    return {
        "id": str(get("id", "")),
        "title": str(get("title", "") or "untitled story"),
        "score": float(get("score", 0.0) or 0.0),
        "lps": list(get("lps", []) or []),
        "reason": str(get("reason", "") or ""),
        "text": get("text") or get("body") or None,
    }


def _story_text(stories: Any, user: str, story_id: str) -> str | None:
    getter = getattr(stories, "get", None)
    if getter is None:
        return None
    try:
        story = getter(user, story_id)
    except Exception:  # optional feature
        return None
    if story is None:
        return None
    if isinstance(story, dict):
        return story.get("text") or story.get("body")
    return getattr(story, "text", None) or getattr(story, "body", None)


_GLOSSARY: dict[str, str] = {
    "customer": "By customer I mean anyone who depends on your work: end users, a client, or "
    "another team inside the company.",
    "stakeholder": "A stakeholder is anyone affected by the outcome or with a say in it: a "
    "manager, a partner team, a client.",
    "mechanism": "By mechanism I mean a lasting process or tool that keeps something working "
    "without relying on good intentions.",
    "ambigu": "Ambiguity means you didn't have complete information or a clear answer when you "
    "had to act.",
    "trade-off": "A trade-off is a choice where getting more of one thing meant giving up some "
    "of another.",
    "tradeoff": "A trade-off is a choice where getting more of one thing meant giving up some of "
    "another.",
    "fail": "It can be a small failure; what matters is that something didn't go as planned.",
    "mistake": "It can be a small mistake; what matters is that something didn't go as planned.",
    "deadline": "Any fixed date you had to hit counts, whether a customer, a manager or you set "
    "it.",
    "conflict": "Any real difference of opinion counts: with a peer, a manager, or another team.",
    "disagree": "Any real difference of opinion counts: with a peer, a manager, or another team.",
    "data": "Any evidence counts: logs, dashboards, survey answers, or what customers told you.",
    "standard": "By standards I mean the level of quality you hold your own or your team's work "
    "to.",
    "bar": "By the bar I mean the level of quality you hold your own or your team's work to.",
    "long-term": "Long-term means beyond the current project or quarter.",
    "scope": "Scope means how much the work covered: which people, systems or customers.",
    "project": "Any piece of work counts: a feature, a process, an event, a class project.",
    "team": "Any group you worked with counts: your own team, another team, or a client's.",
    "simplif": "Simplifying means making something easier to use, run or understand.",
    "frugal": "Frugality here means getting more done with the same or fewer resources.",
    "innovat": "It can be a new idea of any size: a tool, a process, a different way of working.",
}


def _define(term: str) -> str | None:
    key = term.lower()
    for stem, definition in _GLOSSARY.items():
        if stem in key:
            return definition
    return None


# --- feedback, stronger answer and debrief -------------------------------------------------------


def grade_card(grade: Grade) -> str:
    """A short Markdown STAR(L) card with quoted evidence."""
    lines = [f"**STAR(L) check: {grade.overall}/5**"]
    for name in COMPONENTS:
        comp = grade.components[name]
        mark = "✅" if comp.present else "❌"
        quote = f' — "{_short(comp.evidence[0])}"' if comp.evidence else ""
        lines.append(f"- {mark} **{name.title()}**{quote}")
    metrics = ", ".join(grade.measurability.metrics) or "none found"
    lines.append(f"- Measurability: level {grade.measurability.level}/3 (metrics: {metrics})")
    share = round(grade.ownership.i_share * 100)
    lines.append(f"- Ownership: **{grade.ownership.label}** ({share}% of actions in first person)")
    if grade.flags:
        lines.append(f"- Flags: {', '.join(grade.flags)}")
    if grade.gaps:
        lines.append(f"- Biggest gap: {grade.gaps[0]}")
    return "\n".join(lines)


def _short(text: str, limit: int = 140) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_PLACEHOLDERS: dict[str, str] = {
    "situation": "[Situation: where and when was this, and what was at stake?]",
    "task": "[Task: what were you personally responsible for, and who set the goal?]",
    "action": "[Action: the specific steps you took yourself, in order, and why]",
    "result": "[Result: what changed because of what you did?]",
    "learning": "[Learning: what would you do differently next time?]",
}


def stronger_answer(exchange: str, grade: Grade) -> str:
    """Rebuild the answer in STAR(L) order from the candidate's own sentences, never inventing.

    Every sentence is verbatim grader evidence from `exchange`; what is missing becomes a
    bracketed placeholder question, so no fact or number appears that the candidate did not say.
    """
    if {"hypothetical", "non_answer"} & set(grade.flags):
        return "\n".join(
            [
                "[Pick one real, specific past situation rather than a general approach.]",
                *_PLACEHOLDERS.values(),
            ]
        )
    parts: list[str] = []
    for name in COMPONENTS:
        comp = grade.components[name]
        evidence = [e for e in comp.evidence if e and e in exchange]
        label = name.title()
        if not evidence:
            parts.append(_PLACEHOLDERS[name])
            continue
        line = f"**{label}:** " + " ".join(e.strip() for e in evidence)
        if name == "action" and grade.ownership.label == "we":
            line += " [Which of these steps did you do yourself? Say 'I' for those.]"
        if name == "result" and grade.measurability.level <= 1:
            line += " [The measurable result: what changed, by how much, compared with before?]"
        elif name == "result" and grade.measurability.level == 2:
            line += " [The baseline it moved from, and who benefited: customers, the business?]"
        parts.append(line)
    return "\n".join(parts)


SIGNAL_RULE = (
    "Each question reached scores its whole-exchange grade (1-5); a skipped question or one with "
    "no real answer scores 1. strong: mean >= 4.0, no question below 3, at least half of the "
    "answers with a quantified result (measurability >= 2), a different story for each question, "
    "and no prompt-injection or abuse; "
    "inclined: mean >= 3.0 and no question below 2; otherwise not inclined."
)
_SIGNAL_LABELS = {"strong": "Strong hire", "inclined": "Inclined", "not_inclined": "Not inclined"}


def question_score(q: QuestionRecord) -> int:
    """The score a question contributes: its exchange grade, or 1 when skipped / unanswered."""
    if q.skipped or q.grade is None or not q.answers:
        return 1
    return q.grade.overall


def reached(q: QuestionRecord) -> bool:
    """A question counts once the candidate replied to it or skipped it."""
    return q.skipped or q.replies > 0


def signal_from(scores: Sequence[int], integrity_flag: bool, quantified: float = 1.0) -> Signal:
    """The documented rule (`SIGNAL_RULE`): question scores, the share of answers with a
    quantified result, and integrity flags mapped to an Amazon-style signal."""
    if not scores:
        return "not_inclined"
    mean = sum(scores) / len(scores)
    low = min(scores)
    if mean >= 4.0 and low >= 3 and quantified >= 0.5 and not integrity_flag:
        return "strong"
    if mean >= 3.0 and low >= 2:
        return "inclined"
    return "not_inclined"


_GAP_WEIGHT = {
    "hypothetical": 4.0,
    "non_answer": 4.0,
    "action": 2.0,
    "result": 2.0,
    "ownership": 1.5,
    "measurability": 1.5,
    "decision": 1.0,
    "learning": 1.0,
    "situation": 0.5,
    "task": 0.5,
}
_IMPROVEMENT_TEXT: dict[str, tuple[str, str]] = {
    "hypothetical": (
        "Tell a real story, not a general approach",
        "Start with a specific time: when it was, where you were, and what you actually did.",
    ),
    "non_answer": (
        "Have an example ready for every principle",
        "Prepare at least one story per principle so you are never left without an example.",
    ),
    "action": (
        "Describe your concrete actions",
        "Walk through the steps you took, in order, with the reasoning behind each one.",
    ),
    "ownership": (
        "Say what you did, not only what the team did",
        "Use 'I' for your own actions; credit the team separately.",
    ),
    "result": (
        "Finish with the result",
        "Close every story with what changed because of your work.",
    ),
    "measurability": (
        "Quantify the result",
        "Give the before and after, and who benefited (customers, the business, the team).",
    ),
    "decision": (
        "Explain your decisions",
        "Say why you chose your approach and which alternatives you weighed.",
    ),
    "learning": (
        "End with what you learned",
        "Add one line on what you would do differently, or what you do now because of it.",
    ),
    "situation": (
        "Set the scene briefly",
        "One or two sentences of context: where, when, and what was at stake.",
    ),
    "task": (
        "State your task or goal",
        "Say what you were responsible for before describing what you did.",
    ),
}


def _quotes_for_gap(q: QuestionRecord, gap: str) -> list[str]:
    """Verbatim sentences from the candidate's answers that show a gap."""
    text = "\n\n".join(q.answers)
    sentences = [s.text for s in split_sentences(text)]
    if not sentences:
        return []
    assert q.grade is not None
    picked: list[str]
    if gap == "ownership":
        picked = [s for s in sentences if re.search(r"\b(?:we|our team|the team)\b", s, re.I)][:2]
    elif gap == "hypothetical":
        picked = [s for s in sentences if re.search(r"\b(?:would|I'd|I'll|will)\b", s, re.I)][:2]
    elif gap == "measurability":
        picked = list(q.grade.components["result"].evidence[:1]) or sentences[-1:]
    elif gap == "decision":
        picked = list(q.grade.components["action"].evidence[:1])
    elif gap in ("result", "learning"):
        picked = sentences[-1:]
    else:
        picked = sentences[:1]
    return [_clip(s) for s in picked]


def _clip(sentence: str, limit: int = 200) -> str:
    """A verbatim sentence, cut at a word boundary with an ellipsis when long."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _direction(values: Sequence[float]) -> Literal["improving", "declining", "steady", "n/a"]:
    if len(values) < 2:
        return "n/a"
    if values[-1] > values[0]:
        return "improving"
    if values[-1] < values[0]:
        return "declining"
    return "steady"


def build_debrief(
    state: DrillState,
    principles: dict[str, Principle],
    reason: str = "completed",
    story_lookup: Callable[[str, str, str], dict[str, Any] | None] | None = None,
) -> Debrief:
    """Compute the debrief from the question records by the documented rules."""
    asked = [(i, q) for i, q in enumerate(state.questions) if reached(q)]
    scores = [question_score(q) for _, q in asked]
    # Integrity and breadth: prompt injection, abuse or one story for several questions.
    integrity = any({"injection", "abuse", "story_reused"} & set(q.flags) for q in state.questions)
    graded = [q for _, q in asked if q.grade is not None and q.answers and not q.skipped]
    quantified = (
        sum(1 for q in graded if q.grade and q.grade.measurability.level >= 2) / len(graded)
        if graded
        else 0.0
    )
    signal = signal_from(scores, integrity, quantified)
    per_lp: dict[str, list[int]] = {}
    for _, q in asked:
        per_lp.setdefault(q.lp, []).append(question_score(q))
    lp_scores = [
        LPScore(
            lp=lp,
            name=principles[lp].name if lp in principles else lp,
            score=round(sum(v) / len(v), 2),
            questions=len(v),
        )
        for lp, v in per_lp.items()
    ]
    heatmap: list[HeatmapRow] = []
    trends = Trends()
    uplift: list[int] = []
    for i, q in asked:
        grade = q.grade if (q.grade is not None and q.answers and not q.skipped) else None
        first = q.first_grade if grade is not None else None
        cells = {n: grade.components[n].strength if grade else 0 for n in COMPONENTS}
        first_cells = {n: first.components[n].strength if first else 0 for n in COMPONENTS}
        status: Literal["graded", "skipped", "no_answer"] = (
            "skipped" if q.skipped else ("graded" if grade else "no_answer")
        )
        heatmap.append(
            HeatmapRow(
                index=i,
                lp=q.lp,
                question=q.question,
                status=status,
                cells=cells,
                first_cells=first_cells,
                measurability=grade.measurability.level if grade else 0,
                ownership=grade.ownership.label if grade else "none",
                i_share=grade.ownership.i_share if grade else 0.0,
                score=question_score(q),
            )
        )
        if grade is not None and first is not None:
            trends.measurability.append(grade.measurability.level)
            trends.ownership.append(grade.ownership.i_share)
            trends.first_measurability.append(first.measurability.level)
            trends.first_ownership.append(first.ownership.i_share)
            uplift.append(grade.overall - first.overall)
    trends.measurability_direction = _direction(trends.measurability)
    trends.ownership_direction = _direction(trends.ownership)
    trends.probe_uplift = round(statistics.fmean(uplift), 2) if uplift else 0.0

    # Improvements: remaining gaps (full weight) and gaps only filled when probed (half weight).
    found: dict[str, Improvement] = {}
    order = list(_GAP_WEIGHT)
    for _, q in asked:
        if q.grade is None or not q.answers or q.skipped:
            continue
        final = policy_gaps(q.grade)
        first = policy_gaps(q.first_grade) if q.first_grade else []
        items = [(g, _GAP_WEIGHT.get(g, 0.5), g) for g in final if g in _IMPROVEMENT_TEXT]
        items += [
            (f"volunteer:{g}", _GAP_WEIGHT.get(g, 0.5) / 2, g)
            for g in first
            if g not in final and g in _IMPROVEMENT_TEXT
        ]
        for key, weight, gap in items:
            title, advice = _IMPROVEMENT_TEXT[gap]
            if key.startswith("volunteer:"):
                title = f"Volunteer it up front: {title[0].lower()}{title[1:]}"
                advice = "You gave this only when asked. " + advice
            imp = found.setdefault(
                key, Improvement(key=key, title=title, advice=advice, value=0.0, lps=[], quotes=[])
            )
            imp.value = round(imp.value + weight, 2)
            if q.lp not in imp.lps:
                imp.lps.append(q.lp)
            source = q.first_grade if key.startswith("volunteer:") and q.first_grade else q.grade
            quotes = _quotes_for_gap(q, gap) if source is not None else []
            for quote in quotes:
                if quote not in imp.quotes and len(imp.quotes) < 2:
                    imp.quotes.append(quote)

    def rank(imp: Improvement) -> tuple[float, int]:
        gap = imp.key.split(":")[-1]
        return (-imp.value, order.index(gap) if gap in order else 99)

    improvements = sorted(found.values(), key=rank)[:3]

    suggestions = _suggest_stories(state, principles, asked, story_lookup)
    conduct: dict[str, int] = {}
    for q in state.questions:
        for flag in q.flags:
            conduct[flag] = conduct.get(flag, 0) + 1
    skipped = sum(1 for q in state.questions if q.skipped)
    if skipped:
        conduct["skipped"] = skipped
    reuse = [
        {"question": i, "reused_from": q.reused_from, "story_id": q.story_id}
        for i, q in enumerate(state.questions)
        if q.reused_from is not None
    ]
    return Debrief(
        signal=signal,
        signal_label=_SIGNAL_LABELS[signal],
        mean_score=round(sum(scores) / len(scores), 2) if scores else 0.0,
        lowest_score=min(scores) if scores else 0,
        rule=SIGNAL_RULE,
        per_lp=lp_scores,
        heatmap=heatmap,
        trends=trends,
        improvements=improvements,
        suggested_stories=suggestions,
        conduct=conduct,
        story_reuse=reuse,
        reason=reason,
    )


def _suggest_stories(
    state: DrillState,
    principles: dict[str, Principle],
    asked: Sequence[tuple[int, QuestionRecord]],
    story_lookup: Callable[[str, str, str], dict[str, Any] | None] | None,
) -> list[StorySuggestion]:
    """Weakest principles first (score < 3, skipped, reused stories); else the next to cover."""
    weak: list[tuple[int, QuestionRecord, str]] = []
    for _, q in asked:
        score = question_score(q)
        if q.skipped:
            weak.append((0, q, "you skipped this question"))
        elif q.reused_from is not None:
            weak.append((score, q, "you reused a story from another question"))
        elif score < 3:
            weak.append((score, q, f"this answer scored {score}/5"))
    weak.sort(key=lambda item: item[0])
    asked_texts = {q.question for q in state.questions}
    out: list[StorySuggestion] = []
    seen: set[str] = set()
    for _, q, reason in weak:
        if q.lp in seen or q.lp not in principles:
            continue
        seen.add(q.lp)
        p = principles[q.lp]
        prompt = next((x.text for x in p.questions if x.text not in asked_texts), q.question)
        suggestion = StorySuggestion(lp=q.lp, name=p.name, prompt=prompt, reason=reason)
        hit = story_lookup(state.user, q.lp, prompt) if story_lookup else None
        if hit and hit.get("score", 0) >= STORY_MATCH_SCORE:
            suggestion.story_id, suggestion.story_title = hit["id"], hit["title"]
        out.append(suggestion)
        if len(out) == 3:
            return out
    if not out:
        covered = {q.lp for q in state.questions}
        for lp in ROLE_LPS[state.config.role]:
            if lp in covered or lp not in principles:
                continue
            p = principles[lp]
            out.append(
                StorySuggestion(
                    lp=lp,
                    name=p.name,
                    prompt=p.questions[0].text,
                    reason="not covered in this drill; a common principle for your role",
                )
            )
            if len(out) == 2:
                break
    return out


_CELL = {0: "·", 1: "1", 2: "2", 3: "3"}


def debrief_markdown(debrief: Debrief) -> str:
    """The debrief as Markdown: signal, per-LP scores, heatmap, trends, improvements, stories."""
    lines = ["**Debrief**", ""]
    if not debrief.heatmap:
        lines.append("No answers were given in this drill. Start another when you're ready.")
        return "\n".join(lines)
    lines.append(
        f"**Overall signal: {debrief.signal_label}** — mean {debrief.mean_score}/5 over "
        f"{len(debrief.heatmap)} question(s), lowest {debrief.lowest_score}/5."
    )
    lines += ["", f"_Rule: {debrief.rule}_", "", "**Scores by leadership principle**", ""]
    lines += ["| Principle | Score | Questions |", "|---|---|---|"]
    lines += [f"| {s.name} | {s.score}/5 | {s.questions} |" for s in debrief.per_lp]
    lines += ["", "**STAR(L) heatmap** (strength 0-3 per component, · = missing)", ""]
    lines += ["| # | Principle | S | T | A | R | L | Measurability | Ownership | Score |"]
    lines += ["|---|---|---|---|---|---|---|---|---|---|"]
    for row in debrief.heatmap:
        if row.status != "graded":
            lines.append(f"| {row.index + 1} | {row.lp} | {row.status} ||||||| 1/5 |")
            continue
        cells = " | ".join(_CELL[row.cells[n]] for n in COMPONENTS)
        lines.append(
            f"| {row.index + 1} | {row.lp} | {cells} | {row.measurability}/3 | {row.ownership} "
            f"({round(row.i_share * 100)}% I) | {row.score}/5 |"
        )
    t = debrief.trends
    if t.measurability:
        lines += ["", "**Trends**", ""]
        lines.append(
            "- Measurability by question: "
            + " → ".join(str(v) for v in t.measurability)
            + f" ({t.measurability_direction})"
        )
        lines.append(
            "- Ownership (share of actions in first person): "
            + " → ".join(f"{round(v * 100)}%" for v in t.ownership)
            + f" ({t.ownership_direction})"
        )
        if t.probe_uplift:
            lines.append(f"- Follow-up questions drew out {t.probe_uplift:+} points per question.")
    if debrief.improvements:
        lines += ["", "**Top improvements**", ""]
        for n, imp in enumerate(debrief.improvements, 1):
            lines.append(f"{n}. **{imp.title}** — {imp.advice}")
            lines += [f'   > "{quote}"' for quote in imp.quotes]
    if debrief.suggested_stories:
        lines += ["", "**Stories to prepare**", ""]
        for s in debrief.suggested_stories:
            extra = f' (polish your stored story "{s.story_title}")' if s.story_title else ""
            lines.append(f"- **{s.name}**: {s.prompt} — {s.reason}{extra}")
    if debrief.conduct:
        notes = ", ".join(
            f"{k.replace('_', ' ')} × {v}" for k, v in sorted(debrief.conduct.items())
        )
        lines += ["", f"_Recorded during the drill: {notes}._"]
    return "\n".join(lines)


def debrief_text(state: DrillState) -> str:
    """The end-of-drill summary as Markdown (computed now if the drill has not finished)."""
    from agents.lp.principles import load_principles

    debrief = state.debrief or build_debrief(state, load_principles())
    return debrief_markdown(debrief)


# --- transcripts -------------------------------------------------------------------------------

TRANSCRIPT_KINDS = ("question", "probe", "clarification", "feedback", "debrief")


def transcript_kind(turn: Turn) -> str:
    """Map a turn onto the five transcript kinds.

    Interviewer: question/probe/feedback/debrief as they are; greeting, notices and every
    process remark (repeats, clarifications, handling of off-topic or abusive replies) are
    `clarification`. Candidate: an answer takes the kind of what it answers (`question` or
    `probe`); a control request (skip, repeat, clarify, pause, end) is `clarification`.
    """
    if turn.role == "interviewer":
        return turn.kind if turn.kind in TRANSCRIPT_KINDS else "clarification"
    if turn.kind == "control":
        return "clarification"
    return "probe" if turn.meta.get("reply_to") == "probe" else "question"


def transcript_json(state: DrillState) -> dict[str, Any]:
    """The `barraiser drill --transcript` schema: {"turns": [...], "debrief": {...}}."""
    return {
        "turns": [
            {
                "role": t.role,
                "kind": transcript_kind(t),
                "text": t.text,
                "lp": t.lp,
                "grade": t.grade,
            }
            for t in state.turns
        ],
        "debrief": state.debrief.model_dump(mode="json") if state.debrief else {},
    }


def transcript_markdown(state: DrillState) -> str:
    """The whole drill as Markdown: set-up, transcript, then the debrief."""
    c = state.config
    lines = [
        f"# Drill {state.id}",
        "",
        f"- Role: {c.role} · Round: {c.round_type} · Mode: {c.mode} · {c.minutes} min",
        f"- Started: {time.strftime('%Y-%m-%d %H:%M', time.localtime(state.started_at))}",
        f"- Status: {state.status}",
        "",
        "## Transcript",
        "",
    ]
    for t in state.turns:
        if t.kind == "debrief":
            continue
        who = "**Interviewer**" if t.role == "interviewer" else "**You**"
        tag = f" _({t.kind}{', ' + t.lp if t.lp else ''})_"
        lines += [f"{who}{tag}: {t.text}", ""]
    if state.debrief is not None:
        lines += ["## Debrief", "", debrief_markdown(state.debrief)]
    return "\n".join(lines).rstrip() + "\n"


def simulate(interviewer: Interviewer, config: DrillConfig, answers: Sequence[str]) -> DrillState:
    """Run a whole drill from scripted candidate replies (used by the CLI, tests and evals)."""
    state = interviewer.start(config)
    for answer in answers:
        if state.status == "done":
            break
        interviewer.respond(state, answer)
    return state
