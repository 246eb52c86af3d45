"""Measurability: what the result's numbers say (baseline or before/after, effect on people)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.grading.grade import Measurability
from agents.textutil import find_metrics

BASELINE = re.compile(
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
EFFECT = re.compile(
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
    if BASELINE.search(joined) and EFFECT.search(joined):
        return Measurability(level=3, metrics=metrics)
    return Measurability(level=2, metrics=metrics)
