"""Tag a split document: metadata, section roles and topics."""

from __future__ import annotations

from collections import Counter

from .indicators import find_indicators
from .keywords import top_keywords
from .meta import document_meta
from .model import Document
from .roles import assign_roles
from .slogans import find_slogans, numbered_formulas
from .tokens import term_counts
from .topics import section_topics


def tag_document(doc: Document, keywords: bool = True) -> None:
    """Fill in metadata, roles and topics; with `keywords`, also segment every section once
    (jieba) and rank keywords with the default IDF."""
    meta = document_meta(doc.title, doc.text)
    doc.year, doc.period, doc.admin_level = meta.year, meta.period, meta.admin_level
    doc.org, doc.kind = meta.org, meta.kind
    assign_roles(doc)
    formulas = numbered_formulas(doc.text)
    for s in doc.sections:
        own = doc.text[s.start : s.body_end]
        s.slogans = find_slogans(own, formulas)
        s.indicators = [
            m.__class__(**{**_fields(m), "start": m.start + s.start, "end": m.end + s.start})
            for m in find_indicators(own)
        ]
        if s.kind in ("closing", "glossary"):
            continue
        topics, evidence = section_topics(s.heading, doc.text[s.body_start : s.end])
        s.topics, s.topic_evidence = topics, evidence
    if keywords:
        total: Counter = Counter()
        for s in doc.sections:
            s.terms = term_counts(doc.text[s.start : s.body_end])
            s.keywords = top_keywords(s.terms)
            total.update(s.terms)
        doc.keywords = top_keywords(total, k=20)


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}
