"""Build every service once from settings; the UI, CLI and tests all start here."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from agents.config import Settings
from agents.drill.interviewer import Interviewer
from agents.drill.sessions import SessionStore
from agents.grading import Grader
from agents.llm import ChatModel, build_llm
from agents.locks import KeyedLocks
from agents.lp.principles import Principle, load_principles
from agents.stories import StoryBank
from agents.voice import SpeechToText, TextToSpeech, build_stt, build_tts

log = logging.getLogger("barraiser.services")


@dataclass
class Services:
    """The app's long-lived objects, passed down explicitly (no globals)."""

    settings: Settings
    llm: ChatModel
    grader: Grader
    interviewer: Interviewer
    principles: dict[str, Principle]
    extras: dict[str, object] = field(default_factory=dict)
    # Drill sessions in SQLite or PostgreSQL (None only for hand-built Services in tests).
    sessions: SessionStore | None = None
    # The candidate's stories on Chroma (opened lazily; None only for hand-built Services).
    stories: StoryBank | None = None
    # One lock per user's drill: a reply still streaming and End (or Skip, or a spoken command)
    # would otherwise each save their own copy of the drill, and the later save wins.
    drill_locks: KeyedLocks = field(default_factory=KeyedLocks)

    def speech_to_text(self) -> SpeechToText | None:
        """The speech-to-text backend, built on first use (the model loads on first transcribe)."""
        if "stt" not in self.extras:
            self.extras["stt"] = build_stt(self.settings)
        return self.extras["stt"]  # type: ignore[return-value]

    def text_to_speech(self) -> TextToSpeech | None:
        """The text-to-speech backend, built on first use; None when no engine is available."""
        if "tts" not in self.extras:
            self.extras["tts"] = build_tts(self.settings)
        return self.extras["tts"]  # type: ignore[return-value]

    @property
    def offline(self) -> bool:
        """True when no language model is configured."""
        return not self.llm.available

    def status_line(self) -> str:
        """One line for the page header: which engine is answering."""
        if self.offline:
            return (
                "Offline mode: no language model is configured, so the deterministic engine "
                "(question bank, gap-driven probes, rule-based grader) runs the drill."
            )
        return f"Language model: {self.llm.describe()} (falls back to the offline engine on errors)"


def build_services(settings: Settings, llm: ChatModel | None = None) -> Services:
    """Create the services; no network I/O happens here."""
    from agents.embeddings import get_embedding_function
    from agents.tokens import ensure_tiktoken_offline

    settings.ensure_dirs()
    ensure_tiktoken_offline(settings.tiktoken_cache)
    # One embedding function per process, created before any Chroma collection is opened.
    get_embedding_function(settings.embedding_threads)
    llm = llm or build_llm(settings)
    principles = load_principles()
    grader = Grader(llm)
    sessions = SessionStore(settings.database_url or settings.db_path)
    # Lazy: nothing is opened until the first story is saved or searched for.
    stories = StoryBank.from_settings(settings)
    interviewer = Interviewer(
        grader,
        principles,
        llm,
        store=sessions,
        history_token_budget=settings.history_token_budget,
        model_name=settings.model,
        stories=stories,
    )
    return Services(
        settings, llm, grader, interviewer, principles, sessions=sessions, stories=stories
    )


def warm_up_in_background(services: Services) -> threading.Thread:
    """Load the embedding model off the main thread so the page is up before it is ready."""
    from agents.embeddings import get_embedding_function

    def _load() -> None:
        try:
            get_embedding_function().warm_up()
            services.extras["embeddings"] = "ready"
        except Exception as e:  # edge: reported in the status panel, never a crash at start
            log.warning("loading the embedding model failed", exc_info=e)
            services.extras["embeddings"] = f"unavailable: {e}"

    thread = threading.Thread(target=_load, name="embedding-warm-up", daemon=True)
    thread.start()
    return thread
