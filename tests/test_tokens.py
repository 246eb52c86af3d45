"""Offline tiktoken seeding, token counting and history trimming, on the real encodings."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_python_offline

from agents.tokens import (
    ENCODING_FILES,
    MESSAGE_OVERHEAD_TOKENS,
    TRIM_MARKER,
    cache_file_name,
    count_tokens,
    encoding_name,
    ensure_tiktoken_offline,
    trim_history,
)


def run_offline(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter with sockets blocked (tests/netguard), no tiktoken cache."""
    return run_python_offline(
        textwrap.dedent(code), tmp_path / "home", without=("TIKTOKEN_CACHE_DIR",)
    )


@contextlib.contextmanager
def tiktoken_env_restored() -> Iterator[None]:
    """Put TIKTOKEN_CACHE_DIR back afterwards (ensure_tiktoken_offline points it elsewhere)."""
    before = os.environ.get("TIKTOKEN_CACHE_DIR")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = before


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Seed a private cache for the in-process tests and restore the environment afterwards."""
    cache = tmp_path_factory.mktemp("tiktoken")
    with tiktoken_env_restored():
        ensure_tiktoken_offline(cache)
        yield cache


def test_pinned_urls_and_hashes_are_the_ones_tiktoken_uses() -> None:
    import tiktoken_ext.openai_public as public

    source = Path(public.__file__).read_text()
    for url, sha in ENCODING_FILES.values():
        assert f'"{url}"' in source
        assert f'expected_hash="{sha}"' in source


@pytest.mark.slow
def test_empty_cache_counts_offline_in_fresh_process(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = run_offline(
        f"""
        import json, os
        from pathlib import Path
        from agents.tokens import count_tokens, ensure_tiktoken_offline
        ensure_tiktoken_offline(Path({str(cache)!r}))
        print(json.dumps({{
            "env": os.environ["TIKTOKEN_CACHE_DIR"],
            "mini": count_tokens("hello world", "gpt-4o-mini"),
            "gpt4": count_tokens("hello world", "gpt-4"),
            "default": count_tokens("hello world"),
            "unknown": count_tokens("hello world", "my-local-llama"),
        }}))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["env"] == str(cache.resolve())
    assert out["mini"] == out["gpt4"] == out["default"] == out["unknown"] == 2
    names = sorted(p.name for p in cache.iterdir())
    assert names == sorted(cache_file_name(n) for n in ENCODING_FILES)  # no .tmp litter


@pytest.mark.slow
def test_without_seeding_tiktoken_would_need_the_network(tmp_path: Path) -> None:
    """The guard is real: an unseeded tiktoken fails offline (so the test above proves seeding)."""
    result = run_offline(
        f"""
        import os
        os.environ["TIKTOKEN_CACHE_DIR"] = {str(tmp_path / "empty")!r}
        import tiktoken
        tiktoken.get_encoding("cl100k_base")
        """,
        tmp_path,
    )
    assert result.returncode != 0
    assert "blocked in test" in result.stderr  # stopped by the guard, not by chance


def test_second_call_is_a_fast_no_op(tmp_path: Path) -> None:
    with tiktoken_env_restored():
        ensure_tiktoken_offline(tmp_path)
        stats = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
        start = time.perf_counter()
        ensure_tiktoken_offline(tmp_path)
        elapsed = time.perf_counter() - start
        assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stats
        assert elapsed < 0.05


def test_corrupt_cache_file_is_replaced(tmp_path: Path) -> None:
    with tiktoken_env_restored():
        target = tmp_path / cache_file_name("cl100k_base")
        target.write_bytes(b"not an encoding\n")
        ensure_tiktoken_offline(tmp_path)
        import hashlib

        assert hashlib.sha256(target.read_bytes()).hexdigest() == ENCODING_FILES["cl100k_base"][1]


def test_count_tokens_treats_special_tokens_as_text(seeded: Path) -> None:
    assert count_tokens("<|endoftext|>") > 1
    assert count_tokens("") == 0


def test_encoding_choice() -> None:
    assert encoding_name("gpt-4") == "cl100k_base"
    assert encoding_name("gpt-4o-mini") == "o200k_base"
    assert encoding_name("openai/gpt-4") == "cl100k_base"
    assert encoding_name("text-davinci-003") == "o200k_base"  # p50k is not bundled
    assert encoding_name("qwen2.5:7b") == "o200k_base"


def _cost(messages: list[dict[str, str]], model: str = "gpt-4o-mini") -> int:
    return sum(count_tokens(m["content"], model) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def _conversation(turns: int) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": "You are a bar raiser. Ask one question."}]
    for i in range(turns):
        messages.append({"role": "user", "content": f"answer {i}: " + "we shipped it " * 10})
        messages.append({"role": "assistant", "content": f"probe {i}: what did you do?"})
    return messages


def test_trim_keeps_system_and_newest_within_budget(seeded: Path) -> None:
    messages = _conversation(20)
    original = [dict(m) for m in messages]
    budget = 300
    trimmed = trim_history(messages, budget, "gpt-4o-mini")
    assert trimmed[0] == messages[0]
    assert _cost(trimmed) <= budget
    kept = len(trimmed) - 1
    assert 0 < kept < len(messages) - 1
    assert trimmed[1:] == messages[-kept:]  # a contiguous run of the newest messages
    assert _cost([messages[0], *messages[-(kept + 1) :]]) > budget  # and as many as fit
    assert messages == original  # input untouched
    assert trimmed is not messages and trimmed[0] is not messages[0]


def test_trim_returns_everything_when_it_fits(seeded: Path) -> None:
    messages = _conversation(2)
    assert trim_history(messages, 10_000, "gpt-4") == messages
    assert trim_history(messages[:1], 10, "gpt-4") == messages[:1]
    assert trim_history([], 10) == []


def test_trim_truncates_last_message_from_the_front(seeded: Path) -> None:
    system = {"role": "system", "content": "Be brief."}
    long_answer = " ".join(f"word{i}" for i in range(2000)) + " THE END"
    messages = [
        system,
        {"role": "user", "content": "short"},
        {"role": "user", "content": long_answer},
    ]
    budget = 120
    trimmed = trim_history(messages, budget, "gpt-4o-mini")
    assert [m["role"] for m in trimmed] == ["system", "user"]
    content = trimmed[1]["content"]
    assert content.startswith(TRIM_MARKER)
    assert content.endswith("THE END")
    assert _cost(trimmed) <= budget


def test_trim_keep_first_zero_and_bad_arguments(seeded: Path) -> None:
    messages = _conversation(3)
    trimmed = trim_history(messages, 60, "gpt-4o-mini", keep_first=0)
    assert trimmed == messages[-len(trimmed) :]
    with pytest.raises(ValueError):
        trim_history(messages, -1, "gpt-4o-mini")
