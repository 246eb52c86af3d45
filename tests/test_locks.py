"""KeyedLocks: one lock per key; a holder on another thread can let go; a stuck holder is waited
for only so long."""

from __future__ import annotations

import threading

from agents.locks import KeyedLocks


def test_one_lock_per_key() -> None:
    locks = KeyedLocks()
    assert locks.lock_for("alice") is locks.lock_for("alice")
    assert locks.lock_for("alice") is not locks.lock_for("bob")


def test_a_held_key_is_waited_for_then_gone_on_without() -> None:
    locks = KeyedLocks()
    with locks.hold("alice", timeout=1) as first:
        assert first
        with locks.hold("bob", timeout=1) as other:  # other users are not held up
            assert other
        with locks.hold("alice", timeout=0.01) as second:
            assert not second
    with locks.hold("alice", timeout=1) as again:  # going on without it released nothing twice
        assert again


def test_released_from_another_thread() -> None:
    # A Gradio generator may resume on another worker thread than the one that acquired.
    locks = KeyedLocks()
    held = locks.hold("alice", timeout=1)
    assert held.__enter__()
    done = threading.Thread(target=held.__exit__, args=(None, None, None))
    done.start()
    done.join()
    assert not locks.lock_for("alice").locked()
