"""Grading owns the STAR(L) grade: its model and rules, numbers, injection, analyzer and LLM judge.

It may import lp, llm, prompts, textutil and config; never drill, stories, question_gen or ui.
"""

from agents.grading.grade import (
    COMPONENTS,
    FOLLOW_UPS,
    MAX_GRADED_WORDS,
    Component,
    Grade,
    Measurability,
    Ownership,
    follow_up_for,
    overall_from_parts,
)
from agents.grading.grader import Grader
from agents.grading.injection import injection_spans, is_injection
from agents.grading.judge import JudgedComponent, Judgement, verified_quotes
from agents.grading.learned import analyze, measure_result
from agents.grading.numbers import measurability_of

__all__ = [
    "COMPONENTS",
    "FOLLOW_UPS",
    "MAX_GRADED_WORDS",
    "Component",
    "Grade",
    "Grader",
    "JudgedComponent",
    "Judgement",
    "Measurability",
    "Ownership",
    "analyze",
    "follow_up_for",
    "injection_spans",
    "is_injection",
    "measurability_of",
    "measure_result",
    "overall_from_parts",
    "verified_quotes",
]
