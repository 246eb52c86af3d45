"""The LLM judge and the combine policy: the model decides presence only with verified quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field, field_validator

from agents.grading.analyzer import Sentence, action_kind, ownership_of
from agents.grading.grade import COMPONENTS, Component, ComponentName, Grade, Ownership, apply_rules
from agents.grading.injection import is_injection
from agents.grading.learned import measure_result
from agents.lp.demands import load_demands


def _demand_enum(schema: dict[str, Any]) -> None:
    """The demand ids (leadership_principles/interview/demands.yaml) as the schema's enum, so a
    grammar-constrained server can only write one of them; read when a schema is built, not at
    import."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string":
            option["enum"] = list(load_demands())


class JudgedComponent(BaseModel):
    """The judge's reading of one component; quotes are verified before use."""

    present: bool = False
    strength: int = Field(default=0, ge=0, le=3)
    quotes: list[str] = Field(default_factory=list, max_length=6)

    @field_validator("quotes", mode="before")
    @classmethod
    def _strings_only(cls, value: object) -> object:
        """Drop non-string quotes instead of failing the whole reply."""
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)]
        return value


class Judgement(BaseModel):
    """What the LLM judge returns (structured output)."""

    situation: JudgedComponent = Field(default_factory=JudgedComponent)
    task: JudgedComponent = Field(default_factory=JudgedComponent)
    action: JudgedComponent = Field(default_factory=JudgedComponent)
    result: JudgedComponent = Field(default_factory=JudgedComponent)
    learning: JudgedComponent = Field(default_factory=JudgedComponent)
    hypothetical: bool = False
    follow_up: str = ""
    # Whether the story contains what the question asks for; when not, the demand it lacks (an id
    # of leadership_principles/interview/demands.yaml; anything else is dropped).
    answers_question: bool = True
    missing_demand: str | None = Field(default=None, json_schema_extra=_demand_enum)

    @field_validator("missing_demand", mode="before")
    @classmethod
    def _known_demand(cls, value: object) -> object:
        """Keep only a demand id we know; a model's free text is not a verdict."""
        return value if isinstance(value, str) and value in load_demands() else None

    @property
    def judged_missing(self) -> str | None:
        """The demand the judge says the story lacks, when it says the question is not answered."""
        return None if self.answers_question else self.missing_demand


def verified_quotes(answer: str, quotes: Iterable[str]) -> list[str]:
    """Keep only quotes that occur verbatim in the answer (returned as the answer's own text)."""
    kept: list[str] = []
    folded = answer.casefold()
    for quote in quotes:
        q = quote.strip().strip("\"'“”‘’").strip()
        if len(q) < 3:
            continue
        idx = answer.find(q)
        if idx == -1:
            idx = folded.find(q.casefold())
        if idx == -1:
            continue
        original = answer[idx : idx + len(q)]
        if original not in kept:
            kept.append(original)
    return kept


def combine(
    deterministic: Grade, judgement: Judgement, story_text: str, seed: str, avoid: Iterable[str]
) -> Grade:
    """Combine the layers: the judge decides presence, but only with verified quotes.

    - A component counts as present only when the judge marks it present AND at least one of its
      quotes is verbatim in the (injection-stripped) answer; strength is capped at 1 + quotes.
    - Measurability and ownership are recomputed deterministically from the verified result and
      action quotes, so a model can never invent a number or an "I"; nor can it raise ownership
      above the deterministic reading by leaving out the "we" actions.
    - Flags come from the deterministic layer (injection, non-answer, length), plus the judge's
      `hypothetical`; overall, gaps and follow-up follow the documented rules.
    """
    flags = list(deterministic.flags)
    if judgement.hypothetical and "hypothetical" not in flags:
        flags.append("hypothetical")
    components: dict[ComponentName, Component] = {}
    for name in COMPONENTS:
        judged: JudgedComponent = getattr(judgement, name)
        quotes = verified_quotes(story_text, judged.quotes) if judged.present else []
        # A quote that instructs the grader is never evidence, even where detection missed it;
        # nor is a fragment without three words of text (a code fence, a stray "json").
        quotes = [
            q for q in quotes if not is_injection(q) and len(re.findall(r"[^\W\d_]{2,}", q)) >= 3
        ]
        present = bool(quotes) and "hypothetical" not in flags and "non_answer" not in flags
        strength = min(judged.strength, 1 + len(quotes)) if present else 0
        components[name] = Component(
            present=present,
            strength=max(strength, 1) if present else 0,
            evidence=quotes[:3] if present else [],
        )
    measurability = measure_result(
        components["result"].evidence if components["result"].present else []
    )
    action_sentences = []
    for quote in components["action"].evidence:
        i_act, we_act = action_kind(quote)
        action_sentences.append(
            Sentence(span_start=0, span_end=0, text=quote, i_action=i_act, we_action=we_act)
        )
    ownership = ownership_of(action_sentences)
    if components["action"].present and ownership.label == "none":
        # The judge saw an action our cue list misses: attribute it by its pronouns.
        first_person = any(re.search(r"\bI\b", q) for q in components["action"].evidence)
        ownership = Ownership(label="i" if first_person else "we", i_share=float(first_person))
    if deterministic.ownership.label != "none" and (
        ownership.i_share > deterministic.ownership.i_share
    ):
        # The judge picks the quotes (see the docstring): keep the text's own reading.
        ownership = deterministic.ownership
    grade = apply_rules(components, measurability, ownership, flags, seed, avoid, backend="llm")
    if judgement.follow_up.strip() and grade.gaps:
        # The judge may phrase the probe, but it must still aim at our top gap; we keep ours
        # unless the judge's is a single question and not a repeat.
        fu = judgement.follow_up.strip()
        from agents.prompts import leaks_prompt

        if fu.count("?") == 1 and len(fu) < 240 and fu not in set(avoid) and not leaks_prompt(fu):
            grade = grade.model_copy(update={"follow_up": fu})
    return grade
