"""What each model endpoint supports for structured output, probed once and remembered.

Kept per base URL + model in memory, and in a small JSON file under the data directory so the
next process does not probe again; an entry expires after a week (a server upgrade may add a
better method) and is dropped at once when the server refuses the method it names.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agents.locks import KeyedLocks

Method = Literal["json_schema", "tools", "json_mode", "prompt"]
METHODS: tuple[Method, ...] = ("json_schema", "tools", "json_mode", "prompt")
# A cached probe result is trusted this long.
CACHE_TTL_SECONDS = 7 * 24 * 3600

log = logging.getLogger("barraiser.llm")


@dataclass
class Capability:
    """How to ask one endpoint for structured output.

    `bounds` turns False if the server refuses length limits in a schema; `tight` turns True once
    its model has run past the token limit, so later requests are sized to fit from the start."""

    method: Method
    bounds: bool = True
    tight: bool = False


class CapabilityCache:
    """The probed capability per base URL + model, in memory and (optionally) in a JSON file."""

    def __init__(self, path: Path | None = None, ttl: float = CACHE_TTL_SECONDS) -> None:
        self.path = path
        self.ttl = ttl
        self._memory: dict[str, Capability] = {}
        self._lock = threading.Lock()
        self._key_locks = KeyedLocks()

    @staticmethod
    def key(base_url: str, model: str) -> str:
        """The cache key: where and which model (a server may serve several)."""
        return f"{base_url.rstrip('/')}|{model}"

    def lock_for(self, key: str) -> threading.Lock:
        """A lock per endpoint, so concurrent first calls probe once."""
        return self._key_locks.lock_for(key)

    def get(self, key: str) -> Capability | None:
        """The cached capability, from memory or a fresh-enough disk entry."""
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        entry = self._read().get(key)
        if not isinstance(entry, dict) or entry.get("method") not in METHODS:
            return None
        if time.time() - float(entry.get("at", 0)) > self.ttl:
            return None
        cap = Capability(
            entry["method"], bool(entry.get("bounds", True)), bool(entry.get("tight", False))
        )
        with self._lock:
            self._memory[key] = cap
        return cap

    def put(self, key: str, cap: Capability) -> None:
        """Remember the capability in memory and on disk."""
        with self._lock:
            self._memory[key] = cap
        entry = {"method": cap.method, "bounds": cap.bounds, "tight": cap.tight}
        self._update(key, entry | {"at": time.time()})

    def forget(self, key: str) -> None:
        """Drop a method that stopped working (the server changed)."""
        with self._lock:
            self._memory.pop(key, None)
        self._update(key, None)

    def _read(self) -> dict[str, Any]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable %s: %s", self.path.name, e)
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, key: str, value: dict[str, Any] | None) -> None:
        if self.path is None:
            return
        with self._lock:
            data = self._read()
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                staged = self.path.with_suffix(".tmp")
                staged.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
                staged.replace(self.path)
            except OSError as e:  # a read-only data dir costs a probe per process, no more
                log.warning("could not save %s: %s", self.path.name, e)


# One cache per file (or one in-memory-only cache), shared by every model object in the process.
_CACHES: dict[Path | None, CapabilityCache] = {}
_CACHES_LOCK = threading.Lock()


def shared_cache(path: Path | None) -> CapabilityCache:
    """The process-wide cache for `path`."""
    with _CACHES_LOCK:
        return _CACHES.setdefault(path, CapabilityCache(path))
