"""Text of a PDF with a text layer: page furniture removed, wrapped lines re-flowed.

A PDF has no paragraphs, only positioned lines. Running headers and footers repeat from page
to page and page numbers stand alone, so both are dropped; a line that fills the column width
continues in the next line, so it is joined. Scanned PDFs have no text layer and are refused.
"""

from __future__ import annotations

import re
from collections import Counter

from .limits import Limits
from .rejected import Rejected

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
_SENTENCE_END = tuple("。！？；：…」”）】")


def pdf_to_text(data: bytes, limits: Limits) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise Rejected("password-protected PDF: remove the password and ingest again") from exc
        raise Rejected(f"corrupt PDF: {exc}") from exc
    try:
        if len(pdf) > limits.max_pdf_pages:
            raise Rejected(
                f"PDF has {len(pdf)} pages, over the {limits.max_pdf_pages} page limit "
                "(HUIBAO_MAX_PDF_PAGES)"
            )
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()

    if sum(len(p.strip()) for p in pages) < 20 * max(1, len(pages)) * 0.1 + 10:
        raise Rejected(
            "the PDF has no text layer (a scan): run OCR first, e.g. `ocrmypdf --language chi_sim`"
        )
    page_lines = [[ln.strip() for ln in page.split("\n")] for page in pages]
    page_lines = [[ln for ln in lines if ln] for lines in page_lines]
    furniture = _repeated_edges(page_lines)
    kept: list[str] = []
    for lines in page_lines:
        for i, line in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or _edge_key(line) in furniture):
                continue
            kept.append(line)
    return "\n".join(_reflow(kept)), []


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _repeated_edges(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits folded) that open or close at least half of the pages: running heads."""
    if len(page_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        edges = {_edge_key(ln) for ln in lines[:2] + lines[-2:]}
        counts.update(edges)
    return {key for key, n in counts.items() if n >= max(2, len(page_lines) // 2)}


def _reflow(lines: list[str]) -> list[str]:
    """Join a line to the next when it fills the column (most long lines have the same width)."""
    if not lines:
        return lines
    widths = sorted(len(ln) for ln in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else max(widths)
    out: list[str] = []
    current = ""
    for line in lines:
        current += line
        if len(line) < full * 0.85 or (current.endswith(_SENTENCE_END) and len(line) < full):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out
