"""Amazon-style behavioral prompt generator: fresh questions for chosen LPs, level and role.

Two paths share one quality filter:
- offline: a compositional grammar per LP (scenes of acts x situations, events and noun
  phrases, rendered through varied past-event openers with level- and role-aware wording and
  theme constraints), seeded and deterministic;
- LLM: `prompts/question_gen.jinja` with structured output; on any backend error it falls back
  to the offline path and says so in the batch's notices.

The filter keeps a prompt only if it is in behavioral past-event form, asks exactly one question,
is not a near-duplicate of the batch, the hand-written bank or what the user already practised
(embedding cosine of the prompt *core*, i.e. without its opener), and the independent LP
classifier (`agents.lp.classifier`) has its LP in the top `AGREEMENT_K`.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.lp.classifier import AGREEMENT_K, LPClassifier, cached_embed, stems
from agents.lp.principles import THEMES, Principle, get_principle, load_principles
from agents.lp.roles import drill_role_for, role_lps

if TYPE_CHECKING:
    from agents.config import Settings
    from agents.drill.interviewer import DrillConfig
    from agents.embeddings import MiniLMEmbedding
    from agents.llm import ChatModel

Level = Literal["sde1", "sde2", "sde3", "principal", "manager"]
RoleFamily = Literal["sde", "pm", "tpm", "data", "support", "general"]
Source = Literal["offline", "llm"]

LEVELS: tuple[str, ...] = ("sde1", "sde2", "sde3", "principal", "manager")
ROLE_FAMILIES: tuple[str, ...] = ("sde", "pm", "tpm", "data", "support", "general")
# The themes candidates practise most; the UI offers these first.
CORE_THEMES: tuple[str, ...] = (
    "conflict", "failure", "customer", "ambiguity", "deadlines", "mentoring", "trade-offs",
    "raising-the-bar",
)  # fmt: skip

# Cosine between prompt cores (opener stripped) at or above which two prompts count as the same
# question. Calibrated: the most similar pair of distinct hand-written bank questions scores
# 0.75 (99.9th percentile 0.64); light rewordings of one question score 0.80-0.97.
NEAR_DUP_THRESHOLD = 0.80
MIN_WORDS, MAX_WORDS = 8, 42
# Prompts per LLM call: five with their probes fit the default 800-token reply budget.
LLM_CHUNK = 5
# The classifier share above which its favourite LP, when not the intended one, is tagged too.
SECOND_LP_SHARE = 0.5
MAX_N = 200

LEVEL_LABELS = {
    "sde1": "SDE I", "sde2": "SDE II", "sde3": "Senior SDE (SDE III)", "principal": "Principal",
    "manager": "Manager",
}  # fmt: skip
ROLE_LABELS = {
    "sde": "software engineering", "pm": "product management",
    "tpm": "technical program management",
    "data": "data science and analytics", "support": "customer support and operations",
    "general": "any role",
}  # fmt: skip
_LEVEL_ALIASES = {
    "sde1": "sde1", "sdei": "sde1", "l4": "sde1", "junior": "sde1", "entry": "sde1",
    "new grad": "sde1",
    "sde2": "sde2", "sdeii": "sde2", "l5": "sde2", "mid": "sde2",
    "sde3": "sde3", "sdeiii": "sde3", "senior": "sde3", "l6": "sde3", "senior sde": "sde3",
    "principal": "principal", "l7": "principal", "staff": "principal",
    "manager": "manager", "em": "manager", "sdm": "manager", "engineering manager": "manager",
}  # fmt: skip
_ROLE_ALIASES = {
    "sde": "sde", "swe": "sde", "engineer": "sde", "software": "sde", "developer": "sde",
    "pm": "pm", "product": "pm", "pmt": "pm", "product manager": "pm",
    "tpm": "tpm", "program": "tpm", "program manager": "tpm",
    "data": "data", "ds": "data", "analyst": "data", "ml": "data", "data scientist": "data",
    "support": "support", "ops": "support", "operations": "support", "cs": "support",
    "general": "general", "other": "general", "any": "general",
}  # fmt: skip


def normalise_level(value: str) -> str:
    """Map "SDE II", "sde-2", "L5" or "senior" to one of LEVELS."""
    key = re.sub(r"[\s_\-]+", "", value.strip().lower())
    for alias, level in _LEVEL_ALIASES.items():
        if key == re.sub(r"[\s_\-]+", "", alias):
            return level
    raise ValueError(f"unknown level {value!r}; use one of {', '.join(LEVELS)}")


def normalise_role_family(value: str) -> str:
    """Map "SWE", "product" or "data scientist" to one of ROLE_FAMILIES."""
    key = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if key in _ROLE_ALIASES:
        return _ROLE_ALIASES[key]
    raise ValueError(f"unknown role family {value!r}; use one of {', '.join(ROLE_FAMILIES)}")


def normalise_theme(value: str) -> str:
    """Map "trade offs", "Raising the bar" or "tradeoffs" to a THEMES entry."""
    key = re.sub(r"[^a-z]+", "", value.lower())
    for theme in THEMES:
        if key == re.sub(r"[^a-z]+", "", theme):
            return theme
    raise ValueError(f"unknown theme {value!r}; use one of {', '.join(THEMES)}")


def normalise_lp(value: str) -> str:
    """Map a slug, slug_with_underscores or LP name to its slug."""
    try:
        return get_principle(value.replace("_", "-")).slug
    except KeyError as e:
        raise ValueError(str(e.args[0])) from e


class PromptRequest(BaseModel):
    """What to generate: LPs, level, role family, themes, how many, and optional context."""

    model_config = ConfigDict(extra="forbid")

    lps: list[str] = Field(default_factory=list)
    level: Level = "sde2"
    role_family: RoleFamily = "sde"
    themes: list[str] = Field(default_factory=list)
    n: int = Field(default=10, ge=1, le=MAX_N)
    # A job description or the candidate's own stories; prompts lean towards its gaps.
    context: str | None = Field(default=None, max_length=50_000)
    # Prompts the user has already practised: never regenerated, nor near-duplicates of them.
    practised: list[str] = Field(default_factory=list)
    seed: int | None = None

    @field_validator("lps", mode="before")
    @classmethod
    def _lps(cls, value: Any) -> Any:
        """Accept slugs, underscores and names; drop repeats, keep order."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        out: list[str] = []
        for item in value:
            slug = normalise_lp(str(item))
            if slug not in out:
                out.append(slug)
        return out

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        """Accept level aliases."""
        return normalise_level(value) if isinstance(value, str) else value

    @field_validator("role_family", mode="before")
    @classmethod
    def _role(cls, value: Any) -> Any:
        """Accept role-family aliases."""
        return normalise_role_family(value) if isinstance(value, str) else value

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value: Any) -> Any:
        """Accept theme spellings; drop repeats."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        out: list[str] = []
        for item in value:
            theme = normalise_theme(str(item))
            if theme not in out:
                out.append(theme)
        return out


class GeneratedPrompt(BaseModel):
    """One generated behavioral prompt with what a strong answer shows and follow-up probes."""

    text: str
    lps: list[str] = Field(min_length=1)
    level: Level
    role_family: RoleFamily
    theme: str | None = None
    strong_answer_shows: list[str] = Field(min_length=1)
    probes: list[str] = Field(min_length=2, max_length=3)
    source: Source


class PromptBatch(list[GeneratedPrompt]):
    """The generated prompts (a list) plus notices for the user and filter statistics."""

    def __init__(self, items: Iterable[GeneratedPrompt] = ()) -> None:
        super().__init__(items)
        self.notices: list[str] = []
        self.stats: Counter[str] = Counter()
        self.seconds: float = 0.0


# -- the quality filter's text rules ------------------------------------------------------------

# Past-event openers interviewers use. Anything else ("What would you do if...", "How do you
# usually...") is not a behavioral prompt.
_OPENER = re.compile(
    r"^(?:can you\s+|could you\s+)?"
    r"(?:tell me about|describe|give me (?:an |one )?example|walk me through|talk me through"
    r"|share (?:an |one )?example|think of a time|recall a time)\b",
    re.IGNORECASE,
)
_PAST_FRAME = re.compile(
    r"\b(?:a time|the last time|one time|a situation|an occasion|a moment|an example of"
    r"|example of (?:a|an|the|how|when)|a recent)\b",
    re.IGNORECASE,
)
_IRREGULAR_PAST = (
    "had|were|was|did|made|took|gave|got|found|led|built|ran|saw|chose|went|came|kept|held|"
    "left|lost|won|set|put|brought|bought|caught|felt|fought|heard|knew|met|paid|said|sent|"
    "spent|stood|taught|thought|told|understood|wrote|became|began|broke|drove|forgot|grew|"
    "overcame|rose|spoke|threw|dealt|meant|shut|cut|let|read|quit|hit|struck|sold|dug|"
    "sought|won|shipped|have been|have had|have done|have made|have seen|have taken|"
    "have given|have led|have built|have known|have ever|have \\w+ed|'ve \\w+"
)
_PAST_VERB = re.compile(
    rf"\b(?:you|your team|we|they|it|that)\s+(?:\w+ly\s+)?(?:{_IRREGULAR_PAST}|\w+ed)\b",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:would you|will you|how you would|what you would|how do you|what do you|do you usually|"
    r"if you were|imagine|suppose|hypothetical(?:ly)?|what would|how would|should you|"
    r"what is your|what's your|are you|how might you|what if)\b",
    re.IGNORECASE,
)
# A second ask chained onto the first ("...and what you learned", "...; how did it end").
_SECOND_ASK = re.compile(
    r"(?:,?\s+and\s+(?:what|how|why|who|whether)\b|;|\bor\s+(?:tell|describe|give)\b"
    r"|\?\s*\S|\.\s+[A-Z]|\s[-–—]\s+(?:what|how|why)\b)",
    re.IGNORECASE,
)
_CORE_OPENER = re.compile(
    r"^(?:can you\s+|could you\s+)?"
    r"(?:tell me about|describe|give me (?:an |one )?example of|walk me through|talk me through"
    r"|share (?:an |one )?example of|think of|recall)\s+"
    r"(?:(?:a|one|the last|the) (?:time|situation|occasion|moment)\s*)?"
    r"(?:when|where|in which|that|how)?\s*",
    re.IGNORECASE,
)
_LEADING_JUNK = re.compile(r"^\s*(?:[-*•]|\d+[.)]|Q\d*[:.)]|prompt\s*\d*:)?\s*[\"“']?")


def clean_prompt_text(text: str) -> str:
    """Strip list markers, quotes and stray whitespace a model or a paste may add."""
    text = " ".join(str(text).split())
    text = _LEADING_JUNK.sub("", text)
    text = text.strip().strip("\"“”'").strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def form_problem(text: str) -> str | None:
    """Why `text` is not a single behavioral past-event question, or None when it is."""
    words = len(text.split())
    if words < MIN_WORDS:
        return "too-short"
    if words > MAX_WORDS:
        return "too-long"
    if not _OPENER.match(text):
        return "not-behavioral"
    if _HYPOTHETICAL.search(text):
        return "hypothetical"
    if not (_PAST_FRAME.search(text) or _PAST_VERB.search(text)):
        return "not-past-event"
    if not text.endswith((".", "?")):
        return "unfinished"
    if text.count("?") > 1 or _SECOND_ASK.search(text.rstrip(".?")):
        return "multi-question"
    return None


def is_behavioral(text: str) -> bool:
    """True when `text` is one behavioral past-event question ("Tell me about a time you...")."""
    return form_problem(clean_prompt_text(text)) is None


def prompt_core(text: str) -> str:
    """The question without its opener: what near-duplicate checks compare."""
    core = _CORE_OPENER.sub("", clean_prompt_text(text))
    return core.rstrip(" .?!").lower() or text.lower()


def _lexical_key(text: str, core: str | None = None) -> str:
    """Stemmed words of the core, for cheap exact-duplicate detection."""
    return " ".join(stems(core if core is not None else prompt_core(text)))


# -- level and role vocabulary -------------------------------------------------------------------

# Values may name `{rp}` (the role's person noun); lists are sampled per prompt.
_LEVEL_VOCAB: dict[str, dict[str, str | list[str]]] = {
    "sde1": {"team": "your team", "peer": ["a teammate", "another engineer on your team"],
             "people": ["a newer {rp}", "an intern"], "boss": ["your manager", "your tech lead"],
             "org": "your team", "senior": "a senior {rp}"},
    "sde2": {"team": "your team", "peer": ["a peer", "a teammate"],
             "people": ["a junior {rp}", "a new {rp} on your team"], "boss": "your manager",
             "org": "your team", "senior": "a principal {rp}"},
    "sde3": {"team": "your team", "peer": ["a partner team's lead", "another senior {rp}"],
             "people": ["an {rp} you were mentoring", "a less experienced {rp}"],
             "boss": "your manager", "org": ["your organisation", "your team"],
             "senior": "a director"},
    "principal": {"team": ["your team", "the teams you worked with"],
                  "peer": ["a peer in another organisation", "another principal {rp}"],
                  "people": ["a senior {rp} you were mentoring", "a lead on another team"],
                  "boss": ["your director", "a vice president"],
                  "org": ["the company", "your organisation"], "senior": "a vice president"},
    "manager": {"team": ["your team", "your team"], "peer": ["a peer manager", "another manager"],
                "people": ["one of your direct reports", "someone on your team"],
                "boss": ["your director", "your manager"], "org": "your organisation",
                "senior": "a senior leader"},
}  # fmt: skip
_ROLE_VOCAB: dict[str, dict[str, str | list[str]]] = {
    "sde": {"rp": "engineer", "artifact": ["service", "API", "codebase", "build pipeline",
            "internal tool", "legacy system"],
            "product": ["the app", "the checkout flow", "a customer-facing API",
                        "the sign-up flow"],
            "customers": ["customers", "users"], "stakeholder": ["product manager", "partner team"],
            "launch": ["release", "launch"], "metric": ["latency", "error rates"]},
    "pm": {"rp": "product manager", "artifact": ["product area", "feature", "onboarding flow",
           "roadmap", "pricing page"],
           "product": ["the product", "an onboarding flow", "the mobile app", "a new feature"],
           "customers": ["users", "customers"], "stakeholder": ["engineering lead", "sales leader"],
           "launch": ["launch", "feature launch"], "metric": ["adoption", "retention"]},
    "tpm": {"rp": "program manager", "artifact": ["program", "migration", "release process",
            "cross-team plan", "dependency tracker"],
            "product": ["a cross-team launch", "a migration", "a platform rollout"],
            "customers": ["the teams relying on you", "customers"],
            "stakeholder": ["partner team", "engineering director"],
            "launch": ["program milestone", "launch"],
            "metric": ["delivery dates", "schedule risk"]},
    "data": {"rp": "analyst", "artifact": ["data pipeline", "dashboard", "forecasting model",
             "reporting table", "experiment framework"],
             "product": ["a dashboard", "a forecast", "a recommendation model"],
             "customers": ["the people who used your numbers", "business users"],
             "stakeholder": ["business stakeholder", "finance partner"],
             "launch": ["model release", "analysis deadline"],
             "metric": ["model accuracy", "data quality"]},
    "support": {"rp": "support specialist", "artifact": ["support process", "knowledge base",
                "escalation queue", "runbook", "ticketing workflow"],
                "product": ["the help centre", "the returns process", "a support channel"],
                "customers": ["customers"], "stakeholder": ["account manager", "product team"],
                "launch": ["rollout", "process change"],
                "metric": ["resolution times", "customer satisfaction"]},
    "general": {"rp": "colleague", "artifact": ["project", "process", "system", "report", "tool"],
                "product": ["a product", "a service", "a process customers relied on"],
                "customers": ["customers"], "stakeholder": ["stakeholder", "senior stakeholder"],
                "launch": ["launch", "deadline"], "metric": ["a key metric", "quality"]},
}  # fmt: skip

# Which grammar scenes fit which level (scene tags: any, junior, senior, manager).
_LEVEL_SCENES = {
    "sde1": {"any", "junior"}, "sde2": {"any", "junior"}, "sde3": {"any", "senior"},
    "principal": {"any", "senior"}, "manager": {"any", "senior", "manager"},
}  # fmt: skip
# Occasional level-specific endings so the same scene reads right for an IC or a manager.
_LEVEL_TAILS = {
    "sde1": ["early in your career", "on one of your first projects"],
    "sde2": [],
    "sde3": ["on work that spanned several teams", "as the technical lead"],
    "principal": ["on work that affected several organisations", "across several teams"],
    "manager": ["as the manager accountable for the outcome", "while leading a team of {rp}s"],
}  # fmt: skip
# Endings that make any scene about a requested theme.
_THEME_TAILS: dict[str, list[str]] = {
    "conflict": ["while {peer} strongly disagreed with you",
                 "even though it put you at odds with {boss}",
                 "over the objections of {a_stakeholder}",
                 "when two people you worked with wanted opposite things",
                 "despite pushback from a more senior colleague"],
    "failure": ["and your first attempt failed",
                "and it did not work out the way you planned",
                "after an earlier attempt had gone badly wrong",
                "and made a mistake along the way"],
    "customer": ["when {customers} were already feeling the impact",
                 "knowing {customers} would notice the result",
                 "because a customer was waiting on the outcome"],
    "ambiguity": ["when nobody could say what success looked like",
                  "while the requirements kept changing",
                  "before anyone understood the problem well",
                  "with no clear owner and no precedent to follow"],
    "deadlines": ["with a deadline that could not move", "when the {launch} was only days away",
                  "with far less time than the work needed",
                  "while a date you had committed to was slipping"],
    "mentoring": ["while helping {people} learn along the way",
                  "and brought {people} along so they could handle it next time",
                  "while coaching {people} through it"],
    "trade-offs": ["knowing it meant giving up something else you cared about",
                   "even though it cost {team} time on other goals",
                   "when every option had a real downside"],
    "raising-the-bar": ["and left the standard higher than you found it",
                        "in a way that changed how {team} worked afterwards",
                        "and made the improvement stick after you moved on"],
    "innovation": ["by trying an approach nobody had used before"],
    "data": ["and had to back your case with data"],
    "cost": ["with almost no budget"],
    "scale": ["at a much larger scale than before"],
    "learning": ["in an area that was new to you"],
    "influence": ["without any authority over the people involved"],
    "hiring": ["while {team} was hiring quickly"],
    "ethics": ["when the right thing was not the easy thing"],
    "safety": ["when getting it wrong could have hurt someone"],
    "speed": ["with very little time to decide"],
    "quality": ["without letting quality slip"],
    "teamwork": ["with people from several teams"],
}  # fmt: skip
# Theme endings go only on cores up to this length, so prompts stay one breath long.
_MAX_CORE_WORDS_FOR_TAIL = 17
_THEME_SHOWS = {
    "conflict": "Handles the disagreement directly and keeps the relationship intact",
    "failure": "Names their own part in what went wrong and what they changed afterwards",
    "customer": "Ties the outcome to a specific customer impact",
    "ambiguity": "Creates clarity (assumptions, options, a decision) instead of waiting for it",
    "deadlines": "Makes explicit what was traded to meet the date",
    "mentoring": "Shows how another person grew because of their help",
    "trade-offs": "States the options, what was given up and why",
    "raising-the-bar": "Leaves a standard or mechanism that outlasts them",
    "innovation": "Explains what was genuinely new and how it was tested",
    "data": "Backs the story with specific numbers",
    "cost": "Quantifies what was saved or avoided",
    "scale": "Shows how the solution held up as volume grew",
    "learning": "Shows what they learned and how they applied it",
    "influence": "Persuades without relying on authority",
    "hiring": "Describes the bar they held and how they judged against it",
    "ethics": "Explains the principle at stake and what it cost to hold it",
    "safety": "Shows how risk was spotted and reduced before harm occurred",
    "speed": "Shows how speed was balanced against risk",
    "quality": "Defines the quality bar concretely",
    "teamwork": "Makes their personal contribution clear within the team effort",
}
_THEME_PROBES = {
    "conflict": "How did the other person see it, and where did the two of you end up?",
    "failure": "What would you do differently if it happened again?",
    "customer": "How did the customer's experience change as a result?",
    "ambiguity": "What assumptions did you make, and how did you check them?",
    "deadlines": "What did you give up to make the date?",
    "mentoring": "How did the person you helped do afterwards?",
    "trade-offs": "What was the option you did not take, and why not?",
    "raising-the-bar": "What is still in place today because of what you did?",
    "innovation": "How did you test the idea before committing to it?",
    "data": "Which numbers convinced you, and where did they come from?",
    "cost": "How much did it save or cost, and how did you measure it?",
    "scale": "What broke, or nearly broke, as it grew?",
    "learning": "What do you do differently now because of it?",
    "influence": "Who was hardest to convince, and what changed their mind?",
    "hiring": "What bar did you hold, and how did you judge against it?",
    "ethics": "What did doing the right thing cost, and who supported you?",
    "safety": "How did you know the risk was real?",
    "speed": "What risk did you accept by moving quickly?",
    "quality": "How did you define the standard, and how did you check it was met?",
    "teamwork": "What part of the outcome was yours alone?",
}
_LEVEL_SHOWS = {
    "sde1": "Clear personal actions and learning, even on a small scope",
    "sde2": "Owns a project end to end with a measurable result",
    "sde3": "Influence and impact beyond their own team",
    "principal": "Impact across several teams or the organisation, sustained over time",
    "manager": "Results delivered through the team, and how people grew along the way",
}


# The offline grammar. `## slug` starts an LP; `# theme level...` starts a scene (levels: any,
# junior, senior, manager). In a scene: `act:` past-tense verb phrases with `{x}`, filled by
# `x:` situations; `ev:` whole past events; `np:` noun phrases ("the hardest call you made");
# `tail:` optional endings; `show:` what a strong answer shows; `probe:` a follow-up.
# Placeholders: {team} {peer} {people} {boss} {org} {senior} (level-aware), {artifact}
# {product} {customers} {stakeholder} {launch} {metric} (role-aware); `{a_X}` adds "a"/"an".
# Written to be fresh: none restates a hand-written bank question (the filter checks anyway).
_GRAMMAR_SOURCE = """
## customer-obsession
# customer any
act: went out of your way to understand {x}
act: dug into {x} from the customer's point of view
x: why {customers} kept giving up halfway through {product}
x: what a frustrated customer was really trying to get done
x: a customer complaint that the rest of {team} had written off as noise
x: how {customers} actually used {product}, rather than how {team} assumed they did
x: why a loyal customer suddenly stopped using {product}
x: what first-time customers found confusing about {product}
x: why customers in one market were far less satisfied than everywhere else
show: Names a real customer and the problem they actually had
probe: How did you get close enough to the customer to learn this?
# trade-offs any
act: turned down {x} because it would have hurt {customers}
act: argued against {x} on behalf of {customers}
x: a quick win that {a_stakeholder} was pushing for
x: a shortcut that would have saved {team} weeks
x: a change that would have made the numbers look good
x: a pricing change that would have surprised existing customers
x: a launch date that would have shipped a half-finished experience to customers
x: an internal process that made life easier for {team} and harder for customers
show: Put long-term customer trust ahead of short-term convenience
probe: What did saying no cost you or the team?
# customer any
ev: customers were unhappy with {product} and nobody had a clear fix
ev: a customer escalation landed on your desk late on a Friday
ev: customer feedback contradicted what {team} believed about {product}
ev: an important customer threatened to leave
ev: two groups of customers wanted opposite things from {product}
ev: a customer asked for something that would not actually solve their problem
show: Worked backwards from the customer need to the solution
# innovation any
act: fixed {x} before any customer had to complain about it
x: a confusing step in {product}
x: a slow page that customers used every day
x: an error message that left customers guessing
x: a gap in {product} that customers had learned to work around
x: a billing surprise waiting for customers at the end of the month
show: Anticipated a customer need instead of waiting to be told
# data any
act: used {x} to change what {team} built next
x: interviews with customers
x: support tickets you read one by one
x: customer usage data
x: a small customer survey you ran yourself
x: recordings of customers struggling with {product}
x: conversations with the customer support team
show: Uses direct feedback or data rather than assumptions
# teamwork any
act: treated {x} as your customers
x: the engineers who used your internal tools
x: a partner team that depended on your work
x: the people downstream of your {artifact}
x: the sales team who had to explain your product to customers
show: Treats internal teams as customers where that fits
# raising-the-bar manager
act: changed how {team} {x}
x: measured success, so that it reflected what customers experienced
x: heard directly from customers each week
x: decided which customer problems to fix first
x: handled customer escalations
show: Builds mechanisms that keep the team close to customers
# failure any
ev: something you shipped made life worse for customers
ev: you realised {team} had been solving the wrong problem for customers
ev: a customer was hurt by a decision you had signed off on
show: Owns the customer impact and explains how they repaired it
# customer any
np: a customer problem you solved that nobody had asked you to look at
np: the most demanding customer you have worked with
np: a decision you made where the customer's interest and the business's interest pulled apart

## ownership
# teamwork any
act: took ownership of {x}
act: stepped in to fix {x}
x: {a_artifact} that nobody on {team} had looked after in months
x: an alarm that kept firing with no one assigned to it
x: a recurring customer issue that kept bouncing between teams
x: work that kept falling through the gap between two teams
x: a flaky test suite everyone complained about but nobody fixed
x: an on-call runbook that was years out of date
x: a shared dashboard that had quietly stopped being accurate
x: a problem in another team's area that was hurting your own work
show: Takes on problems outside their formal role
probe: Why did this end up with you rather than someone else?
# failure any
ev: a change you made caused a problem in production
ev: you discovered that a bug you had introduced had been affecting {customers} for weeks
ev: you dropped the ball on something {team} was counting on
ev: something you were responsible for failed while you were on holiday
ev: an outage traced back to a decision you had made months earlier
show: Owns mistakes openly and fixes the root cause
# trade-offs any
act: pushed for {x} even though it slowed down your own goals
x: paying down technical debt before it caused a bigger failure
x: a fix that served the whole company rather than just {team}
x: a long-term solution instead of the quick patch everyone expected
x: rewriting a fragile component that you knew would break again
x: a proper clean-up after a launch instead of moving straight to the next project
show: Thinks about long-term consequences, not just the immediate fix
# quality any
act: kept following up on {x}
x: a problem long after the incident was officially closed
x: a promise another team had made to you
x: an issue until you were sure it would not come back
x: a customer's problem after you had handed it to another team
x: action items from a post-incident review that everyone else had forgotten
show: Follows through until the issue is fully resolved
# ambiguity any
act: stepped up to make the call on {x}
x: a problem where nobody was clearly in charge
x: something your manager was not available to decide
x: an issue that had stalled because every team thought it belonged to someone else
x: a production problem in the middle of the night with nobody else around
show: Acts on behalf of the company when no one else will
# raising-the-bar any
act: built a mechanism so that {x}
x: the same operational problem would stop repeating
x: {team} would catch a class of bugs before they reached {customers}
x: nobody had to remember a manual step again
x: new owners could take over your work without you
show: Puts mechanisms in place so the problem does not recur
# deadlines any
act: took on {x} so that {a_launch} could still happen on time
x: work that belonged to someone who had left
x: a task nobody had volunteered for
x: the unglamorous clean-up that everyone else was avoiding
x: a dependency another team could not deliver
show: Does what the outcome needs, not only what was assigned
# influence manager
ev: you gave up something {team} wanted because it was better for the wider company
ev: you took responsibility in front of senior leaders for a miss by {team}
ev: your team inherited a system with a long history of problems
show: Acts for the wider company, not only their own team
# teamwork any
np: a problem outside your area that you decided was yours to solve
np: a piece of work you carried through to the end after others had moved on
np: a mess you cleaned up that you had not created

## invent-and-simplify
# innovation any
act: replaced {x} with something far simpler
x: a tangle of scripts that only one person understood
x: a long approval chain
x: a spreadsheet-based process that kept breaking
x: a homegrown tool that a standard one could replace
x: a multi-step setup that new people always got wrong
show: Quantified the simplification in time saved or steps removed
# quality any
act: simplified {x}
act: found a much simpler way to run {x}
x: {a_artifact} that had become too complicated for anyone to change safely
x: a process that took far more steps than it needed
x: a set of overlapping tools that {team} had to juggle
x: a design that had grown piece by piece over several years
x: a configuration so complex that only one person understood it
x: a release process with too many manual hand-offs
x: a report that took a whole day to put together
show: Removed steps, code or complexity rather than adding more
probe: What did you remove, and how did you know it was safe to remove?
# speed any
act: automated {x}
x: a weekly task that everyone on {team} dreaded
x: a manual check that kept letting errors through
x: the hand-offs between two teams
x: the tedious part of onboarding new engineers
x: a repetitive request that kept interrupting {team}
show: Quantified the time saved by the simpler approach
# innovation any
act: invented {x}
x: a new way to tackle a problem {team} had lived with for years
x: a cheap way to test an idea before committing to it
x: an approach nobody on {team} had tried before
x: a tool that changed how {team} worked
x: a creative workaround for a limit everyone assumed was fixed
show: Challenged how things had always been done
# learning any
act: borrowed an idea from {x} to solve a problem at work
x: a completely different industry
x: another team's way of working
x: an open-source project
x: a hobby outside work
x: a research paper
show: Borrowed an idea from another domain or team
# influence any
act: kept pushing {x} while others were sceptical
x: an unusual idea
x: a radically simpler design
x: an experiment that most of {team} thought would fail
x: a new approach that replaced a familiar one
show: Persisted with a new approach despite early scepticism
# trade-offs any
act: chose {x} to keep things simple
x: to reuse an existing component instead of building your own
x: to delete a feature rather than keep maintaining it
x: a boring, proven technology over an exciting new one
x: to retire an old system instead of patching it again
show: Prefers the solution with fewer moving parts
# mentoring manager
act: encouraged {team} to {x}
x: question a process everyone took for granted
x: run small experiments instead of big up-front plans
x: take time to invent rather than only execute
show: Creates room for invention in the team
# failure any
ev: an idea you championed to simplify {a_artifact} did not work out
ev: a simplification you made broke something you had not anticipated
ev: your new invention turned out to be harder to use than the thing it replaced
# innovation any
np: the simplest solution you have delivered to a genuinely hard problem
np: an invention of yours that {team} came to depend on
np: a rule or process you got rid of because it no longer made sense

## are-right-a-lot
# data any
act: made the right call on {x}
x: a build-or-buy decision
x: which customer segment to focus on first
x: whether a risky launch should go ahead
x: whether to keep investing in a struggling project
x: a candidate others had doubts about
show: Judgement was borne out by later results
# conflict any
act: weighed {x} before making a decision
x: conflicting advice from two people you respected
x: a strong objection from {peer}
x: evidence that contradicted your first instinct
x: the view of people who would be affected by the decision
show: Sought out dissenting views before deciding
# ambiguity any
act: made a judgement call {x}
x: when the data you had pointed in two directions
x: with only part of the information you needed
x: on a question where the experts on {team} disagreed
x: about a technology choice that would be expensive to change later
x: on a hiring, design or vendor choice with no obvious right answer
x: about which of two urgent problems to tackle first
show: Made a call with incomplete data and can explain the reasoning
probe: What information was missing when you decided?
# learning any
act: changed your mind about {x}
x: a technical decision after someone showed you new evidence
x: a plan you had defended strongly in public
x: something you had believed for years
x: a person's abilities after working closely with them
x: a recommendation you had already made to {boss}
show: Changed their mind when evidence contradicted them
# influence any
act: went looking for people who disagreed with {x}
x: your plan before you committed to it
x: a recommendation you were about to make
x: an assumption {team} had never tested
x: a design you were confident in
show: Sought out dissenting views before deciding
# failure any
ev: a decision you were confident about turned out to be wrong
ev: your read of a situation differed sharply from {boss}'s and the outcome showed who was right
ev: you made an important call and only later found out how risky it had been
ev: your prediction about how customers would react turned out to be wrong
show: Honest about when their judgement failed and what they learned
# data any
act: trusted your judgement over {x}
x: what the early numbers were telling you
x: the majority view of {team}
x: a confident recommendation from {a_stakeholder}
x: an outside expert's advice
show: Judgement was borne out by later results
# trade-offs any
act: had to decide between {x}
x: two designs that both had strong supporters
x: two plans with very different risks
x: two priorities that {team} could not both deliver
x: fixing a problem properly and living with it for another quarter
show: Named the risks and how they would detect being wrong
# safety any
act: predicted {x} before anyone else saw it coming
x: a risk in a plan everyone had approved
x: a flaw in an assumption that a whole project rested on
x: that a vendor or partner was about to let you down
x: a capacity problem months before it hit
show: Anticipated problems others missed
# ambiguity any
np: a decision you made that still looks right years later
np: a call you got right even though most people around you disagreed
np: the hardest judgement call you have made with incomplete information

## learn-and-be-curious
# learning any
act: went deep on {x} just because you wanted to understand it
x: how a critical system worked under the hood
x: why customers behaved differently from what everyone expected
x: an unfamiliar tool that a neighbouring team swore by
x: the history behind a decision everyone had stopped questioning
x: a field unrelated to your job that ended up helping at work
show: Curiosity led to a concrete improvement or discovery
# learning any
act: changed how you work after learning {x}
x: from a mistake that cost {team} time
x: from watching a more experienced colleague
x: from a book, course or conference talk
x: from the way another company solved the same problem
show: Changed behaviour after learning something new
# learning any
act: had to learn {x} very quickly
x: a technology you had never used
x: an unfamiliar part of the business
x: a codebase that was completely new to you
x: a domain such as finance, law or medicine for a project
x: the basics of a role different from your own
x: a new programming language
show: Learned a new skill or domain quickly for a real need
probe: How did you go about learning it, and how long did it take?
# innovation any
act: followed your curiosity about {x}
x: an odd pattern in how customers behaved
x: why a process worked the way it did
x: a tool other teams were using
x: a part of the system nobody on {team} really understood
x: how a competitor solved a problem you were struggling with
show: Curiosity led to a concrete improvement or discovery
# failure any
ev: a setback made you rethink how you learn and work
ev: you realised a gap in your own knowledge was holding {team} back
ev: you discovered that something you had learned years ago was no longer true
show: Changed behaviour after a failure
# learning any
act: asked for honest feedback on {x}
x: your work from someone who did not report to you
x: a skill you knew you were weak at
x: a presentation you thought had gone badly
x: your first few months in a new role
show: Seeks out feedback and acts on it
# mentoring any
act: taught others {x} so they could benefit too
x: something you had taught yourself
x: lessons from a project that went wrong
x: a technique you picked up outside work
x: what you learned from studying an unfamiliar system
show: Shares what they learned with others
# ambiguity any
act: taught yourself {x}
x: how a system worked when there was no documentation
x: a new tool to finish a task nobody else could do
x: the basics of a field outside your own
x: enough about a neighbouring team's work to help them
show: Explores beyond their immediate area
# raising-the-bar manager
act: made learning part of how {team} {x}
x: worked day to day
x: ran its reviews and retrospectives
x: planned its quarter
show: Builds learning habits in the team
# learning any
np: the most useful thing you have learned outside your core job
np: a question you asked out of curiosity that changed the direction of a project
np: the last new skill you picked up, and why you chose it

## hire-and-develop-the-best
# mentoring any
act: coached {x}
x: someone through their first big project
x: a colleague preparing for a promotion
x: a teammate who kept making the same mistake
x: {people} who lacked confidence
x: a new lead who was struggling with the role
show: Adapts coaching to the person
# hiring any
act: recognised potential in {x}
x: someone who did not look impressive on paper
x: a quiet teammate others underestimated
x: a colleague from a non-traditional background
show: Recognises and develops talent in others
# mentoring any
act: helped {x} grow
x: {people}
x: a colleague who was stuck in their career
x: someone who had been overlooked for stretch work
x: a teammate who wanted to move into a new specialty
x: an intern who was struggling with their project
show: A concrete example of someone who grew because of their coaching
probe: What specifically did you do to help them grow?
# conflict any
act: gave {x} feedback that was hard for them to hear
x: {peer}
x: someone more senior than you
x: {people}
x: a friend at work
show: Gives specific, actionable feedback
# hiring any
act: {x}
x: held the hiring bar when {team} was desperate to fill a role
x: argued against hiring a candidate everyone else liked
x: changed how {team} interviewed candidates
x: spotted potential in a candidate others wanted to reject
x: helped design an interview question that tested what really mattered
show: Kept a high hiring bar even under pressure to fill roles
# hiring any
act: helped a new hire {x}
x: become productive in their first weeks
x: find their footing on {team}
x: understand how {team}'s systems fit together
x: build confidence after a rough start
show: Invests time in onboarding and developing others
# mentoring any
act: delegated {x} so that someone else could grow
x: a high-visibility project
x: a decision you would normally have made yourself
x: the lead role on {a_launch}
x: a customer presentation
show: Helped others take on work that stretched them
# conflict manager
act: dealt with {x}
x: an underperformer on {team}
x: a strong performer whose behaviour was hurting the team
x: a report who wanted a promotion they were not ready for
show: Dealt directly with underperformance
# trade-offs manager
ev: you encouraged one of your best people to take a role outside {team}
ev: you lost a strong engineer to another team because it was right for their career
show: Helped someone move to a role where they could grow, even at a cost
# mentoring any
np: a person whose career you changed for the better
np: the best hire you were involved in
np: someone you mentored who went on to outgrow you

## insist-on-the-highest-standards
# raising-the-bar any
act: were not satisfied with {x} and improved it
x: a process everyone else thought was fine
x: the quality of {team}'s documentation
x: how {team} tested changes before release
x: the reliability of {a_artifact} that customers depended on
x: code that worked but was hard for others to maintain
show: Keeps lifting the bar over time
# quality any
act: refused to {x}
x: sign off on work that was not good enough
x: cut a corner that would have been invisible to customers
x: accept {a_artifact} that met the spec but not your standard
x: let a known defect ship just to hit a date
x: lower the bar for a partner team's deliverable
show: Refused to ship or accept work below a clear quality bar
probe: What exactly was the standard, and how did you define it?
# raising-the-bar any
act: raised the quality bar for {x}
x: how {team} reviewed each other's work
x: the documentation that came with every change
x: testing on {a_artifact} that had been neglected
x: how {team} handled incidents and follow-ups
x: the standard of design documents on {team}
show: Raised the bar for a team, not only for themselves
# quality any
act: chased down {x}
x: the real cause of a defect that kept coming back
x: a small quality flaw that most people thought was not worth fixing
x: why quality had slipped on {team}
x: every last defect before a launch you were responsible for
show: Fixed root causes so defects stay fixed
# deadlines any
act: held firm on quality {x}
x: while the deadline was getting closer
x: when {a_stakeholder} asked you to ship anyway
x: even though it meant missing a date
x: when the rest of {team} was ready to call it done
show: Balanced high standards against deadlines deliberately
# conflict any
ev: {peer} thought your standards were unreasonably high
ev: you had to tell a partner team that their work was not good enough to depend on
ev: your standards slowed {team} down and people complained
show: Brings others along to the higher standard
# data any
act: introduced {x}
x: a quality measure that {team} had never tracked
x: a checklist that caught problems before launch
x: an operational review that made quality gaps visible
x: quality gates in {team}'s release process
show: Defined measurable quality standards
# mentoring manager
act: coached {x} to raise the quality of their work
x: {people}
x: a new lead on {team}
x: a team that was used to shipping quickly and fixing later
show: Improved a process, review or mechanism
# raising-the-bar any
np: a piece of work you are proud of because of the standard you held
np: the highest quality bar you have ever held yourself to
np: a standard you set that others on {team} now follow

## think-big
# scale any
act: proposed {x}
x: a solution that would work for every team, not just yours
x: doubling the ambition of a project's original goal
x: a new product idea beyond {team}'s usual scope
x: rebuilding something from scratch to remove a long-standing limit
x: a plan that would take years to pay off
show: Aims well beyond incremental improvement
# influence any
act: inspired {x} to think bigger
x: {team}
x: a partner team stuck on small fixes
x: {boss}
show: Gets others excited about an ambitious direction
# innovation any
act: turned {x} into something much bigger
x: a small fix
x: a side project
x: a one-off request from a customer
x: a tool you had built for yourself
x: a local process improvement
show: Turned a local fix into a broader solution
probe: How did you get others to commit to the bigger idea?
# influence any
act: convinced {x} to back an ambitious plan
x: sceptical senior leaders
x: several teams with competing priorities
x: {boss}
x: a partner team that preferred the status quo
show: Got others to buy into an ambitious goal
# scale any
act: set a bold long-term vision for {x}
x: {org}
x: a platform that other teams could build on
x: a product area that had only ever been improved one step at a time
x: how {team} would work in three years
show: Articulated a bold vision beyond the immediate task
# ambiguity any
act: broke {x} into steps {team} could start on right away
x: an ambitious goal
x: a vague but exciting idea
x: a multi-year vision
x: a moonshot that nobody knew how to begin
show: Broke a big vision into achievable steps
# customer any
act: saw {x} before others did
x: where the needs of customers were heading
x: a big opportunity that nobody on {team} was chasing
x: a bigger problem behind a string of small requests
x: how a new technology could transform {product}
show: Anticipates where customer needs are heading
# failure any
ev: an ambitious bet you made did not pay off
ev: you aimed high and fell short of the goal you had set
ev: your big vision met strong resistance
show: Honest about the risks of thinking big
# innovation any
np: the biggest idea you have pushed for at work
np: a goal you set that others thought was unrealistic
np: a bold plan of yours that changed the direction of {team}

## bias-for-action
# speed any
act: made a quick decision on {x}
x: a customer request that could not wait
x: a vendor problem that was blocking {team}
x: which of two reasonable options to try first
x: rolling back a change that was hurting customers
x: a question that had been debated for too long
show: Recognises which choices can be undone cheaply
# ambiguity any
act: took a calculated risk by {x}
x: launching before everything was perfect
x: changing a plan midway without full approval
x: trying an unproven tool on a real problem
x: making a commitment before all the facts were in
show: Took a calculated risk and managed the downside
# speed any
act: moved ahead on {x}
x: a decision that could easily be undone
x: a fix without waiting for every approval
x: a prototype while others were still debating
x: a customer's urgent problem over a weekend
x: a quick experiment instead of another planning meeting
show: Acted without waiting for complete information
probe: What would have happened if you had waited another week?
# ambiguity any
act: acted quickly {x}
x: with far less information than you wanted
x: in a situation nobody had planned for
x: when {boss} was out of reach
x: because waiting would have cost customers
show: Took a calculated risk and managed the downside
# teamwork any
act: got {x} moving again
x: a project that had been stuck for weeks
x: a decision that {team} kept postponing
x: a teammate who was blocked on something outside their control
x: a cross-team effort that had stalled in meetings
show: Unblocked themselves or others quickly
# safety any
ev: customers were being affected and you had to act before you knew the full cause
ev: something broke late at night and you had to decide on your own what to do
ev: an opportunity appeared that would be gone if you waited
show: Knew when to act immediately and when to escalate
# trade-offs senior
act: deliberately slowed down {x}
x: because a decision would have been hard to reverse
x: when everyone else wanted to rush
x: on a change that could not easily be rolled back
show: Distinguished reversible from irreversible decisions
# failure any
ev: acting fast led to a mistake that you then had to fix
ev: you shipped something quickly and had to change course once you saw the results
ev: you moved too slowly and missed a chance to act
show: Adjusted course once new information arrived
# innovation any
act: shipped {x} quickly so you could learn from real usage
x: a rough first version
x: a small experiment
x: a minimal fix
x: a feature behind a flag
show: Iterated quickly instead of waiting for perfect
# speed any
np: a calculated risk you took at work that paid off
np: a decision you made in minutes that others would have spent weeks on
np: an urgent call you made without waiting for approval

## frugality
# cost any
act: saved money by {x}
x: reusing a tool {team} already paid for
x: cutting a service that few people used
x: renegotiating a contract nobody had questioned
x: doing with two people what had been planned for five
x: switching to a cheaper option that was good enough
show: Quantified the savings
# innovation any
act: built {x} on a very small budget
x: a prototype
x: a tool {team} still uses
x: a test environment
x: a working first version
show: Uses constraints as a prompt to be inventive
# cost any
act: cut the cost of {x}
x: {a_artifact} without hurting customers
x: a process that was quietly wasting money
x: infrastructure that had grown without anyone questioning it
x: a project that was running over budget
x: the cloud resources {team} had left running
show: Quantified the savings
probe: How much did this save, and how did you calculate it?
# innovation any
act: found a resourceful way to {x}
x: deliver without the budget you asked for
x: get a job done with half the people you expected
x: solve a problem without buying a new tool
x: reuse something {team} already had instead of paying for something new
x: run a test on almost no budget
show: Found creative workarounds to constraints
# influence any
act: questioned {x}
x: spending that did not add value for customers
x: a plan to hire more people to solve a process problem
x: an expensive tool that only a few people used
x: a vendor contract that nobody had reviewed in years
show: Challenged spending that did not add value
# trade-offs any
act: decided what to do without {x}
x: when the budget was too tight to do everything
x: to keep a project within its budget
x: so a small, under-resourced team could still deliver
ev: a budget cut forced you to rethink a whole plan
show: Prioritised ruthlessly when resources were limited
# quality any
act: kept quality high {x}
x: while working with a fraction of the usual budget
x: after budget cuts took away half of {team}
x: without paying for the tool everyone said you needed
show: Cut waste without harming customers or quality
# cost manager
act: {x}
x: turned down extra headcount and delivered anyway
x: negotiated a better deal with a vendor
x: reduced what {team} spent without cutting what it delivered
show: Does not measure success by the size of team or budget
# failure any
ev: saving money on a project backfired
ev: a cheaper option you chose turned out to cost more in the end
# cost any
np: the most you have achieved with the fewest resources
np: a constraint on money or people that pushed you to a better solution
np: a cost saving you found that everyone else had overlooked

## earn-trust
# failure any
act: were open about {x}
x: a mistake you made that had affected others
x: a risk you had underestimated
x: something you did not know, in front of senior people
x: a delay before anyone had to ask about it
show: Admitted a mistake openly and early
# influence any
act: listened carefully to {x} before responding
x: criticism of your work
x: a frustrated customer
x: a colleague who felt ignored
x: a team that resented a decision you had made
show: Listened to understand before responding
# failure any
ev: you had to admit a mistake to {boss}
ev: you realised you could not keep a commitment you had made to {a_stakeholder}
ev: you owned up to an error that nobody else had noticed yet
ev: you had to apologise to a colleague for how you had treated them
show: Admitted a mistake openly and early
probe: What did you actually say when you raised it?
# influence any
act: delivered bad news to {x}
x: {a_stakeholder} who was counting on you
x: customers
x: a partner team that had planned around your dates
x: {boss} right before a big review
x: a colleague about their project being cancelled
show: Delivered hard news honestly
# conflict any
act: rebuilt trust with {x}
x: {peer} after a disagreement turned personal
x: a team that felt let down by {team}
x: a customer who had stopped believing your promises
x: {boss} after you missed a commitment
show: Rebuilt a damaged relationship
# teamwork any
act: earned the trust of {x}
x: a team you had just joined
x: a sceptical partner team
x: people who had been let down by your predecessor
x: a customer who had been burned before
show: Kept commitments consistently
# conflict any
act: built a working relationship of trust with {x}
x: someone whose style was very different from yours
x: {peer} you did not get along with
x: a stakeholder who did not trust your team
x: a remote team you had never met in person
show: Listened to understand before responding
# teamwork any
act: made sure {x} got the credit they deserved
x: a quiet teammate
x: the team behind a success you were presenting
x: someone more junior than you
show: Gave credit to others
# influence any
ev: you told {boss} something they did not want to hear
ev: you were candid with senior leaders about how a project was really going
ev: being transparent about a problem put your own reputation at risk
show: Candid even when it was uncomfortable
# conflict any
np: a relationship at work that you repaired after it went wrong
np: a promise that was hard to keep but you kept anyway
np: the most difficult honest conversation you have had with a colleague

## dive-deep
# data any
act: checked {x} yourself instead of trusting a summary
x: the numbers in a report going to senior leaders
x: the data behind a surprising result
x: the work behind an estimate {team} was relying on
x: a vendor's claims about their performance
x: the results of an experiment that looked too good
show: Audited work rather than trusting summaries
# quality any
act: spent hours on {x} to understand a problem properly
x: logs from a single failed request
x: a customer's exact steps to reproduce an issue
x: the code path nobody had touched in years
x: line-by-line reconciliation of two data sets
show: Willing to do hands-on investigation at any level
# data any
act: dug into {x}
x: the numbers behind a metric that looked too good to be true
x: raw logs because the dashboards did not add up
x: the data behind a decision everyone had already accepted
x: a sudden change in {metric} that nobody could explain
x: the details of a vendor's report instead of trusting the summary
show: Used data, logs or metrics to test a hypothesis
probe: What data did you look at, and what did it show?
# quality any
act: traced {x} all the way to its root cause
x: an intermittent failure
x: a slow drift in {metric}
x: a bug that other people had given up on
x: a mismatch between two systems' records
x: a memory or performance problem that only appeared under load
show: Found the root cause through hands-on investigation
# customer any
act: noticed that {x}
x: what customers were saying did not match what the metrics showed
x: two reports of the same number disagreed
x: a trend in {metric} did not fit the story {team} was telling
x: a small anomaly in the data pointed to a much bigger problem
show: Noticed a discrepancy between the data and anecdotes
# ambiguity any
act: investigated {x} until you found the real cause
x: a problem that nobody could reproduce
x: a complaint that only a handful of customers had
x: an anomaly that appeared only once a month
x: a data discrepancy that finance kept asking about
show: Willing to do detailed work at any level
# quality manager
act: stayed close to the details of {x}
x: a project you were leading through other people
x: an incident your team was handling
x: a launch with many moving parts
show: Audited work rather than trusting summaries
# influence any
act: used {x} to challenge a widely held assumption
x: a careful analysis of the data
x: evidence you gathered and verified yourself
x: a detailed audit of the numbers
show: Explains technical or operational details precisely
# failure any
ev: the obvious explanation for a problem turned out to be wrong
ev: you missed a detail that later turned out to matter
ev: an analysis you trusted turned out to rest on bad data
# data any
np: the most difficult problem you have investigated
np: a detailed analysis you did that changed a decision
np: the deepest you have had to dig to find the root cause of a problem

## have-backbone
# conflict any
act: spoke up {x}
x: in a meeting where everyone else agreed
x: when a senior leader proposed something you thought was risky
x: about a deadline you knew {team} could not meet
x: when a decision would have hurt customers
x: against a popular idea on {team}
show: Speaks up with a clear, reasoned objection
# influence any
act: used {x} to argue against a decision
x: data you gathered yourself
x: a small prototype
x: customer feedback
x: lessons from a similar project that had failed
show: Argues from data and principle
# conflict any
act: disagreed openly with {x}
x: {boss} about the direction of a project
x: a decision that {team} had already made
x: {a_stakeholder} who had more authority than you
x: a popular plan in a planning meeting
x: an architecture choice backed by a senior engineer
show: Disagreed respectfully, backed by data or reasoning
probe: What exactly did you say when you disagreed, and to whom?
# teamwork any
act: disagreed but committed fully to {x}
x: a plan you had argued against
x: a decision that went the other way
x: a direction you privately had doubts about
x: a launch you had wanted to delay
show: Committed fully once the decision went the other way
# influence any
act: challenged {x}
x: a decision by someone much more senior
x: the consensus in a meeting
x: a plan everyone else seemed happy with
x: a policy you believed was wrong
show: Challenged someone more senior
# ethics any
act: stood your ground on {x}
x: a security concern under schedule pressure
x: a principle you thought mattered
x: a risk the rest of the room wanted to ignore
x: a commitment to customers that others wanted to drop
show: Did not cave just to avoid conflict
# conflict junior
act: pushed back on {x}
x: {peer}'s technical approach
x: a code review comment you thought was wrong
x: a task you were given that did not make sense
x: an estimate you knew was unrealistic
show: Speaks up even when junior
# trade-offs any
act: decided {x}
x: to escalate a disagreement you could not resolve
x: a disagreement was not worth pursuing any further
x: to let a decision stand even though you still disagreed
show: Knew when to escalate and when to let go
# failure any
ev: you argued hard for a position that turned out to be wrong
ev: you stayed quiet about a concern and later wished you had spoken up
ev: you disagreed with {boss} and it damaged the relationship for a while
# conflict any
np: a disagreement at work that made the final result better
np: the hardest conversation you have had with someone senior to you
np: a decision you opposed and then helped succeed

## deliver-results
# deadlines any
act: got {x} over the finish line
x: a project that had lost momentum
x: a launch with too many open issues
x: a migration that had dragged on for months
x: a cross-team deliverable nobody was driving
x: a fix a customer was waiting on
show: Pushes through obstacles rather than explaining them away
# trade-offs any
act: focused {team} on {x}
x: the one metric that really mattered
x: the few tasks that would move the outcome
x: finishing before starting anything new
show: Prioritised the inputs that mattered most
# deadlines any
act: delivered {x}
x: a critical project on a deadline that seemed impossible
x: {a_launch} after the plan fell apart halfway through
x: a result that others had written off
x: a project that had already slipped twice before you took it on
x: a commitment to a customer with a fixed date
show: States a clear, measurable result
probe: What was the measurable result, and how did you measure it?
# failure any
act: recovered from {x} and still hit your goal
x: a major setback
x: losing a key person
x: a dependency that fell through
x: a failed launch
show: Overcame significant obstacles or setbacks
# trade-offs any
act: cut {x} to deliver what mattered most
x: scope
x: a feature you cared about
x: your own side projects
x: low-value meetings and reports
show: Prioritised the inputs that mattered most
# deadlines any
act: realised {x}
x: a project was going to miss its date
x: a commitment {team} had made was at risk
x: the plan would not reach its goal without a change
show: Delivered on time, or reset expectations early
# quality any
act: kept quality up {x}
x: while working under heavy time pressure
x: when corners were being cut everywhere else
x: in the final week before {a_launch}
show: Kept quality up while under pressure
# teamwork manager
act: kept {team} focused on results {x}
x: during a reorganisation
x: after a disappointing quarter
x: when priorities kept changing
show: Personal contribution is clear
# ambiguity any
act: delivered results {x}
x: when the requirements were unclear
x: despite goals that kept moving
x: without anyone telling you how to do it
x: with a team you had never worked with before
show: Delivers despite ambiguity
# data any
act: moved {x} significantly
x: a business metric that had been flat for months
x: {metric}
x: a target that {team} had missed two quarters in a row
show: Measures success by the result achieved
# deadlines any
np: a goal you missed even though you gave it everything
np: the biggest obstacle you have had to overcome to deliver a result
np: a target you hit that others thought was out of reach

## best-employer
# teamwork any
act: made {x} better for the people on {team}
x: the onboarding experience
x: the on-call experience
x: day-to-day working conditions
x: the way feedback was given
x: how remote colleagues were included
show: Improved wellbeing, safety or inclusion for a team
# mentoring any
act: helped {x} build skills for their next role
x: {peer}
x: {people}
x: a colleague who wanted to change careers
x: someone who had been in the same role for years
show: Helps colleagues grow, inside or outside the company
# teamwork any
act: stepped in to help {x}
x: a colleague who was struggling
x: a teammate who was overwhelmed
x: someone who felt left out of the team
x: a new colleague who was having a hard time fitting in
x: a teammate dealing with a difficult personal situation
show: Showed empathy in a concrete situation
probe: What did you notice that others missed?
# safety any
act: reduced {x}
x: burnout on {team}
x: an on-call load that was wearing people down
x: a workload that could not be sustained
x: after-hours pressure on {team}
show: Removed a source of burnout or friction
# ethics any
act: made {x} fairer or more inclusive
x: how {team} shared out work
x: how meetings were run
x: how {team} welcomed new people
x: how credit and recognition were handed out
show: Made the team fairer or more inclusive
# conflict any
act: handled {x}
x: a conflict between two people on {team}
x: a complaint about how someone was being treated
x: tension that was pulling {team} apart
show: Leads with empathy in conflict
# influence any
act: spoke up for {x}
x: someone who was not being heard
x: a colleague who was treated unfairly
x: better working conditions for {team}
x: the wellbeing of people on {team}
show: Advocated for others
# data manager
act: used {x} to improve morale and wellbeing on {team}
x: survey results
x: attrition numbers
x: feedback from exit interviews
show: Measured team health and acted on it
# trade-offs any
act: protected {x} while still delivering
x: people's time outside work
x: {team}'s wellbeing under a heavy deadline
x: a colleague's personal circumstances
show: Balanced the team's needs against pressure to deliver
# teamwork any
np: something you did that made your team a better place to work
np: the way you helped someone through a hard period at work
np: a change you made so people on {team} felt safe to speak up

## broad-responsibility
# ethics any
act: raised a concern about {x}
x: how a feature might be misused
x: data being kept longer than necessary
x: a design that excluded some groups of users
x: the environmental cost of a project
x: the effect of a change on people who were not your customers
show: Put ethics, privacy or sustainability first in a real decision
# scale any
act: made {x} more sustainable
x: how {team} used computing resources
x: a product's packaging, energy use or waste
x: a process that consumed far more than it needed
show: Created lasting positive impact for the community or environment
# ethics any
act: considered the impact of {x} on people outside {org}
x: a feature you were building
x: a change to how data was collected
x: a decision that only looked at the business case
x: an automated decision system
show: Considered impact beyond the immediate customers and team
probe: Who outside the team was affected, and how did you find out?
# safety any
act: spotted {x}
x: an unintended consequence of a launch for society
x: a way a product could be misused to cause harm
x: a second-order effect on the public that nobody had considered
x: a privacy risk hidden in a routine change
show: Identified second-order or unintended consequences
# trade-offs any
act: protected {x} even though it slowed things down
x: user privacy
x: the security of customer data
x: people who could be harmed by a feature
x: the fairness of an automated decision
show: Put ethics, privacy or sustainability first in a real decision
# scale any
act: reduced {x}
x: the environmental footprint of {a_artifact}
x: the energy or waste that {team} was generating
x: the carbon cost of the infrastructure {team} ran
show: Created lasting positive impact
# customer any
act: made {product} accessible to {x}
x: people with disabilities
x: users with slow connections or old devices
x: people who had been left out of the original design
show: Thinks about people beyond the target customer
# failure any
ev: early success made {team} overconfident
ev: you discovered that something you had built had a harmful side effect
ev: a privacy or security problem reached people outside the company
show: Humble about mistakes and limitations
# influence any
act: weighed {x}
x: growth against a responsibility to society
x: a business opportunity against its effect on the public
x: what was legal against what was right
show: Balanced business goals with wider responsibility
# ethics any
np: a time your work had a positive effect on a community beyond your own company
np: an ethical responsibility you took on that nobody required of you
np: a contribution you made to your local community or to society
"""


# -- the grammar ---------------------------------------------------------------------------------


@dataclass
class Scene:
    """One situation family of an LP: acts x situations, whole events and noun phrases."""

    lp: str
    theme: str
    levels: frozenset[str]
    acts: list[str] = field(default_factory=list)
    xs: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    nps: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)
    shows: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)


_KEYS = {"act": "acts", "x": "xs", "ev": "events", "np": "nps", "tail": "tails",
         "show": "shows", "probe": "probes"}  # fmt: skip


def parse_grammar(source: str) -> dict[str, list[Scene]]:
    """Parse the grammar text: `## lp-slug`, `# theme levels`, then `key: value` lines."""
    scenes: dict[str, list[Scene]] = {}
    lp: str | None = None
    current: Scene | None = None
    for lineno, raw in enumerate(source.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            lp = line[3:].strip()
            scenes[lp] = []
            current = None
        elif line.startswith("# "):
            if lp is None:
                raise ValueError(f"grammar line {lineno}: scene before any LP")
            theme, *levels = line[2:].split()
            if theme not in THEMES:
                raise ValueError(f"grammar line {lineno}: unknown theme {theme!r}")
            current = Scene(lp, theme, frozenset(levels or ["any"]))
            scenes[lp].append(current)
        else:
            key, _, value = line.partition(":")
            if current is None or key not in _KEYS or not value.strip():
                raise ValueError(f"grammar line {lineno}: cannot parse {line!r}")
            getattr(current, _KEYS[key]).append(value.strip())
    for lp_scenes in scenes.values():
        for scene in lp_scenes:
            if scene.acts and not scene.xs and any("{x}" in a for a in scene.acts):
                raise ValueError(f"{scene.lp}/{scene.theme}: act needs x lines")
    return scenes


def _article(phrase: str) -> str:
    """'a' or 'an' for `phrase` (handles acronyms such as API)."""
    word = phrase.split()[0] if phrase.split() else ""
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    lower = word.lower()
    if lower.startswith(("uni", "use", "usu", "one", "eu")):
        return "a"
    return "an" if lower[:1] in "aeiou" or lower.startswith("hour") else "a"


class _Vocab(dict):
    """Placeholder values; `a_<key>` yields the value with its indefinite article."""

    def __missing__(self, key: str) -> str:
        if key.startswith("a_") and key[2:] in self:
            value = str(self[key[2:]])
            return f"{_article(value)} {value}"
        raise KeyError(key)


@dataclass
class _Candidate:
    """A rendered prompt before filtering, with what it was made from."""

    text: str
    lp: str
    theme: str | None
    scene: Scene | None = None
    shows: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    source: Source = "offline"
    # What near-duplicate checks compare: the situation and demand without any theme or level
    # ending (an ending changes the angle, not the story that answers it). None: derive it.
    core: str | None = None

    def dedup_text(self) -> str:
        """The text compared for near-duplicates."""
        return self.core if self.core is not None else prompt_core(self.text)


_ACT_OPENERS = (
    "Tell me about a time you {c}.", "Tell me about a time when you {c}.",
    "Describe a situation where you {c}.", "Give me an example of a time you {c}.",
    "Walk me through a time you {c}.", "Describe a time when you {c}.",
    "Tell me about the last time you {c}.", "Can you tell me about a time you {c}?",
    "Share an example of a time you {c}.",
)  # fmt: skip
_EVENT_OPENERS = (
    "Tell me about a time when {c}.", "Describe a situation where {c}.",
    "Give me an example of a time when {c}.", "Walk me through a time when {c}.",
    "Tell me about the last time {c}.",
)  # fmt: skip
_NP_OPENERS = (
    "Tell me about {c}.", "Describe {c}.", "Give me an example of {c}.", "Walk me through {c}.",
)


class OfflineComposer:
    """Renders grammar scenes into prompts for one request, deterministically for a seed."""

    def __init__(
        self,
        grammar: Mapping[str, list[Scene]],
        principles: Mapping[str, Principle],
        request: PromptRequest,
        hints: ContextHints,
        rng: random.Random,
    ) -> None:
        """Build the per-LP queues of (scene, item) the composer will walk through."""
        self.principles = principles
        self.request = request
        self.hints = hints
        self.rng = rng
        self._queues: dict[str, list[tuple[Scene, str, int, int]]] = {}
        allowed = _LEVEL_SCENES[request.level]
        for lp in grammar:
            per_scene: list[list[tuple[Scene, str, int, int]]] = []
            for scene in grammar[lp]:
                if not (scene.levels & allowed):
                    continue
                # Every situation once (with a rotating act) before any situation again with
                # another act: those read as near-rewordings and are tried last.
                first: list[tuple[Scene, str, int, int]] = []
                later: list[tuple[Scene, str, int, int]] = []
                for xi in range(len(scene.xs)):
                    for ai in range(len(scene.acts)):
                        item = (scene, "act", ai, xi)
                        (first if ai == xi % len(scene.acts) else later).append(item)
                first += [(scene, "ev", ei, 0) for ei in range(len(scene.events))]
                first += [(scene, "np", ni, 0) for ni in range(len(scene.nps))]
                rng.shuffle(first)
                rng.shuffle(later)
                per_scene.append(first + later)
            rng.shuffle(per_scene)
            # Round-robin over scenes, so a short batch covers many situations and themes.
            queue: list[tuple[Scene, str, int, int]] = []
            while any(per_scene):
                for items in per_scene:
                    if items:
                        queue.append(items.pop(0))
            self._queues[lp] = queue
        self._openers = {"act": list(_ACT_OPENERS), "ev": list(_EVENT_OPENERS),
                         "np": list(_NP_OPENERS)}  # fmt: skip
        for openers in self._openers.values():
            rng.shuffle(openers)
        self._opener_turn = Counter[str]()
        self._tails: dict[str, list[str]] = {}
        self._tail_turn = Counter[str]()

    def remaining(self, lp: str) -> int:
        """How many unrendered items the LP has left."""
        return len(self._queues.get(lp, ()))

    def _vocab(self) -> _Vocab:
        """Placeholder values for one prompt: level and role wording, sampled per prompt."""
        pick = self.rng.choice
        vocab = _Vocab()
        role = _ROLE_VOCAB[self.request.role_family]
        for source in (role, _LEVEL_VOCAB[self.request.level]):
            for key, value in source.items():
                vocab[key] = pick(value) if isinstance(value, list) else value
        if self.hints.nouns and self.rng.random() < 0.6:
            # The job description's own nouns make the prompt feel written for this role.
            vocab["artifact"] = pick(self.hints.nouns)
        for key in ("people", "peer", "senior"):
            # Fill in the role's person noun, then fix the article ("a analyst" -> "an analyst").
            value = str(vocab[key]).replace("{rp}", str(vocab["rp"]))
            first, _, rest = value.partition(" ")
            vocab[key] = f"{_article(rest)} {rest}" if first in ("a", "an") and rest else value
        return vocab

    def _next_item(self, lp: str, theme: str | None) -> tuple[Scene, str, int, int] | None:
        """The next queued item for `lp`: a scene of `theme` if any is left, else one that can
        take a theme ending (short acts), else whatever is next."""
        queue = self._queues.get(lp)
        if not queue:
            return None
        if theme is not None:
            for i, item in enumerate(queue):
                if item[0].theme == theme:
                    return queue.pop(i)
            for i, (scene, kind, ai, xi) in enumerate(queue):
                if kind == "act":
                    core = scene.acts[ai].replace("{x}", scene.xs[xi])
                    if len(core.split()) <= _MAX_CORE_WORDS_FOR_TAIL:
                        return queue.pop(i)
        return queue.pop(0)

    def _theme_tail(self, theme: str) -> str:
        """The next ending for `theme`, rotating so one batch does not repeat the same one."""
        if theme not in self._tails:
            self._tails[theme] = self.rng.sample(_THEME_TAILS[theme], k=len(_THEME_TAILS[theme]))
        tails = self._tails[theme]
        tail = tails[self._tail_turn[theme] % len(tails)]
        self._tail_turn[theme] += 1
        return tail

    def compose(self, lp: str, theme: str | None) -> _Candidate | None:
        """Render the next prompt for `lp` (about `theme` when given), or None when exhausted."""
        item = self._next_item(lp, theme)
        if item is None:
            return None
        scene, kind, i, j = item
        vocab = self._vocab()
        if kind == "act":
            core = scene.acts[i].replace("{x}", scene.xs[j])
        elif kind == "ev":
            core = scene.events[i]
        else:
            core = scene.nps[i]
        try:
            # Same shape as prompt_core() of the finished text, so the vectors compare fairly.
            bare = (f"you {core}" if kind == "act" else core).format_map(vocab).lower()
        except (KeyError, IndexError, ValueError):
            return None  # a malformed grammar line: skip rather than emit braces
        tail = None
        short = len(core.split()) <= _MAX_CORE_WORDS_FOR_TAIL
        if theme is not None and scene.theme != theme and kind == "act" and short:
            tail = self._theme_tail(theme)
        elif theme is not None and scene.theme != theme:
            # No natural way to make this one about the theme: report its own theme.
            theme = None
        elif kind == "act" and short:
            roll = self.rng.random()
            if scene.tails and roll < 0.3:
                tail = self.rng.choice(scene.tails)
            elif roll > 0.85 and _LEVEL_TAILS[self.request.level]:
                tail = self.rng.choice(_LEVEL_TAILS[self.request.level])
        if tail:
            core = f"{core}, {tail}"
        openers = self._openers[kind]
        if kind == "np" and core.startswith("the "):
            # "Give me an example of the hardest..." reads badly; superlatives take the others.
            openers = [o for o in openers if not o.startswith("Give me")]
        opener = openers[self._opener_turn[kind] % len(openers)]
        self._opener_turn[kind] += 1
        try:
            text = opener.format(c=core.format_map(vocab))
        except (KeyError, IndexError, ValueError):
            return None  # a malformed grammar line: skip rather than emit braces
        text = text[0].upper() + text[1:]
        final_theme = theme or scene.theme
        shows = self._shows(scene, final_theme)
        probes = self._probes(scene, lp, final_theme)
        return _Candidate(text, lp, final_theme, scene, shows, probes, core=bare)

    def _shows(self, scene: Scene, theme: str | None) -> list[str]:
        """What a strong answer shows: the scene's signal, the theme's, the level's."""
        principle = self.principles[scene.lp]
        out = list(scene.shows[:1])
        if theme and theme in _THEME_SHOWS:
            out.append(_THEME_SHOWS[theme])
        others = [s for s in principle.signals if s not in out]
        if others and len(out) < 2:
            out.append(self.rng.choice(others))
        out.append(_LEVEL_SHOWS[self.request.level])
        return out[:3]

    def _probes(self, scene: Scene, lp: str, theme: str | None) -> list[str]:
        """The scene's own follow-up, if it has one; the filter adds the closest LP probes."""
        del lp, theme  # the LP and theme probes are chosen once the prompt's vector is known
        return list(scene.probes[:1])


# -- context: job description or the candidate's stories ----------------------------------------

_THEME_CUES: dict[str, tuple[str, ...]] = {
    "conflict": ("conflict", "disagree", "disagreement", "push back", "pushed back", "tension",
                 "difficult stakeholder", "negotiat", "align"),
    "failure": ("fail", "mistake", "missed", "went wrong", "setback", "postmortem", "incident"),
    "customer": ("customer", "client", "user", "seller", "buyer", "consumer"),
    "ambiguity": ("ambigu", "unclear", "undefined", "fast-paced", "fast paced", "startup",
                  "changing requirements", "uncertain", "greenfield", "0 to 1", "zero to one"),
    "deadlines": ("deadline", "on time", "tight timeline", "time-sensitive", "deliver quickly",
                  "under pressure", "launch date", "schedule"),
    "mentoring": ("mentor", "coach", "grow engineers", "develop others", "teach", "junior"),
    "trade-offs": ("trade-off", "tradeoff", "prioriti", "balance", "competing"),
    "raising-the-bar": ("high standard", "best practice", "operational excellence",
                        "raise the bar", "quality bar", "code review", "engineering excellence"),
    "scale": ("scale", "scalab", "distributed", "high volume", "large-scale", "millions"),
    "data": ("data", "metric", "analytics", "sql", "dashboard", "experiment", "a/b"),
    "cost": ("cost", "budget", "efficien", "frugal"),
    "hiring": ("hiring", "recruit", "interview"),
    "innovation": ("innovat", "invent", "new product", "prototype", "patent"),
    "influence": ("stakeholder", "cross-functional", "influence", "partner team", "leadership"),
}  # fmt: skip
_NOUN_HEADS = (
    "service", "services", "platform", "platforms", "pipeline", "pipelines", "system", "systems",
    "api", "apis", "app", "apps", "application", "applications", "product", "products", "model",
    "models", "dashboard", "dashboards", "infrastructure", "tool", "tools", "tooling", "portal",
    "engine", "marketplace", "network", "database", "databases", "workflow", "workflows",
)  # fmt: skip
_STOP_WORDS = (
    "a an the our your their its this that these those of for to in on at with and or new "
    "scalable large robust reliable high highly global internal external key core modern "
    "complex critical multiple various several many other all any will you we they build "
    "building design designing own owning maintain maintaining work working is are be"
)
_STOP = frozenset(_STOP_WORDS.split())
# Candidates' stories say "I" and "my"; job descriptions say "we", "our" and "you".
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|my|me|myself)\b", re.IGNORECASE)


@dataclass
class ContextHints:
    """What a job description or the candidate's stories suggest: themes, LPs, domain nouns."""

    kind: Literal["none", "job-description", "stories"] = "none"
    themes: list[str] = field(default_factory=list)
    lps: list[str] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)


def _domain_nouns(text: str, limit: int = 6) -> list[str]:
    """Singular noun phrases such as "payments platform" from a job description."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text)
    found: list[str] = []
    for i, word in enumerate(words):
        head = word.lower()
        if head not in _NOUN_HEADS or i == 0:
            continue
        mods = []
        for prev in reversed(words[max(0, i - 2) : i]):
            if prev.lower() in _STOP or len(prev) < 3:
                break
            mods.insert(0, prev.lower() if not prev.isupper() else prev)
        if not mods:
            continue
        singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
        singular = {"api": "API", "apis": "API"}.get(singular, singular)
        phrase = " ".join([*mods[-2:], singular])
        if phrase not in found and len(phrase) <= 40:
            found.append(phrase)
        if len(found) >= limit:
            break
    return found


def analyse_context(
    text: str | None, classifier: LPClassifier | None = None
) -> ContextHints:
    """Read a job description (themes and LPs it stresses) or stories (what they leave out)."""
    if not text or not text.strip():
        return ContextHints()
    lowered = text.lower()
    words = max(1, len(lowered.split()))
    stories = len(_FIRST_PERSON.findall(text)) / words > 0.03
    mentioned = [t for t, cues in _THEME_CUES.items() if any(c in lowered for c in cues)]
    hints = ContextHints(kind="stories" if stories else "job-description")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if len(p.split()) >= 12] or [text]
    ranked: list[str] = []
    if classifier is not None:
        per_paragraph = 4 if len(paragraphs) == 1 else 2
        for ranking in classifier.rank(paragraphs):
            ranked.extend(r for r in ranking[:per_paragraph] if r not in ranked)
    if stories:
        # Stories show what the candidate already has; ask about what they do not.
        hints.themes = [t for t in CORE_THEMES if t not in mentioned]
        covered = set(ranked)
        if classifier is not None:
            hints.lps = [s for s in classifier.slugs if s not in covered][:4]
    else:
        hints.themes = [t for t in CORE_THEMES if t in mentioned] + [
            t for t in mentioned if t not in CORE_THEMES
        ]
        hints.lps = ranked[:4]
        hints.nouns = _domain_nouns(text)
    return hints


# -- the generator -------------------------------------------------------------------------------


class LLMPromptItem(BaseModel):
    """One prompt as the model returns it."""

    text: str
    lp: str
    theme: str | None = None
    strong_answer_shows: list[str] = Field(default_factory=list)
    probes: list[str] = Field(default_factory=list)


class LLMPromptList(BaseModel):
    """The model's structured reply."""

    prompts: list[LLMPromptItem]


@dataclass
class _Accepted:
    """A prompt that passed the filter, with its core vector for later comparisons."""

    candidate: _Candidate
    vector: np.ndarray  # the bare core (situation and demand, no endings)
    asked_vector: np.ndarray  # the core as asked, endings included
    lps: list[str]


class PromptGenerator:
    """Generates and filters prompts; holds the grammar, classifier and cached bank vectors."""

    def __init__(
        self,
        principles: Mapping[str, Principle] | None = None,
        *,
        embedder: MiniLMEmbedding | None = None,
        classifier: LPClassifier | None = None,
        cache_dir: Path | None = None,
        near_dup_threshold: float = NEAR_DUP_THRESHOLD,
        agreement_k: int = AGREEMENT_K,
    ) -> None:
        """Parse the grammar now; embeddings load on first use (bank vectors cached on disk)."""
        self.principles = dict(principles or load_principles())
        self.grammar = {lp: s for lp, s in GRAMMAR.items() if lp in self.principles}
        if embedder is None:
            from agents.embeddings import get_embedding_function

            embedder = get_embedding_function()
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.classifier = classifier or LPClassifier(
            self.principles, embedder=embedder, cache_dir=cache_dir
        )
        self.threshold = near_dup_threshold
        self.agreement_k = agreement_k
        self.bank = [q.text for p in self.principles.values() for q in p.questions]
        self._bank_keys = {_lexical_key(t) for t in self.bank}
        self._bank_vectors: np.ndarray | None = None
        self._probe_vectors: np.ndarray | None = None
        self._probe_owners: list[str] = []
        self._probe_texts: list[str] = []
        self._lock = threading.Lock()

    def bank_vectors(self) -> np.ndarray:
        """Core vectors of the hand-written bank, embedded once and cached on disk."""
        if self._bank_vectors is None:
            with self._lock:
                if self._bank_vectors is None:
                    cores = [prompt_core(t) for t in self.bank]
                    self._bank_vectors = cached_embed(
                        cores, self.embedder, self.cache_dir, "bank-cores"
                    )
        return self._bank_vectors

    def _probe_index(self) -> tuple[list[str], list[str], np.ndarray]:
        """Every LP probe with its LP and vector (embedded once, cached on disk)."""
        if self._probe_vectors is None:
            with self._lock:
                if self._probe_vectors is None:
                    owners = [lp for lp, p in self.principles.items() for _ in p.probes]
                    texts = [q for p in self.principles.values() for q in p.probes]
                    vectors = cached_embed(texts, self.embedder, self.cache_dir, "lp-probes")
                    self._probe_owners, self._probe_texts = owners, texts
                    self._probe_vectors = vectors
        return self._probe_owners, self._probe_texts, self._probe_vectors

    def _complete_probes(self, cand: _Candidate, vector: np.ndarray) -> list[str]:
        """Two or three follow-ups: the candidate's own, then the LP probes closest to the
        prompt (so they fit what was asked), then one for the theme."""
        owners, texts, vectors = self._probe_index()
        probes = list(dict.fromkeys(cand.probes))[:3]
        mine = [i for i, lp in enumerate(owners) if lp == cand.lp]
        ranked = sorted(mine, key=lambda i: -float(vectors[i] @ vector))
        for i in ranked:
            if len(probes) >= 2:
                break
            if texts[i] not in probes:
                probes.append(texts[i])
        theme_probe = _THEME_PROBES.get(cand.theme or "")
        if cand.source == "offline" and theme_probe and theme_probe not in probes:
            probes.append(theme_probe)
        return probes[:3]

    def warm_up(self) -> None:
        """Load the model and the bank and prototype vectors now rather than on first use."""
        self.bank_vectors()
        self._probe_index()
        self.classifier.rank(["Tell me about a time you helped a customer."])

    # -- filter ---------------------------------------------------------------------------------

    def _filter(
        self,
        candidates: Sequence[_Candidate],
        accepted: list[_Accepted],
        practised: tuple[set[str], np.ndarray],
        stats: Counter[str],
    ) -> list[_Accepted]:
        """Apply the quality filter to one round of candidates; returns the newly accepted."""
        seen = {_lexical_key(a.candidate.text, a.candidate.core) for a in accepted}
        practised_keys, practised_vectors = practised
        survivors: list[_Candidate] = []
        for cand in candidates:
            stats["candidates"] += 1
            cand.text = clean_prompt_text(cand.text)
            problem = form_problem(cand.text)
            if problem is not None:
                stats[f"rejected:{problem}"] += 1
                continue
            key = _lexical_key(cand.text, cand.core)
            if key in practised_keys:
                stats["rejected:practised"] += 1
                continue
            if key in self._bank_keys:
                stats["rejected:near-duplicate-bank"] += 1
                continue
            if key in seen:
                stats["rejected:near-duplicate-batch"] += 1
                continue
            seen.add(key)
            survivors.append(cand)
        if not survivors:
            return []
        # One embedding call for everything: the bare core (situation without endings), the
        # core as asked (with endings, which can themselves echo a bank question) and the full
        # text (for the classifier). Identical strings are embedded once.
        bare = [c.dedup_text() for c in survivors]
        asked = [prompt_core(c.text) for c in survivors]
        texts = [c.text for c in survivors]
        unique = list(dict.fromkeys([*bare, *asked, *texts]))
        table = dict(zip(unique, self.embedder.embed(unique), strict=True))
        bare_v = np.stack([table[t] for t in bare])
        asked_v = np.stack([table[t] for t in asked])
        fulls = np.stack([table[t] for t in texts])
        scores = self.classifier.scores(texts, fulls)
        slugs = self.classifier.slugs
        rankings = [[slugs[j] for j in np.argsort(-row, kind="stable")] for row in scores]
        shares = np.exp(scores - scores.max(axis=1, keepdims=True))
        shares /= shares.sum(axis=1, keepdims=True)
        stats["lp-checked"] += len(survivors)

        def worst(against: np.ndarray) -> np.ndarray:
            """Highest similarity of each survivor to `against`, either core form."""
            if not len(against):
                return np.zeros(len(survivors))
            return np.maximum((bare_v @ against.T).max(axis=1), (asked_v @ against.T).max(axis=1))

        bank_max = worst(self.bank_vectors())
        practised_max = worst(practised_vectors)
        batch_bare = [a.vector for a in accepted]
        batch_asked = [a.asked_vector for a in accepted]
        new: list[_Accepted] = []
        for i, cand in enumerate(survivors):
            ranking = rankings[i]
            if cand.lp not in ranking[: self.agreement_k]:
                stats["rejected:lp-disagreement"] += 1
                continue
            if practised_max[i] >= self.threshold:
                stats["rejected:practised"] += 1
                continue
            if bank_max[i] >= self.threshold:
                stats["rejected:near-duplicate-bank"] += 1
                continue
            if batch_bare and max(
                float(np.max(np.stack(batch_bare) @ bare_v[i])),
                float(np.max(np.stack(batch_asked) @ asked_v[i])),
            ) >= self.threshold:
                stats["rejected:near-duplicate-batch"] += 1
                continue
            # A confident classifier favourite other than the intended LP is named as a second
            # LP the prompt also tests; a weak one is noise and left out.
            top = ranking[0]
            second = top != cand.lp and shares[i][slugs.index(top)] >= SECOND_LP_SHARE
            lps = [cand.lp, top] if second else [cand.lp]
            cand.probes = self._complete_probes(cand, fulls[i])
            new.append(_Accepted(cand, bare_v[i], asked_v[i], lps))
            batch_bare.append(bare_v[i])
            batch_asked.append(asked_v[i])
        stats["accepted"] += len(new)
        return new

    def _practised(self, request: PromptRequest) -> tuple[set[str], np.ndarray]:
        """Lexical keys and core vectors of what the user has already practised."""
        texts = [t for t in request.practised if t and t.strip()]
        if not texts:
            return set(), np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return {_lexical_key(t) for t in texts}, self.embedder.embed(
            [prompt_core(t) for t in texts]
        )

    # -- planning -------------------------------------------------------------------------------

    def _plan(self, request: PromptRequest, hints: ContextHints) -> tuple[list[str], list[str]]:
        """Which LPs and themes to cycle through."""
        lps = [lp for lp in request.lps if lp in self.principles]
        if not lps:
            lps = [lp for lp in hints.lps if lp in self.principles]
        if not lps:
            role = drill_role_for(request.level, request.role_family)
            lps = [lp for lp in role_lps(role) if lp in self.principles]
        themes = list(request.themes) or list(hints.themes[:3])
        return lps, themes

    def _to_prompt(self, item: _Accepted, request: PromptRequest) -> GeneratedPrompt:
        """The public model for an accepted candidate."""
        cand = item.candidate
        return GeneratedPrompt(
            text=cand.text,
            lps=item.lps,
            level=request.level,
            role_family=request.role_family,
            theme=cand.theme,
            strong_answer_shows=cand.shows,
            probes=cand.probes,
            source=cand.source,
        )

    # -- offline --------------------------------------------------------------------------------

    def _offline(
        self,
        request: PromptRequest,
        n: int,
        accepted: list[_Accepted],
        practised: tuple[set[str], np.ndarray],
        stats: Counter[str],
        hints: ContextHints,
        rng: random.Random,
    ) -> list[_Accepted]:
        """Compose and filter offline prompts until `n` more are accepted or ideas run out."""
        lps, themes = self._plan(request, hints)
        composer = OfflineComposer(self.grammar, self.principles, request, hints, rng)
        new: list[_Accepted] = []
        slot = 0
        for _round in range(8):
            need = n - len(new)
            if need <= 0 or not any(composer.remaining(lp) for lp in lps):
                break
            # Over-generate: about one candidate in five is filtered out.
            want = math.ceil(need * 1.3) + 2
            candidates: list[_Candidate] = []
            misses = 0
            while len(candidates) < want and misses < len(lps) * 2:
                lp = lps[slot % len(lps)]
                theme = themes[(slot // len(lps)) % len(themes)] if themes else None
                slot += 1
                cand = composer.compose(lp, theme)
                if cand is None:
                    misses += 1
                    continue
                misses = 0
                candidates.append(cand)
            kept = self._filter(candidates, accepted + new, practised, stats)
            new.extend(kept)
        return self._balanced(new, lps, n)

    @staticmethod
    def _balanced(items: list[_Accepted], lps: list[str], n: int) -> list[_Accepted]:
        """Take `n` items round-robin over LPs, so over-generation does not skew the mix."""
        by_lp: dict[str, list[_Accepted]] = {lp: [] for lp in lps}
        for item in items:
            by_lp.setdefault(item.candidate.lp, []).append(item)
        out: list[_Accepted] = []
        while len(out) < n and any(by_lp.values()):
            for lp in list(by_lp):
                if by_lp[lp] and len(out) < n:
                    out.append(by_lp[lp].pop(0))
        return out

    # -- LLM ------------------------------------------------------------------------------------

    def _llm_messages(
        self,
        request: PromptRequest,
        lps: list[str],
        themes: list[str],
        n: int,
        hints: ContextHints,
        done: Sequence[str] = (),
    ) -> list[dict[str, str]]:
        """The system and user messages for one LLM round."""
        from agents.prompts import render

        principles = [self.principles[lp] for lp in lps]
        examples = [q.text for p in principles for q in p.questions[:2]]
        # What the user practised and what earlier calls produced: both must not come back.
        avoid = [*[t for t in request.practised if t.strip()][:20], *done[-20:]]
        user = render(
            "question_gen",
            n=n,
            principles=principles,
            level=LEVEL_LABELS[request.level],
            role=ROLE_LABELS[request.role_family],
            themes=themes,
            # The context is data inside a delimited block; it must not be able to close it.
            context=re.sub(r"</?\s*candidate_context\s*>", "", (request.context or ""))
            .strip()[:4000],
            context_kind=hints.kind,
            examples=examples,
            avoid=avoid,
        )
        return [
            {"role": "system", "content": render("question_gen_system")},
            {"role": "user", "content": user},
        ]

    def _from_llm(
        self, reply: LLMPromptList, lps: list[str], request: PromptRequest, rng: random.Random
    ) -> list[_Candidate]:
        """Turn the model's items into candidates; unknown LPs are dropped here."""
        out: list[_Candidate] = []
        for item in reply.prompts:
            try:
                lp = normalise_lp(item.lp)
            except ValueError:
                continue
            if lp not in lps:
                continue
            theme = None
            if item.theme:
                try:
                    theme = normalise_theme(item.theme)
                except ValueError:
                    theme = None
            principle = self.principles[lp]
            # Missing or malformed probes are topped up from the LP's probes after filtering.
            probes = [p.strip() for p in item.probes if p.strip().endswith("?")][:3]
            shows = [s.strip() for s in item.strong_answer_shows if s.strip()][:4]
            if not shows:
                shows = rng.sample(list(principle.signals), k=min(2, len(principle.signals)))
                shows.append(_LEVEL_SHOWS[request.level])
            out.append(_Candidate(item.text, lp, theme, None, shows, probes, "llm"))
        return out

    def _llm(
        self,
        request: PromptRequest,
        llm: ChatModel,
        practised: tuple[set[str], np.ndarray],
        stats: Counter[str],
        hints: ContextHints,
        rng: random.Random,
    ) -> tuple[list[_Accepted], str | None]:
        """Ask the model for prompts in small calls and keep those that pass the filter.

        Returns the accepted prompts and, if a call failed, the user-facing reason (what was
        accepted before the failure is kept)."""
        from agents.llm import LLMBackendError

        lps, themes = self._plan(request, hints)
        new: list[_Accepted] = []
        # Small calls: a reply of LLM_CHUNK prompts fits the default token budget, and each
        # call can steer towards the LPs that are still short.
        for _call in range(math.ceil(request.n / LLM_CHUNK) + 1):
            if len(new) >= request.n:
                break
            have = Counter(a.candidate.lp for a in new)
            order = sorted(range(len(lps)), key=lambda i: (have[lps[i]], i))
            chunk_lps = [lps[i] for i in order[:LLM_CHUNK]]
            ask = min(LLM_CHUNK, request.n - len(new) + 1)
            done = [a.candidate.text for a in new]
            messages = self._llm_messages(request, chunk_lps, themes, ask, hints, done)
            try:
                reply = llm.structured(messages, LLMPromptList)
            except LLMBackendError as e:
                return self._balanced(new, lps, request.n), e.user_message
            candidates = self._from_llm(reply, lps, request, rng)
            stats["rejected:unknown-lp"] += len(reply.prompts) - len(candidates)
            stats["candidates"] += len(reply.prompts) - len(candidates)
            new.extend(self._filter(candidates, new, practised, stats))
        return self._balanced(new, lps, request.n), None

    # -- entry point ----------------------------------------------------------------------------

    def generate(self, request: PromptRequest, llm: ChatModel | None = None) -> PromptBatch:
        """Generate `request.n` filtered prompts: via the LLM when available, else offline."""
        started = time.perf_counter()
        seed = request.seed if request.seed is not None else random.SystemRandom().randrange(2**32)
        rng = random.Random(seed)
        stats: Counter[str] = Counter()
        batch = PromptBatch()
        hints = analyse_context(request.context, self.classifier)
        practised = self._practised(request)
        accepted: list[_Accepted] = []
        if llm is not None and llm.available:
            accepted, error = self._llm(request, llm, practised, stats, hints, rng)
            short = request.n - len(accepted)
            if error is not None:
                which = "These prompts come" if not accepted else f"{short} of the prompts come"
                batch.notices.append(f"{error}. {which} from the offline generator instead.")
            elif short > 0:
                batch.notices.append(
                    f"The language model's prompts passed the quality filter for only "
                    f"{len(accepted)} of {request.n}; {short} more come from the offline "
                    "generator."
                )
        if len(accepted) < request.n:
            accepted += self._offline(
                request, request.n - len(accepted), accepted, practised, stats, hints, rng
            )
        if len(accepted) < request.n:
            batch.notices.append(
                f"Only {len(accepted)} distinct prompts could be generated for this combination "
                "(LPs, level, themes and already-practised prompts); add LPs or themes for more."
            )
        batch.extend(self._to_prompt(a, request) for a in accepted)
        batch.stats = stats
        batch.seconds = time.perf_counter() - started
        return batch


GRAMMAR: dict[str, list[Scene]] = parse_grammar(_GRAMMAR_SOURCE)

_generators: dict[str | None, PromptGenerator] = {}
_generators_lock = threading.Lock()


def get_generator(settings: Settings | None = None) -> PromptGenerator:
    """A process-wide generator whose bank vectors are cached under `settings.data_dir`."""
    cache_dir = settings.data_dir / "cache" if settings is not None else None
    key = str(cache_dir) if cache_dir else None
    with _generators_lock:
        if key not in _generators:
            _generators[key] = PromptGenerator(cache_dir=cache_dir)
        return _generators[key]


def generate(
    request: PromptRequest,
    llm: ChatModel | None = None,
    *,
    settings: Settings | None = None,
    generator: PromptGenerator | None = None,
) -> PromptBatch:
    """Generate prompts for `request` (LLM when available, offline otherwise)."""
    return (generator or get_generator(settings)).generate(request, llm)


# -- outputs -------------------------------------------------------------------------------------


def _lp_names(slugs: Sequence[str]) -> str:
    """Human names for LP slugs, joined."""
    principles = load_principles()
    return ", ".join(principles[s].name if s in principles else s for s in slugs)


def to_markdown(prompts: Sequence[GeneratedPrompt], title: str = "Practice prompts") -> str:
    """A Markdown document: each prompt with its LPs, what a strong answer shows, follow-ups."""
    lines = [f"# {title}", ""]
    for i, p in enumerate(prompts, 1):
        lines.append(f"## {i}. {p.text}")
        lines.append("")
        meta = f"**LP:** {_lp_names(p.lps)} · **Level:** {LEVEL_LABELS[p.level]}"
        if p.theme:
            meta += f" · **Theme:** {p.theme}"
        lines += [meta, "", "**A strong answer shows:**", ""]
        lines += [f"- {s}" for s in p.strong_answer_shows]
        lines += ["", "**Follow-ups:**", ""]
        lines += [f"- {q}" for q in p.probes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


CSV_FIELDS = ("text", "lps", "level", "role_family", "theme", "strong_answer_shows", "probes",
              "source")  # fmt: skip


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ would be executed)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(prompts: Sequence[GeneratedPrompt]) -> str:
    """CSV with one prompt per row; list fields are joined with ' | '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in prompts:
        row = [p.text, ";".join(p.lps), p.level, p.role_family, p.theme or "",
               " | ".join(p.strong_answer_shows), " | ".join(p.probes), p.source]  # fmt: skip
        writer.writerow([_csv_cell(str(v)) for v in row])
    return buffer.getvalue()


def to_json(prompts: Sequence[GeneratedPrompt]) -> str:
    """A JSON array of the prompts."""
    import json

    return json.dumps([p.model_dump(mode="json") for p in prompts], ensure_ascii=False, indent=2)


def export(prompts: Sequence[GeneratedPrompt], path: Path | str) -> Path:
    """Write prompts to `path` as Markdown (.md), CSV (.csv) or JSON (.json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    writers = {".md": to_markdown, ".markdown": to_markdown, ".csv": to_csv, ".json": to_json}
    if suffix not in writers:
        raise ValueError(f"unsupported export format {suffix!r}; use .md, .csv or .json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(writers[suffix](prompts), encoding="utf-8")
    return path


def load_prompts(data: str | Sequence[Mapping[str, Any]]) -> list[GeneratedPrompt]:
    """Prompts back from JSON text or a list of dicts (UI state, `--json` output)."""
    import json

    items = json.loads(data) if isinstance(data, str) else list(data)
    out: list[GeneratedPrompt] = []
    for item in items:
        try:
            out.append(GeneratedPrompt.model_validate(item))
        except ValidationError as e:
            raise ValueError(f"not a generated prompt: {e.errors()[0]['msg']}") from e
    return out


_DRILL_ROLE = {"sde1": "sde1", "sde2": "sde2", "sde3": "senior", "principal": "senior",
               "manager": "manager"}  # fmt: skip


def drill_config(
    prompts: Sequence[GeneratedPrompt],
    *,
    mode: Literal["coach", "interview"] = "coach",
    round_type: Literal["phone", "loop", "bar_raiser"] = "loop",
    seed: int | None = None,
) -> DrillConfig:
    """A drill that asks these prompts first, in order ("drill these")."""
    from agents.drill.interviewer import CustomQuestion, DrillConfig

    if not prompts:
        raise ValueError("no prompts to drill")
    first = prompts[0]
    role = "nontech" if first.role_family == "support" else _DRILL_ROLE[first.level]
    lps: list[str] = []
    for p in prompts:
        if p.lps[0] not in lps:
            lps.append(p.lps[0])
    return DrillConfig(
        role=role,  # type: ignore[arg-type]
        round_type=round_type,
        mode=mode,
        lps=lps,
        seed=seed,
        custom_questions=[CustomQuestion(lp=p.lps[0], text=p.text) for p in prompts],
    )


# -- UI handlers (plain functions over services, so tests call them directly) --------------------


def ui_generate(
    services: Any,
    lps: Sequence[str] | None,
    level: str,
    role_family: str,
    themes: Sequence[str] | None,
    n: int | float,
    context: str | None = None,
    practised: Sequence[str] | None = None,
) -> tuple[str, list[dict[str, Any]], str]:
    """The prompt generator tab: (Markdown to show, prompts as JSON state, notice line)."""
    try:
        request = PromptRequest(
            lps=list(lps or []), level=level, role_family=role_family, themes=list(themes or []),
            n=int(n), context=(context or None), practised=list(practised or []),
        )  # fmt: skip
    except ValidationError as e:
        return "", [], f"Cannot generate: {e.errors()[0]['msg'].removeprefix('Value error, ')}"
    batch = generate(request, services.llm, settings=services.settings)
    notice = " ".join(batch.notices)
    return to_markdown(batch), [p.model_dump(mode="json") for p in batch], notice


def ui_export(state: Sequence[Mapping[str, Any]], fmt: str, directory: Path | str) -> Path:
    """Write the tab's prompts to `directory` as prompts.md or prompts.csv; returns the path."""
    prompts = load_prompts(state)
    suffix = {"markdown": ".md", "md": ".md", "csv": ".csv", "json": ".json"}.get(fmt.lower())
    if suffix is None:
        raise ValueError(f"unsupported export format {fmt!r}")
    return export(prompts, Path(directory) / f"prompts{suffix}")


def ui_drill(
    services: Any, state: Sequence[Mapping[str, Any]], mode: str = "coach", user: str = "local"
) -> Any:
    """"Drill these": start a drill that asks the generated prompts; returns the DrillState."""
    prompts = load_prompts(state)
    config = drill_config(prompts, mode="interview" if mode == "interview" else "coach")
    return services.interviewer.start(config, user=user)


# -- command line --------------------------------------------------------------------------------


def _read_practised(path: str) -> list[str]:
    """Practised prompts from a file: a JSON list (strings or prompt objects) or one per line."""
    import json

    text = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list or one prompt per line")
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            out.append(item["text"])
    return out


def format_text(prompts: Sequence[GeneratedPrompt]) -> str:
    """Plain-text listing for the terminal."""
    lines: list[str] = []
    for i, p in enumerate(prompts, 1):
        lines.append(f"{i}. {p.text}")
        meta = f"   LP: {_lp_names(p.lps)}"
        if p.theme:
            meta += f" · theme: {p.theme}"
        lines.append(meta)
        lines.append(f"   Strong answer shows: {'; '.join(p.strong_answer_shows)}")
        lines.append(f"   Follow-ups: {' | '.join(p.probes)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def run_cli(args: Any, settings: Settings, out: Any = None, err: Any = None) -> int:
    """`barraiser prompts`: generate, print (text or --json) and optionally export (--out)."""
    import sys

    from agents.embeddings import get_embedding_function
    from agents.llm import build_llm

    out = out or sys.stdout
    err = err or sys.stderr
    context = None
    if args.context:
        try:
            context = Path(args.context).read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise ValueError(f"cannot read --context file {args.context}: {e.strerror}") from e
    practised: list[str] = []
    if args.practised:
        try:
            practised = _read_practised(args.practised)
        except OSError as e:
            raise ValueError(f"cannot read --practised file {args.practised}: {e.strerror}") from e
    try:
        request = PromptRequest(
            lps=args.lp or [], level=args.level, role_family=args.role_family,
            themes=args.theme or [], n=args.n, context=context, practised=practised,
            seed=args.seed,
        )  # fmt: skip
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from e
    settings.ensure_dirs()
    get_embedding_function(settings.embedding_threads or None)
    batch = generate(request, build_llm(settings), settings=settings)
    for notice in batch.notices:
        print(f"note: {notice}", file=err)
    out.write(to_json(batch) + "\n" if args.json else format_text(batch))
    if args.out:
        try:
            path = export(batch, args.out)
        except OSError as e:
            raise ValueError(f"could not write {args.out}: {e.strerror}") from e
        print(f"wrote {len(batch)} prompt(s) to {path}", file=err)
    return 0 if batch else 1
