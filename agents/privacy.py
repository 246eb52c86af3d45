"""Delete my data: one call removes a user's sessions, stories (with their embeddings) and files,
then checks every store again and says what, if anything, is left.

- Sessions and turns: `SessionStore.delete_user`, one transaction on either engine (SQLite with
  `secure_delete`, and the WAL folded in and emptied, so the rows are overwritten on disk, not only
  unlinked; PostgreSQL: both tables vacuumed right after). Sessions go first, then stories.
- Stories, their search chunks and embeddings: `StoryBank.purge_user`, which drops the user's own
  Chroma collection (its log rows and index files go with it) and vacuums Chroma's SQLite file,
  because a plain Chroma delete leaves text and vectors in Chroma's write-ahead log and in freed
  pages on disk.
- Files: the user's folders under the data directory (`exports/<user>`, `users/<user>`), and, for
  the single-user default `local`, the loose files in `exports/`.

Afterwards the stores are queried (sessions listed, stories counted and searched); the report's
`remaining` says what a query still finds, and `ok` is True only when nothing is. The UI offers
this as "Delete my data"; `delete_my_data(services, user)` is the entry point.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.drill.sessions import SessionStore
    from agents.services import Services
    from agents.stories import StoryBank

log = logging.getLogger("barraiser.privacy")
DEFAULT_USER = "local"
_PROBE_QUESTION = "Tell me about a time you delivered results for a customer."


@dataclass
class DeletionReport:
    """What was deleted for one user, and what the stores still hold afterwards."""

    user: str
    sessions: int = 0
    stories: int = 0
    files: int = 0
    remaining: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every store was cleared and a fresh query finds nothing."""
        return not self.errors and not any(self.remaining.values())

    @property
    def message(self) -> str:
        """One line for the UI."""
        if self.ok:
            return (
                f"Deleted {self.sessions} session(s), {self.stories} story(ies) and "
                f"{self.files} file(s). Nothing of yours is left in Bar Raiser's stores."
            )
        left = ", ".join(f"{n} {k}" for k, n in self.remaining.items() if n)
        problems = "; ".join(self.errors)
        return (
            f"Deletion incomplete: {left or 'nothing counted'}{'; ' if problems else ''}{problems}"
        )


def _user_dirs(data_dir: Path, user: str) -> list[Path]:
    """The per-user folders under the data directory."""
    return [data_dir / "exports" / user, data_dir / "users" / user]


def _delete_files(data_dir: Path, user: str) -> int:
    """Remove the user's files; returns how many files went."""
    count = 0
    for folder in _user_dirs(data_dir, user):
        if folder.is_dir() and folder.resolve().is_relative_to(data_dir.resolve()):
            count += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
    exports = data_dir / "exports"
    if user == DEFAULT_USER and exports.is_dir():
        for path in exports.iterdir():
            if path.is_file():
                path.unlink()
                count += 1
    return count


def _files_left(data_dir: Path, user: str) -> int:
    left = sum(
        sum(1 for p in d.rglob("*") if p.is_file())
        for d in _user_dirs(data_dir, user)
        if d.is_dir()
    )
    exports = data_dir / "exports"
    if user == DEFAULT_USER and exports.is_dir():
        left += sum(1 for p in exports.iterdir() if p.is_file())
    return left


def delete_user_data(
    user: str,
    *,
    sessions: SessionStore | None = None,
    stories: StoryBank | None = None,
    data_dir: Path | None = None,
) -> DeletionReport:
    """Delete everything stored for `user`, then query each store to verify."""
    report = DeletionReport(user=user)
    # Each store is attempted whatever happened to the one before: a failure is logged with its
    # traceback and named in the report, so one broken store never leaves the others uncleared.
    if sessions is not None:
        try:
            report.sessions = sessions.delete_user(user)
        except Exception as e:  # edge: any store error becomes a line of the report
            _failed(report, "sessions", e)
    if stories is not None:
        try:
            report.stories = stories.purge_user(user)
        except Exception as e:  # edge: as above (Chroma raises many types)
            _failed(report, "stories", e)
    if data_dir is not None:
        try:
            report.files = _delete_files(data_dir, user)
        except OSError as e:
            _failed(report, "files", e, e.strerror or e)
    try:
        report.remaining = verify_deleted(
            user, sessions=sessions, stories=stories, data_dir=data_dir
        )
    except Exception as e:  # edge: an unverifiable deletion is not a complete one
        _failed(report, "verification", e)
    log.info(
        "deleted data of user %s: %d sessions, %d stories, %d files; ok=%s",
        user, report.sessions, report.stories, report.files, report.ok,
    )  # fmt: skip
    return report


def _failed(report: DeletionReport, store: str, error: Exception, detail: object = None) -> None:
    """Log a failed step with its traceback and name it in the report."""
    log.warning("deleting the data of user %s: %s failed", report.user, store, exc_info=error)
    report.errors.append(f"{store}: {error if detail is None else detail}")


def verify_deleted(
    user: str,
    *,
    sessions: SessionStore | None = None,
    stories: StoryBank | None = None,
    data_dir: Path | None = None,
) -> dict[str, int]:
    """What each store still returns for `user` (all zeros after a complete deletion)."""
    left: dict[str, int] = {}
    if sessions is not None:
        listed = sessions.list(user)
        left["sessions"] = len(listed)
        left["turns"] = sum(len(sessions.turns(s.id, user)) for s in listed)
        left["recent questions"] = len(sessions.recent_questions(user, 1000))
    if stories is not None:
        left["stories"] = stories.count(user)
        left["search hits"] = len(stories.search(user, _PROBE_QUESTION, k=5))
    if data_dir is not None:
        left["files"] = _files_left(data_dir, user)
    return left


def delete_my_data(services: Services, user: str = DEFAULT_USER) -> DeletionReport:
    """The "Delete my data" action over the app's services."""
    return delete_user_data(
        user,
        sessions=services.sessions,
        stories=getattr(services, "stories", None),
        data_dir=services.settings.data_dir,
    )
