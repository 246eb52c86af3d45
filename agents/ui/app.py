"""The Gradio page: tabs built by their own modules (drill, stories, feedback, prompts, status)
over plain handler functions; this module only assembles and launches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.config import apply_gradio_env_defaults
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
/* Tables in the chat and the debrief never break a word across lines ("Measura bility"). */
.prose th, .prose td, .message th, .message td { word-break: normal; overflow-wrap: normal;
  hyphens: none; }
.prose th, .message th { white-space: nowrap; }
/* A wide table in a chat bubble scrolls sideways instead of being cut off (focusable: see
   ARIA_FIXES, so keyboard users can scroll it too). */
#drill-chat table { display: block; overflow-x: auto; max-width: 100%; font-size: 0.9em; }
/* The import-format example wraps rather than scrolling (a scroll box needs keyboard focus). */
#stories-format-hint pre, #stories-format-hint pre code { white-space: pre-wrap !important;
  overflow: visible !important; }
.answer-evidence { line-height: 1.6; padding: 8px; border: 1px solid #e5e7eb; border-radius: 6px; }
.card-note { color: #4b5563; }
.card-notice { background: #fef3c7; color: #1f2937; padding: 6px 8px; border-radius: 6px;
  font-weight: 600; }
#drill-summary { border-top: 1px solid #e5e7eb; padding-top: 8px; }
"""


# Gradio marks some empty placeholders with an aria-label on a plain <div> (not allowed without
# a role) and renders some icon buttons with an empty label; give them a role and a name. Tables
# in the chat scroll sideways, so they take keyboard focus.
ARIA_FIXES = """<script>
(() => {
  const fix = () => {
    document.querySelectorAll('div.empty[aria-label]:not([role])').forEach(
      (el) => el.setAttribute('role', 'img'));
    document.querySelectorAll('#drill-chat table:not([tabindex])').forEach(
      (el) => el.setAttribute('tabindex', '0'));
    document.querySelectorAll('button[aria-label=""]').forEach((el) => {
      const near = el.closest('[aria-label]');
      const name = el.getAttribute('title') || (near && near.getAttribute('aria-label'))
        || el.className.split(' ')[0].replace(/-/g, ' ');
      el.setAttribute('aria-label', name);
    });
  };
  new MutationObserver(fix).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""

# Fonts every install has (DejaVu ships with Debian and inside matplotlib): Gradio's default
# stack starts with a web font that, offline, rendered only the first letter of headings in a
# different face.
FONTS = ("DejaVu Sans", "Liberation Sans", "Arial", "sans-serif")
MONO_FONTS = ("DejaVu Sans Mono", "Liberation Mono", "monospace")


def page_theme() -> Any:
    """A Gradio theme with local fonts only and colours that pass WCAG AA contrast."""
    import gradio as gr

    return gr.themes.Default(primary_hue="blue", font=list(FONTS), font_mono=list(MONO_FONTS)).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_cancel_background_fill="#b91c1c",
        button_cancel_background_fill_hover="#991b1b",
        button_cancel_text_color="white",
        body_text_color_subdued="*neutral_600",
        input_placeholder_color="*neutral_600",
    )


def build_ui(services: Services) -> Any:
    """Assemble the tabs and wire page-load events."""
    import gradio as gr

    from agents.ui.drill_tab import build_drill_tab
    from agents.ui.feedback import build_feedback_tab
    from agents.ui.material import (
        build_job_practice,
        build_resume_panel,
        build_transcript_panel,
        wire_job,
    )
    from agents.ui.prompts import build_prompts_tab
    from agents.ui.status import build_status_tab
    from agents.ui.stories import build_stories_tab

    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    with gr.Blocks(title="Bar Raiser") as demo:
        gr.Markdown("# Bar Raiser\nPractice Amazon Leadership Principle interviews.")
        gr.Markdown(services.status_line(), elem_id="engine-status")
        with gr.Tabs() as tabs:
            with gr.Tab("Drill", id="drill"):
                job = build_job_practice(services)
                drill = build_drill_tab(services, lp_choices)
                wire_job(services, job, drill)
            with gr.Tab("Stories", id="stories") as stories_tab:
                build_resume_panel(services)
                stories_refresh = build_stories_tab(services)
            with gr.Tab("Feedback", id="feedback") as feedback_tab:
                build_transcript_panel(services)
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

    apply_gradio_env_defaults()
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
        theme=page_theme(),
        head=ARIA_FIXES,
    )
    return demo
