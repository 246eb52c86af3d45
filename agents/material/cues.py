"""The resume reader's word lists (`data/resume_cues.yaml`), loaded and validated once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agents.validation import load_yaml_model

CUES_FILE = Path(__file__).parent / "data" / "resume_cues.yaml"


class ResumeCues(BaseModel):
    """Section headings, action verbs, lead-in words and duty openers."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    work_sections: frozenset[str]
    other_sections: frozenset[str]
    action_verbs: frozenset[str]
    verb_lead_ins: frozenset[str]
    duty_openers: tuple[str, ...]


@lru_cache(maxsize=2)
def load_cues(path: Path = CUES_FILE) -> ResumeCues:
    """Parse and validate the cues file; errors name the file and the key at fault."""
    return load_yaml_model(path, ResumeCues, "resume cues")
