"""Past one machine: nginx in front of two app processes (each with its own data dir, as on two
machines) that share one PostgreSQL database and one `chroma run` server (`nginx_stack` in
conftest.py, tests/servers.py). Drills run through nginx with gradio_client and land on both
backends (nginx's access log names the upstream of every request); then one backend is killed
with SIGKILL mid-drill and the drill goes on through the other with no lost turn. The browser
part is tests/browser/test_behind_nginx.py."""

from __future__ import annotations

import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from agents.drill.sessions import SessionStore

pytestmark = pytest.mark.slow

ANSWERS = (
    "Last spring our checkout service kept timing out in sales. The team looked at it and we "
    "added a cache, and things got better after that.",
    "I personally profiled the service and found the N+1 query, then I rewrote it with batching.",
    "Latency went from 2.1 seconds to 300 ms and cart abandonment fell 12% in the next sale.",
)


def session_for(backend: int) -> str:
    """A Gradio session hash that nginx's `hash` balancer sends to `backend` (0 or 1) of two:
    ((crc32(key) >> 16) & 0x7fff) % total weight, as in ngx_http_upstream_hash_module."""
    while True:
        key = uuid.uuid4().hex[:11]
        if ((zlib.crc32(key.encode()) >> 16) & 0x7FFF) % 2 == backend:
            return key


def client(stack: Any, session_hash: str) -> Any:
    """A gradio_client on nginx's address whose page has the given session hash."""
    from gradio_client import Client

    c = Client(stack.nginx.url, verbose=False)
    c.session_hash = session_hash
    return c


def queue_rows(stack: Any) -> list[tuple[str, int | None, str, list[int]]]:
    """nginx's log rows of Gradio queue requests (join and event stream); the client's
    long-lived heartbeat stream is left out (it ends whenever its process dies)."""
    return [row for row in stack.served() if "/queue/" in row[0]]


def user_texts(chat: Any) -> list[str]:
    """The candidate's messages in a Chatbot value (content: a string or a list of parts)."""
    out = []
    for m in chat:
        if m["role"] == "user":
            parts = m["content"] if isinstance(m["content"], list) else [m["content"]]
            out.append(" ".join(p["text"] if isinstance(p, dict) else str(p) for p in parts))
    return out


def test_drills_through_nginx_land_on_both_backends(nginx_stack: Any) -> None:
    hashes = [session_for(i % 2) for i in range(4)]

    def drill(session_hash: str) -> Any:
        c = client(nginx_stack, session_hash)
        c.predict("sde2", "loop", "interview", [], api_name="/start_drill")
        chat, _box = c.predict(f"{ANSWERS[0]} ({session_hash})", api_name="/send_answer")
        c.close()
        return chat

    with ThreadPoolExecutor(4) as pool:
        chats = list(pool.map(drill, hashes))
    for h, chat in zip(hashes, chats, strict=True):
        assert len(user_texts(chat)) == 1 and h in user_texts(chat)[0]
    served = [row for row in queue_rows(nginx_stack) if row[2] in hashes]
    by_session = {h: {app for _uri, app, s, _t in served if s == h} for h in hashes}
    # Each page's queue requests (join and its event stream) stayed on one process...
    assert all(len(apps) == 1 for apps in by_session.values()), by_session
    # ...and the pages were spread over both.
    assert set().union(*by_session.values()) == {0, 1}, by_session
    assert any("/queue/join" in uri for uri, *_ in served)
    store = SessionStore(nginx_stack.database_url)
    try:
        texts = [t["text"] for s in store.list("local") for t in store.turns(s.id, "local")]
    finally:
        store.close()
    for h in hashes:
        assert sum(f"({h})" in t for t in texts) == 1  # every answer committed exactly once


def test_killing_one_backend_mid_drill_loses_no_turn(nginx_stack: Any) -> None:
    h = session_for(0)
    c = client(nginx_stack, h)
    c.predict("sde2", "loop", "interview", [], api_name="/start_drill")
    c.predict(ANSWERS[0], api_name="/send_answer")
    before = [row for row in queue_rows(nginx_stack) if row[2] == h]
    victim = before[-1][1]
    assert victim is not None and {row[1] for row in before} == {victim}
    nginx_stack.apps[victim].kill()  # SIGKILL: no shutdown, no flush, mid-drill
    nginx_stack.apps[victim].wait(timeout=10)
    chat = None
    for answer in ANSWERS[1:]:
        chat, _box = c.predict(answer, api_name="/send_answer")
    c.close()
    after = [row for row in queue_rows(nginx_stack) if row[2] == h][len(before) :]
    assert after and {row[1] for row in after} == {1 - victim}
    assert user_texts(chat) == list(ANSWERS)
    store = SessionStore(nginx_stack.database_url)
    try:
        state = store.latest_open("local")
    finally:
        store.close()
    assert state is not None
    candidate = [t.text for t in state.turns if t.role == "candidate"]
    assert candidate == list(ANSWERS)  # each turn committed once, in order, none lost
    assert not [t for t in state.turns if t.kind == "notice"]
    assert state.turns[-1].role == "interviewer"  # the last answer was answered too
