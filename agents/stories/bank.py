"""The story bank: a candidate's stories on Chroma, tagged, retrievable by meaning, and coached.

Storage: each user's stories are in their own Chroma collection (named from a hash of the user),
and Chroma is the only store (no second database to keep consistent with it); a schema-1 bank,
where one shared collection held every user, is split per user when first opened. A story is
one `story` record, whose metadata holds the whole story as JSON plus its search terms and drill
history, and a few `chunk` records: its title and windows of two sentences, each with its own
vector. Vectors come from the offline MiniLM model of `agents.embeddings`, which is registered
with Chroma, so a reopened collection uses it instead of Chroma's default (which downloads a
model). Embedded
`chromadb.PersistentClient` under the data directory by default; `chromadb.HttpClient` when
CHROMA_HOST/CHROMA_PORT are set.

Isolation: every read, query, write and delete goes through `_UserScope`, over the user's own
collection, which also builds the user's `where` filter and user-prefixed record ids in one place
and checks the owner of every record it returns. Nothing else touches the collections.
"Delete my data" (`purge_user`) drops the user's collection and vacuums the SQLite file, so no
text or vector of theirs is left in Chroma's files (a plain delete leaves both in Chroma's log).

Retrieval: the question is embedded once; Chroma returns the user's nearest windows; a story
scores its best window's cosine, plus a bonus when its LP tags match the LPs the question is
about (`agents.lp.classifier`, fed the same query vector), plus a small BM25 keyword term.
Hits carry a 0-1 score (0.5 = a good fit) and a reason naming the LP and cue that matched.

Import/export: Markdown (one story per `## Title`, optional `Situation:`/`Task:`/... lines),
JSON and YAML (a list of objects). Files are validated completely before anything is written,
the write is all-or-nothing (restored on failure), and export round-trips exactly.

Languages: the model is English (uncased English WordPiece). A story and a question in the same
Latin-script language still match through shared sub-words (`tests/test_stories.py` checks a
Spanish pair); a question in one language does not find a story written in another, and scripts
outside the vocabulary (Chinese, Japanese, Hindi, ...) do not retrieve meaningfully.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import math
import re
import threading
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agents.textutil import find_metrics, split_sentences

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from agents.config import Settings
    from agents.embeddings import MiniLMEmbedding
    from agents.grading import Grade
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
FORMATS: tuple[str, ...] = ("md", "json", "yaml")
Format = Literal["md", "json", "yaml"]
_EXTENSIONS: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}

# Each user's records live in their own collection, `<COLLECTION_NAME>-u-<hash of user>`:
# a search reads only that user's few hundred records (a `where` filter in one shared
# collection cost ~150 ms a query at 10k stories, which is what schema 1 did), isolation is
# structural, and "delete my data" drops the collection with its log rows and index files.
COLLECTION_NAME = "barraiser_stories"
SCHEMA_VERSION = 2
# The HNSW index is written to disk (and Chroma's write-ahead log pruned) every this many
# writes instead of Chroma's 1,000: opening a collection replays its unflushed log, which at
# 500 users with nothing flushed made a cold first query ~110 ms instead of ~7 ms.
_HNSW_CONFIG = {"space": "cosine", "sync_threshold": 100, "batch_size": 100}
_OPEN_COLLECTIONS = 2048  # collection handles kept (cheap: no index is held by a handle)

# --- retrieval and coverage constants (chosen on the dev half of the eval; see evals/) -------

# Stories are searched through their title and windows of this many sentences (see
# `story_chunks`); at most MAX_CHUNKS windows per story, so a very long story uses wider ones.
WINDOW_SENTENCES = 2
MAX_CHUNKS = 40
# Chunks Chroma returns per query, and how many of their stories are re-ranked. A user keeps
# 8-15 stories (~100 chunks), so this is everything; large banks re-rank their nearest stories.
CANDIDATE_CHUNKS = 400
CANDIDATES = 60
# The hybrid ranking: best-window cosine + LP_WEIGHT x (the story is tagged with an LP the
# question is about, from the classifier at LP_TEMPERATURE) + KEYWORD_WEIGHT x BM25 (scaled to
# the best candidate). Chosen on the dev half of evals/data/retrieval; see evals/RESULTS.md.
LP_WEIGHT = 0.15
LP_TEMPERATURE = 2.0
KEYWORD_WEIGHT = 0.10
BM25_K1 = 1.2
BM25_B = 0.75
# The hybrid score mapped onto 0-1, where the interviewer reads >= 0.5 as "a good fit". On the
# dev questions correct top hits score 0.51-0.69 raw (10th-75th percentile) and off-topic
# questions ("What is your favourite food?") 0.24-0.49, so raw 0.50 maps to 0.5.
SCORE_FLOOR = 0.25
SCORE_SPAN = 0.50
# Auto-tagging: the classifier's top LP, plus runners-up with at least this share of its score.
AUTO_LPS = 3
AUTO_LP_SHARE = 0.5
# Story vectors (the mean of a story's window vectors) at least this similar are flagged as
# near-duplicates: the 42 distinct eval stories, on deliberately overlapping topics, peak at
# 0.65; a retitled, reworded or halved copy of a story scores 0.95-0.98.
DUPLICATE_COSINE = 0.85
# A story told in this many distinct sessions, and in at least twice as many as the user's
# median story, is over-used: interviewers notice the same story across LPs.
OVERUSE_MIN_SESSIONS = 3
STRONG = 3  # coverage cell strength that counts as a strong story for an LP
MIN_STRONG_PER_LP = 2
# An LP tag outside the classifier's top-N for the story text is treated as a weak fit.
TAG_FIT_TOP = 6
_MAX_SESSIONS_KEPT = 100

_USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


# --- errors ---------------------------------------------------------------------------------


class StoryError(ValueError):
    """A story-bank request the caller can fix (bad input, unknown story, bad user)."""


class StoryNotFoundError(StoryError, KeyError):
    """No story with that id for that user."""

    def __str__(self) -> str:
        """Plain message (KeyError would quote it)."""
        return str(self.args[0]) if self.args else "story not found"


class StoryImportError(StoryError):
    """An import file is unreadable or invalid; nothing from it was saved."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<input>",
        line: int | None = None,
        field: str | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        """Build `source:line: message` so the user can jump to the bad spot."""
        self.source = source
        self.line = line
        self.field = field
        self.problems = list(problems)
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class StoryBankError(RuntimeError):
    """The storage backend (embedded Chroma or a Chroma server) failed or is unreachable."""


class StaleCollectionError(StoryBankError):
    """A cached collection handle points at a collection another process has deleted."""


_F = TypeVar("_F")


def _reopens_stale(method: _F) -> _F:
    """Retry a per-user method once after its collection was deleted by another process.

    Another app process (or bank object) may run "delete my data" for the user; this bank's
    cached handle then names a collection that no longer exists. `_call` drops the handle and
    raises StaleCollectionError; nothing was written through the dead handle, so running the
    method again on a freshly opened (or, for reads, absent) collection is safe.
    """

    @functools.wraps(method)  # type: ignore[arg-type]
    def wrapper(self: Any, user: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, user, *args, **kwargs)  # type: ignore[operator]
        except StaleCollectionError:
            return method(self, user, *args, **kwargs)  # type: ignore[operator]

    return wrapper  # type: ignore[return-value]


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


def _now() -> str:
    """Current UTC time as ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _principles() -> dict[str, Principle]:
    """The bundled principles (cached by `load_principles`)."""
    from agents.lp.principles import load_principles

    return load_principles()


def resolve_lp(value: str) -> str:
    """An LP slug from a slug or name in any case/punctuation style; ValueError if unknown."""
    from agents.lp.principles import get_principle

    try:
        return get_principle(value).slug
    except KeyError as e:
        raise ValueError(
            f"unknown leadership principle {value!r}; valid: {', '.join(_principles())}"
        ) from e


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


class StoryHit(BaseModel):
    """One retrieval result: the story, a 0-1 fit score and why it matched."""

    id: str
    title: str
    score: float
    lps: list[str]
    reason: str
    text: str
    similarity: float
    matched_lp: str | None = None

    def public_dict(self) -> dict[str, Any]:
        """The `barraiser stories search --json` shape."""
        return {"id": self.id, "title": self.title, "score": self.score, "lps": self.lps}


class ImportReport(BaseModel):
    """What an import did: counts and the ids it wrote."""

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[str] = Field(default_factory=list)

    @property
    def total(self) -> int:
        """Stories read from the file."""
        return self.created + self.updated + self.unchanged


class StoryReview(BaseModel):
    """The coaching view of one story: grade parts and concrete additions."""

    id: str
    title: str
    overall: int
    components: dict[str, int]  # STAR(L) component -> strength 0-3 (0 = missing)
    measurability: int
    metrics: list[str]
    ownership: Literal["i", "we", "none"]
    gaps: list[str]
    flags: list[str]
    suggested_lps: list[str]
    additions: list[str]


class DuplicatePair(BaseModel):
    """Two stories that say nearly the same thing."""

    a: str
    b: str
    title_a: str
    title_b: str
    similarity: float


class OverusedStory(BaseModel):
    """A story told in many drill sessions."""

    id: str
    title: str
    sessions: int
    uses: int


class Coverage(BaseModel):
    """The LP x story matrix (strength 0-3 per cell) and what it says."""

    lps: list[str]
    stories: list[dict[str, str]]  # [{"id", "title"}] in column order
    matrix: dict[str, dict[str, int]]  # lp -> story id -> strength
    strong_counts: dict[str, int]
    weak_lps: list[str]  # fewer than MIN_STRONG_PER_LP strong stories
    overused: list[OverusedStory]
    duplicates: list[DuplicatePair]
    notices: list[str] = Field(default_factory=list)

    def markdown(self) -> str:
        """The matrix as a Markdown table (LP rows, story columns) with the findings."""
        principles = _principles()
        cols = [s["id"] for s in self.stories]
        lines = ["| LP | " + " | ".join(s["title"][:24] for s in self.stories) + " | strong |"]
        lines.append("|---|" + "---|" * (len(cols) + 1))
        for lp in self.lps:
            cells = [_CELL[self.matrix[lp][c]] for c in cols]
            name = principles[lp].name if lp in principles else lp
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {self.strong_counts[lp]} |")
        out = ["\n".join(lines), ""]
        if self.weak_lps:
            names = ", ".join(principles[lp].name for lp in self.weak_lps if lp in principles)
            out.append(f"Fewer than {MIN_STRONG_PER_LP} strong stories: {names}")
        for o in self.overused:
            out.append(f"Over-used: {o.title} (told in {o.sessions} sessions)")
        for d in self.duplicates:
            out.append(f"Near-duplicates: {d.title_a} / {d.title_b} ({d.similarity:.2f})")
        return "\n".join(out)


_CELL = {0: "·", 1: "1", 2: "2", 3: "3"}


# --- parsing: files to StoryInputs ---------------------------------------------------------


@dataclass
class _RawStory:
    """An unvalidated story from a file: fields, the item's line and each field's line."""

    fields: dict[str, Any]
    line: int | None
    field_lines: dict[str, int]


def detect_format(path: str | Path, explicit: str | None = None) -> Format:
    """The import/export format from `explicit` or the file extension."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
        fmt = {"markdown": "md", "yml": "yaml"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise StoryImportError(f"unknown format {explicit!r}; use md, json or yaml")
        return fmt  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise StoryImportError(
            f"unsupported file extension {suffix or '(none)'!r}; "
            "use .md, .markdown, .json, .yaml or .yml (or pass a format)",
            source=str(path),
        )
    return _EXTENSIONS[suffix]


def decode_file(data: bytes, source: str) -> str:
    """Bytes of an import file as text, refusing huge, binary and non-UTF-8 files."""
    if len(data) > MAX_FILE_BYTES:
        raise StoryImportError(
            f"file is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
            source=source,
        )
    if not data.strip():
        raise StoryImportError("file is empty", source=source)
    if b"\x00" in data[:8192]:
        raise StoryImportError("this looks like a binary file, not text", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise StoryImportError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8",
            source=source,
            line=line,
        ) from e


def parse_stories(text: str, fmt: str, source: str = "<input>") -> list[StoryInput]:
    """Parse and validate every story in `text`; StoryImportError names each bad line/field."""
    fmt = detect_format(source, fmt)
    if not text.strip():
        raise StoryImportError("file is empty", source=source)
    if fmt == "md":
        raw = _parse_markdown(text, source)
    elif fmt == "json":
        raw = _parse_json(text, source)
    else:
        raw = _parse_yaml(text, source)
    if not raw:
        raise StoryImportError("no stories found", source=source)
    if len(raw) > MAX_STORIES_PER_IMPORT:
        raise StoryImportError(
            f"{len(raw):,} stories; one import takes at most {MAX_STORIES_PER_IMPORT:,}",
            source=source,
        )
    return _validate_all(raw, source)


def _validate_all(raw: list[_RawStory], source: str) -> list[StoryInput]:
    """Validate each raw story, collecting every problem (with lines) before failing."""
    out: list[StoryInput] = []
    problems: list[tuple[int | None, str, str]] = []
    seen_ids: dict[str, int | None] = {}
    for n, item in enumerate(raw, start=1):
        try:
            story = StoryInput.model_validate(item.fields)
        except ValidationError as e:
            for err in e.errors():
                loc = [str(p) for p in err["loc"]]
                name = loc[0] if loc else "text"
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = "unknown field; expected one of " + ", ".join(_IMPORT_FIELDS)
                elif err["type"] == "missing":
                    msg = "is required"
                # A whole-story error (no content) points at the story, not at a blank line.
                line = item.field_lines.get(name, item.line) if loc else item.line
                problems.append((line, f"story {n}, field '{name}'", msg))
            continue
        if story.id is not None:
            if story.id in seen_ids:
                first = seen_ids[story.id]
                problems.append(
                    (
                        item.field_lines.get("id", item.line),
                        f"story {n}, field 'id'",
                        f"{story.id!r} repeats the id of an earlier story (line {first})",
                    )
                )
            seen_ids[story.id] = item.field_lines.get("id", item.line)
        out.append(story)
    if problems:
        line, where, msg = problems[0]
        more = len(problems) - 1
        details = [f"{f'line {ln}: ' if ln else ''}{w}: {m}" for ln, w, m in problems[:20]]
        summary = f"{where}: {msg}" + (f" (and {more} more problem(s))" if more else "")
        first_field = where.split("'")[1] if "'" in where else None
        raise StoryImportError(
            summary + "; nothing was imported",
            source=source,
            line=line,
            field=first_field,
            problems=details,
        )
    return out


_IMPORT_FIELDS: tuple[str, ...] = tuple(StoryInput.model_fields)


# Markdown -----------------------------------------------------------------------------------

_MD_META: dict[str, str] = {
    "id": "id",
    "lps": "lps",
    "lp": "lps",
    "principles": "lps",
    "leadership principles": "lps",
    "role": "role",
    "company": "company",
    "date": "date",
    "when": "date",
    "metrics": "metrics",
    "created": "created_at",
    "updated": "updated_at",
}
_MD_BLOCK: dict[str, str] = {
    "text": "text",
    "story": "text",
    "situation": "situation",
    "task": "task",
    "action": "action",
    "actions": "action",
    "result": "result",
    "results": "result",
    "learning": "learning",
    "learnings": "learning",
    "lesson": "learning",
    "lessons": "learning",
    "notes": "notes",
}
_MD_LABEL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?([A-Za-z][A-Za-z ]{0,24}?)[ \t]*(?:\*\*|__)?[ \t]*:"
    r"(?:\*\*|__)?[ \t]*(.*)$"
)
_MD_HEADING = re.compile(r"^##(?!#)[ \t]*(.*)$")
_MD_EXPORT_LABEL = {
    "id": "ID",
    "lps": "LPs",
    "role": "Role",
    "company": "Company",
    "date": "Date",
    "metrics": "Metrics",
    "created_at": "Created",
    "updated_at": "Updated",
    "text": "Text",
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "learning": "Learning",
    "notes": "Notes",
}


def _md_label(line: str) -> tuple[str, str, bool] | None:
    """(field, value, is_meta) when the line is a known `Label: value` line."""
    m = _MD_LABEL.match(line)
    if not m:
        return None
    key = " ".join(m.group(1).lower().split())
    if key in _MD_META:
        return _MD_META[key], m.group(2), True
    if key in _MD_BLOCK:
        return _MD_BLOCK[key], m.group(2), False
    return None


def _parse_markdown(text: str, source: str) -> list[_RawStory]:
    """`## Title` per story; `Label: value` lines; `\\` escapes a line that would be markup."""
    stories: list[_RawStory] = []
    current: _RawStory | None = None
    block: str | None = None  # the multi-line field being filled
    blocks: dict[str, list[str]] = {}
    h1_seen = False

    def finish() -> None:
        if current is None:
            return
        for name, lines in blocks.items():
            current.fields[name] = "\n".join(lines)

    for lineno, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        heading = _MD_HEADING.match(line)
        if heading:
            finish()
            title = heading.group(1).strip()
            title = re.sub(r"[ \t]+#+[ \t]*$", "", title)  # closing hashes: "## Title ##"
            current = _RawStory({"title": title}, lineno, {"title": lineno})
            stories.append(current)
            block, blocks = None, {}
            continue
        if current is None:
            if not line.strip() or line.strip().startswith("<!--"):
                continue
            if line.startswith("# ") and not h1_seen:
                h1_seen = True  # a document title above the stories
                continue
            raise StoryImportError(
                "text before the first story; each story starts with a '## Title' line",
                source=source,
                line=lineno,
            )
        if line.startswith("\\"):
            literal = line[1:]
        else:
            label = _md_label(line)
            if label is not None:
                name, value, is_meta = label
                if name in current.field_lines:
                    raise StoryImportError(
                        f"'{line.split(':')[0].strip(' *_-')}:' appears twice in story "
                        f"'{current.fields['title']}' (first on line {current.field_lines[name]})",
                        source=source,
                        line=lineno,
                        field=name,
                    )
                current.field_lines[name] = lineno
                if is_meta:
                    current.fields[name] = value
                else:
                    block = name
                    blocks[name] = [value]
                continue
            literal = line
        target = block or "text"
        if target not in blocks:
            blocks[target] = []
            current.field_lines.setdefault(target, lineno)
        blocks[target].append(literal)
    finish()
    if not stories:
        raise StoryImportError(
            "no stories found: start each story with a '## Title' line", source=source
        )
    return stories


def _md_escape(value: str) -> list[str]:
    """Lines of a field value, each escaped when a reader would take it for markup."""
    out = []
    for line in value.split("\n"):
        if line.startswith(("\\", "#")) or _md_label(line) is not None:
            line = "\\" + line
        out.append(line)
    return out


def stories_to_markdown(stories: Sequence[Story]) -> str:
    """Markdown export: `## Title`, metadata lines, free text, then `Label:` blocks."""
    out = ["# Story bank", ""]
    for s in stories:
        out.append(f"## {s.title}")
        out.append(f"ID: {s.id}")
        if s.lps:
            out.append(f"LPs: {', '.join(s.lps)}")
        for name in ("role", "company", "date"):
            if getattr(s, name):
                out.append(f"{_MD_EXPORT_LABEL[name]}: {getattr(s, name)}")
        # Always written (even empty) so that "no metrics" survives the round trip instead of
        # being re-extracted from the text.
        out.append(f"Metrics: {'; '.join(s.metrics)}")
        out.append(f"Created: {s.created_at}")
        out.append(f"Updated: {s.updated_at}")
        out.append("")
        if s.text:
            out += _md_escape(s.text)
            out.append("")
        for name in (*STAR_FIELDS, "notes"):
            value = getattr(s, name)
            if value:
                label = _MD_EXPORT_LABEL[name]
                first = value.split("\n", 1)[0]
                parsed = _md_label(f"{label}: {first}")
                if parsed is not None and parsed[1] == first:
                    out.append(f"{label}: {first}")
                    out += _md_escape(value)[1:]
                else:
                    # The first line would not read back verbatim after the label ("**x"),
                    # so the value starts on the next line, escaped like any other.
                    out.append(f"{label}:")
                    out += _md_escape(value)
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# JSON ---------------------------------------------------------------------------------------


def _json_items(text: str, source: str) -> list[tuple[Any, int]]:
    """The top-level list's items with the line each starts on (or a `stories` key's list)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise StoryImportError(f"not valid JSON: {e.msg}", source=source, line=e.lineno) from e
    except RecursionError as e:
        raise StoryImportError("JSON is nested too deeply", source=source) from e
    except ValueError as e:  # e.g. an integer longer than Python's 4300-digit limit
        raise StoryImportError(f"not valid JSON: {e}", source=source) from e
    if isinstance(data, dict) and isinstance(data.get("stories"), list) and len(data) <= 2:
        items = data["stories"]
        start = text.find("[", text.find('"stories"'))
    elif isinstance(data, list):
        items = data
        start = text.find("[")
    else:
        raise StoryImportError(
            'expected a JSON list of story objects (or {"stories": [...]})', source=source, line=1
        )
    # Walk the array once more with raw_decode to learn where each item starts.
    lines: list[int] = []
    decoder = json.JSONDecoder()
    pos = start + 1
    for _ in items:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            break  # cannot happen after a successful loads; lines stay approximate
    lines += [lines[-1] if lines else 1] * (len(items) - len(lines))
    return list(zip(items, lines, strict=True))


def _parse_json(text: str, source: str) -> list[_RawStory]:
    """A JSON list of objects."""
    out = []
    for n, (item, line) in enumerate(_json_items(text, source), start=1):
        if not isinstance(item, dict):
            raise StoryImportError(
                f"story {n} is a {type(item).__name__}, expected an object with a 'title'",
                source=source,
                line=line,
            )
        out.append(_RawStory(dict(item), line, {}))
    return out


# YAML ---------------------------------------------------------------------------------------


class _StoryYAMLLoader(yaml.BaseLoader):
    """Every scalar stays a string (no 'yes' -> True, no dates) and aliases are refused."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse aliases: `&a`/`*a` chains can expand a small file into gigabytes."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in story files", event.start_mark
            )
        return super().compose_node(parent, index)


def _parse_yaml(text: str, source: str) -> list[_RawStory]:
    """A YAML list of mappings (or a `stories:` key holding one), with per-field lines."""
    try:
        loader = _StoryYAMLLoader(text)
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, max(0, e.position)) + 1
        raise StoryImportError(
            f"not valid YAML: character #x{e.character:04x} is not allowed",
            source=source,
            line=line,
        ) from e
    try:
        node = loader.get_single_node()
        if node is None:
            raise StoryImportError("file is empty", source=source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        raise StoryImportError(
            f"not valid YAML: {e.problem or e.context}", source=source, line=line
        ) from e
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        raise StoryImportError(f"not valid YAML: {e}", source=source) from e
    finally:
        loader.dispose()
    if isinstance(data, dict) and isinstance(data.get("stories"), list) and len(data) <= 2:
        node = next(v for k, v in node.value if k.value == "stories")
        data = data["stories"]
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise StoryImportError(
            "expected a YAML list of stories ('- title: ...')", source=source, line=1
        )
    out = []
    for n, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            raise StoryImportError(
                f"story {n} is not a mapping; expected 'title:', 'text:' ... keys",
                source=source,
                line=line,
            )
        field_lines = {
            str(k.value): k.start_mark.line + 1
            for k, _ in item_node.value
            if isinstance(k, yaml.ScalarNode)
        }
        # BaseLoader reads `key:` with no value as "": optional fields left empty are unset.
        fields = {k: (None if v == "" and k != "title" else v) for k, v in item.items()}
        out.append(_RawStory(fields, line, field_lines))
    return out


# Exporters ----------------------------------------------------------------------------------


def stories_to_json(stories: Sequence[Story]) -> str:
    """JSON export: a list of story objects."""
    return json.dumps([s.export_dict() for s in stories], ensure_ascii=False, indent=2) + "\n"


def stories_to_yaml(stories: Sequence[Story]) -> str:
    """YAML export: a list of story mappings, every scalar a string."""
    return yaml.safe_dump(
        [s.export_dict() for s in stories],
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def export_text(stories: Sequence[Story], fmt: str) -> str:
    """Stories in `fmt` (md, json or yaml)."""
    fmt = detect_format("x", fmt)
    if fmt == "md":
        return stories_to_markdown(stories)
    if fmt == "json":
        return stories_to_json(stories)
    return stories_to_yaml(stories)


# --- STAR(L) split and coaching (pure functions over the grader) --------------------------

_LABELLED_STAR = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(situation|task|actions?|results?|learnings?|lessons?)"
    r"(?:\*\*|__)?[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)


def split_star(text: str) -> dict[str, str]:
    """Split free text into STAR(L) fields with the grader (labelled lines are taken as given).

    The grader labels sentences (up to three per component); a sentence it leaves unlabelled
    joins the component of the sentence before it, because stories are told in order.
    """
    from agents.grading import COMPONENTS, analyze

    text = clean_field(text)
    out = dict.fromkeys(STAR_FIELDS, "")
    if not text:
        return out
    if _LABELLED_STAR.search(text):
        try:
            raw = _parse_markdown("## x\n" + text, "<text>")[0].fields
        except StoryImportError:
            raw = {}
        found = {k: clean_field(v) for k, v in raw.items() if k in STAR_FIELDS and v}
        if found:
            lead = clean_field(raw.get("text") or "")
            if lead:
                found["situation"] = "\n".join(x for x in (lead, found.get("situation")) if x)
            out.update(found)
            return out
    grade = analyze(text)
    label_of: dict[str, str] = {}
    # A sentence can be evidence for two components ("At my last job I rewrote ..." is both
    # context and action); the more specific one wins, situation being the catch-all.
    for name in ("action", "result", "learning", "task", "situation"):
        if name not in COMPONENTS:
            continue
        for quote in grade.components[name].evidence:  # type: ignore[index]
            label_of.setdefault(quote, name)
    spans = split_sentences(text)
    labels: list[str | None] = [label_of.get(s.text) for s in spans]
    first = next((lab for lab in labels if lab), "situation")
    current = first
    parts: dict[str, list[str]] = {name: [] for name in STAR_FIELDS}
    for span, label in zip(spans, labels, strict=True):
        current = label or current
        parts[current].append(span.text)
    return {name: " ".join(parts[name]) for name in STAR_FIELDS}


# What a result talks about, to phrase "what was the X before?" concretely.
_MEASURE_NOUNS = (
    "p99 latency", "p95 latency", "p50 latency", "latency", "response time", "load time",
    "page load", "build time", "deploy time", "lead time", "cycle time", "error rate", "churn",
    "conversion", "retention", "revenue", "cost", "spend", "tickets", "incidents", "outages",
    "pages", "alerts", "defects", "bugs", "uptime", "availability", "throughput", "nps", "csat",
    "satisfaction", "attrition", "turnover", "on-time delivery", "accuracy", "backlog",
    "onboarding time", "time to hire", "engagement", "adoption", "sales", "margin", "downtime",
    "complaints", "escalations", "run time", "processing time", "wait time",
)  # fmt: skip


# Coaching cues (kept here rather than borrowed from the grader's private patterns): does the
# result state where the number started, and who felt the change?
_HAS_BASELINE = re.compile(
    r"\b(?:from\s+\S+(?:\s\S+)?\s+(?:down |up )?to|from\s+(?:about\s+|around\s+)?[$€£]?\d|"
    r"down from|up from|compared (?:to|with)|"
    r"versus|vs\.?|baseline|previously|used to|before|had been|than (?:before|last))\b",
    re.IGNORECASE,
)
_HAS_EFFECT = re.compile(
    r"\b(?:customers?|users?|clients?|shoppers?|buyers?|sellers?|patients?|students?|revenue|"
    r"sales|profit|margin|costs?|spend|budget|savings?|churn|retention|conversion|satisfaction|"
    r"nps|csat|complaints?|tickets?|support|on-?call|engineers?|team|people|staff|business|"
    r"partners?|orders|bookings|sla)\b|[$€£]",
    re.IGNORECASE,
)


def _measure_noun(text: str) -> str | None:
    """The first metric noun mentioned (longest names first), e.g. 'latency'."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for noun in sorted(_MEASURE_NOUNS, key=len, reverse=True):
        m = re.search(rf"\b{re.escape(noun)}\b", low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), noun)
    return best[1] if best else None


_COUNT_NOUNS = frozenset(
    {"tickets", "incidents", "outages", "pages", "alerts", "defects", "bugs", "complaints",
     "escalations", "sales"}
)  # fmt: skip


def _before_question(noun: str | None) -> str:
    """'what was the latency before?' / 'how many incidents were there before?'."""
    if noun is None:
        return "what was that number before?"
    shown = noun.upper() if noun in ("nps", "csat") else noun
    if noun in _COUNT_NOUNS:
        return f"how many {shown} were there before?"
    return f"what was the {shown} before?"


def _story_grade(story: Story) -> tuple[Grade, dict[str, int], int, list[str]]:
    """Grade a story; explicit STAR(L) fields count as present even if the cues miss them."""
    from agents.grading import analyze, measurability_of

    grade = analyze(story.narrative)
    strengths = {name: grade.components[name].strength for name in STAR_FIELDS}
    measurability = grade.measurability.level
    metrics = list(grade.measurability.metrics)
    if story.structured and not ({"hypothetical", "non_answer"} & set(grade.flags)):
        for name in STAR_FIELDS:
            value = getattr(story, name)
            if value and strengths[name] == 0:
                words = len(value.split())
                strengths[name] = 2 if words >= 12 else 1
        if story.result:
            m = measurability_of([story.result])
            if m.level > measurability:
                measurability, metrics = m.level, list(m.metrics)
    return grade, strengths, measurability, metrics


def _first_we_phrase(text: str) -> str | None:
    """A short 'we <verb> ...' quote to point at when ownership is collective."""
    m = re.search(r"\b[Ww]e\s+\w+(?:\s+\w+){0,3}", text)
    return m.group(0) if m else None


def review_story(story: Story, classifier: LPClassifier | None = None) -> StoryReview:
    """Grade a story (STAR(L), measurability, ownership) and list concrete additions."""
    from agents.grading import overall_from_parts

    grade, strengths, measurability, metrics = _story_grade(story)
    components = {
        name: grade.components[name].model_copy(
            update={"present": strengths[name] > 0, "strength": strengths[name]}
        )
        for name in STAR_FIELDS
    }
    ownership = grade.ownership
    measure = grade.measurability.model_copy(update={"level": measurability, "metrics": metrics})
    overall = overall_from_parts(components, measure, ownership, grade.flags)  # type: ignore[arg-type]
    narrative = story.narrative
    result_text = story.result or " ".join(grade.components["result"].evidence)
    noun = _measure_noun(result_text) or _measure_noun(narrative)
    additions: list[str] = []
    gaps: list[str] = []
    flags = list(grade.flags)
    if "hypothetical" in flags:
        gaps.append("hypothetical")
        additions.append(
            "Tell one specific past event (when, where, what you did), not what you usually do."
        )
    if "non_answer" in flags:
        gaps.append("non_answer")
        additions.append("Write the story out: at least a few sentences on what happened.")
    if not gaps:
        if not strengths["situation"]:
            gaps.append("situation")
            additions.append(
                "Add the situation: where were you (team, product, company) and what was at stake?"
            )
        if not strengths["task"]:
            gaps.append("task")
            additions.append("Add your task: what were you responsible for, and who set that goal?")
        if not strengths["action"]:
            gaps.append("action")
            additions.append("Add what you did, step by step, in the first person ('I ...').")
        elif ownership.label == "we":
            gaps.append("ownership")
            quote = _first_we_phrase(story.action or narrative)
            where = f" (e.g. '{quote}')" if quote else ""
            additions.append(
                f"Say what you did yourself{where}: which of those steps were yours, with 'I'?"
            )
        if not strengths["result"]:
            gaps.append("result")
            thing = f" to {noun}" if noun else ""
            additions.append(
                f"Add the result: what changed{thing} because of what you did, and how you knew?"
            )
        elif measurability <= 1:
            gaps.append("measurability")
            target = f"the {noun}" if noun else "the outcome"
            additions.append(
                f"Put a number on the result: by how much did {target} change (before -> after)?"
            )
        elif measurability == 2:
            # Quantified but not the top level: say which half is missing (baseline, effect).
            joined = result_text or narrative
            before = len(additions)
            if not _HAS_BASELINE.search(joined):
                additions.append(f"Add the baseline: {_before_question(noun)}")
            if not _HAS_EFFECT.search(joined):
                additions.append(
                    "Add who benefited: what did the change mean for customers, the business "
                    "or your team?"
                )
            if len(additions) > before:
                gaps.append("measurability")
        if not strengths["learning"]:
            gaps.append("learning")
            additions.append(
                "Add the learning: what would you do differently, or what do you do now "
                "because of it?"
            )
    words = len(narrative.split())
    if words > 450:
        additions.append(f"Trim it: {words} words is over three minutes spoken; aim for about 300.")
    suggested: list[str] = []
    if classifier is not None:
        ranked = classifier.rank([narrative])[0]
        suggested = ranked[:3]
        if story.lps and not set(story.lps) & set(ranked[:TAG_FIT_TOP]):
            principles = _principles()
            tagged = principles[story.lps[0]]
            additions.append(
                f"It is tagged {tagged.name}, but it reads like "
                f"{principles[ranked[0]].name}; to use it for {tagged.name}, show: "
                f"{tagged.signals[0].rstrip('.').lower()}."
            )
    return StoryReview(
        id=story.id,
        title=story.title,
        overall=overall,
        components=strengths,
        measurability=measurability,
        metrics=metrics,
        ownership=ownership.label,
        gaps=gaps,
        flags=flags,
        suggested_lps=suggested,
        additions=additions,
    )


def _strength_from_overall(overall: int) -> int:
    """Cell strength 1-3 from the story's overall grade (1-5)."""
    return 3 if overall >= 4 else 2 if overall == 3 else 1


# --- the bank -------------------------------------------------------------------------------

_STOP_STEMS: frozenset[str] | None = None


def _stop_stems() -> frozenset[str]:
    """Question boilerplate and function words, stemmed like the texts they are removed from."""
    global _STOP_STEMS
    if _STOP_STEMS is None:
        from agents.lp.classifier import stems

        # Kept short on purpose: a longer list ("time", "one", "not", ...) measured worse on
        # the dev questions, because those words do carry meaning in behavioral questions.
        _STOP_STEMS = frozenset(
            stems(
                "tell me about a time you the a an of to and in on for with was were i my we our "
                "had have how what when did do your that this it is be as at by from or"
            )
        )
    return _STOP_STEMS


def story_terms(story: Story) -> dict[str, int]:
    """Stemmed content-word counts of a story, for the keyword half of the ranking."""
    from agents.lp.classifier import stems

    # Every word is counted (stop words too): BM25's length normalisation wants true lengths;
    # stop words are dropped from the question instead.
    counts: dict[str, int] = {}
    for word in stems(f"{story.title} {story.narrative}"[:MAX_TEXT_CHARS]):
        counts[word] = counts.get(word, 0) + 1
    return counts


def story_chunks(story: Story) -> list[str]:
    """The texts embedded for a story: its title, then windows of WINDOW_SENTENCES sentences.

    Questions are one sentence; a 200-word story vector is an average of many topics, so a
    question is compared with each window and the best window speaks for the story.
    """
    # Single newlines are hard wraps (Markdown files), not sentence ends; blank lines stay.
    narrative = re.sub(r"(?<!\n)\n(?!\n)", " ", story.narrative)
    sentences = [s.text for s in split_sentences(narrative)]
    window = max(WINDOW_SENTENCES, math.ceil(len(sentences) / (MAX_CHUNKS - 1)))
    chunks = [story.title]
    for start in range(0, len(sentences), window):
        chunks.append(" ".join(sentences[start : start + window])[:MAX_EMBED_CHARS])
    return chunks


class _UserScope:
    """The only door to a user's collection: every call is also filtered to that user.

    The collection is the user's own, record ids start with `<user>:` (checked on every
    record a call returns), AND every get/delete carries `where={"user": user}` (the search
    query does not: see `query_chunks`); any one of them would isolate users, together they
    mean one bug cannot leak a story. A story is one `story`
    record (payload in metadata) plus `chunk` records (title and sentence windows) for search.
    """

    def __init__(self, collection: Collection, user: str) -> None:
        self._col = collection
        self.user = user

    def _where(self, **extra: Any) -> dict[str, Any]:
        """The user filter, AND-ed with any further conditions."""
        conditions: list[dict[str, Any]] = [{"user": self.user}]
        conditions += [{k: v} for k, v in extra.items() if v is not None]
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def story_record_id(self, story_id: str) -> str:
        """The Chroma id of one of this user's story records."""
        return f"{self.user}:{story_id}"

    def chunk_record_id(self, story_id: str, n: int) -> str:
        """The Chroma id of one search chunk of a story."""
        return f"{self.user}:{story_id}#{n}"

    def get_stories(
        self,
        story_ids: Sequence[str] | None = None,
        *,
        where: Mapping[str, Any] | None = None,
        include: Sequence[str] = ("metadatas",),
    ) -> dict[str, Any]:
        """This user's story records (all, or the given ids), optionally further filtered."""
        if story_ids is not None and not story_ids:
            return {"ids": [], "metadatas": [], "embeddings": [], "documents": []}
        if story_ids is None or where:
            ids = None if story_ids is None else [self.story_record_id(s) for s in story_ids]
            flt = self._where(kind="story", **dict(where or {}))
            return self._col.get(ids=ids, where=flt, include=list(include))  # type: ignore[arg-type]
        # By id: the ids carry this user's prefix, and the owner is checked on every returned
        # record below instead of in a `where` (which doubles the cost of this hot call).
        wanted = list(include) if "metadatas" in include else [*include, "metadatas"]
        got = self._col.get(
            ids=[self.story_record_id(s) for s in story_ids],
            include=wanted,  # type: ignore[arg-type]
        )
        return _only_owner(got, self.user, "story")

    def get_chunks(self, story_ids: Sequence[str]) -> dict[str, Any]:
        """Every chunk record of the given stories (for backups before a rewrite)."""
        if not story_ids:
            return {"ids": [], "metadatas": [], "embeddings": [], "documents": []}
        flt = self._where(kind="chunk", story_id={"$in": list(story_ids)})
        return self._col.get(
            where=flt,
            include=["metadatas", "embeddings", "documents"],  # type: ignore[list-item]
        )

    def query_chunks(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(story id, cosine) of this user's chunk records nearest to `vector`."""
        got = self._col.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            # No `where` here, unlike every other call: the collection is this user's alone,
            # and any metadata filter makes Chroma scan the metadata of every collection in its
            # SQLite file (45 ms of a 50 ms query at 10k stories). Ownership is still checked:
            # only ids with this user's prefix are kept, and only chunks (story records hold a
            # mean vector and are skipped by their id, which has no '#').
            # Distances only: the story id is in the record id, and fetching the chunks'
            # metadata would more than double the cost of the query.
            include=["distances"],  # type: ignore[list-item]
        )
        prefix = f"{self.user}:"
        out = []
        ids = (got.get("ids") or [[]])[0]
        dists = (got.get("distances") or [[]])[0]
        for rid, dist in zip(ids, dists, strict=True):
            if rid.startswith(prefix) and "#" in rid:
                out.append((rid[len(prefix) :].rsplit("#", 1)[0], 1.0 - float(dist)))
        return out

    def upsert(
        self,
        ids: Sequence[str],
        vectors: Sequence[Any],
        metadatas: Sequence[dict[str, Any]],
        documents: Sequence[str],
    ) -> None:
        """Write records; refuses any record that is not this user's."""
        prefix = f"{self.user}:"
        for rid, meta in zip(ids, metadatas, strict=True):
            if not rid.startswith(prefix) or meta.get("user") != self.user:
                raise StoryError("refusing to write a record for another user")
        if not ids:
            return
        self._col.upsert(
            ids=list(ids),
            embeddings=[np.asarray(v, dtype=np.float32).tolist() for v in vectors],
            metadatas=list(metadatas),  # type: ignore[arg-type]
            documents=list(documents),
        )

    def update_story_metadata(self, story_id: str, metadata: dict[str, Any]) -> None:
        """Merge keys into one of this user's story records (caller checked it exists)."""
        metadata = {**metadata, "user": self.user, "kind": "story"}
        self._col.update(ids=[self.story_record_id(story_id)], metadatas=[metadata])

    def delete_stories(self, story_ids: Sequence[str] | None) -> None:
        """Delete the story and chunk records of some (None: all) of this user's stories."""
        if story_ids is not None and not story_ids:
            return
        ids = None if story_ids is None else {"$in": list(story_ids)}
        self._col.delete(where=self._where(story_id=ids))

    def delete_chunks(self, story_ids: Sequence[str]) -> None:
        """Delete only the chunk records of some stories (before writing new ones)."""
        if story_ids:
            self._col.delete(where=self._where(kind="chunk", story_id={"$in": list(story_ids)}))


def _only_owner(got: dict[str, Any], user: str, kind: str) -> dict[str, Any]:
    """Keep only the records of `got` whose metadata names `user` and `kind`."""
    metas = got.get("metadatas") or []
    keep = [i for i, m in enumerate(metas) if m and m.get("user") == user and m.get("kind") == kind]
    if len(keep) == len(metas):
        return got
    out: dict[str, Any] = {}
    for key in ("ids", "metadatas", "embeddings", "documents"):
        values = got.get(key)
        out[key] = [values[i] for i in keep] if values is not None else None
    return out


def _is_not_found(error: Exception) -> bool:
    """Whether a Chroma error says the collection does not exist (embedded or server)."""
    from chromadb.errors import NotFoundError

    return isinstance(error, NotFoundError) or "does not exist" in str(error)


def check_user(user: str) -> str:
    """A valid user name (letters, digits and . _ @ + -; no ':'), else StoryError."""
    if not isinstance(user, str) or not _USER_RE.match(user):
        raise StoryError(
            f"invalid user {user!r}: use 1-128 letters, digits, '.', '_', '@', '+' or '-'"
        )
    return user


@dataclass
class _Backup:
    """What a set of stories looked like before a write, to restore on failure."""

    ids: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: list[Any]
    documents: list[str]


class StoryBank:
    """A candidate's stories: CRUD, import/export, retrieval, coverage and coaching."""

    # Records per Chroma upsert; the client's own maximum is lower on some servers.
    WRITE_BATCH = 2000

    def __init__(
        self,
        *,
        path: Path | str | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = COLLECTION_NAME,
        embedder: MiniLMEmbedding | None = None,
        classifier: LPClassifier | None = None,
    ) -> None:
        """Remember where the stories live; nothing is opened or loaded until first use."""
        if (path is None) == (host is None):
            raise ValueError("give exactly one of path (embedded Chroma) or host (Chroma server)")
        self.path = Path(path) if path is not None else None
        self.host = host
        self.port = port
        self.collection_name = collection
        self._embedder = embedder
        self._classifier = classifier
        self._client: Any = None
        self._cols: OrderedDict[str, Collection] = OrderedDict()
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings: Settings) -> StoryBank:
        """Embedded Chroma under the data dir, or the server named by CHROMA_HOST/CHROMA_PORT."""
        from agents.embeddings import get_embedding_function

        try:
            embedder = get_embedding_function(settings.embedding_threads)
        except ValueError:  # already created with other thread settings: share that one
            embedder = get_embedding_function()
        if settings.chroma_host:
            return cls(
                host=settings.chroma_host,
                port=settings.chroma_port,
                embedder=embedder,
                collection=COLLECTION_NAME,
            )
        return cls(path=settings.chroma_path, embedder=embedder, collection=COLLECTION_NAME)

    def describe(self) -> str:
        """Where the stories are stored, for status lines and errors."""
        if self.host:
            return f"Chroma server at {self.host}:{self.port}"
        return f"embedded Chroma at {self.path}"

    # -- plumbing -----------------------------------------------------------------------------

    @property
    def embedder(self) -> MiniLMEmbedding:
        """The embedding function (the process-wide one unless another was given)."""
        if self._embedder is None:
            from agents.embeddings import get_embedding_function

            self._embedder = get_embedding_function()
        return self._embedder

    @property
    def classifier(self) -> LPClassifier:
        """The LP classifier, sharing this bank's embedder."""
        if self._classifier is None:
            from agents.embeddings import get_embedding_function
            from agents.lp.classifier import LPClassifier, get_classifier

            if self._embedder is None or self._embedder is get_embedding_function():
                self._classifier = get_classifier()
            else:
                self._classifier = LPClassifier(embedder=self._embedder)
        return self._classifier

    def _open_client(self, create: bool = True) -> Any:
        """The Chroma client, opened once; None when embedded storage does not exist yet."""
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is not None:
                return self._client
            if self.path is not None and not create and not self.path.exists():
                return None  # reads on a fresh install must not create directories
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.host is not None:
                    client = chromadb.HttpClient(
                        host=self.host, port=self.port, settings=chroma_settings
                    )
                else:
                    assert self.path is not None
                    self.path.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(
                        path=str(self.path), settings=chroma_settings
                    )
                self._client = client
                self._migrate_shared_collection()
            except Exception as e:
                self._client = None
                raise StoryBankError(f"cannot open the story bank ({self.describe()}): {e}") from e
            return client

    def collection_name_for(self, user: str) -> str:
        """The name of the user's collection: the bank's prefix and a hash of the user name.

        Hashed because user names may hold '@' and '+', which collection names may not, and
        so that names listed by the server do not reveal who has stories.
        """
        digest = hashlib.sha256(check_user(user).encode("utf-8")).hexdigest()[:32]
        return f"{self.collection_name}-u-{digest}"

    def _collection(self, user: str, create: bool = True) -> Collection | None:
        """The user's collection (cached); None when it does not exist and `create` is False."""
        with self._lock:
            col = self._cols.get(user)
            if col is not None:
                self._cols.move_to_end(user)
                return col
            client = self._open_client(create)
            if client is None:
                return None
            name = self.collection_name_for(user)
            try:
                if create:
                    # Our embedding function is registered with Chroma, so the collection is
                    # saved with its name and reopens with it instead of Chroma's default.
                    col = client.get_or_create_collection(
                        name,
                        embedding_function=self._chroma_ef(),  # type: ignore[arg-type]
                        metadata={"barraiser_schema": SCHEMA_VERSION},
                        configuration={"hnsw": dict(_HNSW_CONFIG)},  # type: ignore[arg-type]
                    )
                else:
                    col = client.get_collection(
                        name,
                        embedding_function=self._chroma_ef(),  # type: ignore[arg-type]
                    )
            except Exception as e:
                if not create and _is_not_found(e):
                    return None
                raise StoryBankError(f"cannot open the story bank ({self.describe()}): {e}") from e
            self._cols[user] = col
            while len(self._cols) > _OPEN_COLLECTIONS:
                self._cols.popitem(last=False)
            return col

    def _migrate_shared_collection(self) -> None:
        """Move stories from the single shared collection of schema 1 into per-user ones.

        Records are copied with their stored vectors (nothing is re-embedded), user by user;
        the shared collection is deleted only after every record has been copied, so a crash
        part-way leaves it in place and the next open copies again (upserts: idempotent).
        """
        client = self._client
        try:
            legacy = client.get_collection(self.collection_name)
        except Exception as e:
            if _is_not_found(e):
                return
            raise
        offset = 0
        page = self._batch_size()
        while True:
            got = legacy.get(
                include=["metadatas", "embeddings", "documents"],  # type: ignore[list-item]
                limit=page,
                offset=offset,
            )
            ids = list(got.get("ids") or [])
            if not ids:
                break
            offset += len(ids)
            metas = got.get("metadatas") or [{}] * len(ids)
            embs = got.get("embeddings")
            docs = got.get("documents") or [""] * len(ids)
            by_user: dict[str, list[int]] = {}
            for i, meta in enumerate(metas):
                user = str((meta or {}).get("user") or "")
                if _USER_RE.match(user) and ids[i].startswith(f"{user}:"):
                    by_user.setdefault(user, []).append(i)
            for user, rows in by_user.items():
                col = self._collection(user)
                assert col is not None
                col.upsert(
                    ids=[ids[i] for i in rows],
                    embeddings=[embs[i] for i in rows],  # type: ignore[index]
                    metadatas=[metas[i] for i in rows],  # type: ignore[misc]
                    documents=[docs[i] for i in rows],
                )
        client.delete_collection(self.collection_name)

    def _chroma_ef(self) -> MiniLMEmbedding:
        """The embedding function Chroma persists with the collection (always the real one)."""
        from agents.embeddings import MiniLMEmbedding, get_embedding_function

        ef = self.embedder
        return ef if isinstance(ef, MiniLMEmbedding) else get_embedding_function()

    def purge_user(self, user: str) -> int:
        """Delete the user's stories and leave no trace of them in Chroma's files.

        A Chroma delete only hides records: the text and vectors stay in Chroma's write-ahead
        log (`embeddings_queue` in chroma.sqlite3) until the vector index next flushes, in freed
        SQLite pages, and as deleted-marked vectors in the index files. Deleting the user's
        collection drops its log rows and index files; then, embedded, SQLite's VACUUM rewrites
        chroma.sqlite3 without the freed pages. Returns how many stories the user had. Against
        a server the collection is dropped there too, but its SQLite file can only be vacuumed
        on the server (`chroma vacuum --path ...`).
        """
        with self._lock:
            n = self.count(user)
            client = self._open_client(create=False)
            if client is None:
                return n
            self._cols.pop(user, None)
            try:
                client.delete_collection(self.collection_name_for(user))
            except Exception as e:
                if not _is_not_found(e):
                    raise StoryBankError(
                        f"deleting the stories of {user} failed ({self.describe()}): {e}"
                    ) from e
            if self.path is not None:
                self._call("vacuuming the story database", self._vacuum)
        return n

    def _vacuum(self) -> None:
        """Rewrite chroma.sqlite3 so that deleted rows do not survive in free pages."""
        import sqlite3

        assert self.path is not None
        db = self.path / "chroma.sqlite3"
        if not db.exists():
            return
        # Chroma's own connections are idle between calls and its journal mode is DELETE, so
        # a VACUUM from a second connection is safe while the bank's lock is held.
        con = sqlite3.connect(db, isolation_level=None, timeout=30)
        try:
            con.execute("VACUUM")
        finally:
            con.close()

    def _scope(self, user: str, create: bool = True) -> _UserScope | None:
        """The user's view of their collection (None when nothing is stored yet)."""
        check_user(user)
        col = self._collection(user, create=create)
        return None if col is None else _UserScope(col, user)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a storage call, turning backend failures into StoryBankError."""
        try:
            return fn(*args, **kwargs)
        except (StoryError, StoryBankError):
            raise
        except Exception as e:
            owner = getattr(fn, "__self__", None)
            if isinstance(owner, _UserScope) and _is_not_found(e):
                with self._lock:
                    if self._cols.get(owner.user) is owner._col:
                        self._cols.pop(owner.user, None)
                raise StaleCollectionError(
                    f"{what} failed ({self.describe()}): the stories of {owner.user} were "
                    f"deleted elsewhere while this process held them open: {e}"
                ) from e
            raise StoryBankError(f"{what} failed ({self.describe()}): {e}") from e

    @staticmethod
    def _story_from_meta(meta: Mapping[str, Any]) -> Story:
        """Rebuild a Story from a story record's metadata."""
        try:
            data = json.loads(str(meta["payload"]))
            data["use_count"] = int(meta.get("use_count", 0) or 0)
            # Payloads were validated when written; re-validating (NFC, LP lookups) on every
            # search would cost more than the whole query budget.
            return Story.model_construct(**{k: data[k] for k in Story.model_fields if k in data})
        except (KeyError, TypeError, ValueError) as e:
            raise StoryBankError(f"a stored story is unreadable: {e}") from e

    @staticmethod
    def _metadata(story: Story, previous: Mapping[str, Any] | None) -> dict[str, Any]:
        """A story record's metadata: owner, payload, search terms; use history carried over."""
        meta: dict[str, Any] = {
            "user": story.user,
            "kind": "story",
            "story_id": story.id,
            "schema": SCHEMA_VERSION,
            "payload": story.model_dump_json(exclude={"use_count"}),
            "terms": json.dumps(story_terms(story), ensure_ascii=False, separators=(",", ":")),
            "fingerprint": fingerprint(story.title, story.narrative),
            "updated_at": story.updated_at,
            "use_count": 0,
            "sessions": "[]",
        }
        if previous:
            meta["use_count"] = int(previous.get("use_count", 0) or 0)
            meta["sessions"] = str(previous.get("sessions", "[]") or "[]")
        return meta

    # -- LP suggestion ------------------------------------------------------------------------

    def suggest_lps(
        self, text: str, k: int = 3, vector: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The k most likely LPs for a story or question as (slug, share), best first."""
        return self._suggest_many([text], None if vector is None else vector[None, :], k)[0]

    def _suggest_many(
        self, texts: Sequence[str], vectors: np.ndarray | None, k: int = 3
    ) -> list[list[tuple[str, float]]]:
        """Top-k LP shares for many texts, reusing vectors already computed."""
        clf = self.classifier
        matrix = clf.scores(list(texts), vectors)
        out = []
        for row in matrix:
            share = np.exp(row - row.max())
            share /= share.sum()
            order = np.argsort(-row, kind="stable")[: max(1, k)]
            out.append([(clf.slugs[j], round(float(share[j]), 4)) for j in order])
        return out

    @staticmethod
    def _auto_lps(suggestions: list[tuple[str, float]]) -> list[str]:
        """The LPs to tag automatically: the top one, and close runners-up (at most three)."""
        if not suggestions:
            return []
        top = suggestions[0][1]
        return [slug for slug, share in suggestions[:AUTO_LPS] if share >= AUTO_LP_SHARE * top]

    # -- writing ------------------------------------------------------------------------------

    def _prepare(
        self,
        user: str,
        inputs: Sequence[StoryInput],
        existing: Mapping[str, Story],
        now: str,
    ) -> list[Story]:
        """Turn inputs into Stories: ids, owner, timestamps, metrics (LPs filled later)."""
        out = []
        for item in inputs:
            sid = item.id or new_story_id()
            prev = existing.get(sid)
            data = item.model_dump()
            data.update(id=sid, user=user)
            if prev is not None:
                # An edit keeps the story's birth date; tags left empty keep the current ones
                # rather than being re-suggested.
                data["created_at"] = prev.created_at
                data["lps"] = data["lps"] or list(prev.lps)
            else:
                data["created_at"] = item.created_at or now
            data["updated_at"] = item.updated_at or now
            if item.metrics is None:
                narrative = item.text or "\n".join(getattr(item, f) for f in STAR_FIELDS)
                data["metrics"] = find_metrics(narrative)[:MAX_METRICS]
            out.append(Story.model_validate(data))
        return out

    def _save(self, user: str, inputs: Sequence[StoryInput], source: str) -> ImportReport:
        """Embed and write validated stories all-or-nothing; existing ids are updated."""
        scope = self._scope(user)
        assert scope is not None
        report = ImportReport(source=source)
        with self._lock:
            prev_meta = self._existing_for(scope, inputs)
            resolved = [
                i
                if i.id
                else i.model_copy(update={"id": prev_meta.get(_input_fp(i), {}).get("story_id")})
                for i in inputs
            ]
            existing = {
                str(m["story_id"]): self._story_from_meta(m)
                for key, m in prev_meta.items()
                if not key.startswith("fp:")
            }
            stories = self._prepare(user, resolved, existing, _now())
            to_write: list[Story] = []
            now = _now()
            for s in stories:
                prev = existing.get(s.id)
                if prev is not None and prev.content_key() == s.content_key():
                    report.unchanged += 1  # unchanged stories keep their timestamps
                    report.ids.append(s.id)
                    continue
                if prev is not None:
                    s = s.model_copy(update={"updated_at": now})  # changed now, not in the file
                to_write.append(s)
            if to_write:
                self._write(scope, to_write, prev_meta)
                for s in to_write:
                    report.created += s.id not in existing
                    report.updated += s.id in existing
                    report.ids.append(s.id)
        return report

    def _existing_for(
        self, scope: _UserScope, inputs: Sequence[StoryInput]
    ) -> dict[str, dict[str, Any]]:
        """Stored metadata of the stories these inputs will overwrite.

        Keyed by story id, plus `fp:<fingerprint>` for inputs without an id: re-importing a
        file without ids finds the stories it created last time instead of duplicating them.
        """
        out: dict[str, dict[str, Any]] = {}
        given = [i.id for i in inputs if i.id]
        for start in range(0, len(given), 500):
            got = self._call("reading stories", scope.get_stories, given[start : start + 500])
            for m in got.get("metadatas") or []:
                out[str(m["story_id"])] = m
        fps = sorted({_input_fp(i).removeprefix("fp:") for i in inputs if not i.id})
        for start in range(0, len(fps), 500):
            got = self._call(
                "reading stories",
                scope.get_stories,
                None,
                where={"fingerprint": {"$in": fps[start : start + 500]}},
            )
            for m in got.get("metadatas") or []:
                out.setdefault(str(m["story_id"]), m)
                out.setdefault(f"fp:{m['fingerprint']}", m)
        return out

    def _write(
        self, scope: _UserScope, stories: list[Story], prev_meta: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Embed chunks, auto-tag untagged stories, and write; on any failure restore."""
        chunk_texts = [story_chunks(s) for s in stories]
        flat = [t for chunks in chunk_texts for t in chunks]
        vectors = self.embedder.embed(flat)
        story_vecs: list[np.ndarray] = []
        start = 0
        for chunks in chunk_texts:
            block = vectors[start : start + len(chunks)]
            start += len(chunks)
            mean = block.mean(axis=0)
            story_vecs.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        untagged = [i for i, s in enumerate(stories) if not s.lps]
        if untagged:
            suggestions = self._suggest_many(
                [stories[i].narrative for i in untagged],
                np.array([story_vecs[i] for i in untagged]),
            )
            for i, sugg in zip(untagged, suggestions, strict=True):
                stories[i] = stories[i].model_copy(update={"lps": self._auto_lps(sugg)})
        backup = self._backup(scope, [s.id for s in stories if s.id in prev_meta])
        batches: list[tuple[list[str], list[Any], list[dict[str, Any]], list[str]]] = []
        current: tuple[list[str], list[Any], list[dict[str, Any]], list[str]] = ([], [], [], [])
        start = 0
        for s, chunks, svec in zip(stories, chunk_texts, story_vecs, strict=True):
            block = vectors[start : start + len(chunks)]
            start += len(chunks)
            rows = [
                (
                    scope.chunk_record_id(s.id, n),
                    block[n],
                    {"user": s.user, "kind": "chunk", "story_id": s.id},
                    text,
                )
                for n, text in enumerate(chunks)
            ]
            rows.append(
                (
                    scope.story_record_id(s.id),
                    svec,
                    self._metadata(s, prev_meta.get(s.id)),
                    embedding_text(s),
                )
            )
            if len(current[0]) + len(rows) > self._batch_size() and current[0]:
                batches.append(current)
                current = ([], [], [], [])
            for rid, vec, meta, doc in rows:
                current[0].append(rid)
                current[1].append(vec)
                current[2].append(meta)
                current[3].append(doc)
        batches.append(current)
        written = [s.id for s in stories]
        try:
            # Old chunks go first: an edit can make a story shorter (fewer windows).
            scope.delete_chunks([s.id for s in stories if s.id in prev_meta])
            for ids, vecs, metas, docs in batches:
                scope.upsert(ids, vecs, metas, docs)
        except Exception as e:
            self._restore(scope, written, backup, e)
            if isinstance(e, StoryError | StoryBankError):
                raise
            raise StoryBankError(f"saving stories failed ({self.describe()}): {e}") from e

    def _batch_size(self) -> int:
        """Records per upsert: ours, capped by what the client accepts."""
        size = self.WRITE_BATCH
        with contextlib.suppress(Exception):  # older servers do not say: keep ours
            size = min(size, int(self._client.get_max_batch_size()))
        return max(1, size)

    def _backup(self, scope: _UserScope, story_ids: Sequence[str]) -> _Backup:
        """Every record of the given stories, as they are now."""
        backup = _Backup([], [], [], [])
        for start in range(0, len(story_ids), 200):
            part = list(story_ids[start : start + 200])
            for got in (
                self._call(
                    "reading stories",
                    scope.get_stories,
                    part,
                    include=("metadatas", "embeddings", "documents"),
                ),
                self._call("reading stories", scope.get_chunks, part),
            ):
                backup.ids += list(got.get("ids") or [])
                backup.metadatas += list(got.get("metadatas") or [])
                embs = got.get("embeddings")
                backup.embeddings += list(embs) if embs is not None else []
                backup.documents += list(got.get("documents") or [])
        return backup

    def _restore(
        self, scope: _UserScope, story_ids: Sequence[str], backup: _Backup, cause: Exception
    ) -> None:
        """Undo a failed write: drop everything written, put the old records back."""
        try:
            scope.delete_stories(list(story_ids))
            for start in range(0, len(backup.ids), self._batch_size()):
                end = start + self._batch_size()
                scope.upsert(
                    backup.ids[start:end],
                    backup.embeddings[start:end],
                    [dict(m) for m in backup.metadatas[start:end]],
                    backup.documents[start:end],
                )
        except Exception as rollback_error:
            raise StoryBankError(
                f"saving failed ({cause}) and so did undoing it ({rollback_error}); "
                "re-run the import to make the bank consistent"
            ) from cause

    # -- CRUD ---------------------------------------------------------------------------------

    @_reopens_stale
    def create(self, user: str, story: StoryInput | Mapping[str, Any]) -> Story:
        """Add one story (LPs auto-suggested when none are given); returns it as stored."""
        if isinstance(story, StoryInput):
            item = story
        else:
            try:
                item = StoryInput.model_validate(dict(story))
            except ValidationError as e:
                raise StoryError(_describe(e)) from e
        if item.id and self.get(user, item.id) is not None:
            raise StoryError(f"story {item.id!r} already exists; use update")
        report = self._save(user, [item], "<create>")
        found = self.get(user, report.ids[0])
        assert found is not None
        return found

    @_reopens_stale
    def update(self, user: str, story_id: str, **changes: Any) -> Story:
        """Change fields of a story (text edits re-extract metrics unless metrics are given)."""
        current = self.get(user, story_id)
        if current is None:
            raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
        unknown = set(changes) - set(StoryInput.model_fields) - {"id"}
        if unknown:
            raise StoryError(f"unknown field(s): {', '.join(sorted(unknown))}")
        data = current.export_dict()
        data.update(changes)
        data["id"] = story_id
        data["updated_at"] = None
        text_changed = any(k in changes for k in ("text", *STAR_FIELDS))
        if text_changed and "metrics" not in changes:
            data["metrics"] = None
        try:
            item = StoryInput.model_validate(data)
        except ValidationError as e:
            raise StoryError(_describe(e)) from e
        self._save(user, [item], "<update>")
        found = self.get(user, story_id)
        assert found is not None
        return found

    @_reopens_stale
    def get(self, user: str, story_id: str) -> Story | None:
        """One of the user's stories, or None."""
        scope = self._scope(user, create=False)
        if scope is None or not isinstance(story_id, str) or not story_id:
            return None
        got = self._call("reading a story", scope.get_stories, [story_id])
        metas = got.get("metadatas") or []
        return self._story_from_meta(metas[0]) if metas else None

    @_reopens_stale
    def list(self, user: str) -> list[Story]:
        """All of the user's stories, oldest first (then by title)."""
        scope = self._scope(user, create=False)
        if scope is None:
            return []
        got = self._call("listing stories", scope.get_stories)
        stories = [self._story_from_meta(m) for m in got.get("metadatas") or []]
        return sorted(stories, key=lambda s: (s.created_at, s.title.lower(), s.id))

    @_reopens_stale
    def count(self, user: str) -> int:
        """How many stories the user has."""
        scope = self._scope(user, create=False)
        if scope is None:
            return 0
        got = self._call("counting stories", scope.get_stories, include=())
        return len(got.get("ids") or [])

    @_reopens_stale
    def delete(self, user: str, story_id: str) -> bool:
        """Delete one story; False when the user has no such story."""
        scope = self._scope(user, create=False)
        if scope is None:
            return False
        with self._lock:
            if not self._call("reading a story", scope.get_stories, [story_id], include=())["ids"]:
                return False
            self._call("deleting a story", scope.delete_stories, [story_id])
        return True

    @_reopens_stale
    def clear(self, user: str) -> int:
        """Delete all of the user's stories; returns how many there were."""
        scope = self._scope(user, create=False)
        if scope is None:
            return 0
        with self._lock:
            n = len(self._call("counting stories", scope.get_stories, include=())["ids"])
            self._call("deleting stories", scope.delete_stories, None)
        return n

    # -- import / export ----------------------------------------------------------------------

    @_reopens_stale
    def import_text(self, user: str, text: str, fmt: str, source: str = "<input>") -> ImportReport:
        """Import stories from text in `fmt`; all-or-nothing."""
        check_user(user)
        inputs = parse_stories(text, fmt, source)
        return self._save(user, inputs, source)

    @_reopens_stale
    def import_file(self, user: str, path: str | Path, fmt: str | None = None) -> ImportReport:
        """Import a .md/.json/.yaml file; a bad file raises StoryImportError and saves nothing."""
        check_user(user)
        src = Path(path)
        chosen = detect_format(src, fmt)
        try:
            if src.is_dir():
                raise StoryImportError("is a directory, not a file", source=str(src))
            size = src.stat().st_size
            if size > MAX_FILE_BYTES:
                raise StoryImportError(
                    f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                    source=str(src),
                )
            data = src.read_bytes()
        except FileNotFoundError as e:
            raise StoryImportError("file not found", source=str(src)) from e
        except OSError as e:
            raise StoryImportError(f"cannot read the file: {e.strerror}", source=str(src)) from e
        text = decode_file(data, str(src))
        return self.import_text(user, text, chosen, str(src))

    @_reopens_stale
    def export_text(self, user: str, fmt: str) -> str:
        """The user's stories as md/json/yaml text."""
        return export_text(self.list(user), fmt)

    @_reopens_stale
    def export_file(self, user: str, path: str | Path, fmt: str | None = None) -> int:
        """Write the user's stories to a file (atomically); returns how many."""
        dest = Path(path)
        chosen = detect_format(dest, fmt)
        stories = self.list(user)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.write_text(export_text(stories, chosen), encoding="utf-8")
        tmp.replace(dest)
        return len(stories)

    # -- retrieval ----------------------------------------------------------------------------

    @_reopens_stale
    def search(self, user: str, question: str, k: int = 3) -> list[StoryHit]:
        """The user's top-k stories for a question, best first, each with a reason."""
        if not isinstance(k, int) or k < 1:
            raise StoryError("k must be a whole number of at least 1")
        question = clean_field(question if isinstance(question, str) else "")
        if not question:
            return []
        scope = self._scope(user, create=False)
        if scope is None:
            return []
        qv = self.embedder.embed([question[:MAX_EMBED_CHARS]])[0]
        best: dict[str, float] = {}
        for sid, sim in self._call("searching stories", scope.query_chunks, qv, CANDIDATE_CHUNKS):
            best[sid] = max(best.get(sid, -1.0), sim)  # a story is as close as its best window
        if not best:
            return []
        ranked = sorted(best, key=lambda sid: -best[sid])[: max(k, CANDIDATES)]
        records = self._call("reading stories", scope.get_stories, ranked)
        rows = [(self._story_from_meta(m), _terms_of(m)) for m in records.get("metadatas") or []]
        if not rows:
            return []
        lp_probs = self._question_lps(question, qv)
        keyword = _bm25([t for _, t in rows], self._question_terms(question))
        scored: list[tuple[float, StoryHit]] = []
        for (story, _), kw in zip(rows, keyword, strict=True):
            sim = best[story.id]
            fit, lp = _lp_fit(story.lps, lp_probs)
            raw = sim + LP_WEIGHT * fit + KEYWORD_WEIGHT * kw
            hit = StoryHit(
                id=story.id,
                title=story.title,
                score=round(min(1.0, max(0.0, (raw - SCORE_FLOOR) / SCORE_SPAN)), 4),
                lps=list(story.lps),
                reason="",
                text=story.narrative,
                similarity=round(sim, 4),
                matched_lp=lp if fit >= 0.5 else None,
            )
            scored.append((raw, hit))
        # Rank on the raw score: the 0-1 score is clipped, and clipped ties would lose order.
        scored.sort(key=lambda rh: (-rh[0], rh[1].title))
        top = [h for _, h in scored[:k]]
        return [h.model_copy(update={"reason": self._reason(question, h)}) for h in top]

    def _question_terms(self, question: str) -> list[str]:
        """Stemmed content words of a question."""
        from agents.lp.classifier import stems

        stop = _stop_stems()
        return [w for w in stems(question) if w not in stop]

    def _question_lps(self, question: str, qv: np.ndarray) -> dict[str, float]:
        """P(LP | question): softmax of the classifier's scores, from the same query vector."""
        clf = self.classifier
        row = clf.scores([question], qv[None, :])[0] / LP_TEMPERATURE
        p = np.exp(row - row.max())
        p /= p.sum()
        return {slug: float(p[j]) for j, slug in enumerate(clf.slugs)}

    def _reason(self, question: str, hit: StoryHit) -> str:
        """Why a story matched: the LP and cue it shares with the question, and similarity."""
        principles = _principles()
        parts = []
        if hit.matched_lp:
            name = principles[hit.matched_lp].name
            cues = self.classifier.matched_cues(question).get(hit.matched_lp, [])
            cue = f" (cue: '{cues[0]}')" if cues else ""
            parts.append(f"question is about {name}{cue}; story is tagged {name}")
        else:
            parts.append("no LP tag in common with the question")
        parts.append(f"closest passage similarity {hit.similarity:.2f}")
        return "; ".join(parts)

    # -- drill history, coverage, coaching ---------------------------------------------------

    @_reopens_stale
    def record_use(self, user: str, story_id: str, session_id: str) -> None:
        """Note that a story was told in a drill session (sessions are counted once each)."""
        scope = self._scope(user)
        assert scope is not None
        with self._lock:
            got = self._call("reading a story", scope.get_stories, [story_id])
            metas = got.get("metadatas") or []
            if not metas:
                raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
            meta = metas[0]
            try:
                sessions = list(json.loads(str(meta.get("sessions") or "[]")))
            except json.JSONDecodeError:
                sessions = []
            session = str(session_id)[:100]
            if session not in sessions:
                sessions.append(session)
            self._call(
                "recording a story use",
                scope.update_story_metadata,
                story_id,
                {
                    "use_count": int(meta.get("use_count", 0) or 0) + 1,
                    "sessions": json.dumps(sessions[-_MAX_SESSIONS_KEPT:]),
                    "last_used": _now(),
                },
            )

    @_reopens_stale
    def usage(self, user: str) -> dict[str, tuple[int, int]]:
        """story id -> (distinct sessions, uses)."""
        scope = self._scope(user, create=False)
        if scope is None:
            return {}
        got = self._call("reading usage", scope.get_stories)
        return {str(m["story_id"]): _usage_of(m) for m in got.get("metadatas") or []}

    @_reopens_stale
    def review(self, user: str, story_id: str) -> StoryReview:
        """Coach one story: grade parts and concrete additions."""
        story = self.get(user, story_id)
        if story is None:
            raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
        return review_story(story, self.classifier)

    @_reopens_stale
    def review_all(self, user: str) -> list[StoryReview]:
        """Coach every story of the user, weakest first."""
        reviews = [review_story(s, self.classifier) for s in self.list(user)]
        return sorted(reviews, key=lambda r: (r.overall, r.title.lower()))

    @_reopens_stale
    def coverage(self, user: str) -> Coverage:
        """16-LP x stories strength matrix, thin LPs, over-used stories and near-duplicates."""
        principles = _principles()
        scope = self._scope(user, create=False)
        rows: list[tuple[Story, Mapping[str, Any], Any]] = []
        if scope is not None:
            got = self._call(
                "reading stories", scope.get_stories, include=("metadatas", "embeddings")
            )
            metas = got.get("metadatas") or []
            embs = got.get("embeddings")
            vecs = list(embs) if embs is not None else [None] * len(metas)
            rows = [(self._story_from_meta(m), m, v) for m, v in zip(metas, vecs, strict=True)]
            rows.sort(key=lambda r: (r[0].created_at, r[0].title.lower(), r[0].id))
        stories = [r[0] for r in rows]
        usage = {r[0].id: _usage_of(r[1]) for r in rows}
        vectors = (
            np.array([r[2] for r in rows], dtype=np.float32)
            if rows
            else np.zeros((0, 1), dtype=np.float32)
        )
        lps = list(principles)
        notices: list[str] = []
        matrix = {lp: dict.fromkeys((s.id for s in stories), 0) for lp in lps}
        if stories:
            ranks = self.classifier.rank([s.narrative for s in stories], vectors)
            for s, ranked in zip(stories, ranks, strict=True):
                try:
                    quality = _strength_from_overall(review_story(s).overall)
                except Exception as e:  # the grade is one input; the matrix must still show
                    notices.append(f"could not grade {s.title!r}: {e}")
                    quality = 1
                top = set(ranked[:TAG_FIT_TOP])
                for lp in s.lps:
                    if lp in matrix:
                        # A tag the text does not support is capped below "strong".
                        matrix[lp][s.id] = quality if lp in top else min(quality, STRONG - 1)
        strong = {lp: sum(1 for v in matrix[lp].values() if v >= STRONG) for lp in lps}
        return Coverage(
            lps=lps,
            stories=[{"id": s.id, "title": s.title} for s in stories],
            matrix=matrix,
            strong_counts=strong,
            weak_lps=[lp for lp in lps if strong[lp] < MIN_STRONG_PER_LP],
            overused=_overused(stories, usage),
            duplicates=_duplicates(stories, vectors),
            notices=notices,
        )


def _input_fp(item: StoryInput) -> str:
    """`fp:<fingerprint>` of an input story (its content hash)."""
    narrative = item.text or "\n".join(getattr(item, f) for f in STAR_FIELDS)
    return "fp:" + fingerprint(item.title, narrative)


def _terms_of(meta: Mapping[str, Any]) -> dict[str, int]:
    """A story record's stored term counts."""
    try:
        terms = json.loads(str(meta.get("terms") or "{}"))
    except json.JSONDecodeError:
        return {}
    return terms if isinstance(terms, dict) else {}


def _bm25(docs: Sequence[Mapping[str, int]], query: Sequence[str]) -> list[float]:
    """BM25 of each doc for the query, over the candidate set, scaled so the best is 1."""
    if not docs or not query:
        return [0.0] * len(docs)
    n = len(docs)
    lengths = [sum(d.values()) for d in docs]
    avg = max(1.0, sum(lengths) / n)
    scores = []
    for doc, length in zip(docs, lengths, strict=True):
        total = 0.0
        for term in set(query):
            tf = doc.get(term, 0)
            if not tf:
                continue
            df = sum(1 for d in docs if term in d)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += (
                idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
            )
        scores.append(total)
    top = max(scores)
    return [s / top if top > 0 else 0.0 for s in scores]


def _usage_of(meta: Mapping[str, Any]) -> tuple[int, int]:
    """(distinct sessions, uses) from a record's metadata."""
    try:
        sessions = len(json.loads(str(meta.get("sessions") or "[]")))
    except json.JSONDecodeError:
        sessions = 0
    return sessions, int(meta.get("use_count", 0) or 0)


def _overused(
    stories: Sequence[Story], usage: Mapping[str, tuple[int, int]]
) -> list[OverusedStory]:
    """Stories told in >= OVERUSE_MIN_SESSIONS sessions and >= 2x the user's median."""
    if not stories:
        return []
    median = float(np.median([usage.get(s.id, (0, 0))[0] for s in stories]))
    out = []
    for s in stories:
        sessions, uses = usage.get(s.id, (0, 0))
        if sessions >= OVERUSE_MIN_SESSIONS and sessions >= 2 * median:
            out.append(OverusedStory(id=s.id, title=s.title, sessions=sessions, uses=uses))
    return sorted(out, key=lambda o: (-o.sessions, o.title))


def _duplicates(stories: Sequence[Story], vectors: np.ndarray) -> list[DuplicatePair]:
    """Pairs of stories whose vectors are at least DUPLICATE_COSINE similar."""
    if len(stories) < 2:
        return []
    sims = vectors @ vectors.T
    out = []
    for i in range(len(stories)):
        for j in range(i + 1, len(stories)):
            if sims[i, j] >= DUPLICATE_COSINE:
                out.append(
                    DuplicatePair(
                        a=stories[i].id,
                        b=stories[j].id,
                        title_a=stories[i].title,
                        title_b=stories[j].title,
                        similarity=round(float(sims[i, j]), 4),
                    )
                )
    return sorted(out, key=lambda d: -d.similarity)


def _lp_fit(story_lps: Sequence[str], lp_probs: Mapping[str, float]) -> tuple[float, str | None]:
    """How well the story's tags fit the question's LPs (0-1, relative to the top LP)."""
    if not story_lps or not lp_probs:
        return 0.0, None
    top = max(lp_probs.values())
    best = max(story_lps, key=lambda lp: lp_probs.get(lp, 0.0))
    return lp_probs.get(best, 0.0) / top if top > 0 else 0.0, best


def _describe(error: ValidationError) -> str:
    """Pydantic errors as `field: message`."""
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "story"
        parts.append(f"{loc}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


__all__ = [
    "COLLECTION_NAME",
    "FORMATS",
    "MAX_FILE_BYTES",
    "STAR_FIELDS",
    "Coverage",
    "DuplicatePair",
    "ImportReport",
    "OverusedStory",
    "Story",
    "StoryBank",
    "StoryBankError",
    "StoryError",
    "StoryHit",
    "StoryImportError",
    "StoryInput",
    "StoryNotFoundError",
    "StoryReview",
    "check_user",
    "clean_field",
    "decode_file",
    "detect_format",
    "embedding_text",
    "export_text",
    "parse_stories",
    "resolve_lp",
    "review_story",
    "split_star",
]


# --- command line (`barraiser stories ...`; the parser lives in agents/cli/main.py) ---------------


def run_cli(args: Any, settings: Settings, out: Any = None) -> int:
    """Run one `barraiser stories` subcommand; StoryError/StoryBankError go to the caller."""
    import sys

    out = out or sys.stdout
    bank = StoryBank.from_settings(settings)
    user = check_user(args.user)
    command = args.stories_command
    if command == "import":
        report = bank.import_file(user, args.file, args.format)
        print(
            f"imported {report.total} stories from {args.file} for {user}: "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged",
            file=out,
        )
    elif command == "export":
        n = bank.export_file(user, args.file, args.format)
        print(f"exported {n} stories for {user} to {args.file}", file=out)
    elif command == "list":
        stories = bank.list(user)
        if args.json:
            rows = [{**s.export_dict(), "uses": s.use_count} for s in stories]
            print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        elif not stories:
            print(f"no stories for {user}; add some with `barraiser stories import FILE`", file=out)
        else:
            for s in stories:
                print(f"{s.id}  {s.title}  [{', '.join(s.lps)}]  uses={s.use_count}", file=out)
    elif command == "search":
        hits = bank.search(user, args.question, k=args.k)
        if args.json:
            print(json.dumps([h.public_dict() for h in hits], ensure_ascii=False), file=out)
        elif not hits:
            print(f"no stories for {user}", file=out)
        else:
            for h in hits:
                print(f"{h.score:.2f}  {h.id}  {h.title}  [{', '.join(h.lps)}]", file=out)
                print(f"      {h.reason}", file=out)
    elif command == "delete":
        if not bank.delete(user, args.id):
            raise StoryNotFoundError(f"no story {args.id!r} for user {user!r}")
        print(f"deleted {args.id}", file=out)
    elif command == "coverage":
        cov = bank.coverage(user)
        if args.json:
            print(cov.model_dump_json(indent=2), file=out)
        else:
            print(cov.markdown(), file=out)
    elif command == "coach":
        reviews = [bank.review(user, args.id)] if args.id else bank.review_all(user)
        if args.json:
            print(
                json.dumps([r.model_dump() for r in reviews], ensure_ascii=False, indent=2),
                file=out,
            )
        else:
            for r in reviews:
                print(f"{r.id}  {r.title}  overall {r.overall}/5", file=out)
                for a in r.additions or [
                    "Nothing to add: complete STAR(L) with a measured result."
                ]:
                    print(f"  - {a}", file=out)
    else:  # pragma: no cover - argparse restricts the choices
        raise StoryError(f"unknown stories command {command!r}")
    return 0
