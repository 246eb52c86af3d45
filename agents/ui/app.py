"""The Gradio page: tabs built by their own modules (drill, stories, feedback, prompts, status)
over plain handler functions; this module only assembles and launches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.ui.drill import (
    end_drill,
    send_answer,
    skip_question,
    start_drill,
    turns_to_chat,
)
from agents.ui.prompts import drill_these, export_prompts, generate_prompts

if TYPE_CHECKING:
    from agents.services import Services

__all__ = [
    "build_ui",
    "drill_these",
    "end_drill",
    "export_prompts",
    "generate_prompts",
    "launch",
    "send_answer",
    "skip_question",
    "start_drill",
    "turns_to_chat",
]

CSS = """
#grade-card table { border-collapse: collapse; margin: 4px 0; }
#grade-card td { padding: 2px 8px; }
.answer-evidence { line-height: 1.6; padding: 8px; border: 1px solid #e5e7eb; border-radius: 6px; }
.card-note { color: #4b5563; }
.card-notice { background: #fef3c7; color: #1f2937; padding: 6px 8px; border-radius: 6px;
  font-weight: 600; }
#drill-summary { border-top: 1px solid #e5e7eb; padding-top: 8px; }
"""


def build_ui(services: Services) -> Any:
    """Assemble the tabs and wire page-load events."""
    import gradio as gr

    from agents.ui.drill_tab import build_drill_tab
    from agents.ui.feedback import build_feedback_tab
    from agents.ui.prompts import build_prompts_tab
    from agents.ui.status import build_status_tab
    from agents.ui.stories import build_stories_tab

    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    with gr.Blocks(title="Bar Raiser") as demo:
        gr.Markdown("# Bar Raiser\nPractice Amazon Leadership Principle interviews.")
        gr.Markdown(services.status_line(), elem_id="engine-status")
        with gr.Tabs() as tabs:
            with gr.Tab("Drill", id="drill"):
                drill = build_drill_tab(services, lp_choices)
            with gr.Tab("Stories", id="stories") as stories_tab:
                stories_refresh = build_stories_tab(services)
            with gr.Tab("Feedback", id="feedback") as feedback_tab:
                feedback = build_feedback_tab(services)
            with gr.Tab("Prompts", id="prompts"):
                build_prompts_tab(services, lp_choices, drill, tabs)
            with gr.Tab("Status", id="status"):
                status_load = build_status_tab(services)
        stories_tab.select(*stories_refresh)
        feedback_tab.select(*feedback["refresh"])
        # A reload (or another app process) picks up the user's unfinished drill.
        demo.load(*drill["resume"]).then(*status_load)
    return demo


def launch(services: Services, *, block: bool = True) -> Any:
    """Start the web server: login when configured, reverse-proxy root path, bounded queue."""
    from agents.services import warm_up_in_background

    demo = build_ui(services)
    warm_up_in_background(services)
    settings = services.settings
    demo.queue(
        default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size
    )
    pairs = settings.auth_pairs
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        root_path=settings.root_path or None,
        auth=pairs or None,
        auth_message="Sign in to your Bar Raiser practice space." if pairs else None,
        prevent_thread_lock=not block,
        show_error=False,
        inbrowser=False,
        css=CSS,
    )
    return demo
