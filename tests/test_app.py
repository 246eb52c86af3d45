"""The real app: `python app.py` in a child process with the network blocked, driven by
gradio_client exactly as a browser would call it."""

from __future__ import annotations

import pytest
from gradio_client import Client

from agents.ui.app import send_answer, start_drill
from agents.ui.page_phrases import page_phrases


def test_handlers_run_without_gradio(services) -> None:
    chat, ref = start_drill(services, "sde2", "loop", "coach")
    assert chat[0]["role"] == "assistant" and len(chat) == 2
    chat, ref, box = list(send_answer(services, "", ref))[-1]
    assert "Type or record your answer" in chat[-1]["content"] and box == ""
    steps = list(send_answer(services, "We fixed the outage together.", ref))
    chat, ref, box = steps[-1]
    assert chat[-2]["role"] == "user" and box == ""
    # The page keeps a reference only; the drill itself is in the session store.
    assert set(ref) == {"id", "started_at", "minutes", "mode", "status"}


def _text(message: dict) -> str:
    """The text of a Chatbot message as the API returns it (a list of content parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@pytest.mark.slow
def test_make_run_serves_a_working_drill(running_app: str) -> None:
    client = Client(running_app, verbose=False)
    chat = client.predict("sde2", "loop", "coach", [], api_name="/start_drill")
    assert [m["role"] for m in chat] == ["assistant", "assistant"]
    assert _text(chat[-1]).startswith(("Tell me", "Describe", "Give me", "Walk me"))
    chat = client.predict("We shipped it and it went fine.", api_name="/send_answer")[0]
    assert chat[-2]["role"] == "user"
    assert _text(chat[-2]) == "We shipped it and it went fine."
    # The follow-up is a question aimed at what the answer is missing.
    assert chat[-1]["role"] == "assistant" and _text(chat[-1]).endswith("?")
    for _ in range(3):
        chat = client.predict("I fixed it myself and latency fell 30%.", api_name="/send_answer")[0]
    texts = [_text(m) for m in chat]
    # The answer's summary is announced in the chat and shown in its own panel.
    assert any(page_phrases().summary_pointer in t for t in texts)


def test_prompts_tab_handlers_generate_export_and_drill(services) -> None:
    from agents.ui.app import drill_these, export_prompts, generate_prompts

    markdown, prompts, _notice = generate_prompts(
        services, ["ownership"], "sde2", "sde", [], 3, ""
    )
    assert len(prompts) == 3
    assert all(p["text"] in markdown for p in prompts)
    path = export_prompts(services, prompts, "csv")
    assert path and path.endswith(".csv")
    chat, state, confirm, _pending = drill_these(services, prompts, "coach")
    assert state is not None and confirm is None and _text(chat[-1]) == prompts[0]["text"]


def test_prompts_tab_passes_practised_questions_to_the_generator(services, monkeypatch) -> None:
    import agents.ui.prompts as qg
    from agents.drill.state import DrillConfig
    from agents.ui.app import generate_prompts

    asked = services.interviewer.start(DrillConfig(seed=5)).questions[0].question
    seen: dict[str, object] = {}
    real = qg.ui_generate

    def spy(*args, **kwargs):
        seen["practised"] = args[7] if len(args) > 7 else kwargs.get("practised")
        return real(*args, **kwargs)

    monkeypatch.setattr(qg, "ui_generate", spy)
    _, prompts, _ = generate_prompts(services, ["ownership"], "sde2", "sde", [], 3, "")
    assert asked in seen["practised"]  # the drill's question counts as practised
    assert asked not in {p["text"] for p in prompts}
