"""Resume import: text out of PDF (two columns, tables), DOCX (lists, tables), Markdown and text;
achievement bullets and story seeds; clear messages for files that are not usable resumes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from agents.material.bullets import find_bullets
from agents.material.errors import MaterialError
from agents.material.resume import read_resume_bytes
from agents.material.resume_text import read_resume, resume_text
from agents.material.seeds import build_seeds, seed_title
from evals.material_files import load_resumes, render_docx, render_pdf


def _resume(layout: str):
    return next(r for r in load_resumes("dev") if r.layout == layout)


@pytest.mark.parametrize("layout", ["plain", "two_column", "table", "odd_bullets"])
def test_pdf_and_docx_layouts_give_the_marked_bullets(layout: str) -> None:
    resume = _resume(layout)
    for fmt, data in (("pdf", render_pdf(resume)), ("docx", render_docx(resume))):
        found = [b.text for b in find_bullets(resume_text(data, fmt))]
        assert found == resume.gold, (layout, fmt)


def test_docx_table_cells_and_list_styles_are_read() -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Experience")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Charge Nurse, City Hospital, 2019-2024"
    table.rows[0].cells[1].add_paragraph(
        "Cut door-to-provider time from 41 to 26 minutes", style="List Bullet"
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    text = resume_text(buffer.getvalue(), "docx")
    assert "- Cut door-to-provider time from 41 to 26 minutes" in text
    [bullet] = find_bullets(text)
    assert bullet.role == "Charge Nurse, City Hospital, 2019-2024"


def test_seed_fields_metrics_verbatim_lps_and_missing_parts() -> None:
    from agents.lp.classifier import get_classifier

    bullet = "Cut checkout p95 latency by 40% by moving fraud checks off the critical path"
    text = f"Experience\n- {bullet}\n"
    [seed] = build_seeds(text, classifier=get_classifier())
    assert seed.title == "Cut checkout p95 latency"
    assert seed.metrics == ["40%"]
    assert seed.lps and seed.lps[0].share >= seed.lps[-1].share
    missing = {m.part: m.prompt for m in seed.missing}
    assert "situation" in missing and missing["situation"].startswith("No situation yet")
    assert set(missing).isdisjoint(seed.present)


def test_seed_title_cuts_at_the_first_joint() -> None:
    assert seed_title("Led a team of 5, shipping on time") == "Led a team of 5"


def test_duties_skills_and_education_are_not_seeds() -> None:
    text = (
        "Experience\n- Responsible for the on-call rotation\n- Python, Go, SQL\n"
        "Education\n- Graduated with honours in 2015 from Leeds University\n"
    )
    assert find_bullets(text) == []


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(render_pdf(_resume("plain"))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scanned_pdf(tmp_path: Path) -> bytes:
    """A page that is only an image (what a scanner makes): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("L", (400, 560), color=235).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=180)
    return bytes(pdf.output())


def test_bad_files_get_clear_messages(tmp_path: Path) -> None:
    cases = {
        "encrypted": ("cv.pdf", _encrypted_pdf()),
        "scanned": ("scan.pdf", _scanned_pdf(tmp_path)),
        "empty": ("empty.docx", b""),
        "format": ("cv.docx", b"this is not a zip file at all, just text " * 4),
    }
    for kind, (name, data) in cases.items():
        with pytest.raises(MaterialError) as info:
            read_resume_bytes(data, name)
        assert info.value.kind == kind, (kind, str(info.value))
    with pytest.raises(MaterialError, match="password-protected"):
        read_resume_bytes(_encrypted_pdf(), "cv.pdf")
    with pytest.raises(MaterialError, match="no text layer"):
        read_resume_bytes(_scanned_pdf(tmp_path), "scan.pdf")
    recipe = "Mix the flour and the butter, then add sugar and bake for forty minutes. " * 3
    with pytest.raises(MaterialError, match="does not look like a resume") as info:
        read_resume_bytes(recipe.encode(), "recipe.txt")
    assert info.value.kind == "not_resume"
    with pytest.raises(MaterialError, match="not a format"):
        read_resume_bytes(b"x" * 100, "cv.odt")


def test_markdown_and_text_files(tmp_path: Path) -> None:
    resume = _resume("plain")
    path = tmp_path / "cv.md"
    path.write_text(resume.text, "utf-8")
    assert [b.text for b in find_bullets(read_resume(path))] == resume.gold
    latin = tmp_path / "cv.txt"
    line = "- Réduit les coûts de 20% en 2023 sur 3 sites de production en Île-de-France\n"
    latin.write_bytes(f"Experience\n{line}".encode("latin-1"))
    assert "Réduit" in read_resume(latin)
