"""A story as the user writes it (`StoryInput`) and as it is stored (`Story`), with their limits.

Input is validated completely: strings cleaned (NFC, newlines, control characters), sizes
limited (never truncated), LPs resolved to slugs, timestamps stored in UTC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agents.lp.principles import resolve_lp

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.classifier import LPClassifier
    from agents.lp.principles import Principle

# --- limits ---------------------------------------------------------------------------------

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000  # free text and each STAR(L) field
MAX_NOTES_CHARS = 5_000
MAX_SHORT_CHARS = 200  # role, company
MAX_DATE_CHARS = 40
MAX_METRICS = 50
MAX_METRIC_CHARS = 100
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_STORIES_PER_IMPORT = 5_000
# The model reads 256 tokens; embedding more characters only costs tokenizer time.
MAX_EMBED_CHARS = 3_000

STAR_FIELDS: tuple[str, ...] = ("situation", "task", "action", "result", "learning")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


# --- text hygiene ---------------------------------------------------------------------------

# \u2028/\u2029 are line breaks to YAML and some editors; make them real newlines.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def clean_field(text: str) -> str:
    """NFC, unify newlines, drop control/format/unassigned characters, strip line ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").translate(_LINE_BREAKS))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    # NFC can compose characters into ones that are not normalised again: re-run until stable.
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def clean_line(text: str) -> str:
    """`clean_field` plus all whitespace collapsed to single spaces (titles, tags)."""
    return " ".join(clean_field(text).split())


# --- models ---------------------------------------------------------------------------------


def new_story_id() -> str:
    """A fresh story id: short, URL- and file-safe."""
    return "s-" + uuid.uuid4().hex[:12]


def now_iso() -> str:
    """Current UTC time as ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def bundled_principles() -> dict[str, Principle]:
    """The bundled principles (cached by `load_principles`)."""
    from agents.lp.principles import load_principles

    return load_principles()


_LIMITS = {
    "title": MAX_TITLE_CHARS,
    "text": MAX_TEXT_CHARS,
    **dict.fromkeys(STAR_FIELDS, MAX_TEXT_CHARS),
    "notes": MAX_NOTES_CHARS,
    "role": MAX_SHORT_CHARS,
    "company": MAX_SHORT_CHARS,
    "date": MAX_DATE_CHARS,
}


class StoryInput(BaseModel):
    """A story as the user writes it (in a form or an import file), validated and cleaned."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    title: str
    text: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    learning: str = ""
    lps: list[str] = Field(default_factory=list)
    role: str = ""
    company: str = ""
    date: str = ""
    # None = extract from the text when saved; a list (even empty) = the user's own.
    metrics: list[str] | None = None
    notes: str = ""
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator(
        "title", "text", *STAR_FIELDS, "role", "company", "date", "notes", mode="before"
    )
    @classmethod
    def _clean_text(cls, value: object, info: Any) -> object:
        """Strings only; cleaned; single-line fields collapsed; size-limited (never truncated)."""
        if value is None and info.field_name != "title":
            return ""
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {type(value).__name__}")
        single = info.field_name in ("title", "role", "company", "date")
        cleaned = clean_line(value) if single else clean_field(value)
        limit = _LIMITS[info.field_name]
        if len(cleaned) > limit:
            raise ValueError(f"is {len(cleaned):,} characters; the limit is {limit:,}")
        return cleaned

    @field_validator("title")
    @classmethod
    def _title_required(cls, value: str) -> str:
        """A story needs a title to be listed and chosen."""
        if not value:
            raise ValueError("is required and must not be blank")
        return value

    @field_validator("id", mode="before")
    @classmethod
    def _check_id(cls, value: object) -> object:
        """Ids are short and file-safe because they appear in files, URLs and commands."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {type(value).__name__}")
        value = value.strip()
        if not _ID_RE.match(value):
            raise ValueError("must be 1-64 letters, digits, '-' or '_' (starting with one)")
        return value

    @field_validator("lps", mode="before")
    @classmethod
    def _resolve_lps(cls, value: object) -> object:
        """Accept slugs or names, as a list or one comma-separated string; de-duplicate."""
        if value is None:
            return []
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ValueError(f"must be a list of LP slugs or names, not {type(value).__name__}")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"entries must be strings, not {type(item).__name__}")
            slug = resolve_lp(clean_line(item))
            if slug not in out:
                out.append(slug)
        return out

    @field_validator("metrics", mode="before")
    @classmethod
    def _clean_metrics(cls, value: object) -> object:
        """A list of short strings (or one ';'-separated string); blanks and repeats dropped."""
        if value is None:
            return None
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, list):
            raise ValueError(f"must be a list of strings, not {type(value).__name__}")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"entries must be strings, not {type(item).__name__}")
            # ';' separates metrics in Markdown, so it cannot appear inside one.
            metric = clean_line(item.replace(";", ","))
            if len(metric) > MAX_METRIC_CHARS:
                raise ValueError(f"entry {metric[:30]!r}... is over {MAX_METRIC_CHARS} characters")
            if metric and metric not in out:
                out.append(metric)
        if len(out) > MAX_METRICS:
            raise ValueError(f"has {len(out)} entries; the limit is {MAX_METRICS}")
        return out

    @field_validator("created_at", "updated_at", mode="before")
    @classmethod
    def _check_time(cls, value: object) -> object:
        """ISO 8601 timestamps, stored in UTC."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, dt.datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.strip())
            except ValueError as e:
                raise ValueError("must be an ISO 8601 date-time like 2024-05-01T09:30:00") from e
        else:
            raise ValueError(f"must be a string, not {type(value).__name__}")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC).replace(microsecond=0).isoformat()

    @model_validator(mode="after")
    def _has_content(self) -> StoryInput:
        """A title alone is not a story."""
        if not self.text and not any(getattr(self, f) for f in STAR_FIELDS):
            raise ValueError(
                "needs 'text' or at least one of situation/task/action/result/learning"
            )
        return self


class Story(StoryInput):
    """A stored story: a validated input plus its owner, id, metrics and bookkeeping."""

    id: str  # type: ignore[assignment]
    user: str
    metrics: list[str] = Field(default_factory=list)  # type: ignore[assignment]
    created_at: str  # type: ignore[assignment]
    updated_at: str  # type: ignore[assignment]
    use_count: int = 0

    @property
    def narrative(self) -> str:
        """The story as one text: the free text, else the STAR(L) fields in order."""
        if self.text:
            return self.text
        return "\n".join(getattr(self, f) for f in STAR_FIELDS if getattr(self, f))

    @property
    def structured(self) -> bool:
        """Whether any STAR(L) field is filled in."""
        return any(getattr(self, f) for f in STAR_FIELDS)

    def export_dict(self) -> dict[str, Any]:
        """The portable fields, in a stable order (what export writes and import reads)."""
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            **{f: getattr(self, f) for f in STAR_FIELDS},
            "lps": list(self.lps),
            "role": self.role,
            "company": self.company,
            "date": self.date,
            "metrics": list(self.metrics),
            "notes": self.notes,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    def content_key(self) -> tuple[Any, ...]:
        """Everything a user wrote, for round-trip and change comparisons."""
        d = self.export_dict()
        d.pop("created_at")
        d.pop("updated_at")
        return tuple(d.items())


def fingerprint(title: str, narrative: str) -> str:
    """A content hash that ignores case and spacing: re-importing the same story is a no-op."""
    norm = " ".join(f"{title}\n{narrative}".lower().split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:20]


def embedding_text(story: Story) -> str:
    """The story record's document: title, then the narrative (cut to what the model reads)."""
    return f"{story.title}. {story.narrative}"[:MAX_EMBED_CHARS]


def input_fingerprint(item: StoryInput) -> str:
    """`fp:<fingerprint>` of an input story (its content hash)."""
    narrative = item.text or "\n".join(getattr(item, f) for f in STAR_FIELDS)
    return "fp:" + fingerprint(item.title, narrative)


class Encoders(Protocol):
    """What ranking and writing need from the bank: its embedder and LP classifier (lazy)."""

    @property
    def embedder(self) -> MiniLMEmbedding:
        """The embedding function."""
        ...

    @property
    def classifier(self) -> LPClassifier:
        """The LP classifier, sharing the embedder."""
        ...
