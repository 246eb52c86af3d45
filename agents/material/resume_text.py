"""Text out of a resume file: PDF (pypdf), DOCX (python-docx), Markdown or plain text.

List items keep a bullet mark ("- ") so the bullet finder sees them, whatever the source used
(Word list styles carry no character; PDFs carry "•", "▪", "➤"...). Untrusted input: the text is
only ever data, the size is bounded, and failures become a `MaterialError` saying what to do.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from agents.material.errors import MaterialError
from agents.textutil import clean_text

log = logging.getLogger("barraiser.material")

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PDF_PAGES = 20
# Fewer letters than this in the whole file means there is no text layer to read.
MIN_LETTERS = 40
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt"}


def file_format(name: str) -> str:
    """The format of a file from its name: pdf, docx, md or txt."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise MaterialError(
            f"'{Path(name).name}' is not a format Bar Raiser reads: use PDF, DOCX, Markdown or "
            "plain text.",
            kind="format",
        )
    return SUFFIXES[suffix]


def read_resume(path: str | Path) -> str:
    """The text of the resume file at `path` (format from its name)."""
    path = Path(path)
    fmt = file_format(path.name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MaterialError(
                f"'{path.name}' is {size // 1024} KB; a resume should be under "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB.",
                kind="too_big",
            )
        data = path.read_bytes()
    except OSError as e:
        raise MaterialError(f"Could not read '{path.name}': {e.strerror or e}.") from e
    return resume_text(data, fmt, path.name)


def resume_text(data: bytes, fmt: str, name: str = "the file") -> str:
    """The text of resume bytes in format `fmt`; raises MaterialError on an unreadable file."""
    if not data.strip():
        raise MaterialError(f"'{name}' is empty.", kind="empty")
    if fmt == "pdf":
        text = _pdf_text(data, name)
    elif fmt == "docx":
        text = _docx_text(data, name)
    else:
        text = _plain_text(data, name)
    text = clean_text(text)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        if fmt == "pdf":
            raise MaterialError(
                f"'{name}' has no text layer (it looks scanned): export the resume from your "
                "editor as PDF or DOCX, or paste it as text.",
                kind="scanned",
            )
        raise MaterialError(f"'{name}' has almost no text in it.", kind="empty")
    return text


def _plain_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Latin-1: a text file in any common encoding."""
    if b"\x00" in data[:4096]:
        raise MaterialError(f"'{name}' is a binary file, not text.", kind="format")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _pdf_text(data: bytes, name: str) -> str:
    """Every page's text in reading order, or a MaterialError naming the problem."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MaterialError(
                f"'{name}' is password-protected: save an unprotected copy and import that.",
                kind="encrypted",
            )
        pages = reader.pages[:MAX_PDF_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except MaterialError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as e:
        # pypdf signals a damaged file with several types; all mean "cannot read this PDF".
        log.info("unreadable PDF %s", name, exc_info=e)
        if "decrypt" in str(e).lower() or "encrypt" in str(e).lower():
            raise MaterialError(
                f"'{name}' is password-protected: save an unprotected copy and import that.",
                kind="encrypted",
            ) from e
        raise MaterialError(f"'{name}' is not a readable PDF ({e}).", kind="format") from e


def _docx_text(data: bytes, name: str) -> str:
    """Paragraphs and table cells in document order; list paragraphs get a "- " mark."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise MaterialError(f"'{name}' is not a readable Word (.docx) file.", kind="format") from e
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                seen: list[str] = []
                for cell in row.cells:
                    # Merged cells repeat in python-docx's rows: keep each text once.
                    if cell.text.strip() and cell.text not in seen:
                        seen.append(cell.text)
                        lines.extend(_paragraph_lines(p) for p in cell.paragraphs)
        else:
            lines.append(_paragraph_lines(block))
    return "\n".join(line for line in lines if line is not None)


def _paragraph_lines(paragraph: object) -> str:
    """A paragraph's text, marked "- " when Word shows it as a list item."""
    text = str(getattr(paragraph, "text", ""))
    style = getattr(getattr(paragraph, "style", None), "name", "") or ""
    numbered = getattr(paragraph, "_p", None)
    ppr = numbered.pPr if numbered is not None else None
    has_numbering = ppr is not None and ppr.numPr is not None
    if text.strip() and ("List" in style or has_numbering):
        return f"- {text.strip()}"
    return text
