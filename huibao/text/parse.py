"""The whole text core for one file: read → clean → split → tag, and its JSON form."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .clean import Cleaned, clean
from .limits import Limits
from .masks import count_figures, find_masks
from .model import Document
from .read import SourceText, read_bytes, read_path
from .split import split
from .tag import document_keywords, tag_document


@dataclass(slots=True)
class ParsedSource:
    source: SourceText
    cleaned: Cleaned
    collection_title: str | None
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    raw_chars: int = 0  # characters of the file as read

    @property
    def preface(self) -> str:
        """Clean text before the first document (a compilation's title)."""
        return self.cleaned.text[: self.documents[0].start] if self.documents else ""

    def slim(self) -> ParsedSource:
        """Drop the raw and whole clean text (the documents keep theirs; the edits can rebuild
        the raw text): what crosses from a parser process to the loader is a third smaller."""
        preface = self.preface
        self.source.text = ""
        self.cleaned.raw = ""
        self.cleaned.text = preface
        return self


def parse_path(
    path: str | os.PathLike, limits: Limits | None = None, keywords: bool = True
) -> ParsedSource:
    """Parse one report file. Raises `huibao.text.read.Rejected` when it is not readable."""
    limits = limits or Limits()
    return parse_source(read_path(path, limits), limits, keywords)


def parse_bytes(
    data: bytes, name: str, limits: Limits | None = None, keywords: bool = True
) -> ParsedSource:
    limits = limits or Limits()
    return parse_source(read_bytes(data, name, limits), limits, keywords)


def parse_text(text: str, limits: Limits | None = None, keywords: bool = False) -> ParsedSource:
    """Parse text that is already decoded (tests, other tools)."""
    data = text.encode("utf-8")
    return parse_bytes(data, "text.txt", limits, keywords)


def parse_source(
    source: SourceText, limits: Limits | None = None, keywords: bool = True
) -> ParsedSource:
    """Clean, split and tag a read file. `keywords=False` skips word segmentation."""
    limits = limits or Limits()
    cleaned = clean(source.text, fmt=source.format, limits=limits)
    result = split(cleaned.text, limits)
    for doc in result.documents:
        doc.masks = list(find_masks(doc.text))
        doc.figure_count = count_figures(doc.text)
        tag_document(doc, keywords=keywords)
    warnings = [*source.warnings, *_limit_warnings(cleaned, limits), *result.warnings]
    return ParsedSource(
        source, cleaned, result.collection_title, result.documents, warnings, len(source.text)
    )


def _limit_warnings(cleaned, limits: Limits) -> list[str]:
    cuts = sum(1 for e in cleaned.edits if e.rule == "long_line")
    if not cuts:
        return []
    return [
        f"{cuts} line break(s) added where a line of over {limits.max_line_chars} characters "
        "was cut at sentence ends (HUIBAO_MAX_LINE_CHARS)"
    ]


def to_json(parsed: ParsedSource, *, with_text: bool = False) -> dict:
    """The `huibao parse --json` contract (names are stable; fields may be added)."""
    out = {
        "collection_title": parsed.collection_title,
        "source": {
            "sha256": parsed.source.sha256,
            "bytes": parsed.source.size,
            "format": parsed.source.format,
            "encoding": parsed.source.encoding,
            "warnings": parsed.warnings,
            "edits": dict(sorted(parsed.cleaned.counts_by_rule().items())),
        },
        "documents": [],
    }
    to_raw = parsed.cleaned.to_raw
    for doc in parsed.documents:
        d = {
            "title": doc.title,
            "display_title": doc.display_title,
            "year": doc.year,
            "period": doc.period,
            "admin_level": doc.admin_level,
            "org": doc.org,
            "place": doc.place,
            "kind": doc.kind,
            "start": doc.start,
            "end": doc.end,
            "char_count": len(doc.text),
            "masked_count": doc.masked_count,
            "masked_ratio": doc.masked_ratio,
            "keywords": [term for term, _ in document_keywords(doc)],
            "sections": [
                {
                    "level": s.level,
                    "marker": s.marker,
                    "heading": s.heading,
                    "kind": s.kind,
                    "path": s.path,
                    "role": s.role,
                    "topics": s.topics,
                    "topic_evidence": s.topic_evidence,
                    "start": s.start,
                    "end": s.end,
                    # where the section is in the file as read (before cleaning)
                    "raw_start": to_raw(doc.start + s.marker_start),
                    "raw_end": to_raw(doc.start + s.end),
                    "role_split": s.role_split,
                    "slogans": dict(s.slogans.most_common()),
                    "indicators": [_indicator(m) for m in s.indicators],
                }
                for s in doc.sections
            ],
        }
        if doc.glossary:
            d["glossary"] = [{"term": t, "definition": x} for t, x in doc.glossary]
        if with_text:
            d["text"] = doc.text
        out["documents"].append(d)
    return out


def _indicator(m) -> dict:
    return {
        "indicator": m.key,
        "name": m.name,
        "value": m.value,
        "unit": m.unit,
        "growth": m.growth,
        "growth_unit": m.growth_unit,
        "direction": m.direction,
        "masked": m.masked,
        "target": m.target,
        "start": m.start,
        "end": m.end,
    }
