"""Interview roles as data: the LPs each role is asked about and the question levels that suit it.

Loaded from `leadership_principles/interview/roles.yaml` and validated on load; the one place
that maps a prompt-generator level or role family to a drill role.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agents.lp.principles import DEFAULT_DIR
from agents.validation import load_yaml_model

ROLES_FILE = DEFAULT_DIR / "interview" / "roles.yaml"


class RoleSpec(BaseModel):
    """One drill role: its LPs in order of weight and the bank levels that suit it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lps: tuple[str, ...]
    levels: tuple[str, ...]


class RolesFile(BaseModel):
    """The whole roles file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    roles: dict[str, RoleSpec]
    level_roles: dict[str, str]
    family_roles: dict[str, str]


@lru_cache(maxsize=4)
def load_roles(path: Path = ROLES_FILE) -> RolesFile:
    """Parse and validate the roles file; errors name the file and the key at fault."""
    return load_yaml_model(path, RolesFile, "roles")


def role_lps(role: str) -> tuple[str, ...]:
    """The LPs a drill role is most often asked about (empty for an unknown role)."""
    spec = load_roles().roles.get(role)
    return spec.lps if spec else ()


def role_levels(role: str) -> tuple[str, ...]:
    """The question-bank levels that suit a drill role."""
    return load_roles().roles[role].levels


def drill_role_for(level: str, role_family: str = "") -> str:
    """The drill role whose LPs a prompt-generator level and role family practise."""
    roles = load_roles()
    return roles.family_roles.get(role_family) or roles.level_roles.get(level, level)


ROLE_LPS: dict[str, tuple[str, ...]] = {name: spec.lps for name, spec in load_roles().roles.items()}
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    name: spec.levels for name, spec in load_roles().roles.items()
}
