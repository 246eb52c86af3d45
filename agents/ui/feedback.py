"""The Feedback tab: a session's debrief with charts, progress across sessions, export."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.drill.transcript import debrief_markdown, transcript_markdown
from agents.drill.voice_coach import state_timeline
from agents.ui import charts
from agents.ui.common import readable_error, user_of

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
        signal = info.summary.get("signal") or info.status
        out.append((f"{when} · {cfg.get('round_type', '')} · {cfg.get('mode', '')} · {signal}",
                    info.id))  # fmt: skip
    return out


def feedback_view(
    services: Services, session_id: str | None, request: Any = None
) -> tuple[str, Any, Any, Any]:
    """(debrief Markdown, LP radar, STAR(L) heatmap, trend across sessions) for one session."""
    user = user_of(request)
    store = services.sessions
    if store is None:
        return "No session store is configured.", None, None, None
    trend = charts.progress_trend(store.progress(user))
    if not session_id:
        choices = session_choices(services, request)
        session_id = choices[0][1] if choices else None
    state = store.load(session_id, user) if session_id else None
    if state is None:
        return "_No drills yet: start one in the Drill tab._", charts.lp_radar(None), \
            charts.star_completeness(None), trend  # fmt: skip
    if state.debrief is None:
        text = "_This drill is still open: end it in the Drill tab to get its debrief._"
    else:
        text = debrief_markdown(state.debrief) + state_timeline(state)
    return text, charts.lp_radar(state.debrief), charts.star_completeness(state.debrief), trend


def _pdf_text(text: str) -> str:
    """Markdown to plain lines the PDF's core font can print (Latin-1; others replaced)."""
    plain = re.sub(r"[*_`#>|]", "", text)
    return plain.encode("latin-1", "replace").decode("latin-1")


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
    markdown = transcript_markdown(state)
    try:
        if fmt == "pdf":
            path = directory / f"drill-{state.id}.pdf"
            _write_pdf(path, markdown)
        else:
            path = directory / f"drill-{state.id}.md"
            path.write_text(markdown, "utf-8")
    except Exception as e:  # the file system or the PDF library: say so, keep the page
        return None, readable_error("export the debrief", e)
    return str(path), f"Exported {path.name}."


def _write_pdf(path: Path, markdown: str) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for line in markdown.splitlines():
        heading = line.startswith("#")
        pdf.set_font("Helvetica", style="B" if heading else "", size=13 if heading else 10)
        pdf.multi_cell(width, 5.5, _pdf_text(line) or " ", new_x="LMARGIN", new_y="NEXT")
    tmp = path.with_suffix(".pdf.tmp")
    pdf.output(str(tmp))
    tmp.replace(path)  # a killed export leaves no half-written PDF under the real name


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
    with gr.Row():
        fmt = gr.Radio(["markdown", "pdf"], value="markdown", label="Export as")
        export = gr.Button("Export debrief", elem_id="export-debrief")
    notice = gr.Markdown(elem_id="feedback-notice")
    file = gr.File(label="Download", interactive=False, elem_id="feedback-file")

    def _refresh(current: str | None, request: gr.Request) -> tuple[Any, str, Any, Any, Any]:
        choices = session_choices(services, request)
        ids = [c[1] for c in choices]
        chosen = current if current in ids else (ids[0] if ids else None)
        text, r, s, t = feedback_view(services, chosen, request)
        return gr.Dropdown(choices=choices, value=chosen), text, r, s, t

    def _view(chosen: str | None, request: gr.Request) -> tuple[str, Any, Any, Any]:
        return feedback_view(services, chosen, request)

    def _export(chosen: str | None, fmt: str, request: gr.Request) -> tuple[str | None, str]:
        return export_debrief(services, chosen, fmt, request)

    outputs = [session, debrief, radar, star, trend]
    refresh.click(_refresh, [session], outputs)
    session.input(_view, [session], [debrief, radar, star, trend])
    export.click(_export, [session, fmt], [file, notice])
    return {"refresh": (_refresh, [session], outputs)}
