"""The Gradio page. Handlers are plain functions over (services, inputs) so tests call them
directly; `build_ui` only wires them to components."""

from __future__ import annotations

from functools import partial
from typing import Any

from agents.interviewer import DrillConfig, DrillState, Turn
from agents.services import Services

ChatMessage = dict[str, str]

ROLE_CHOICES = [
    ("SDE I", "sde1"),
    ("SDE II", "sde2"),
    ("Senior SDE", "senior"),
    ("Manager", "manager"),
    ("Non-tech", "nontech"),
]
ROUND_CHOICES = [("Phone screen", "phone"), ("Loop round", "loop"), ("Bar raiser", "bar_raiser")]
MODE_CHOICES = [
    ("Coach (feedback after each answer)", "coach"),
    ("Interview (debrief at end)", "interview"),
]


def turns_to_chat(turns: list[Turn]) -> list[ChatMessage]:
    """Render transcript turns as Chatbot messages."""
    chat: list[ChatMessage] = []
    for turn in turns:
        role = "user" if turn.role == "candidate" else "assistant"
        text = turn.text
        if turn.kind == "notice":
            text = f"_{text}_"
        chat.append({"role": role, "content": text})
    return chat


def _load(state: dict[str, Any] | None) -> DrillState | None:
    """Rebuild the drill from the page's JSON state."""
    return DrillState.model_validate(state) if state else None


def start_drill(
    services: Services, role: str, round_type: str, mode: str, lps: list[str] | None = None
) -> tuple[list[ChatMessage], dict[str, Any]]:
    """Start a drill; returns the chat and the serialized state."""
    config = DrillConfig(role=role, round_type=round_type, mode=mode, lps=list(lps or []))  # type: ignore[arg-type]
    state = services.interviewer.start(config)
    return turns_to_chat(state.turns), state.model_dump(mode="json")


def send_answer(
    services: Services, text: str, state_json: dict[str, Any] | None
) -> tuple[list[ChatMessage], dict[str, Any], str]:
    """Take the candidate's answer; returns chat, state and the cleared textbox."""
    state = _load(state_json)
    if state is None:
        chat, state_json = start_drill(services, "sde2", "loop", "coach")
        state = DrillState.model_validate(state_json)
    if not (text or "").strip():
        hint = {"role": "assistant", "content": "_Type your answer first, then press Send._"}
        chat = [*turns_to_chat(state.turns), hint]
        return chat, state.model_dump(mode="json"), text or ""
    services.interviewer.respond(state, text)
    return turns_to_chat(state.turns), state.model_dump(mode="json"), ""


def skip_question(
    services: Services, state_json: dict[str, Any] | None
) -> tuple[list[ChatMessage], dict[str, Any] | None]:
    """Skip the current question."""
    state = _load(state_json)
    if state is None:
        return [], None
    services.interviewer.skip(state)
    return turns_to_chat(state.turns), state.model_dump(mode="json")


def end_drill(
    services: Services, state_json: dict[str, Any] | None
) -> tuple[list[ChatMessage], dict[str, Any] | None]:
    """End the drill and show the debrief."""
    state = _load(state_json)
    if state is None:
        return [], None
    services.interviewer.end(state)
    return turns_to_chat(state.turns), state.model_dump(mode="json")


def generate_prompts(
    services: Services,
    lps: list[str] | None,
    level: str,
    role_family: str,
    themes: list[str] | None,
    n: float,
    context: str | None,
) -> tuple[str, list[dict[str, Any]], str]:
    """Prompts tab: Markdown of fresh prompts, their JSON for later actions, and a notice."""
    from agents.question_gen import ui_generate

    # Questions already practised in recent drills are never offered again.
    practised = services.sessions.recent_questions("local", 50) if services.sessions else []
    return ui_generate(services, lps, level, role_family, themes, n, context, practised)


def export_prompts(services: Services, prompts: list[dict[str, Any]], fmt: str) -> str | None:
    """Write the generated prompts to a file in the data dir and return its path."""
    from agents.question_gen import ui_export

    if not prompts:
        return None
    directory = services.settings.data_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return str(ui_export(prompts, fmt, directory))


def drill_these(
    services: Services, prompts: list[dict[str, Any]], mode: str
) -> tuple[list[ChatMessage], dict[str, Any] | None]:
    """ "Drill these": start a drill that asks the generated prompts."""
    from agents.question_gen import ui_drill

    if not prompts:
        return [], None
    state = ui_drill(services, prompts, mode)
    return turns_to_chat(state.turns), state.model_dump(mode="json")


def build_ui(services: Services) -> Any:
    """Wire the handlers to Gradio components."""
    import gradio as gr

    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    from agents.question_gen import LEVELS, ROLE_FAMILIES

    with gr.Blocks(title="Bar Raiser") as demo:
        gr.Markdown("# Bar Raiser\nPractice Amazon Leadership Principle interviews.")
        gr.Markdown(services.status_line(), elem_id="engine-status")
        state = gr.State(None)
        with gr.Tabs() as tabs:
            with gr.Tab("Drill", id="drill"):
                with gr.Row():
                    role = gr.Dropdown(ROLE_CHOICES, value="sde2", label="Role")
                    round_type = gr.Dropdown(ROUND_CHOICES, value="loop", label="Round")
                    mode = gr.Dropdown(MODE_CHOICES, value="coach", label="Mode")
                    lps = gr.Dropdown(lp_choices, multiselect=True, label="Target LPs (optional)")
                start = gr.Button("Start a new drill", variant="primary", elem_id="start-drill")
                chat = gr.Chatbot(label="Interview", height=480, elem_id="drill-chat")
                answer = gr.Textbox(
                    label="Your answer",
                    lines=4,
                    placeholder="Type your answer…",
                    elem_id="answer-box",
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send-answer")
                    skip = gr.Button("Skip question", elem_id="skip-question")
                    end = gr.Button("End and debrief", elem_id="end-drill")
            with gr.Tab("Prompts", id="prompts"):
                with gr.Row():
                    p_lps = gr.Dropdown(lp_choices, multiselect=True, label="LPs (empty: all)")
                    p_level = gr.Dropdown(list(LEVELS), value="sde2", label="Level")
                    p_family = gr.Dropdown(list(ROLE_FAMILIES), value="sde", label="Role family")
                    p_n = gr.Slider(1, 50, value=10, step=1, label="How many")
                p_themes = gr.Dropdown(
                    ["conflict", "failure", "customer", "ambiguity", "deadlines", "mentoring",
                     "trade-offs", "raising-the-bar"],
                    multiselect=True,
                    label="Themes (optional)",
                )  # fmt: skip
                p_context = gr.Textbox(
                    label="Your context (optional): a job description or your stories", lines=3
                )
                with gr.Row():
                    p_generate = gr.Button("Generate", variant="primary", elem_id="gen-prompts")
                    p_drill = gr.Button("Drill these", elem_id="drill-these")
                    p_fmt = gr.Radio(["markdown", "csv"], value="markdown", label="Export as")
                    p_export = gr.Button("Export")
                p_notice = gr.Markdown(elem_id="prompts-notice")
                p_out = gr.Markdown(elem_id="prompts-out")
                p_file = gr.File(label="Download", interactive=False)
                p_state = gr.State([])

        start.click(
            partial(start_drill, services),
            [role, round_type, mode, lps],
            [chat, state],
            api_name="start_drill",
        )
        send.click(
            partial(send_answer, services),
            [answer, state],
            [chat, state, answer],
            api_name="send_answer",
        )
        answer.submit(partial(send_answer, services), [answer, state], [chat, state, answer])
        skip.click(partial(skip_question, services), [state], [chat, state], api_name="skip")
        end.click(partial(end_drill, services), [state], [chat, state], api_name="end")
        p_generate.click(
            partial(generate_prompts, services),
            [p_lps, p_level, p_family, p_themes, p_n, p_context],
            [p_out, p_state, p_notice],
            api_name="generate_prompts",
        )
        p_export.click(partial(export_prompts, services), [p_state, p_fmt], [p_file])
        p_drill.click(partial(drill_these, services), [p_state, mode], [chat, state]).then(
            lambda: gr.Tabs(selected="drill"), None, [tabs]
        )
        demo.load(partial(start_drill, services), [role, round_type, mode, lps], [chat, state])
    return demo


def launch(services: Services, *, block: bool = True) -> Any:
    """Start the web server on the configured host and port."""
    from agents.services import warm_up_in_background

    demo = build_ui(services)
    warm_up_in_background(services)
    settings = services.settings
    demo.queue(default_concurrency_limit=8)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        root_path=settings.root_path or None,
        prevent_thread_lock=not block,
        show_error=False,
        inbrowser=False,
    )
    return demo
