"""The database schema: one SQLModel class per table, the single source of truth.

Alembic revisions in `migrations/` are generated from these classes; `huibao publish` derives
the SQLite schema from them too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


def _fk(target: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(
        BigInteger,
        ForeignKey(target, ondelete="CASCADE"),
        nullable=nullable,
        index=index,
    )


def _text(nullable: bool = True) -> Column:
    return Column(Text, nullable=nullable)


def _when(nullable: bool = True) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Source(SQLModel, table=True):
    """A file's content, identified by its sha256; the same content under two names is one
    source with two rows in `source_paths`."""

    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_status", "status"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    sha256: str | None = Field(default=None, sa_column=Column(Text, unique=True))
    path: str = Field(sa_column=_text(nullable=False), description="first path it was seen at")
    bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    encoding: str | None = Field(default=None, sa_column=_text())
    format: str | None = Field(default=None, sa_column=_text())
    status: str = Field(
        sa_column=_text(nullable=False), description="loaded | partial | rejected | gone"
    )
    error: str | None = Field(
        default=None, sa_column=_text(), description="why it was rejected, or warnings"
    )
    collection_title: str | None = Field(default=None, sa_column=_text())
    preface: str | None = Field(
        default=None, sa_column=_text(), description="clean text before the first document"
    )
    document_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    pipeline_version: str | None = Field(default=None, sa_column=_text())
    first_seen: datetime = Field(sa_column=_when(nullable=False))
    last_seen: datetime = Field(sa_column=_when(nullable=False))
    loaded_at: datetime | None = Field(default=None, sa_column=_when())


class SourcePath(SQLModel, table=True):
    """Where a source was found. `size` and `mtime_ns` let an unchanged file be skipped
    without reading it."""

    __tablename__ = "source_paths"

    path: str = Field(sa_column=Column(Text, primary_key=True))
    source_id: int | None = Field(default=None, sa_column=_fk("sources.id", nullable=True))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    mtime_ns: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(sa_column=_text(nullable=False), description="present | gone")
    first_seen: datetime = Field(sa_column=_when(nullable=False))
    last_seen: datetime = Field(sa_column=_when(nullable=False))


class Document(SQLModel, table=True):
    """One report. A compilation file holds several, in `ordinal` order."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source_id", "ordinal"),
        Index("ix_documents_year", "year"),
        Index("ix_documents_admin_level", "admin_level"),
        Index("ix_documents_org", "org"),
        Index("ix_documents_kind", "kind"),
        Index("ix_documents_period", "period"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    source_id: int = Field(sa_column=_fk("sources.id", index=False))
    ordinal: int = Field(sa_column=Column(Integer, nullable=False))
    title: str | None = Field(default=None, sa_column=_text())
    year: int | None = Field(default=None, sa_column=Column(Integer))
    period: str | None = Field(default=None, sa_column=_text(), description="H1 | H2 | Q1..Q4 | FY")
    admin_level: str | None = Field(default=None, sa_column=_text())
    org: str | None = Field(default=None, sa_column=_text())
    kind: str | None = Field(default=None, sa_column=_text())
    clean_text: str = Field(sa_column=_text(nullable=False))
    char_count: int = Field(sa_column=Column(Integer, nullable=False))
    start: int = Field(
        sa_column=Column(Integer, nullable=False), description="offset in the source"
    )
    end: int = Field(sa_column=Column(Integer, nullable=False))
    section_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    masked_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    figure_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    masked_ratio: float = Field(default=0.0)
    pipeline_version: str = Field(sa_column=_text(nullable=False))


class Section(SQLModel, table=True):
    """A node of a document's heading tree. `clean_text[start:end]` of its document starts with
    `heading`; `body` is the section's own text, without its children."""

    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal"),
        Index("ix_sections_role", "role"),
        Index("ix_sections_level", "level"),
        Index("ix_sections_topics", "topics", postgresql_using="gin"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id", index=False))
    ordinal: int = Field(sa_column=Column(Integer, nullable=False))
    parent_id: int | None = Field(default=None, sa_column=_fk("sections.id", nullable=True))
    path: str = Field(sa_column=_text(nullable=False), description="2.3 = 3rd child of the 2nd")
    level: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=_text(nullable=False))
    marker: str = Field(sa_column=_text(nullable=False))
    heading: str = Field(sa_column=_text(nullable=False))
    body: str = Field(sa_column=_text(nullable=False))
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    body_start: int = Field(sa_column=Column(Integer, nullable=False))
    body_end: int = Field(sa_column=Column(Integer, nullable=False))
    role: str | None = Field(default=None, sa_column=_text())
    role_split: int | None = Field(
        default=None, sa_column=Column(Integer), description="where plans begin in a mixed section"
    )
    topics: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    terms: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"),
        description="distinct keyword candidates of the section's own text",
    )
    term_counts: list[int] = Field(
        default_factory=list, sa_column=Column(ARRAY(Integer), nullable=False, server_default="{}")
    )


class Keyword(SQLModel, table=True):
    """Keywords of a document (`section_id` null) or of one section, ranked by weight."""

    __tablename__ = "keywords"
    __table_args__ = (Index("ix_keywords_term", "term"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id"))
    section_id: int | None = Field(default=None, sa_column=_fk("sections.id", nullable=True))
    term: str = Field(sa_column=_text(nullable=False))
    weight: float
    rank: int = Field(sa_column=Column(Integer, nullable=False))


class CleaningEdit(SQLModel, table=True):
    """One change cleaning made to a source's raw text, so it can be audited and undone."""

    __tablename__ = "cleaning_edits"
    __table_args__ = (Index("ix_cleaning_edits_rule", "rule"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    source_id: int = Field(sa_column=_fk("sources.id"))
    ordinal: int = Field(sa_column=Column(Integer, nullable=False))
    rule: str = Field(sa_column=_text(nullable=False))
    raw_start: int = Field(sa_column=Column(Integer, nullable=False))
    raw_end: int = Field(sa_column=Column(Integer, nullable=False))
    clean_start: int = Field(sa_column=Column(Integer, nullable=False))
    before: str = Field(sa_column=_text(nullable=False))
    after: str = Field(sa_column=_text(nullable=False))


class IngestRun(SQLModel, table=True):
    """One run of the ingest flow, with what it found and did."""

    __tablename__ = "ingest_runs"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    flow_run_id: str | None = Field(default=None, sa_column=_text())
    started_at: datetime = Field(sa_column=_when(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=_when())
    status: str = Field(sa_column=_text(nullable=False), description="running | completed | failed")
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_rejected: int = 0
    files_gone: int = 0
    documents_loaded: int = 0
    sections_loaded: int = 0
    chars_loaded: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    message: str | None = Field(default=None, sa_column=_text())


class Topic(SQLModel, table=True):
    """The topic taxonomy (`huibao/text/data/topics.yaml`) with Chinese and English labels."""

    __tablename__ = "topics"

    key: str = Field(sa_column=Column(Text, primary_key=True))
    zh: str = Field(sa_column=_text(nullable=False))
    en: str = Field(sa_column=_text(nullable=False))


class SectionTopic(SQLModel, table=True):
    """A topic of a section, with the terms that made it (its evidence)."""

    __tablename__ = "section_topics"
    __table_args__ = (Index("ix_section_topics_topic", "topic"),)

    section_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True
        )
    )
    topic: str = Field(sa_column=Column(Text, ForeignKey("topics.key"), primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id"))
    rank: int = Field(sa_column=Column(Integer, nullable=False))
    evidence: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))


class Slogan(SQLModel, table=True):
    """A slogan or formula (提法) and how often a section uses it."""

    __tablename__ = "slogans"
    __table_args__ = (Index("ix_slogans_slogan", "slogan"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id"))
    section_id: int = Field(sa_column=_fk("sections.id"))
    slogan: str = Field(sa_column=_text(nullable=False))
    count: int = Field(sa_column=Column(Integer, nullable=False))


class IndicatorType(SQLModel, table=True):
    """Standard economic indicators (`huibao/text/data/indicators.yaml`)."""

    __tablename__ = "indicator_types"

    key: str = Field(sa_column=Column(Text, primary_key=True))
    zh: str = Field(sa_column=_text(nullable=False))


class Indicator(SQLModel, table=True):
    """A mention of an economic indicator with its amount and growth, or masks."""

    __tablename__ = "indicators"
    __table_args__ = (Index("ix_indicators_indicator", "indicator"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id"))
    section_id: int = Field(sa_column=_fk("sections.id"))
    indicator: str = Field(
        sa_column=Column(Text, ForeignKey("indicator_types.key"), nullable=False)
    )
    name: str = Field(sa_column=_text(nullable=False), description="as written in the report")
    value: float | None = None
    unit: str | None = Field(default=None, sa_column=_text())
    value_masked: bool = False
    growth: float | None = Field(default=None, description="percent or points; negative = fell")
    growth_unit: str | None = Field(default=None, sa_column=_text())
    growth_masked: bool = False
    direction: str | None = Field(default=None, sa_column=_text(), description="up | down")
    masked: bool = False
    start: int = Field(
        sa_column=Column(Integer, nullable=False), description="offset in the document"
    )
    end: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(sa_column=_text(nullable=False))


class GlossaryEntry(SQLModel, table=True):
    """An entry of a report's glossary (名词解释): a slogan or term and its explanation."""

    __tablename__ = "glossary"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    document_id: int = Field(sa_column=_fk("documents.id"))
    term: str = Field(sa_column=_text(nullable=False))
    definition: str = Field(sa_column=_text(nullable=False))


class TermIdf(SQLModel, table=True):
    """Inverse document frequency of keyword terms over the loaded sections."""

    __tablename__ = "term_idf"

    term: str = Field(sa_column=Column(Text, primary_key=True))
    df: int = Field(sa_column=Column(Integer, nullable=False))
    idf: float


class KeywordState(SQLModel, table=True):
    """When the IDF and keywords were last refreshed, and over how many sections."""

    __tablename__ = "keyword_state"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True))
    sections: int = Field(sa_column=Column(BigInteger, nullable=False))
    idf_sections: int = Field(
        sa_column=Column(BigInteger, nullable=False), description="N at the last full refresh"
    )
    refreshed_at: datetime = Field(sa_column=_when(nullable=False))
