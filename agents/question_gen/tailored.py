"""Practice for this job: the LPs that matter for the role (and the job description) that the
story bank covers worst, with questions from the offline grammar (or the LLM path when
configured) phrased around the candidate's own domains from the resume and the job description.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from agents.lp.principles import load_principles
from agents.lp.roles import role_lps
from agents.material.phrases import material_phrases
from agents.question_gen.context import analyse_context, domain_nouns
from agents.question_gen.request import PromptRequest

if TYPE_CHECKING:
    from agents.llm import ChatModel
    from agents.question_gen.generator import PromptGenerator

# The drill's roles as the grammar's level and role family.
DRILL_ROLE_LEVELS: dict[str, tuple[str, str]] = {
    "sde1": ("sde1", "sde"),
    "sde2": ("sde2", "sde"),
    "senior": ("sde3", "sde"),
    "manager": ("manager", "sde"),
    "nontech": ("sde2", "support"),
}
MAX_DOMAINS = 4
_NOT_DOMAIN = frozenset(
    {"million", "billion", "thousand", "experience", "without", "year", "years"}
)


class TailoredQuestion(BaseModel):
    """One question to practise for this job: its LP, text, the domain it names and why."""

    lp: str
    text: str
    domain: str | None = None
    reason: str
    strength: int = Field(default=0, ge=0, le=3)


def _is_domain(phrase: str, verbs: frozenset[str]) -> bool:
    """False for verb-object pairs ("migrate service") and number phrases ("million without")."""
    for word in phrase.lower().split():
        if not word.replace("-", "").isalpha() or word in _NOT_DOMAIN:
            return False
        if word in verbs or f"{word}d" in verbs or f"{word}ed" in verbs:
            return False
    return True


def candidate_domains(resume: str | None, job: str | None) -> list[str]:
    """The candidate's domains ("payments system"): the resume's first, then the job's."""
    from agents.material.cues import load_cues

    verbs = load_cues().action_verbs
    found: list[str] = []
    for text in (resume, job):
        for noun in domain_nouns(text or "", limit=MAX_DOMAINS * 2):
            if noun not in found and _is_domain(noun, verbs):
                found.append(noun)
    return found[:MAX_DOMAINS]


def role_title(role_line: str) -> str:
    """The job title of a resume role line ("Charge Nurse, Banner Medical, 2018" -> title)."""
    title = re.split(r",|\s[-–—|·@]\s|\sat\s|\(|\s{2,}", role_line.strip(" *#"), maxsplit=1)[0]
    return title.strip()[:60]


def choose_lps(
    role: str, job: str | None, strength: Mapping[str, int], n: int, classifier: object = None
) -> list[str]:
    """The role's LPs and the job's, weakest bank coverage first (ties keep the role's order)."""
    wanted: list[str] = []
    if job and job.strip():
        wanted += analyse_context(job, classifier).lps  # type: ignore[arg-type]
    wanted += [lp for lp in role_lps(role) if lp not in wanted]
    ranked = sorted(range(len(wanted)), key=lambda i: (strength.get(wanted[i], 0), i))
    return [wanted[i] for i in ranked[:n]]


def with_domain(text: str, domain: str, *, role: bool = False) -> str:
    """The question tied to the domain (or the job title), unless it already names it."""
    if domain.lower() in text.lower():
        return text
    phrases = material_phrases()
    template = phrases.tailored_role_ending if role else phrases.tailored_ending
    ending = template.format(domain=domain)
    body = text.rstrip()
    mark = body[-1] if body and body[-1] in ".?" else "."
    return f"{body.rstrip('.?')}, {ending}{mark}"


def _coverage_word(strength: int) -> str:
    words = material_phrases().coverage_words
    return words.none if strength == 0 else words.weak if strength < 3 else words.ok


def tailor(
    *,
    resume: str | None = None,
    job: str | None = None,
    titles: list[str] | None = None,
    role: str = "sde2",
    strength: Mapping[str, int] | None = None,
    n: int = 3,
    seed: int | None = None,
    generator: PromptGenerator | None = None,
    llm: ChatModel | None = None,
) -> list[TailoredQuestion]:
    """`n` questions for this job: LPs by role, job and coverage; grammar phrased per domain
    (the resume's and job's domain nouns, else the resume's job `titles`)."""
    from agents.question_gen.generator import get_generator

    generator = generator or get_generator()
    strength = strength or {}
    lps = choose_lps(role, job, strength, n, generator.classifier)
    domains = candidate_domains(resume, job)
    level, family = DRILL_ROLE_LEVELS.get(role, ("sde2", "sde"))
    request = PromptRequest(
        lps=lps, level=level, role_family=family, n=max(len(lps) * 2, 2),
        context=job or None, seed=seed,
    )  # fmt: skip
    batch = generator.generate(request, llm)
    principles = load_principles()
    out: list[TailoredQuestion] = []
    for i, lp in enumerate(lps):
        prompt = next((p for p in batch if p.lps[0] == lp), None)
        if prompt is None:
            continue
        if domains:
            domain: str | None = domains[i % len(domains)]
            text = with_domain(prompt.text, str(domain))
        elif titles:
            domain = titles[i % len(titles)]
            text = with_domain(prompt.text, domain, role=True)
        else:
            domain, text = None, prompt.text
        reason = material_phrases().tailored_reason.format(
            lp_name=principles[lp].name, coverage=_coverage_word(strength.get(lp, 0))
        )
        out.append(TailoredQuestion(lp=lp, text=text, domain=domain, reason=reason,
                                    strength=strength.get(lp, 0)))  # fmt: skip
    return out


def lp_strength(matrix: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Each LP's best story strength (0-3) from a coverage matrix (LP -> story -> strength)."""
    return {lp: max(row.values(), default=0) for lp, row in matrix.items()}
