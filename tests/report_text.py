"""Reading an exported report back: the Markdown's and the PDF's text, markup and layout removed,
to compare character by character (tests/test_report.py and the browser export test)."""

from __future__ import annotations

import re
import unicodedata

from pypdf import PdfReader

TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
PAGE_NUMBER = re.compile(r"^\d+ / \d+$")


def _squash(text: str) -> str:
    """Markup-free and whitespace-free: what must survive, character by character."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", "", text.replace("**", "").replace("_", "").replace("|", ""))


def markdown_text(markdown: str) -> str:
    """The Markdown's characters without its markup (headings, list and quote markers, rules)."""
    lines = []
    for line in markdown.splitlines():
        if TABLE_RULE.match(line.strip()):
            continue
        line = re.sub(r"^#{1,6} ", "", line)
        line = re.sub(r"^\s*> ?", "", line)
        lines.append(re.sub(r"^- ", "", line))
    return _squash("\n".join(lines))


def pdf_text(reader: PdfReader) -> str:
    """The PDF's text without page numbers and list bullets."""
    pages = []
    for page in reader.pages:
        lines = page.extract_text().splitlines()
        pages.append("\n".join(line for line in lines if not PAGE_NUMBER.match(line.strip())))
    return _squash("\n".join(pages).replace("•", ""))


def first_difference(a: str, b: str) -> str:
    """Where two squashed texts first differ, with context, for an assertion message."""
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(at - 40, 0)
    return f"at {at}: markdown {a[start : at + 40]!r} vs pdf {b[start : at + 40]!r}"


def image_count(reader: PdfReader) -> int:
    """How many images the PDF embeds, over all pages."""
    return sum(len(page.images) for page in reader.pages)
