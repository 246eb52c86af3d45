"""The labelled resumes and transcripts of `evals/data/material`, and the PDF / DOCX files the
eval and the tests render from them (fpdf2 and python-docx, at run time: no binaries stored)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agents.material.bullets import BULLET_MARK, heading_of
from agents.material.cues import load_cues

DATA_DIR = Path(__file__).parent / "data" / "material"
MARK = "[A] "


@dataclass
class LabelledResume:
    """One resume: its lines (marks removed), the gold bullets, split and layout."""

    name: str
    split: str
    layout: str
    lines: list[str]
    gold: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The resume as Markdown / plain text."""
        return "\n".join(self.lines) + "\n"


@dataclass
class LabelledTranscript:
    """One transcript file and its gold question/answer segment starts."""

    path: Path
    split: str
    format: str
    segments: list[tuple[str, str]]


def load_resumes(split: str = "all") -> list[LabelledResume]:
    """Every labelled resume of `split` (dev, heldout or all), in name order."""
    out = []
    for path in sorted((DATA_DIR / "resumes").glob("*.txt")):
        meta: dict[str, str] = {}
        lines: list[str] = []
        gold: list[str] = []
        for raw in path.read_text("utf-8").splitlines():
            if raw.startswith("%% "):
                key, _, value = raw[3:].partition(":")
                meta[key.strip()] = value.strip()
                continue
            if raw.startswith(MARK):
                raw = raw[len(MARK) :]
                gold.append(BULLET_MARK.sub("", raw, count=1).strip())
            lines.append(raw)
        item = LabelledResume(path.stem, meta["split"], meta["layout"], lines, gold)
        if split in ("all", item.split):
            out.append(item)
    return out


def load_transcripts(split: str = "all") -> list[LabelledTranscript]:
    """Every labelled transcript of `split`, in name order."""
    out = []
    for labels in sorted((DATA_DIR / "transcripts").glob("*.labels.yaml")):
        meta = yaml.safe_load(labels.read_text("utf-8"))
        path = labels.with_name(labels.name.replace(".labels.yaml", ""))
        segments = [(str(k), str(v)) for k, v in meta["segments"]]
        item = LabelledTranscript(path, meta["split"], meta["format"], segments)
        if split in ("all", item.split):
            out.append(item)
    return out


def _sections(lines: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(header lines before the first heading, [(heading, its lines)])."""
    header: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        if heading_of(line) is not None:
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            header.append(line)
    return header, sections


def _is_work(heading: str) -> bool:
    return (heading_of(heading) or "") in load_cues().work_sections


def _font_path() -> str:
    """A Unicode TTF shipped inside a PyPI package (matplotlib's DejaVu Sans)."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def _jobs(lines: list[str]) -> list[tuple[str, list[str]]]:
    """A work section's lines as (role line, its bullet lines)."""
    jobs: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.strip():
            continue
        if BULLET_MARK.match(line) or not jobs:
            if not jobs:
                jobs.append(("", []))
            jobs[-1][1].append(line)
        else:
            jobs.append((line, []))
    return jobs


def render_pdf(resume: LabelledResume) -> bytes:
    """The resume as a PDF in its layout (one column, two columns, a table, odd bullets)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("dejavu", fname=_font_path())
    pdf.set_font("dejavu", size=10)
    pdf.add_page()
    header, sections = _sections(resume.lines)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for line in header:
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    if resume.layout == "two_column":
        top = pdf.get_y() + 3
        left_w = width * 0.32
        pdf.set_y(top)
        for heading, body in (s for s in sections if not _is_work(s[0])):
            pdf.multi_cell(left_w, 5, heading.upper(), new_x="LMARGIN", new_y="NEXT")
            for line in body:
                pdf.multi_cell(left_w, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top)
        right_x = pdf.l_margin + left_w + 6
        for heading, body in (s for s in sections if _is_work(s[0])):
            pdf.set_x(right_x)
            pdf.multi_cell(width - left_w - 6, 5, heading.upper(), new_x="LEFT", new_y="NEXT")
            for line in body:
                pdf.set_x(right_x)
                pdf.multi_cell(width - left_w - 6, 5, line, new_x="LEFT", new_y="NEXT")
        return bytes(pdf.output())
    for heading, body in sections:
        pdf.ln(2)
        pdf.multi_cell(width, 6, heading.upper(), new_x="LMARGIN", new_y="NEXT")
        if resume.layout == "table" and _is_work(heading):
            with pdf.table(col_widths=(35, 65), first_row_as_headings=False) as table:
                for role, bullets in _jobs(body):
                    row = table.row()
                    row.cell(role)
                    row.cell("\n".join(bullets))
            continue
        for line in body:
            if line.strip():
                pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_docx(resume: LabelledResume) -> bytes:
    """The resume as a Word file: list styles for bullets, a table for table / two columns."""
    from docx import Document

    doc = Document()
    header, sections = _sections(resume.lines)
    for line in header:
        doc.add_paragraph(line)

    def add_lines(target: object, lines: list[str]) -> None:
        for line in lines:
            if not line.strip():
                continue
            if BULLET_MARK.match(line) and not line.lstrip().startswith(("➤", "✓")):
                target.add_paragraph(BULLET_MARK.sub("", line, count=1), style="List Bullet")  # type: ignore[attr-defined]
            else:
                target.add_paragraph(line)  # type: ignore[attr-defined]

    if resume.layout == "two_column":
        table = doc.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        for heading, body in sections:
            cell = right if _is_work(heading) else left
            cell.add_paragraph(heading.upper())
            add_lines(cell, body)
        return _save(doc)
    for heading, body in sections:
        doc.add_heading(heading.title(), level=2)
        if resume.layout == "table" and _is_work(heading):
            jobs = _jobs(body)
            table = doc.add_table(rows=len(jobs), cols=2)
            for row, (role, bullets) in zip(table.rows, jobs, strict=True):
                row.cells[0].text = role
                add_lines(row.cells[1], bullets)
            continue
        add_lines(doc, body)
    return _save(doc)


def _save(doc: object) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
