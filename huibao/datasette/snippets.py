"""Search snippets: a window of text around the first match, matches marked.

`snippet` runs inside SQLite (registered as `huibao_snippet(text, query)`), so it marks matches
with private-use characters; `render` escapes the text and turns the marks into `<mark>`.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
SNIPPET_RADIUS = 40


def snippet(text: str | None, query: str | None) -> str | None:
    """Text around the first occurrence of any query term, matches marked."""
    if not text or not query:
        return text[: 2 * SNIPPET_RADIUS] if text else text
    terms = [quoted or bare for quoted, bare in re.findall(r'"([^"]+)"|(\S+)', query)]
    terms = [t.strip('"') for t in terms if t.strip('"')]
    found = [(text.find(t), t) for t in terms]
    found = [(i, t) for i, t in found if i >= 0]
    if not found:
        return text[: 2 * SNIPPET_RADIUS]
    first, _ = min(found)
    start = max(0, first - SNIPPET_RADIUS)
    end = min(len(text), first + SNIPPET_RADIUS * 2)
    window = text[start:end].replace("\n", " ")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    window = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, window)
    return ("…" if start else "") + window + ("…" if end < len(text) else "")


def is_marked(value) -> bool:
    return isinstance(value, str) and MARK_OPEN in value


def render(value: str) -> Markup:
    html = escape(value).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(html)
