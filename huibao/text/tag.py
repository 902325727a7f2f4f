"""Tag a split document: metadata, section roles and topics."""

from __future__ import annotations

from dataclasses import replace

from .indicators import find_indicators
from .meta import document_meta
from .model import Document
from .roles import assign_roles
from .slogans import find_slogans, numbered_formulas
from .titles import is_generic_title
from .tokens import term_counts
from .topics import term_hits, topics_from_hits


def tag_document(doc: Document, keywords: bool = True) -> None:
    """Fill in metadata, roles and topics; with `keywords`, also segment every section once
    and keep its term counts (ranked into keywords by `document_keywords` or, in the
    database, with the corpus IDF)."""
    meta = document_meta(doc.title, doc.text, doc.sections)
    doc.year, doc.period, doc.admin_level = meta.year, meta.period, meta.admin_level
    doc.org, doc.kind, doc.place = meta.org, meta.kind, meta.place
    doc.display_title = meta.display_title
    if doc.title and is_generic_title(doc.title):
        doc.title = None  # `政府工作报告` alone names no one; the display title does
    assign_roles(doc)
    formulas = numbered_formulas(doc.text)
    _assign_topics(doc)
    for s in doc.sections:
        own = doc.text[s.start : s.body_end]
        s.slogans = find_slogans(own, formulas)
        plans = s.role == "plans"  # a figure stated in the plans is a goal
        s.indicators = [
            replace(m, start=m.start + s.start, end=m.end + s.start, target=m.target or plans)
            for m in find_indicators(own)
        ]
    if keywords:
        for s in doc.sections:
            s.terms = term_counts(doc.text[s.start : s.body_end])


def _assign_topics(doc: Document) -> None:
    """Topics of every section over its whole span (children included). Each piece of text is
    scanned once: a section's span is its own text plus its children's spans."""
    sections = doc.sections
    heading_hits = [term_hits(s.heading) for s in sections]
    span_hits = [term_hits(doc.text[s.body_start : s.body_end]) for s in sections]
    span_size = [s.end - s.body_start for s in sections]
    for i in range(len(sections) - 1, -1, -1):  # children come after their parent
        parent = sections[i].parent
        if parent is not None:
            _add(span_hits[parent], heading_hits[i])
            _add(span_hits[parent], span_hits[i])
    for s, head, body, size in zip(sections, heading_hits, span_hits, span_size, strict=True):
        if s.kind not in ("closing", "glossary"):
            s.topics, s.topic_evidence = topics_from_hits(head, body, len(s.heading) + size)


def _add(into: dict, hits: dict) -> None:
    """`into.update(hits)` of a Counter, without its per-call overhead (a call per section)."""
    get = into.get
    for term, n in hits.items():
        into[term] = get(term, 0) + n


def document_keywords(doc: Document, k: int = 20) -> list[tuple[str, float]]:
    """A document's keywords from its sections' terms, with the default IDF (no corpus)."""
    from collections import Counter

    from .keywords import top_keywords

    total: Counter = Counter()
    for s in doc.sections:
        total.update(s.terms)
    return top_keywords(total, k=k)
