"""STAR(L) grading: components with verbatim evidence, measurability, ownership, one overall.

The spec (also in README):
- components situation/task/action/result/learning: `present`, `strength` 0-3, `evidence` quotes
  that are always verbatim substrings of the answer (anything else is dropped).
- measurability 0-3: 0 no result; 1 qualitative result; 2 quantified result; 3 quantified with a
  baseline or before/after AND an effect on customers, business or people. Only numbers in the
  result count.
- ownership `i` / `we` / `none`, plus the share of first-person-singular action sentences.
- overall 1-5 from the parts by `overall_from_parts` (never a free model number), gaps ranked by
  `GAP_PRIORITY`, one follow-up aimed at the top gap, and flags.

Two layers: `analyze` is deterministic and always available; when a chat model is configured the
LLM judge's reading is verified against the answer and combined by `combine` (see its docstring).
The answer is untrusted data: injected instructions are detected, flagged and removed before
either layer reads the text, so they cannot raise any part of the grade.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, field_validator

from agents.textutil import Span, clean_text, find_metrics, split_sentences, word_count

if TYPE_CHECKING:
    from agents.llm import ChatModel

ComponentName = Literal["situation", "task", "action", "result", "learning"]
COMPONENTS: tuple[ComponentName, ...] = ("situation", "task", "action", "result", "learning")
GAP_PRIORITY: tuple[str, ...] = (
    "hypothetical",
    "non_answer",
    "action",
    "ownership",
    "result",
    "measurability",
    "situation",
    "task",
    "learning",
)
# Answers longer than this are graded on a bounded window (about ten spoken minutes).
MAX_GRADED_WORDS = 1500
TOO_LONG_WORDS = 700


class Component(BaseModel):
    """One STAR(L) component: presence, strength 0-3, verbatim evidence."""

    present: bool = False
    strength: int = Field(default=0, ge=0, le=3)
    evidence: list[str] = Field(default_factory=list)


class Measurability(BaseModel):
    """How measurable the result is (0-3) and the quantities found in it."""

    level: int = Field(default=0, ge=0, le=3)
    metrics: list[str] = Field(default_factory=list)


class Ownership(BaseModel):
    """Whose actions these are: `i`, `we` or `none`, and the first-person-singular share."""

    label: Literal["i", "we", "none"] = "none"
    i_share: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)


class Grade(BaseModel):
    """The grade of one answer (or one whole question exchange)."""

    components: dict[ComponentName, Component]
    measurability: Measurability
    ownership: Ownership
    overall: int = Field(ge=1, le=5)
    gaps: list[str]
    follow_up: str
    flags: list[str] = Field(default_factory=list)
    backend: str = "offline"
    notice: str | None = None

    @property
    def top_gap(self) -> str:
        """The highest-priority gap, or `none`."""
        return self.gaps[0] if self.gaps else "none"

    def public_dict(self, answer_id: str | None = None) -> dict[str, object]:
        """The stable `barraiser grade` JSON schema (see README)."""
        out: dict[str, object] = {} if answer_id is None else {"id": answer_id}
        out.update(
            {
                "components": {
                    name: {"present": c.present, "strength": c.strength, "evidence": c.evidence}
                    for name, c in self.components.items()
                },
                "measurability": self.measurability.model_dump(),
                "ownership": {"label": self.ownership.label, "i_share": self.ownership.i_share},
                "overall": self.overall,
                "gaps": self.gaps,
                "follow_up": self.follow_up,
                "flags": self.flags,
            }
        )
        return out


# --- cues -----------------------------------------------------------------------------------

_I = r"\b(?:I|I'?ve|I'?d|I'?ll|me|my|myself|mine)\b"
_PAST_VERB = (
    r"(?:\w+ed|built|wrote|ran|made|took|set|led|sent|met|began|brought|bought|caught|chose|"
    r"drew|drove|fought|found|gave|got|went|held|kept|knew|left|lent|let|paid|put|read|rode|"
    r"rewrote|said|sat|saw|sold|sought|spent|spoke|split|stood|struck|taught|told|thought|"
    r"threw|took|understood|won|woke|dug|fed|flew|forgot|grew|hid|hit|hung|laid|lost|meant|"
    r"overrode|rebuilt|redid|reran|shut|shook|slid|spun|swung|tore|undid|withdrew|wound|did|"
    r"pushed|pulled|cut|broke|beat|dealt|rang|shipped|stepped|stayed|stopped|sat)"
)
_NON_ACTION_VERBS = {
    "was", "were", "had", "felt", "thought", "knew", "learned", "learnt", "realized",
    "realised", "wanted", "needed", "liked", "loved", "hated", "believed", "remember",
    "remembered", "noticed", "wondered", "hoped", "expected", "seemed", "guess", "mean", "meant",
    "assumed", "used", "became", "got", "supposed", "figured", "saw", "understood", "depended",
    "complained", "struggled", "started", "appreciated", "agreed", "happened", "planned",
    "offered", "owned", "kept", "volunteered",
}  # fmt: skip
_I_ACTION = re.compile(
    r"\b(?:I|I\s+(?:then|also|just|personally|immediately|quickly|first|finally|eventually|"
    r"actually|basically|still|even|and\s+\w+))\s+(" + _PAST_VERB + r")\b",
    re.IGNORECASE,
)
_WE_ACTION = re.compile(
    r"\b(?:we|the team|my team|our team|the group|our group|everyone|the engineers|"
    r"the squad|they|the two of us|together we|a few of us|some of us|all of us|both of us|"
    r"the \w+ team|(?:a few|some|several|two|three|the other) (?:members|engineers|colleagues|"
    r"people|volunteers|of them|of us))\s+(?:then\s+|also\s+|just\s+|all\s+|quickly\s+)?("
    + _PAST_VERB
    + r")\b",
    re.IGNORECASE,
)
_ACTION_EXTRA_VERBS = (
    r"(?:decided|started|proposed|wrote|built|set up|reached out|talked|sat down|"
    r"met with|went to|pulled|dug|reworked|rolled out|pushed back|escalated|organized|organised|"
    r"scheduled|created|drafted|designed|prototyped|automated|ran|led|pitched|negotiated|hired|"
    r"coached|mentored|trained|took|made|asked|called|emailed|reviewed|tested)\b"
)
_ACTION_EXTRA = re.compile(r"\b(?:I|we)\s+" + _ACTION_EXTRA_VERBS, re.IGNORECASE)
# "I" with at most one word between it and the verb ("I quickly escalated").
_I_ACTION_EXTRA = re.compile(r"\bI\s+(?:\w+\s+)?" + _ACTION_EXTRA_VERBS, re.IGNORECASE)
_LEARNING = re.compile(
    r"\b(?:learn(?:ed|t)|lessons?|looking back|in hindsight|in retrospect|next time|"
    r"(?:would|'d) (?:do|have done|handle)\w* (?:it |things |that )?differently|"
    r"I (?:would|'d) have\b|taught me|takeaway|take-away|stuck with me|since then,? I|"
    r"now I (?:always|make|try|start)|I now\b|going forward|if I (?:had|could) do|"
    r"changed how I|the big lesson|what I took away|I realized that|I realised that|"
    r"do differently|I'?ve since|these days I|from then on|I would now|I'd now|now I would|"
    r"now I'd|my takeaway|what I took away|I took away)",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"\b(?:as a result|(?:the|end|net|final) results?\b|results? (?:was|were)|resulted|"
    r"outcome|which meant|that meant|this meant|net effect|"
    r"in the end|ended up|by the end|end result|impact|so the|reduc(?:ed|ing)|increas(?:ed|ing)|"
    r"improv(?:ed|ing)|cut (?:the|our|down|it|by)|dropp(?:ed|ing)|fell|rose|grew|grown|saved|"
    r"sav(?:ing|ings)|went (?:from|down|up)|came down|went away|shrank|halved|doubled|tripled|"
    r"launched|shipped on|hit (?:the|our)|met the|beat the|delivered|finished|completed|"
    r"succeeded|worked out|paid off|turned around|eliminated|recovered|retained|won (?:the|back)|"
    r"adopted|closed|resolved|(?<!I )(?<!we )stopped|disappeared|got better|much better|"
    r"(?:got|became|felt|was) (?:a lot |much |far |way |so much )?"
    r"(?:calmer|easier|faster|quieter|smoother|happier|simpler|safer|cheaper|clearer|"
    r"stabler|more stable)|happier|churn|"
    r"satisfaction|no longer|zero (?:incidents|outages|complaints)|"
    r"now (?:it )?(?:runs|takes|has|is)|"
    # Qualitative outcomes: how things went and how people ended up.
    r"(?:went|worked out|turned out|played out) (?:really |very |pretty |so )?(?:well|fine|"
    r"smoothly|great|okay)|"
    r"(?:was|were|felt|got|became|seemed) (?:\w+ ){0,2}(?:happy|happier|pleased|grateful|okay|"
    r"fine|safer|better|cleaner|confident|appreciative|understanding|satisfied|thrilled|"
    r"relieved|trusted|reliable|trustworthy|the standard|the default)|"
    r"appreciated|took off|without (?:drama|issues|problems|incident|a hitch)|got done|"
    r"started (?:trusting|using|adopting|asking)|"
    r"(?:stayed|remained|held) (?:at|under|below|above|flat|steady)|passed (?:the|all|every)|"
    r"(?:was|were|came) back|was ready|promoted|(?:weeks?|days?|months?) (?:early|ahead)|"
    r"ahead of (?:schedule|time)|on time|on schedule|with zero|ever since|"
    r"for the (?:next|following) \w+ (?:days|weeks|months|years|quarters|releases))",
    re.IGNORECASE,
)
_TASK = re.compile(
    r"\b(?:my (?:job|task|role|goal|responsibility|mandate|mission|assignment|charter)|"
    r"I was (?:asked|tasked|responsible|supposed|expected|assigned|brought in|put in charge|"
    r"the (?:owner|lead|one))|I (?:had|needed) to|I owned|I was on the hook|fell to me|"
    r"(?:the|our) (?:goal|task|objective|mandate|ask) was|I had been asked|it was on me|"
    r"it was (?:\w+ ){0,2}on me|it was my (?:job|call|responsibility)|(?:I|and) wanted to|"
    r"(?:I|we) (?:had|needed) to|(?:decision|call|job|responsibility|choice) was mine|"
    r"was mine to|^\W*as (?:the |a |an |our )?(?:[\w-]+ ){0,3}(?:lead|manager|engineer|owner|"
    r"director|analyst|PM|architect)\b[^,]{0,40},|"
    r"I set out to|I decided I had to|"
    r"I took (?:it )?on|I volunteered to|I offered to|responsible for|accountable for|"
    r"(?:was|wasn'?t|isn'?t) my (?:system|job|area|team|code|service|problem|call|project)|"
    # A role statement says what the speaker was there to do.
    r"I was (?:leading|running|managing|reviewing|in charge|driving|coordinating)\b|"
    r"I was (?:the|a|an|our|their) (?:[\w-]+ ){0,3}(?:lead|manager|engineer|developer|owner|"
    r"commander|analyst|designer|architect|director|PM|consultant|scientist|specialist|intern|"
    r"raiser|on[- ]call)\b|"
    r"\bas (?:the |a |an |our )?(?:[\w-]+ ){0,2}(?:lead|manager|engineer|owner|director|analyst|"
    r"PM|architect)\b,? I)",
    re.IGNORECASE,
)
_SITUATION = re.compile(
    r"\b(?:at (?:my|our|a|the) (?:previous|last|old|former|current)|when I was|back (?:in|when)|"
    r"last (?:year|quarter|month|summer|spring|fall|winter)|(?:in|during) (?:19|20)\d\d|"
    r"a few (?:years|months) ago|(?:years|months) ago|at the time|there was|there were|"
    r"we had|our (?:team|company|product|service|system|customers?)|I was (?:working|a|an|the|on)|"
    r"I worked|I joined|the company|"
    r"(?:in|during) my first (?:week|month|quarter|year)|the context|the situation|"
    r"the problem was|the issue was|"
    r"the project|at (?:amazon|google|a startup|a bank|an? \w+ company))",
    re.IGNORECASE,
)
# Nouns that often set a scene but also appear in actions ("I profiled the service").
_SITUATION_WEAK = re.compile(
    r"\b(?:our|the) (?:deadline|launch|client|customer|system|service)\b", re.IGNORECASE
)
# Spoken fillers hide cues ("it was, like, kind of on me"); cues are read without them.
_FILLERS = re.compile(
    r"(?:,\s*)?\b(?:um+|uh+|erm|you know|I mean|like|kind of|sort of|basically|"
    r"honestly|actually|right)\b,?",
    re.IGNORECASE,
)


def _defill(text: str) -> str:
    """The sentence without spoken fillers, for cue matching only (evidence stays verbatim)."""
    return re.sub(r"\s{2,}", " ", _FILLERS.sub(" ", text)).strip()
_HYPOTHETICAL = re.compile(
    r"\b(?:I would|I'd|I will|I'll|I'm going to|I am going to|I might|I could|I should|"
    r"I usually|I always|I generally|I tend to|I typically|you (?:would|should|need to|have to)|"
    r"the best approach|in that case|if I were|if that happened|ideally)\b",
    re.IGNORECASE,
)
_NON_ANSWER = re.compile(
    r"^\W*(?:i\s+don'?t\s+(?:know|have|really|remember|think)|no\s+idea|pass|skip|n/?a|none|"
    r"nothing|not\s+sure|can'?t\s+think|no\s+(?:example|comment|answer)|idk|"
    r"i\s+have\s+no\s+(?:example|idea)|i\s+can'?t\s+recall)\b",
    re.IGNORECASE,
)
# "…I don't have a specific example though": a non-answer wherever it is said.
_NO_EXAMPLE = re.compile(
    r"(?:don'?t|do not) (?:really )?have (?:a |an |any )?(?:specific |good |real |concrete )?"
    r"(?:example|story|one)\b|can'?t (?:think of|recall|remember) (?:an?|any) (?:example|time)|"
    r"^\W*I(?: have|'ve) never\b",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"\b(?:from\s+\S+(?:\s\S+){0,4}?\s+(?:down |up )?to\b|down from|up from|compared (?:to|with)|"
    r"versus|vs\.?|baseline|previously|used to|before (?:that|this|the change|it)|"
    r"instead of (?:\w+ ){0,3}?(?:\d|usual\b|(?:one|two|three|four|five|six|seven|eight|nine|"
    r"ten|twelve|twenty|thirty|forty|fifty|a hundred)\b)|instead of (?:staying|being|taking)|"
    r"(?:the )?previous (?:year|quarter|month|one|release|sale)|after \w+ \w+ (?:the )?previous|"
    r"was (?:taking|at|around|about)|had been|than before|than (?:the|last) (?:year|quarter)|"
    r"year[- ]over[- ]year|month[- ]over[- ]month|(?:\d|percent|%)\s+(?:lower|higher|faster|"
    r"slower|fewer|more|less|cheaper)|"
    r"(?:the )?(?:year|month|quarter|week) before|a year earlier|last year'?s|"
    r"while (?:a |our |the )?competitors?|of the (?:previous|last) \w+|after missing)",
    re.IGNORECASE,
)
_EFFECT = re.compile(
    r"\b(?:customers?|users?|clients?|shoppers?|buyers?|sellers?|patients?|students?|"
    r"subscribers?|revenue|sales|profit|margin|cost|costs|spend|budget|savings?|\$|€|£|"
    r"churn|retention|conversion|satisfaction|nps|csat|complaints?|tickets?|support|"
    r"on-?call|pages|engineers?|team|teammates|people|staff|employees|agents|morale|hours? a week|"
    r"business|contract|renewal|deals?|partners?|drivers?|associates?|sla|bookings|orders|"
    r"abandon\w*|analysts?|managers?|click-?through|merchants?|quit|attrition|promot\w+|"
    r"installs|downloads|sign-?ups|ratings?|couriers?|transactions?|exposure|developers?|"
    r"finance|hiring|accounts?|security|fraud|takeovers?|teams)\b",
    re.IGNORECASE,
)

# --- injection ----------------------------------------------------------------------------

_INJECTION = re.compile(
    r"(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|"
    r"previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+)*(?:instructions?|prompts?|rules?|"
    r"guidelines|directions|rubric|system)"
    r"|\b(?:system|assistant|developer)\s*(?:prompt|message)?\s*:"
    r"|#{2,}\s*(?:system|assistant|instruction|grader|developer)"
    r"|<\s*/?\s*(?:system|answer|instructions?|im_start|im_end|grader|candidate_answer)"
    r"|\[/?(?:inst|system)\]|<\|[a-z_]+\|>"
    r"|\byou are (?:now|no longer|a|an)\b(?=.{0,80}\b(?:grader|evaluator|assistant|model|ai|"
    r"interviewer|judge))"
    r"|\b(?:rate|grade|score|mark|evaluate|assess)\s+(?:this|the|my)\s+(?:answer|response|"
    r"candidate|story)?\s*(?:as|a|with|at)?\s*(?:5|five|10|ten|100|perfect|excellent|top|"
    r"highest|maximum|full)"
    r"|\b(?:give|assign|award)\s+(?:this|me|the candidate|it|my answer)\s+"
    r"(?:answer\s+|response\s+|story\s+)?(?:a\s+)?(?:5|five|"
    r"10|perfect|full|maximum|top|the highest)"
    r"|\b(?:grader|evaluator|assessor|reviewer|ai|model|judge)\s*(?:note|instruction|override)"
    r"|\"(?:overall|score|grade|measurability|strength|rating)\"\s*:"
    r"|\bend of (?:the\s+)?(?:answer|response|candidate|input|transcript)\b"
    r"|\bnew (?:instructions?|task|rules?)\s*:"
    r"|\bpretend (?:you|that)\b|\bact as\b|\brole-?play\b|\bjailbreak\b|\bDAN\b"
    r"|\bmark (?:all|every) (?:components?|sections?)\b|\bas an ai\b"
    r"|(?:ignora|olvida)\w*\s+(?:las\s+|todas\s+)*(?:instrucciones|reglas)"
    r"|ignore[zr]?\s+(?:les\s+|toutes\s+)*(?:instructions|consignes|règles)"
    r"|(?:ignoriere|vergiss)\w*\s+(?:alle\s+|die\s+)*(?:anweisungen|regeln|vorherigen)"
    r"|忽略|无视|忽视|请给|满分|以前的指令|以前の指示|無視|指示を|अनदेखा|निर्देश|игнорир|инструкци"
    r"|\bignora\b|\bignorar\b|\bbewerte\b|\bnote maximale\b|\bpuntuación máxima\b"
    r"|\b5\s*/\s*5\b|\b10\s*/\s*10\b|\bfull marks\b"
    r"|\b(?:5|five|10|ten) out of (?:5|five|10|ten)\b"
    r"|\bdeveloper mode\b|\bmust output\b|\boutput (?:an? )?(?:overall|score|grade|rating)\b"
    r"|\byou are now in\b"
    r"|\b(?:print|reveal|show|repeat|output|tell me|write out|display)\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:full\s+|entire\s+|original\s+|hidden\s+|exact\s+)*(?:system\s+)?(?:prompt|instructions)"
    r"|\bbefore (?:grading|you grade|scoring|you score)\b"
    r"|\bnote (?:to|for) (?:the )?(?:grader|evaluator|reviewer|model|ai|assistant|judge)\b"
    r"|\b(?:this|the|my) (?:answer|response|story)(?: below| above)?\b(?=.{0,60}\b(?:exemplary|"
    r"excellent|perfect|deserves|strong hire|outstanding|flawless|full marks|top marks|highest))"
    r"|\bnew (?:grading |scoring )?(?:instructions?|rules?|rubric)\b"
    r"|\bignore as instru|instruções anteriores|\bnota máxima\b|\bdê nota\b"
    r"|(?:aWdub3Jl|SWdub3Jl|aWdub3JlIGFsbC)",  # base64 of "ignore"/"Ignore"
    re.IGNORECASE,
)


# After an injected instruction, labelled claims ("Result: 300%", "Score: 5", JSON) belong to it.
_INJECTION_TAIL = re.compile(r"^\s*(?:[\w ]{1,24}:|[{\[\"'`<#>*-])")


_SPACED = re.compile(r"\b(?:\w\s){3,}\w\b")


def _unspaced(text: str) -> str:
    """ "I g n o r e" -> "Ignore": letters spaced out to slip past the patterns."""
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


def is_injection(text: str) -> bool:
    """True when `text` tries to instruct the grader, also in full-width or spaced-out letters."""
    folded = unicodedata.normalize("NFKC", text)
    return bool(_INJECTION.search(folded) or _INJECTION.search(_unspaced(folded)))


def injection_spans(spans: Sequence[Span]) -> list[Span]:
    """The sentences that try to instruct the grader, plus the labelled claims that follow."""
    flagged: list[Span] = []
    in_tail = False
    for span in spans:
        if is_injection(span.text):
            flagged.append(span)
            in_tail = True
        elif in_tail and _INJECTION_TAIL.match(span.text):
            flagged.append(span)
        else:
            in_tail = False
    return flagged


# --- the deterministic analyzer -------------------------------------------------------------


class _Sentence(BaseModel):
    """A sentence with the component it was assigned to."""

    span_start: int
    span_end: int
    text: str
    label: ComponentName | None = None
    also: list[ComponentName] = Field(default_factory=list)
    i_action: bool = False
    we_action: bool = False

    def has(self, name: ComponentName) -> bool:
        """True when the sentence counts toward component `name`."""
        return self.label == name or name in self.also


def _is_hypothetical(spans: Sequence[Span]) -> bool:
    """Most sentences describe what the speaker would do, and none narrate a past action."""
    if not spans:
        return False
    hypo = sum(1 for s in spans if _HYPOTHETICAL.search(s.text))
    past = sum(
        1
        for s in spans
        if (_I_ACTION.search(s.text) or _WE_ACTION.search(s.text))
        and not _HYPOTHETICAL.search(s.text)
    )
    return hypo >= max(1, len(spans) // 2) and past <= max(0, len(spans) // 4 - 1) and past < hypo


def _action_kind(text: str) -> tuple[bool, bool]:
    """(has a first-person-singular action, has a collective action)."""
    i_hit = any(m.group(1).lower() not in _NON_ACTION_VERBS for m in _I_ACTION.finditer(text))
    we_hit = any(m.group(1).lower() not in _NON_ACTION_VERBS for m in _WE_ACTION.finditer(text))
    if not i_hit and re.search(r"\bI\b", text) and _ACTION_EXTRA.search(text):
        i_hit = bool(_I_ACTION_EXTRA.search(text))
    return i_hit, we_hit


# A sentence often carries two components ("I rewrote the cache, which cut latency 40%"); a
# second label is kept when its cue score clears this bar on its own.
_SECONDARY_MIN = 1.3


# "I scored the items, moved one launch and cleared my calendar": a sentence that opens with its
# actor and goes on through a list of deeds narrates actions, even when it mentions numbers or
# words like "impact" or "churn"; its outcome is usually told on its own.
_ACTION_LIST = re.compile(
    r"^\W*(?:\w+,?\s+){0,2}(?:I|we)\s+(?:\w+ly\s+)?" + _PAST_VERB + r"\b.*?,\s*(?:and\s+)?"
    r"(?:then\s+)?(?:\w+ly\s+)?" + _PAST_VERB + r"\b(?!\s+(?:by|from|to)\b)",
    re.IGNORECASE,
)

# An explicit size of change: "by 40%", "from 12 to 2 hours", "3x", "by a third", "halved".
_MAGNITUDE = re.compile(
    r"\b(?:by|from)\s+(?:about\s+|around\s+|over\s+|nearly\s+|almost\s+|roughly\s+)?"
    r"(?:[$€£]?\d|a\s+(?:third|quarter|half|fifth|tenth)|half|(?:\w+\s+){1,2}percent)|"
    r"\d\s*(?:%|percent)|\b\d+(?:\.\d+)?x\b|\b(?:halved|doubled|tripled)\b",
    re.IGNORECASE,
)

# A change verb next to a quantity reads as a result wherever it sits in the answer.
_CHANGE = re.compile(
    r"\b(?:cut|reduc|lower|drop|increas|rais|boost|improv|grew|doubl|halv|tripl|sav|shrank|"
    r"fell|rose|went from|brought (?:it |them )?down|sped up|lost|gained)\w*",
    re.IGNORECASE,
)


def _classify(
    text: str, index: int, total: int
) -> tuple[ComponentName | None, bool, bool, list[ComponentName]]:
    """Assign a sentence to the component its cues support best, plus strong second labels."""
    pos = index / max(1, total - 1)
    text = _defill(text)
    i_act, we_act = _action_kind(text)
    scores: dict[ComponentName, float] = dict.fromkeys(COMPONENTS, 0.0)
    if _LEARNING.search(text):
        scores["learning"] += 2.2 + 0.3 * pos
    if _RESULT.search(text):
        scores["result"] += 1.3 + 0.5 * pos
    if find_metrics(text):
        if _CHANGE.search(text):
            scores["result"] += 1.4
        elif pos > 0.3:
            scores["result"] += 1.0
    if _TASK.search(text):
        scores["task"] += 1.7
    if _SITUATION.search(text):
        scores["situation"] += 1.0 + 0.6 * (1 - pos)
    elif _SITUATION_WEAK.search(text):
        scores["situation"] += 0.6 + 0.4 * (1 - pos)
    if i_act or we_act:
        scores["action"] += 1.4
        # "I profiled…" / "We rewrote…": a sentence that opens with its actor narrates an action.
        if re.match(r"\W*(?:\w+,?\s+){0,2}(?:I|we)\s+(?:\w+ly\s+)?\w+(?:ed|t)\b", text, re.I):
            scores["action"] += 0.3
        if _ACTION_LIST.search(text):
            # Never an outcome first; a second label only for an explicit size of change.
            ceiling = scores["action"] - 0.1 if _MAGNITUDE.search(text) else _SECONDARY_MIN - 0.1
            scores["result"] = min(scores["result"], ceiling)
    if index == 0 and max(scores.values()) < 1.5:
        scores["situation"] += 1.0
    if index == 0 and not find_metrics(text):
        # An answer rarely opens with its outcome unless it states a number.
        scores["result"] -= 0.6
    elif index == 0 and _RESULT.search(text):
        scores["result"] += 0.8
    best = max(COMPONENTS, key=lambda c: scores[c])
    if scores[best] < 0.9:
        return None, i_act, we_act, []
    also = [
        c
        for c in COMPONENTS
        if c != best and scores[c] >= _SECONDARY_MIN
        # Situation numbers must never become a result; a lesson is neither outcome nor action.
        # A goal ("my job was to cut costs 30%") is not an outcome either.
        and not (c == "result" and best in ("situation", "learning", "task"))
        and not (c == "action" and best == "learning")
    ]
    return best, i_act, we_act, also


def _strength(sentences: list[_Sentence], name: ComponentName) -> int:
    """0-3 from how much the answer says about a component and how concrete it is."""
    hits = [s for s in sentences if s.has(name)]
    if not hits:
        return 0
    words = sum(word_count(s.text) for s in hits)
    concrete = any(find_metrics(s.text) for s in hits) or any(
        re.search(r"\b[A-Z][a-z]+\b", s.text[1:]) for s in hits
    )
    if len(hits) >= 2 and words >= 25 and (concrete or name in ("action", "learning")):
        return 3
    if words >= 12:
        return 2
    return 1


def measurability_of(result_texts: Iterable[str]) -> Measurability:
    """Score measurability from the result sentences only (situation numbers never count)."""
    texts = list(result_texts)
    if not texts:
        return Measurability(level=0, metrics=[])
    metrics: list[str] = []
    for t in texts:
        metrics.extend(m for m in find_metrics(t) if m not in metrics)
    if not metrics:
        return Measurability(level=1, metrics=[])
    joined = " ".join(texts)
    if _BASELINE.search(joined) and _EFFECT.search(joined):
        return Measurability(level=3, metrics=metrics)
    return Measurability(level=2, metrics=metrics)


def ownership_of(action_sentences: Sequence[_Sentence]) -> Ownership:
    """`i` when any action is the speaker's own, `we` when only collective, else `none`."""
    acts = [s for s in action_sentences if s.i_action or s.we_action]
    if not acts:
        return Ownership(label="none", i_share=0.0)
    i_acts = [s for s in acts if s.i_action]
    share = round(len(i_acts) / len(acts), 3)
    label: Literal["i", "we"] = "i" if i_acts else "we"
    evidence = [s.text for s in (i_acts or acts)][:3]
    return Ownership(label=label, i_share=share, evidence=evidence)


def overall_from_parts(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: Sequence[str],
) -> int:
    """The documented rule: points out of 7 mapped onto 1-5.

    action 2 (own) or 1 (collective only); result 1; measurability 1 (quantified) or 2 (with
    baseline and effect); situation and task together 1; learning 1. overall = 1 + round(4p/7).
    Hypothetical and non-answers score 1.
    """
    if "hypothetical" in flags or "non_answer" in flags:
        return 1
    points = 0
    if components["action"].present:
        points += 2 if ownership.label == "i" else 1
    if components["result"].present:
        points += 1
    points += {2: 1, 3: 2}.get(measurability.level, 0)
    if components["situation"].present and components["task"].present:
        points += 1
    if components["learning"].present:
        points += 1
    return 1 + int(4 * points / 7 + 0.5)


def rank_gaps(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: Sequence[str],
) -> list[str]:
    """Gaps in the fixed priority order `GAP_PRIORITY`."""
    gaps: list[str] = []
    if "hypothetical" in flags:
        gaps.append("hypothetical")
    if "non_answer" in flags:
        gaps.append("non_answer")
    if gaps:
        return gaps
    if not components["action"].present:
        gaps.append("action")
    elif ownership.label == "we":
        gaps.append("ownership")
    if not components["result"].present:
        gaps.append("result")
    elif measurability.level <= 1:
        gaps.append("measurability")
    for name in ("situation", "task", "learning"):
        if not components[name].present:
            gaps.append(name)
    return gaps


FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "hypothetical": (
        "That's how you'd approach it in general. Can you walk me through a specific time it "
        "actually happened?",
        "I'd like a real example rather than what you would do. When did this happen to you?",
        "Let's make it concrete: tell me about one particular situation where you did this.",
    ),
    "non_answer": (
        "Take a moment. Is there a project, a class, or a job where something like this came up?",
        "It doesn't have to be dramatic. Can you think of any time, even a small one?",
        "Let's try from another angle: what's a project you're proud of? Start there.",
    ),
    "action": (
        "What exactly did you do, step by step?",
        "Walk me through the specific actions you personally took.",
        "What was the first thing you did, and what came next?",
    ),
    "ownership": (
        "You said 'we' quite a bit. What exactly did you do yourself?",
        "Which part of that was yours personally, as opposed to the team's?",
        "If I asked your teammates, what would they say you specifically drove?",
    ),
    "result": (
        "What was the measurable impact of what you did?",
        "How did it turn out? What changed as a result?",
        "What happened in the end, and how did you know it worked?",
    ),
    "measurability": (
        "Can you put a number on that improvement?",
        "How did you measure the outcome? What moved, and by how much?",
        "What did the metrics look like before and after?",
    ),
    "situation": (
        "Set the scene for me: where were you, and what was at stake?",
        "Give me a bit more context. What was the situation when this started?",
        "What was going on at the time that made this matter?",
    ),
    "task": (
        "What were you specifically responsible for here?",
        "What was your goal, and who set it?",
        "What was expected of you in this situation?",
    ),
    "learning": (
        "What would you do differently if you faced this again?",
        "Looking back, what did you learn from it?",
        "What did this change about how you work today?",
    ),
    "none": (
        "How did others perceive what you did?",
        "What trade-off did you make, and what did it cost?",
        "What would have happened if you hadn't stepped in?",
    ),
}


def follow_up_for(gap: str, seed: str = "", avoid: Iterable[str] = ()) -> str:
    """A phrasing of the probe for `gap`, varied by `seed` and never one in `avoid`."""
    options = FOLLOW_UPS.get(gap, FOLLOW_UPS["none"])
    used = set(avoid)
    start = int(hashlib.sha1(seed.encode("utf-8")).hexdigest(), 16) % len(options)
    for k in range(len(options)):
        candidate = options[(start + k) % len(options)]
        if candidate not in used:
            return candidate
    return options[start]


def analyze(
    answer: str,
    question: str = "",
    *,
    avoid_follow_ups: Iterable[str] = (),
) -> Grade:
    """Grade an answer with the deterministic analyzer (no model; always available)."""
    flags: list[str] = []
    raw = answer if isinstance(answer, str) else ""
    text = clean_text(raw)
    words = text.split()
    if len(words) > TOO_LONG_WORDS:
        flags.append("too_long")
    if len(words) > MAX_GRADED_WORDS:
        # Bounded work: grade the first window, keeping offsets into the original text.
        cut = _offset_after_words(text, MAX_GRADED_WORDS)
        text = text[:cut]
        flags.append("truncated")
    spans = split_sentences(text)
    injected = injection_spans(spans)
    if injected:
        flags.append("injection_suspected")
        spans = [s for s in spans if s not in injected]
    story_words = sum(word_count(s.text) for s in spans)
    told = " ".join(s.text for s in spans)
    if story_words < 6 or (
        (_NON_ANSWER.match(told) or _NO_EXAMPLE.search(told)) and story_words < 25
    ):
        flags.append("non_answer")
    elif _is_hypothetical(spans):
        flags.append("hypothetical")

    sentences: list[_Sentence] = []
    if "non_answer" not in flags and "hypothetical" not in flags:
        for i, span in enumerate(spans):
            label, i_act, we_act, also = _classify(span.text, i, len(spans))
            sentences.append(
                _Sentence(
                    span_start=span.start,
                    span_end=span.end,
                    text=span.text,
                    label=label,
                    also=also,
                    i_action=i_act,
                    we_action=we_act,
                )
            )
    # A collective verb inside an outcome ("we hit every date") is not an action of its own.
    if not any(s.label == "action" for s in sentences):
        for s in sentences:
            # …unless the sentence narrates several steps ("we cut X, reused Y and moved Z").
            steps = len(re.findall(r"\b" + _PAST_VERB + r"\b", s.text, re.IGNORECASE))
            if "action" in s.also and not s.i_action and steps < 3:
                s.also.remove("action")
    # Uncued sentences after the last action (and before any lesson) report what happened.
    last_action = max((i for i, s in enumerate(sentences) if s.has("action")), default=None)
    if last_action is not None:
        for s in sentences[last_action + 1 :]:
            if s.has("learning"):
                break
            if s.label is None and word_count(s.text) >= 4:
                s.label = "result"
    # Uncued sentences before the first action set the scene.
    first_action = next(
        (i for i, s in enumerate(sentences) if s.has("action")), len(sentences)
    )
    for s in sentences[:first_action]:
        if s.label is None and word_count(s.text) >= 6:
            s.label = "situation"
    components: dict[ComponentName, Component] = {}
    for name in COMPONENTS:
        evidence = [s.text for s in sentences if s.has(name)][:3]
        strength = _strength(sentences, name)
        components[name] = Component(present=bool(evidence), strength=strength, evidence=evidence)
    measurability = measurability_of(s.text for s in sentences if s.has("result"))
    # Ownership reads the narrated actions: a verb inside the context, the goal or the lesson
    # ("I owned the service", "I learned to…") says nothing about who did the work.
    narrated = [s for s in sentences if s.has("action") and s.label in ("action", "result")]
    ownership = ownership_of(narrated or [s for s in sentences if s.has("action")])
    if components["action"].present and ownership.label == "none":
        ownership = ownership_of(sentences)
    return _finish(
        components, measurability, ownership, flags, f"{question}|{raw}", avoid_follow_ups
    )


def _offset_after_words(text: str, n: int) -> int:
    """The character offset just after the n-th word."""
    for count, match in enumerate(re.finditer(r"\S+", text), start=1):
        if count == n:
            return match.end()
    return len(text)


def _finish(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: list[str],
    seed: str,
    avoid_follow_ups: Iterable[str],
    backend: str = "offline",
    notice: str | None = None,
) -> Grade:
    """Apply the documented rules: overall, ranked gaps and the follow-up."""
    gaps = rank_gaps(components, measurability, ownership, flags)
    overall = overall_from_parts(components, measurability, ownership, flags)
    follow_up = follow_up_for(gaps[0] if gaps else "none", seed, avoid_follow_ups)
    return Grade(
        components=components,
        measurability=measurability,
        ownership=ownership,
        overall=overall,
        gaps=gaps,
        follow_up=follow_up,
        flags=flags,
        backend=backend,
        notice=notice,
    )


# --- the LLM judge ------------------------------------------------------------------------


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
      action quotes, so a model can never invent a number or an "I".
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
    measurability = measurability_of(
        components["result"].evidence if components["result"].present else []
    )
    action_sentences = []
    for quote in components["action"].evidence:
        i_act, we_act = _action_kind(quote)
        action_sentences.append(
            _Sentence(span_start=0, span_end=0, text=quote, i_action=i_act, we_action=we_act)
        )
    ownership = ownership_of(action_sentences)
    if components["action"].present and ownership.label == "none":
        # The judge saw an action our cue list misses: attribute it by its pronouns.
        first_person = any(re.search(r"\bI\b", q) for q in components["action"].evidence)
        ownership = Ownership(label="i" if first_person else "we", i_share=float(first_person))
    grade = _finish(components, measurability, ownership, flags, seed, avoid, backend="llm")
    if judgement.follow_up.strip() and grade.gaps:
        # The judge may phrase the probe, but it must still aim at our top gap; we keep ours
        # unless the judge's is a single question and not a repeat.
        fu = judgement.follow_up.strip()
        from agents.prompts import leaks_prompt

        if fu.count("?") == 1 and len(fu) < 240 and fu not in set(avoid) and not leaks_prompt(fu):
            grade = grade.model_copy(update={"follow_up": fu})
    return grade


class Grader:
    """Grades answers: the LLM judge when a model is configured, else the analyzer alone."""

    def __init__(self, llm: ChatModel | None = None) -> None:
        self.llm = llm

    def grade(
        self, answer: str, question: str = "", *, avoid_follow_ups: Iterable[str] = ()
    ) -> Grade:
        """Grade one answer; model failures fall back to the analyzer with a notice."""
        avoid = list(avoid_follow_ups)
        base = analyze(answer, question, avoid_follow_ups=avoid)
        if self.llm is None or not self.llm.available:
            return base
        if "non_answer" in base.flags:
            return base
        from agents.llm import LLMBackendError
        from agents.prompts import render

        text = clean_text(answer)
        text = text[: _offset_after_words(text, MAX_GRADED_WORDS)]  # the bounded window
        spans = split_sentences(text)
        story = " ".join(s.text for s in spans if s not in injection_spans(spans))
        messages = [
            {"role": "system", "content": render("grader_system")},
            {"role": "user", "content": render("grader_user", question=question, answer=story)},
        ]
        try:
            judgement = self.llm.structured(messages, Judgement)
        except LLMBackendError as e:
            return base.model_copy(update={"notice": e.user_message + " Graded offline instead."})
        return combine(base, judgement, story, f"{question}|{answer}", avoid)
