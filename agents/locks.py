"""One lock per key (an endpoint, a user's drill), made on first use and kept for the process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


class KeyedLocks:
    """A plain (non-reentrant) lock per key.

    Plain locks because a Gradio generator handler may resume on another worker thread than the
    one that acquired: a plain lock may be released from any thread, an RLock may not.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def lock_for(self, key: str) -> threading.Lock:
        """The lock for `key` (the same object on every call)."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[bool]:
        """Hold `key`'s lock; after `timeout` seconds go on without it (yields False, logged).

        Going on is the old behaviour: a holder that never lets go (a handler stuck on a dead
        connection) must not freeze the user's drill for good.
        """
        lock = self.lock_for(key)
        acquired = lock.acquire(timeout=timeout)
        if not acquired:
            log.warning("went on without the lock for %r after %.0f s", key, timeout)
        try:
            yield acquired
        finally:
            if acquired:
                lock.release()
