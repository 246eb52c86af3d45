"""Measurability: what the result's numbers say (baseline or before/after, effect on people)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from agents.grading.grade import Measurability
from agents.textutil import find_metrics

_NUMBER_WORD = (
    # A whole figure ("200", "1,400"): a lone first digit would not end at a word boundary.
    r"(?:[$€£]?\d[\d,.]*|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|a dozen|a few|a couple)"
)
_DURATION = r"(?:minute|hour|day|week|month|quarter|year|shift|term|sprint|fortnight)s?"
BASELINE = re.compile(
    r"\b(?:from,?\s+\S+(?:\s\S+){0,6}?\s+(?:(?:all the way |right |back |just |"
    r"straight )?(?:down |up )?)to\b|down from|up from|compared (?:to|with)|"
    # A bound then words before the other one: "from about 12 percent back under half a percent".
    r"from,?\s+(?:\w+,?\s+){0,2}?" + _NUMBER_WORD + r"[^.;]{0,60}?\b(?:back\s+)?(?:under|below|"
    r"above|over|into)\b|"
    # The new figure first, the old one after: "down to six, from about 70 in February".
    r"(?:down|up|back)\s+to\s+(?:\S+\s+){0,3}?\S+,?\s+from\b|"
    r"instead of (?:the |a |an |most of a |half a |(?:the )?(?:usual|normal|whole) )*"
    r"(?:\w+\s+)?" + _DURATION + r"\b|"
    r"(?:was|were|had been)\s+(?:\w+\s+)?(?:zero|none|nothing|\d\S*)\s+before\b|"
    r"(?:than|of|versus|against) (?:the |our |my )?(?:original|initial|planned|budgeted|"
    r"estimated|quoted) (?:plan|budget|estimate|quote|cost|target|price|figure)|"
    r"(?:years?|months?|quarters?|terms?|weeks?) before\b(?!\s+(?:the|a|an|we|I|it|that|this)\b)|"
    r"versus|vs\.?|baseline|previously|used to|before (?:that|this|the change|it|we|I)|"
    r"(?:when|where) before|year on year|on the year|"
    # An old state named as the yardstick: "higher than their old site had ever done", "a third
    # of what we'd seen in the previous closure programme".
    r"than (?:their|our|the|its|my|his|her) (?:old|previous|former|last)\b|"
    r"of what (?:we|I|they|he|she)(?:'d| had)? (?:seen|had|got|managed|done)\b|"
    r"the previous (?:\w+ ){0,2}?(?:programme|program|project|campaign|launch|round|cycle|"
    r"process|system|version|season|intake|cohort)\b|"
    r"instead of (?:\w+ ){0,3}?(?:\d|usual\b|(?:one|two|three|four|five|six|seven|eight|nine|"
    r"ten|twelve|twenty|thirty|forty|fifty|a hundred)\b)|instead of (?:staying|being|taking)|"
    r"(?:the )?previous (?:year|quarter|month|term|one|release|sale|record|best)|"
    r"after \w+ \w+ (?:the )?previous|"
    r"was (?:taking|at|around|about)|had been|than (?:before|usual|normal|planned|expected|if)|"
    r"than (?:the|last|that) (?:year|quarter|term|month)|"
    r"year[- ]over[- ]year|month[- ]over[- ]month|(?:\d|percent|%)\s+(?:lower|higher|faster|"
    r"slower|fewer|more|less|cheaper|better|worse|below|above|up|down)|"
    r"(?:the )?(?:year|month|quarter|week|term|day) before|a year earlier|last (?:year|term|"
    r"quarter)'?s?|"
    r"while (?:a |our |the )?competitors?|of the (?:previous|last) \w+|after missing|"
    r"(?:early|ahead of|behind|under|over) (?:the )?(?:schedule|budget|deadline|plan|target)|"
    r"against (?:the |a |an |our )?(?:normal |usual |typical |average |planned |"
    r"expected )?(?:\S+ ){0,3}" + _NUMBER_WORD + r"\b|"
    r"instead of (?:a |an |the )?(?:usual |normal )?(?:R\$|[$€£₹])|where (?:\w+ ){0,4}originally|"
    # Two figures joined by from ... to, however many words sit between: "from 68% of room
    # nights coming through the booking sites to 51%", "from 2.1 out of 5 ... to 4.3".
    r"from,?\s+(?:\w+,?\s+){0,2}?"
    + _NUMBER_WORD
    + r"\b[^.;]{0,80}?\bto\s+(?:\w+\s+){0,2}?"
    + _NUMBER_WORD
    + r"|"
    # A norm or a plan as the yardstick: "eleven days earlier than our standard lead time",
    # "against an external quote of just over €60,000", "on about 60% of the budget".
    r"(?:earlier|later|sooner|faster|quicker|cheaper|lower|higher|more|less|fewer|better|worse)"
    r"\s+than\s+(?:our|the|its|their|his|her|my)\s+(?:standard|usual|normal|typical|average|"
    r"current|expected|planned|agreed|contracted|target)\b|"
    r"against (?:the |a |an |our |their )?(?:[\w'’]+ ){0,3}?(?:quote|estimate|budget|target|"
    r"forecast|plan|price|bid)s?\s+(?:of\s+)?"
    r"(?:about |around |roughly |just |over |under |nearly )*" + _NUMBER_WORD + r"|"
    r"(?:%|percent|per cent)\s+of\s+(?:the|our|its|their)\s+(?:original\s+|planned\s+|agreed\s+|"
    r"usual\s+|normal\s+|annual\s+)?(?:budget|target|plan|estimate|forecast|quote)\b)",
    re.IGNORECASE,
)
EFFECT = re.compile(
    r"(?:[$€£₹¥]|\bR\$|\b(?:customers?|users?|clients?|shoppers?|buyers?|sellers?|patients?|"
    r"students?|pupils?|children|kids|"
    r"parents?|families|residents?|guests?|passengers?|members?|visitors?|learners?|"
    r"subscribers?|revenue|sales|profit|margin|cost|costs|spend|spending|budget|savings?|saved|"
    r"save|"
    r"dollars?|euros?|pounds?|rupees?|lakh|crore|riyals?|yen|money|cash|penalty|penalties|"
    r"fines?|fees?|"
    r"overtime|agency|arr|mrr|gmv|pipeline|quota|bookings?|invoices?|write-?offs?|"
    r"churn|retention|conversion|satisfaction|nps|csat|complaints?|tickets?|support|"
    r"on-?call|pages|engineers?|team|teammates|people|staff|employees|colleagues|workers|nurses|"
    r"doctors|teachers|"
    r"agents|morale|wellbeing|burnout|sick|absence|turnover|hours? a week|"
    r"business|company|organisation|organization|school|hospital|ward|store|branch|"
    r"contract|renewal|deals?|partners?|drivers?|associates?|sla|orders|"
    r"abandon\w*|analysts?|managers?|click-?through|merchants?|quit|attrition|promot\w+|"
    r"installs|downloads|sign-?ups|ratings?|couriers?|transactions?|exposure|developers?|"
    r"finance|hiring|accounts?|security|fraud|takeovers?|teams|safety|injur\w+|incidents?|"
    r"layoffs?|jobs|runway|downtime|output|delays?|waiting|wait|queue|outcomes?|grades?|results|"
    r"attendance|readmissions?|falls|infections?|errors|mistakes|waste|shrink|stock-?outs?|"
    r"audits?|findings|compliance|regulators?|auditors?|board|leadership|relatives|callers|"
    r"claimants?|applicants?|citizens|public|person|leads|walk-?outs?|quid|grand|bucks|"
    r"ringgit|z[łl]oty|dinars?|pesos?)\b)",
    re.IGNORECASE,
)


def measurability_of(
    result_texts: Iterable[str], effect: Callable[[str], bool] | None = None
) -> Measurability:
    """Score measurability from the result sentences only (situation numbers never count).

    Level 3 needs a baseline (the BASELINE rule) and an effect: `effect` reads the joined result
    text (the learned `EffectModel`); without it the EFFECT word list decides.
    """
    texts = list(result_texts)
    if not texts:
        return Measurability(level=0, metrics=[])
    metrics: list[str] = []
    for t in texts:
        metrics.extend(m for m in find_metrics(t) if m not in metrics)
    if not metrics:
        return Measurability(level=1, metrics=[])
    joined = " ".join(texts)
    shows_effect = effect(joined) if effect is not None else bool(EFFECT.search(joined))
    if BASELINE.search(joined) and shows_effect:
        return Measurability(level=3, metrics=metrics)
    return Measurability(level=2, metrics=metrics)
