"""The Prompts tab: fresh Amazon-style prompts per LP and level, export, and "drill these"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.ui.common import ChatMessage, user_of
from agents.ui.drill import Ref, ref_of, turns_to_chat

if TYPE_CHECKING:
    from agents.services import Services

THEMES = [
    "conflict", "failure", "customer", "ambiguity", "deadlines", "mentoring", "trade-offs",
    "raising-the-bar",
]  # fmt: skip


def generate_prompts(
    services: Services,
    lps: list[str] | None,
    level: str,
    role_family: str,
    themes: list[str] | None,
    n: float,
    context: str | None,
    request: Any = None,
) -> tuple[str, list[dict[str, Any]], str]:
    """Markdown of fresh prompts, their JSON for later actions, and a notice."""
    from agents.question_gen.generator import ui_generate

    # Questions already practised in recent drills are never offered again.
    user = user_of(request)
    practised = services.sessions.recent_questions(user, 50) if services.sessions else []
    return ui_generate(services, lps, level, role_family, themes, n, context, practised)


def export_prompts(services: Services, prompts: list[dict[str, Any]], fmt: str) -> str | None:
    """Write the generated prompts to a file in the data dir and return its path."""
    from agents.question_gen.generator import ui_export

    if not prompts:
        return None
    directory = services.settings.data_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return str(ui_export(prompts, fmt, directory))


def drill_these(
    services: Services, prompts: list[dict[str, Any]], mode: str, request: Any = None
) -> tuple[list[ChatMessage], Ref | None]:
    """Start a drill that asks the generated prompts."""
    from agents.question_gen.generator import ui_drill

    if not prompts:
        return [], None
    state = ui_drill(services, prompts, mode, user=user_of(request))
    return turns_to_chat(state.turns), ref_of(state)


def build_prompts_tab(
    services: Services, lp_choices: list[tuple[str, str]], drill: dict[str, Any], tabs: Any
) -> None:
    """Build the Prompts tab; "drill these" starts a drill in the Drill tab."""
    from agents.question_gen.generator import LEVELS, ROLE_FAMILIES

    with gr.Row():
        p_lps = gr.Dropdown(lp_choices, multiselect=True, label="LPs (empty: all)")
        p_level = gr.Dropdown(list(LEVELS), value="sde2", label="Level")
        p_family = gr.Dropdown(list(ROLE_FAMILIES), value="sde", label="Role family")
        p_n = gr.Slider(1, 50, value=10, step=1, label="How many")
    p_themes = gr.Dropdown(THEMES, multiselect=True, label="Themes (optional)")
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

    def _generate(
        lps: list[str] | None,
        level: str,
        family: str,
        themes: list[str] | None,
        n: float,
        context: str | None,
        request: gr.Request,
    ) -> tuple[str, list[dict[str, Any]], str]:
        return generate_prompts(services, lps, level, family, themes, n, context, request)

    def _drill(
        prompts: list[dict[str, Any]], mode: str, request: gr.Request
    ) -> tuple[list[ChatMessage], Ref | None]:
        return drill_these(services, prompts, mode, request)

    def _export(prompts: list[dict[str, Any]], fmt: str) -> str | None:
        return export_prompts(services, prompts, fmt)

    p_generate.click(
        _generate,
        [p_lps, p_level, p_family, p_themes, p_n, p_context],
        [p_out, p_state, p_notice],
        api_name="generate_prompts",
    )
    p_export.click(_export, [p_state, p_fmt], [p_file])
    p_drill.click(_drill, [p_state, drill["mode"]], [drill["chat"], drill["ref"]]).then(
        lambda: gr.Tabs(selected="drill"), None, [tabs]
    )
