"""The page in a real browser through nginx, in front of two app processes on one PostgreSQL
database (the `nginx_stack` fixture; the gradio_client half is tests/test_behind_nginx.py)."""

from __future__ import annotations

from typing import Any

import pytest

from agents.drill.sessions import SessionStore

from .browser_support import chat_texts, send_answer, start_drill

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER = (
    "I personally profiled the checkout service behind the proxy, rewrote the slow query with "
    "batching, and p99 latency fell from 2.1 seconds to 300 ms."
)


def test_a_drill_in_the_browser_through_nginx(nginx_stack: Any, page: Any) -> None:
    page.goto(nginx_stack.nginx.url)
    start_drill(page)
    send_answer(page, ANSWER)
    assert any(ANSWER[:50] in t for t in chat_texts(page))
    # The page's queue requests went through nginx to one app process, which committed the turn
    # to PostgreSQL.
    joins = [row for row in nginx_stack.served() if row[0].endswith("/queue/join") and row[2]]
    assert joins and all(row[1] is not None for row in joins)
    store = SessionStore(nginx_stack.database_url)
    try:
        texts = [t["text"] for s in store.list("local") for t in store.turns(s.id, "local")]
    finally:
        store.close()
    assert texts.count(ANSWER) == 1
