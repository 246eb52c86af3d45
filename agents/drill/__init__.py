"""Drill: the interview loop (state, intake, policy, probes, phrasing, feedback, debrief, sessions).
May import stories, grading, lp and base modules (llm, prompts, tokens, textutil, config) only."""

from agents.drill.interviewer import Interviewer
from agents.drill.sessions import SessionStore
from agents.drill.state import DrillConfig, DrillState

__all__ = ["DrillConfig", "DrillState", "Interviewer", "SessionStore"]
