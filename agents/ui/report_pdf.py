"""The drill report as a PDF: the report's Markdown laid out line by line, with real tables and
the charts as images, in DejaVu Sans (embedded from matplotlib's wheel) so every character of the
Markdown prints. Used by `barraiser report`, `barraiser drill --pdf` and the Feedback tab.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from agents.ui import charts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from agents.drill.report import ChartKind, Report
    from agents.drill.sessions import ProgressPoint

FONT = "dejavu"
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
# Characters DejaVu Sans lacks come from STIX (maths, rare symbols), then from Last Resort, which
# draws a labelled box for any other code point (e.g. CJK); all three ship in matplotlib's wheel.
# Text extraction still yields the character itself: nothing prints as "?".
FALLBACK_FILES = {"stix": "STIXGeneral.ttf", "lastresort": "LastResortHE-Regular.ttf"}
BODY, SMALL, LINE = 10, 8, 5.0
BULLET = "•"
_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|(?<![\w*])_(?P<italic>[^_\n]+?)_(?!\w)")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_LIST = re.compile(r"^(?P<marker>- |\d+\. )(?P<text>.*)$")
_QUOTE = re.compile(r"^\s*> ?(?P<text>.*)$")


# fpdf2 subsets the fonts with fontTools, which logs every glyph list at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class ReportPDFError(RuntimeError):
    """The report could not be written (missing font, unwritable path)."""


def font_dir() -> Path:
    """Where matplotlib keeps its TrueType fonts (DejaVu, STIX)."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _PDF(FPDF):
    """A page footer with the page number: a printed report stays in order."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", SMALL)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")


def _new_pdf(title: str) -> _PDF:
    pdf = _PDF(format="A4")
    directory = font_dir()
    try:
        for style, name in FONT_FILES.items():
            pdf.add_font(FONT, style, str(directory / name))
        for family, name in FALLBACK_FILES.items():
            pdf.add_font(family, "", str(directory / name))
    except FileNotFoundError as e:
        raise ReportPDFError(f"the report font is missing ({e}); reinstall matplotlib") from e
    pdf.set_fallback_fonts(list(FALLBACK_FILES), exact_match=False)
    pdf.set_title(title)
    pdf.set_creator("Bar Raiser")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(18, 16, 18)
    pdf.add_page()
    pdf.set_font(FONT, "", BODY)
    return pdf


def _runs(text: str) -> list[tuple[str, str]]:
    """(style, text) runs of a line: **bold** and _italic_ become styles, markers dropped."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(("", text[pos : m.start()]))
        out.append(("B", m["bold"]) if m["bold"] is not None else ("I", m["italic"]))
        pos = m.end()
    if pos < len(text):
        out.append(("", text[pos:]))
    return out


def _write_line(pdf: FPDF, text: str, size: float = BODY, base: str = "") -> None:
    """One Markdown line as flowing text with its bold and italic runs."""
    for style, run in _runs(text):
        merged = "".join(sorted(set(base + style), key="BI".index))
        pdf.set_font(FONT, merged, size)
        pdf.write(size * 0.5, run)
    pdf.ln(size * 0.5)
    pdf.set_font(FONT, "", BODY)


def _heading(pdf: FPDF, text: str, level: int) -> None:
    size = 17 if level == 1 else 13
    pdf.ln(2 if level == 1 else 4)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font(FONT, "", BODY)


def _indented(pdf: FPDF, indent: float, write: Callable[[], None]) -> None:
    """Run `write` with the left margin moved right by `indent` (a hanging list or a quote)."""
    margin = pdf.l_margin
    pdf.set_left_margin(margin + indent)
    try:
        write()
    finally:
        pdf.set_left_margin(margin)
        pdf.set_x(margin)


def _list_item(pdf: FPDF, marker: str, text: str) -> None:
    label = BULLET if marker == "- " else marker.strip()
    pdf.set_font(FONT, "", BODY)
    pdf.set_x(pdf.l_margin)
    pdf.cell(6, LINE, label)
    _indented(pdf, 6, lambda: _write_line(pdf, text))


def _quote(pdf: FPDF, text: str) -> None:
    pdf.set_text_color(70)
    _indented(pdf, 10, lambda: _write_line(pdf, text, base="I"))
    pdf.set_text_color(0)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [re.sub(r"\*\*(.+?)\*\*", r"\1", c.strip()) for c in inner.split("|")]


def _col_widths(pdf: FPDF, rows: Sequence[Sequence[str]], width: float) -> list[float]:
    """Each column at least as wide as its longest word (no word is broken), the rest shared."""
    n = max(len(r) for r in rows)
    pad = 3.2  # the cell's left and right padding, and a hair of slack
    low = [pad + max((pdf.get_string_width(w) for r in rows if i < len(r)
                      for w in r[i].split()), default=2.0) for i in range(n)]  # fmt: skip
    high = [pad + max((pdf.get_string_width(r[i]) for r in rows if i < len(r)), default=2.0)
            for i in range(n)]  # fmt: skip
    if sum(high) <= width:
        return [h * width / sum(high) for h in high]
    spare = max(width - sum(low), 0.0)
    extra = [h - lo for h, lo in zip(high, low, strict=True)]
    return [lo + spare * e / (sum(extra) or 1.0) for lo, e in zip(low, extra, strict=True)]


def _table(pdf: FPDF, lines: Sequence[str]) -> None:
    """A Markdown table as a real PDF table; the header row bold on grey."""
    rows = [_cells(line) for line in lines if not _TABLE_RULE.match(line.strip())]
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    width = pdf.w - pdf.l_margin - pdf.r_margin
    size = BODY if n <= 4 else SMALL
    pdf.set_font(FONT, "", size)
    widths = _col_widths(pdf, rows, width)
    while sum(widths) > width + 0.01 and size > 6:  # a smaller font rather than a broken word
        size -= 0.5
        pdf.set_font(FONT, "", size)
        widths = _col_widths(pdf, rows, width)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 233, 238))
    with pdf.table(
        col_widths=widths,
        width=min(sum(widths), pdf.epw),
        align="LEFT",
        line_height=size * 0.5,
        padding=(0.8, 1.2),
        headings_style=heading,
        text_align="LEFT",
    ) as table:
        for row in rows:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(2)
    pdf.set_font(FONT, "", BODY)


def _figure(kind: ChartKind, report: Report, progress: Sequence[ProgressPoint]) -> Figure | None:
    if kind == "lp":
        return charts.lp_radar(report.debrief)
    if kind == "star":
        return charts.star_completeness(report.debrief)
    if kind == "trend":
        return charts.drill_trend(report.debrief)
    return charts.progress_trend(progress) if progress else None


def _image(pdf: FPDF, fig: Figure) -> None:
    """A matplotlib figure as a PNG, centred, on a new page if it does not fit."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=160, bbox_inches="tight")
    fig_w, fig_h = fig.get_size_inches()
    plt.close(fig)
    width = min(pdf.w - pdf.l_margin - pdf.r_margin, 24.0 * fig_w)  # mm per inch of figure
    height = width * fig_h / fig_w
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(buf, x=(pdf.w - width) / 2, y=pdf.get_y(), w=width)
    pdf.set_y(pdf.get_y() + height + 3)


def _blocks(markdown: str) -> list[tuple[str, list[str]]]:
    """(kind, lines): heading1, heading2, table, list, quote, para and blank blocks in order."""
    blocks: list[tuple[str, list[str]]] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if line.startswith("# "):
            kind, line = "heading1", line[2:]
        elif line.startswith("## "):
            kind, line = "heading2", line[3:]
        elif stripped.startswith("|"):
            kind = "table"
        elif not stripped:
            kind = "blank"
        elif _QUOTE.match(line):
            kind = "quote"
        elif _LIST.match(line):
            kind = "list"
        else:
            kind = "para"
        if kind == "table" and blocks and blocks[-1][0] == "table":
            blocks[-1][1].append(line)
        else:
            blocks.append((kind, [line]))
    return blocks


def _render_block(pdf: FPDF, kind: str, lines: list[str]) -> None:
    if kind == "heading1":
        _heading(pdf, lines[0], 1)
    elif kind == "heading2":
        _heading(pdf, lines[0], 2)
    elif kind == "table":
        _table(pdf, lines)
    elif kind == "blank":
        pdf.ln(2)
    elif kind == "quote":
        m = _QUOTE.match(lines[0])
        _quote(pdf, m["text"] if m else lines[0])
    elif kind == "list":
        m = _LIST.match(lines[0])
        assert m is not None
        _list_item(pdf, m["marker"], m["text"])
    else:
        pdf.set_x(pdf.l_margin)
        _write_line(pdf, lines[0])


def _chart_slots(blocks: Sequence[tuple[str, list[str]]], report: Report) -> dict[int, list[Any]]:
    """Block index -> charts drawn after it: after the table or list that follows each anchor."""
    slots: dict[int, list[Any]] = {}
    for spot in report.charts:
        start = next((i for i, (_, b) in enumerate(blocks) if b[0].strip() == spot.after), None)
        if start is None:
            continue
        if blocks[start][0].startswith("heading"):  # an anchor that is a section: draw above it
            slots.setdefault(start - 1, []).append(spot.kind)
            continue
        end = start
        for i in range(start + 1, len(blocks)):
            kind = blocks[i][0]
            if kind in ("table", "list", "quote"):
                end = i
            elif kind != "blank" or end > start:
                break
        slots.setdefault(end, []).append(spot.kind)
    return slots


def progress_until(points: Sequence[ProgressPoint], session_id: str) -> list[ProgressPoint]:
    """The progress points up to and including this session (a past report shows its past)."""
    ids = [p.session_id for p in points]
    return list(points[: ids.index(session_id) + 1] if session_id in ids else points)


def write_report_pdf(path: Path, report: Report, progress: Sequence[ProgressPoint] = ()) -> int:
    """Write the report as a PDF (atomically); returns how many charts it embeds."""
    pdf = _new_pdf(report.title)
    blocks = _blocks(report.markdown)
    slots = _chart_slots(blocks, report)
    drawn = 0
    for i, (kind, lines) in enumerate(blocks):
        _render_block(pdf, kind, lines)
        for chart in slots.get(i, []):
            fig = _figure(chart, report, progress)
            if fig is not None:
                _image(pdf, fig)
                drawn += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        pdf.output(str(tmp))
        tmp.replace(path)  # a killed export leaves no half-written PDF under the real name
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ReportPDFError(f"could not write {path}: {e.strerror or e}") from e
    return drawn
