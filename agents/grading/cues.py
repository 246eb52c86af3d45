"""Cue patterns for the deterministic analyzer: actors, tense, what each STAR(L) part sounds like.

Regular expressions are code, not prose: they live here, reviewed with the analyzer that reads them.
"""

from __future__ import annotations

import re

from agents.textutil import PAST_VERB

I_PRONOUN = r"\b(?:I|I'?ve|I'?d|I'?ll|me|my|myself|mine)\b"
NON_ACTION_VERBS = {
    "was", "were", "had", "felt", "thought", "knew", "learned", "learnt", "realized",
    "realised", "wanted", "needed", "liked", "loved", "hated", "believed", "remember",
    "remembered", "noticed", "wondered", "hoped", "expected", "seemed", "guess", "mean", "meant",
    "assumed", "used", "became", "got", "supposed", "figured", "saw", "understood", "depended",
    "complained", "struggled", "started", "appreciated", "agreed", "happened", "planned",
    "offered", "owned", "kept", "volunteered",
}  # fmt: skip
I_ACTION = re.compile(
    r"\b(?:I|I\s+(?:then|also|just|personally|immediately|quickly|first|finally|eventually|"
    r"actually|basically|still|even|and\s+\w+))\s+(" + PAST_VERB + r")\b",
    re.IGNORECASE,
)
WE_ACTION = re.compile(
    r"\b(?:we|the team|my team|our team|the group|our group|everyone|the engineers|"
    r"the squad|they|the two of us|together we|a few of us|some of us|all of us|both of us|"
    r"the \w+ team|(?:a few|some|several|two|three|the other) (?:members|engineers|colleagues|"
    r"people|volunteers|of them|of us))\s+(?:then\s+|also\s+|just\s+|all\s+|quickly\s+)?("
    + PAST_VERB
    + r")\b",
    re.IGNORECASE,
)
ACTION_EXTRA_VERBS = (
    r"(?:decided|started|proposed|wrote|built|set up|reached out|talked|sat down|"
    r"met with|went to|pulled|dug|reworked|rolled out|pushed back|escalated|organized|organised|"
    r"scheduled|created|drafted|designed|prototyped|automated|ran|led|pitched|negotiated|hired|"
    r"coached|mentored|trained|took|made|asked|called|emailed|reviewed|tested)\b"
)
ACTION_EXTRA = re.compile(r"\b(?:I|we)\s+" + ACTION_EXTRA_VERBS, re.IGNORECASE)
# "I" with at most one word between it and the verb ("I quickly escalated").
I_ACTION_EXTRA = re.compile(r"\bI\s+(?:\w+\s+)?" + ACTION_EXTRA_VERBS, re.IGNORECASE)
LEARNING = re.compile(
    r"\b(?:learn(?:ed|t)|lessons?|looking back|in hindsight|in retrospect|next time|"
    r"(?:would|'d) (?:do|have done|handle)\w* (?:it |things |that )?differently|"
    r"I (?:would|'d) have\b|taught me|takeaway|take-away|stuck with me|since then,? I|"
    r"now I (?:always|make|try|start)|I now\b|going forward|if I (?:had|could) do|"
    r"changed how I|the big lesson|what I took away|I realized that|I realised that|"
    r"do differently|I'?ve since|these days I|from then on|I would now|I'd now|now I would|"
    r"now I'd|my takeaway|what I took away|I took away)",
    re.IGNORECASE,
)
RESULT = re.compile(
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
TASK = re.compile(
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
SITUATION = re.compile(
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
SITUATION_WEAK = re.compile(
    r"\b(?:our|the) (?:deadline|launch|client|customer|system|service)\b", re.IGNORECASE
)
# Spoken fillers hide cues ("it was, like, kind of on me"); cues are read without them.
FILLERS = re.compile(
    r"(?:,\s*)?\b(?:um+|uh+|erm|you know|I mean|like|kind of|sort of|basically|"
    r"honestly|actually|right)\b,?",
    re.IGNORECASE,
)


def defill(text: str) -> str:
    """The sentence without spoken fillers, for cue matching only (evidence stays verbatim)."""
    return re.sub(r"\s{2,}", " ", FILLERS.sub(" ", text)).strip()


HYPOTHETICAL = re.compile(
    r"\b(?:I would|I'd|I will|I'll|I'm going to|I am going to|I might|I could|I should|"
    r"I usually|I always|I generally|I tend to|I typically|you (?:would|should|need to|have to)|"
    r"the best approach|in that case|if I were|if that happened|ideally)\b",
    re.IGNORECASE,
)
# "I'd already made up my mind", "I'd called it for weeks": "I'd" before a past participle is
# the past perfect, a story told; "I'd have" stays conditional, and participles that are also
# bare verbs ("come", "put", "read") are left out, since "I'd come back" is a habit.
_PARTICIPLE = (
    r"(?:\w+ed|been|had|done|made|seen|gone|taken|given|told|written|spent|built|"
    r"found|got|gotten|left|known|thought|brought|bought|said|sent|kept|lost|"
    r"met|paid|begun|chosen|forgotten|heard|held|led|meant|shown|spoken|stood|"
    r"understood|won|broken|fallen|felt|taught|caught|sold|dealt|grown|drawn|flown|driven)"
)
PAST_PERFECT = re.compile(
    r"\bI'd\s+(?:(?:already|just|never|really|only|even|since|previously|originally|actually|"
    r"also|ever|all|but|recently|personally|basically|completely|totally)\s+)*"
    + _PARTICIPLE
    + r"\b",
    re.IGNORECASE,
)
# "exactly when I said I would", "I told them I'd call back": a promise reported from the past.
REPORTED_FUTURE = re.compile(
    r"\b(?:said|promised|told(?:\s+\w+)?|knew|thought|hoped|agreed|swore|assured\s+\w+|"
    r"guaranteed|decided|figured|realised|realized|reckoned|committed|warned(?:\s+\w+)?|"
    r"explained|wrote|mentioned|confirmed|insisted|made\s+sure)\s+(?:\w+\s+)?(?:that\s+)?$",
    re.IGNORECASE,
)


def speaks_hypothetically(text: str) -> bool:
    """True when a conditional or habitual cue is said for itself, not as a past perfect
    ("I'd decided") or a promise reported from the past ("when I said I would")."""
    for match in HYPOTHETICAL.finditer(text):
        if PAST_PERFECT.match(text, match.start()):
            continue
        if REPORTED_FUTURE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        return True
    return False


NON_ANSWER = re.compile(
    r"^\W*(?:i\s+don'?t\s+(?:know|have|really|remember|think)|no\s+idea|pass|skip|n/?a|none|"
    r"nothing|not\s+sure|can'?t\s+think|no\s+(?:example|comment|answer)|idk|"
    r"i\s+have\s+no\s+(?:example|idea)|i\s+can'?t\s+recall)\b",
    re.IGNORECASE,
)
# "…I don't have a specific example though": a non-answer wherever it is said.
NO_EXAMPLE = re.compile(
    r"(?:don'?t|do not) (?:really )?have (?:a |an |any )?(?:specific |good |real |concrete )?"
    r"(?:example|story|one)\b|can'?t (?:think of|recall|remember) (?:an?|any) (?:example|time)|"
    r"^\W*I(?: have|'ve) never\b",
    re.IGNORECASE,
)
# Saying outright there is no story, in the many ways people say it ("I can't really think of a
# time I properly disagreed", "I haven't been involved in hiring yet", "nothing stands out").
NO_STORY = re.compile(
    r"(?:don'?t|do not|doesn'?t)\s+(?:really\s+|think\s+I\s+)?(?:have|got|'ve got)\s+(?:a\s+|an\s+|"
    r"any\s+|such\s+|one\s+)?(?:\w+\s+)?(?:example|story|one|instance)\b"
    r"|\bdon'?t think I(?:'ve| have) (?:got|had) (?:one|an? (?:\w+ )?(?:example|story|failure))\b"
    r"|(?:can'?t|cannot|couldn'?t)\s+(?:really\s+)?(?:think of|recall|remember|point to|"
    r"come up with)"
    r"\b(?:\s+\S+){0,4}?\s+(?:example|time|one|instance|situation|story)\b"
    r"|\b(?:I\s+)?(?:cannot|can'?t) remember (?:now|one)\b"
    r"|\bnothing (?:(?:really|specific|in particular|particular|much)\s+)*(?:comes to mind|"
    r"stands out|springs to mind)\b"
    r"|\bI(?:'ve| have) never (?:actually |really )?(?:been (?:on|part of) (?:a|an|the) "
    r"(?:\w+ )?(?:panel|board)|hired|chosen|recruited|interviewed)\b"
    r"|\bhaven'?t (?:really |actually )?(?:been involved in|done|managed|had to|been in)\b"
    r"|\bnever (?:really )?been in (?:such|that|a position|that kind)"
    r"|\b(?:don'?t|do not) have (?:a |an )?(?:story|example) for (?:that|this)",
    re.IGNORECASE,
)
