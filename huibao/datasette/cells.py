"""How a cell of a table or query page is shown: report titles and headings as links to the
report page, codes as their Chinese labels (the code in the tooltip), long text in a box of a
few lines, search snippets with their matches marked. Everything from a report is escaped."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from . import snippets
from .labels import Labels, is_long_text


def _cell(row, key: str) -> int | None:
    """An integer column of a row; table pages give foreign keys as {"value", "label"}."""
    keys = row.keys() if hasattr(row, "keys") else []
    if key not in keys:
        return None
    value = row[key]
    if isinstance(value, dict):
        value = value.get("value")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(row, key: str) -> str | None:
    keys = row.keys() if hasattr(row, "keys") else []
    value = row[key] if key in keys else None
    return value if isinstance(value, str) and value else None


def render(row, value, column: str, table: str | None, labels: Labels) -> Markup | None:
    if snippets.is_marked(value):
        return snippets.render(value)
    if table == "documents" and column == "title" and _cell(row, "id"):
        shown = value or _text(row, "display_title")
        if not shown:
            return None
        css = "" if value else ' class="huibao-derived" title="no title of its own"'
        return Markup(f'<a href="/-/document/{_cell(row, "id")}"{css}>{escape(shown)}</a>')
    if column == "side_by_side" and isinstance(value, str) and value.startswith("/-/reuse/"):
        return Markup(f'<a href="{escape(value)}">对照 side by side</a>')
    if column in ("report_a", "report_b") and isinstance(value, str):
        doc_id = _cell(row, "doc_a" if column == "report_a" else "doc_b")
        if doc_id:
            return Markup(f'<a href="/-/document/{doc_id}">{escape(value)}</a>')
    if not isinstance(value, str | int) or value == "":
        return None
    label = labels.label(value, column, table)
    if label is not None:
        return Markup(f'<span title="{escape(str(value))}">{escape(label)}</span>')
    if not isinstance(value, str):
        return None
    if column in ("heading", "document_title", "document", "report", "display_title"):
        doc_id = _cell(row, "document_id")
        section_id = _cell(row, "section_id")
        if table in ("sections", "section_details"):
            section_id = _cell(row, "id")
        if table == "documents":
            doc_id = _cell(row, "id")
        if doc_id:
            anchor = f"#s{section_id}" if section_id and column == "heading" else ""
            return Markup(f'<a href="/-/document/{doc_id}{anchor}">{escape(value)}</a>')
    if is_long_text(column) and len(value) > 80:
        return Markup(f'<div class="huibao-long">{escape(value)}</div>')
    return None
