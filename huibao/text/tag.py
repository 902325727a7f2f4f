"""Tag a split document: metadata, section roles and topics."""

from __future__ import annotations

from .meta import document_meta
from .model import Document
from .roles import assign_roles
from .topics import section_topics


def tag_document(doc: Document) -> None:
    meta = document_meta(doc.title, doc.text)
    doc.year, doc.period, doc.admin_level = meta.year, meta.period, meta.admin_level
    doc.org, doc.kind = meta.org, meta.kind
    assign_roles(doc)
    for s in doc.sections:
        if s.kind in ("closing", "glossary"):
            continue
        topics, evidence = section_topics(s.heading, doc.text[s.body_start : s.end])
        s.topics, s.topic_evidence = topics, evidence
