"""Plain data passed between the stages of the text core.

Offsets are character offsets (Python string indices). A document's sections carry offsets into
that document's clean text; a document carries offsets into its file's clean text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made by cleaning: raw[raw_start:raw_end] == before became `after`.

    `clean_start` is where `after` sits in the clean text, so every edit can be shown, audited
    and undone (see `huibao.text.clean.restore_raw`).
    """

    rule: str
    raw_start: int
    raw_end: int
    clean_start: int
    before: str
    after: str

    @property
    def clean_end(self) -> int:
        return self.clean_start + len(self.after)


@dataclass(frozen=True, slots=True)
class Mask:
    """A masked figure or name such as `**亿元`, `增长*%`, `xx.xx万亩`, `xx市`."""

    start: int
    end: int
    token: str
    kind: str  # "figure" (stands for a number) or "name" (stands for a place or person)


@dataclass(slots=True)
class Section:
    """A node of a document's heading tree, flattened in document order.

    `start`/`end` span the heading text and everything under it, children included, so
    `text[start:end]` starts with `heading`; the marker (`一、`, `（一）`, `一是`, …) begins at
    `marker_start`, just before. `body_start`/`body_end` span the section's own text after its
    heading, up to its first child.
    """

    level: int
    marker: str
    heading: str
    start: int
    end: int
    body_start: int
    body_end: int
    kind: str = "heading"  # heading | point | preamble | closing | part | appendix | glossary
    marker_start: int = -1  # where the marker begins (spaces may follow it before `start`)
    parent: int | None = None  # index of the parent in the document's section list
    path: str = ""
    role: str | None = None
    topics: list[str] = field(default_factory=list)
    topic_evidence: dict[str, list[str]] = field(default_factory=dict)
    terms: Counter = field(default_factory=Counter)  # segmented own text, for keywords
    slogans: Counter = field(default_factory=Counter)
    indicators: list = field(default_factory=list)  # IndicatorMention, offsets in the document
    role_split: int | None = None  # in a problems-and-plans section: where the plans begin

    def __post_init__(self) -> None:
        if self.marker_start < 0:
            self.marker_start = self.start - len(self.marker)


@dataclass(slots=True)
class Document:
    title: str | None
    start: int  # offset of the document in its file's clean text
    end: int
    text: str
    sections: list[Section] = field(default_factory=list)
    year: int | None = None
    period: str | None = None
    admin_level: str | None = None
    org: str | None = None
    kind: str | None = None
    place: str | None = None  # the issuer's jurisdiction: 广东省, 北京市海淀区, 全国
    display_title: str | None = None  # the title, or place + year + kind when it has none
    masks: list[Mask] = field(default_factory=list)
    figure_count: int = 0  # unmasked numbers in figure positions, for the masked ratio
    glossary: list[tuple[str, str]] = field(default_factory=list)

    @property
    def masked_count(self) -> int:
        return sum(1 for m in self.masks if m.kind == "figure")

    @property
    def masked_ratio(self) -> float:
        """Share of the figures in the text that are masked (0 when there are none)."""
        total = self.masked_count + self.figure_count
        return round(self.masked_count / total, 4) if total else 0.0
