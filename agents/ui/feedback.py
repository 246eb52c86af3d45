"""The Feedback tab: a session's debrief with charts, progress across sessions, export."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.drill.report import build_report
from agents.drill.transcript import debrief_markdown
from agents.drill.voice_coach import state_timeline
from agents.drill.wording import mode_name, round_name, signal_name
from agents.ui import charts, charts_voice
from agents.ui.common import readable_error, user_of
from agents.ui.drill_view import status_label
from agents.ui.page_phrases import page_phrases
from agents.ui.report_pdf import progress_until, write_report_pdf

if TYPE_CHECKING:
    from agents.services import Services


def session_choices(services: Services, request: Any = None) -> list[tuple[str, str]]:
    """The user's sessions as dropdown choices, newest first."""
    if services.sessions is None:
        return []
    out = []
    for info in services.sessions.list(user_of(request)):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created))
        cfg = info.config
        signal = info.summary.get("signal")
        shown = signal_name(signal) if signal else status_label(info)
        label = f"{when} · {round_name(cfg.get('round_type'))} · {mode_name(cfg.get('mode'))}"
        out.append((f"{label} · {shown}", info.id))
    return out


def feedback_view(
    services: Services, session_id: str | None, request: Any = None
) -> tuple[str, Any, Any, Any, Any]:
    """(debrief Markdown, LP radar, STAR(L) heatmap, trend across sessions, spoken answers
    across sessions) for one session."""
    user = user_of(request)
    store = services.sessions
    if store is None:
        return "No session store is configured.", None, None, None, None
    progress = store.progress(user)
    trend = charts.progress_trend(progress)
    spoken = charts_voice.spoken_trend(progress)
    if not session_id:
        choices = session_choices(services, request)
        session_id = choices[0][1] if choices else None
    state = store.load(session_id, user) if session_id else None
    if state is None:
        return "_No drills yet: start one in the Drill tab._", charts.lp_radar(None), \
            charts.star_completeness(None), trend, spoken  # fmt: skip
    if state.debrief is None and state.abandoned_at:
        text = f"_{page_phrases().feedback_abandoned}_"
    elif state.debrief is None:
        text = "_This drill is still open: end it in the Drill tab to get its debrief._"
    else:
        text = debrief_markdown(state.debrief) + state_timeline(state)
    radar, star = charts.lp_radar(state.debrief), charts.star_completeness(state.debrief)
    return text, radar, star, trend, spoken


def export_debrief(
    services: Services, session_id: str | None, fmt: str, request: Any = None
) -> tuple[str | None, str]:
    """Write the session's transcript and debrief to Markdown or PDF; returns (path, notice)."""
    user = user_of(request)
    store = services.sessions
    state = store.load(session_id, user) if (store and session_id) else None
    if state is None:
        return None, "Choose a session first."
    directory = services.settings.data_dir / "exports" / re.sub(r"[^\w.-]", "_", user)
    directory.mkdir(parents=True, exist_ok=True)
    report = build_report(state)
    name = f"bar-raiser-{time.strftime('%Y-%m-%d', time.localtime(state.started_at))}-{state.id}"
    try:
        if fmt == "pdf":
            path = directory / f"{name}.pdf"
            write_report_pdf(path, report, progress_until(store.progress(user), state.id))
        else:
            path = directory / f"{name}.md"
            path.write_text(report.markdown, "utf-8")
    except Exception as e:  # the file system or the PDF library: say so, keep the page
        return None, readable_error("export the debrief", e)
    return str(path), f"Exported {path.name}."


def build_feedback_tab(services: Services) -> dict[str, Any]:
    """Build the Feedback tab; returns the refresh hook the page calls on tab select."""
    with gr.Row():
        session = gr.Dropdown([], label="Session", elem_id="feedback-session", scale=3)
        refresh = gr.Button("Refresh", elem_id="feedback-refresh", scale=1)
    debrief = gr.Markdown(elem_id="feedback-debrief")
    with gr.Row():
        radar = gr.Plot(label="LP scores", elem_id="lp-radar")
        star = gr.Plot(label="STAR(L) per answer", elem_id="star-heatmap")
    trend = gr.Plot(label="Measurability and ownership across sessions", elem_id="trend")
    voice_trend = gr.Plot(
        label="Spoken answers across sessions: seconds per part, pace, fillers, pauses",
        elem_id="voice-trend",
    )
    with gr.Row():
        fmt = gr.Radio(
            [("Markdown", "markdown"), ("PDF", "pdf")],
            value="pdf",
            label="Export as",
            elem_id="feedback-export-format",
        )
        export = gr.Button("Export debrief", elem_id="export-debrief")
    notice = gr.Markdown(elem_id="feedback-notice")
    file = gr.File(label="Download", interactive=False, elem_id="feedback-file")

    def _refresh(current: str | None, request: gr.Request) -> tuple[Any, ...]:
        choices = session_choices(services, request)
        ids = [c[1] for c in choices]
        chosen = current if current in ids else (ids[0] if ids else None)
        return gr.Dropdown(choices=choices, value=chosen), *feedback_view(services, chosen, request)

    def _view(chosen: str | None, request: gr.Request) -> tuple[str, Any, Any, Any, Any]:
        return feedback_view(services, chosen, request)

    def _export(chosen: str | None, fmt: str, request: gr.Request) -> tuple[str | None, str]:
        return export_debrief(services, chosen, fmt, request)

    outputs = [session, debrief, radar, star, trend, voice_trend]
    refresh.click(_refresh, [session], outputs)
    session.input(_view, [session], [debrief, radar, star, trend, voice_trend])
    export.click(_export, [session, fmt], [file, notice])
    return {"refresh": (_refresh, [session], outputs)}
