"""The candidate's imported files, per user, under `<data_dir>/users/<user>/material/`.

"Delete my data" removes the whole `users/<user>` folder (agents/privacy.py), so nothing here
outlives it. The latest resume is kept with its text and seeds; transcripts are kept as imported.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from pydantic import BaseModel, Field

from agents.material.errors import MaterialError
from agents.material.seeds import StorySeed

_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class SavedResume(BaseModel):
    """The resume a user imported last: its file name, text and story seeds."""

    name: str
    text: str
    seeds: list[StorySeed] = Field(default_factory=list)
    imported_at: float = Field(default_factory=time.time)


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder."""
    base = _SAFE_NAME.sub("_", Path(name).name).strip("._") or "file"
    return base[:100]


class MaterialStore:
    """Per-user files of imported resumes and transcripts."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def folder(self, user: str) -> Path:
        """The user's material folder (not created)."""
        if not _USER.fullmatch(user):
            raise MaterialError(f"'{user}' is not a valid user name.", kind="user")
        return self.data_dir / "users" / user / "material"

    def save_resume(self, user: str, name: str, data: bytes, resume: SavedResume) -> Path:
        """Keep the resume file and its reading (text and seeds); returns the file's path."""
        folder = self.folder(user)
        (folder / "resume").mkdir(parents=True, exist_ok=True)
        for old in (folder / "resume").iterdir():
            old.unlink()  # one resume per user: the new one replaces the old
        path = folder / "resume" / safe_name(name)
        path.write_bytes(data)
        (folder / "resume.json").write_text(resume.model_dump_json(), "utf-8")
        return path

    def resume(self, user: str) -> SavedResume | None:
        """The user's last imported resume, or None."""
        path = self.folder(user) / "resume.json"
        if not path.is_file():
            return None
        try:
            return SavedResume.model_validate_json(path.read_text("utf-8"))
        except ValueError as e:
            raise MaterialError(f"The saved resume of '{user}' is damaged: import it again.") from e

    def resume_lines(self, user: str) -> list[dict[str, str]]:
        """The saved resume's bullets as claim-check lines ({"text", "role"}); [] without one."""
        try:
            saved = self.resume(user)
        except MaterialError:
            return []
        return [{"text": s.text, "role": s.role} for s in saved.seeds] if saved else []

    def save_transcript(self, user: str, name: str, data: bytes, session_id: str) -> Path:
        """Keep an imported transcript, named after the session it became."""
        folder = self.folder(user) / "transcripts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{session_id}-{safe_name(name)}"
        path.write_bytes(data)
        index = folder / "index.json"
        entries = json.loads(index.read_text("utf-8")) if index.is_file() else []
        entries.append({"session": session_id, "name": name, "file": path.name})
        index.write_text(json.dumps(entries), "utf-8")
        return path
