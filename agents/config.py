"""One settings object for the whole app, read once from the environment and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LLMBackendName = Literal["auto", "openai", "offline"]
# Defaults other modules use as keyword defaults too (tokens, the interviewer): written once here.
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_HISTORY_TOKEN_BUDGET = 6000
TIKTOKEN_DIR_NAME = "tiktoken"


def default_data_dir() -> Path:
    """The per-user data directory (never inside the repository)."""
    return Path(user_data_dir("barraiser", appauthor=False))


def tiktoken_cache_env() -> Path | None:
    """$TIKTOKEN_CACHE_DIR, the one place tiktoken reads its cache from (None when unset).

    Read at call time, not once: `agents.tokens.ensure_tiktoken_offline` sets it for tiktoken.
    """
    value = os.environ.get("TIKTOKEN_CACHE_DIR")
    return Path(value) if value else None


class Settings(BaseSettings):
    """Every setting Bar Raiser reads; documented one by one in `.env.example`."""

    model_config = SettingsConfigDict(
        env_prefix="BARRAISER_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    data_dir: Path = Field(default_factory=default_data_dir)
    # Session database: sqlite:///path or postgresql://user:pw@host/db. Unset: data_dir's SQLite.
    database_url: str | None = None
    root_path: str = ""
    # Optional login: "alice:secret,bob:other". Empty: no login, everyone is the user "local".
    auth: SecretStr | None = None
    # Gradio queue: how many events of one kind run at once, and how many may wait.
    queue_concurrency: int = Field(default=8, ge=1, le=256)
    queue_max_size: int = Field(default=256, ge=1)
    # Log level; candidate answer text is only ever logged at DEBUG (see agents/logging_setup.py).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # LLM: any OpenAI-compatible endpoint. The OpenAI names are read unprefixed because every
    # client and tutorial uses them; the BARRAISER_ forms win when both are set.
    llm_backend: LLMBackendName = "auto"
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("BARRAISER_OPENAI_API_KEY", "OPENAI_API_KEY"),
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("BARRAISER_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
    )
    model: str = DEFAULT_MODEL
    llm_timeout: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=6)
    llm_max_tokens: int = Field(default=800, ge=16)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    # How structured replies (grades, generated prompts) are requested. auto: probe the endpoint
    # once (json_schema, then tools, then json_mode) and cache the answer in data_dir.
    llm_structured: Literal["auto", "json_schema", "tools", "json_mode", "prompt"] = "auto"
    history_token_budget: int = Field(default=DEFAULT_HISTORY_TOKEN_BUDGET, ge=500)

    # Story bank: embedded Chroma under data_dir unless a server is named.
    chroma_host: str | None = Field(
        default=None, validation_alias=AliasChoices("BARRAISER_CHROMA_HOST", "CHROMA_HOST")
    )
    chroma_port: int = Field(
        default=8000, validation_alias=AliasChoices("BARRAISER_CHROMA_PORT", "CHROMA_PORT")
    )
    embedding_threads: int = Field(default=0, ge=0)

    # Voice. auto = OpenAI audio when an OpenAI key is set and the base URL is OpenAI's own,
    # otherwise the offline engines: Whisper tiny.en (in a wheel) and Piper, then espeak-ng.
    voice_stt: Literal["auto", "whisper-tiny", "whisper-base", "openai", "off"] = "auto"
    voice_tts: Literal["auto", "piper", "espeak", "openai", "off"] = "auto"
    voice_max_seconds: float = Field(default=360.0, gt=0, le=3600)
    voice_threads: int = Field(default=0, ge=0)
    # Hands-free voice interview: seconds of silence that end the candidate's turn. The base
    # pause; a shorter one when the answer sounds finished (a result or lesson just ended, or
    # "so, yeah"); longer ones mid-story and after "let me think"; then "I didn't catch that".
    voice_end_pause_s: float = Field(default=1.5, ge=0.3, le=10)
    voice_end_finished_s: float = Field(default=0.7, ge=0.2, le=10)
    voice_end_mid_story_s: float = Field(default=3.3, ge=0.3, le=15)
    voice_end_hesitation_s: float = Field(default=6.0, ge=0.5, le=30)
    voice_no_speech_s: float = Field(default=12.0, ge=2, le=120)
    openai_stt_model: str = "whisper-1"
    openai_tts_model: str = "tts-1"
    openai_tts_voice: str = "alloy"

    @field_validator("openai_base_url", "chroma_host", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """Treat an empty variable (`OPENAI_BASE_URL=`) as unset."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        """Accept `debug` as well as `DEBUG`."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("openai_api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: object) -> object:
        """Treat an empty key as unset."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def resolved_llm_backend(self) -> Literal["openai", "offline"]:
        """`openai` when a key or base URL is configured (or forced), otherwise `offline`."""
        if self.llm_backend == "auto":
            return "openai" if (self.openai_api_key or self.openai_base_url) else "offline"
        return self.llm_backend

    @property
    def auth_pairs(self) -> list[tuple[str, str]]:
        """The configured (user, password) pairs; empty when login is off."""
        if self.auth is None:
            return []
        pairs = []
        for item in self.auth.get_secret_value().split(","):
            user, sep, password = item.strip().partition(":")
            if item.strip() and (not sep or not user.strip() or not password):
                raise ValueError("BARRAISER_AUTH must look like 'user:password,user2:password2'")
            if item.strip():
                pairs.append((user.strip(), password))
        return pairs

    @property
    def db_path(self) -> Path:
        """The SQLite file holding sessions."""
        return self.data_dir / "barraiser.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """The embedded Chroma directory."""
        return self.data_dir / "chroma"

    @property
    def llm_capabilities_path(self) -> Path:
        """Which structured-output method each model endpoint supports (probed, cached)."""
        return self.data_dir / "llm_capabilities.json"

    @property
    def tiktoken_cache(self) -> Path:
        """Where the offline tiktoken encodings are unpacked."""
        return self.data_dir / TIKTOKEN_DIR_NAME

    def ensure_dirs(self) -> None:
        """Create the data directory tree."""
        self.data_dir.mkdir(parents=True, exist_ok=True)


# Gradio rebuilds a pandas summary of every event it has recorded (up to 10,000) after each
# event, for a monitoring page this app does not serve: work that grows with traffic on every
# click. Its own variable sets how often; once per 1,000 events unless the operator says.
GRADIO_ENV_DEFAULTS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000"}


def apply_gradio_env_defaults() -> None:
    """Set Gradio's environment defaults (before the queue is built), keeping any given value."""
    for name, value in GRADIO_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)


def load_settings(**overrides: object) -> Settings:
    """Read settings once (env + `.env`); callers pass the object down instead of re-reading."""
    return Settings(**overrides)  # type: ignore[arg-type]
