"""The pure text core: read → clean → split → tag. No Prefect, no database.

>>> from huibao.text import parse_text
>>> doc = parse_text("一、工作进展情况\n（一）产业项目建设成果显著。坚持招商引资。").documents[0]
>>> [(s.level, s.heading) for s in doc.sections]
[(1, '工作进展情况'), (2, '产业项目建设成果显著')]
"""

from __future__ import annotations

from .limits import Limits
from .parse import ParsedSource, parse_bytes, parse_path, parse_source, parse_text, to_json
from .read import Rejected
from .rules import rules_fingerprint

TEXT_CORE_VERSION = "1"


def pipeline_version() -> str:
    """Changes whenever the text core, its rules or the segmenter change; stored with every
    document, so that the next run parses everything again."""
    from .tokens import segmenter_name

    return f"{TEXT_CORE_VERSION}+{rules_fingerprint()}+{segmenter_name()}"


__all__ = [
    "Limits",
    "ParsedSource",
    "Rejected",
    "parse_bytes",
    "parse_path",
    "parse_source",
    "parse_text",
    "pipeline_version",
    "to_json",
]
