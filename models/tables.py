"""The database schema: one SQLModel class per table, the single source of truth.

Alembic revisions in `migrations/` are generated from these classes; `huibao publish` derives
the SQLite schema from them too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from .statuses import PATH_STATUSES, RUN_STATUSES, SOURCE_STATUSES


def in_schema(obj, name, type_, reflected, compare_to) -> bool:
    """What Alembic compares: trigram indexes exist only where pg_trgm could be created (see
    revision 0001), so they are left out."""
    return not (type_ == "index" and name and name.endswith("_trgm"))


def _fk(target: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(
        BigInteger,
        ForeignKey(target, ondelete="CASCADE"),
        nullable=nullable,
        index=index,
    )


def _text(nullable: bool = True) -> Column:
    return Column(Text, nullable=nullable)


def _path_key() -> Column:
    """A path's key: its md5, made by Postgres (B-tree entries hold at most 2,704 bytes)."""
    return Column(Text, Computed("md5(path)", persisted=True), primary_key=True)


def _when(nullable: bool = True) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Source(SQLModel, table=True):
    """A file's content, identified by its sha256; the same content under two names is one
    source with two rows in `source_paths`."""

    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_status", "status"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="source id"
    )
    sha256: str | None = Field(
        default=None,
        sa_column=Column(Text, unique=True),
        description="SHA-256 of the file's bytes: the content's identity",
    )
    path: str = Field(
        sa_column=_text(nullable=False),
        description="first path the content was seen at (see source_paths for all)",
    )
    bytes: int = Field(
        sa_column=Column(BigInteger, nullable=False), description="file size in bytes"
    )
    encoding: str | None = Field(
        default=None,
        sa_column=_text(),
        description="detected text encoding (utf-8, gb18030, utf-16-le, …); empty for .docx/.pdf",
    )
    format: str | None = Field(default=None, sa_column=_text(), description="txt | md | docx | pdf")
    status: str = Field(sa_column=_text(nullable=False), description=" | ".join(SOURCE_STATUSES))
    error: str | None = Field(
        default=None,
        sa_column=_text(),
        description="why the file was rejected, or the warnings of a partial load",
    )
    collection_title: str | None = Field(
        default=None,
        sa_column=_text(),
        description="title of a compilation (汇编) holding several reports",
    )
    preface: str | None = Field(
        default=None,
        sa_column=_text(),
        description="clean text before the first document (the collection title)",
    )
    document_count: int = Field(
        default=0,
        sa_column=Column(Integer, nullable=False),
        description="reports found in the file",
    )
    pipeline_version: str | None = Field(
        default=None,
        sa_column=_text(),
        description="version of the text core and rules that parsed it",
    )
    first_seen: datetime = Field(
        sa_column=_when(nullable=False), description="when huibao first saw this content"
    )
    last_seen: datetime = Field(
        sa_column=_when(nullable=False), description="when huibao last saw this content"
    )
    loaded_at: datetime | None = Field(
        default=None, sa_column=_when(), description="when it was last parsed and loaded"
    )


class SourcePath(SQLModel, table=True):
    """Where a source was found. `size` and `mtime_ns` let an unchanged file be skipped
    without reading it."""

    __tablename__ = "source_paths"

    path: str = Field(sa_column=_text(nullable=False), description="absolute path of the file")
    path_key: str | None = Field(
        default=None,
        sa_column=_path_key(),
        description="md5 of the path, its key (a path may be longer than an index entry can be)",
    )
    source_id: int | None = Field(
        default=None,
        sa_column=_fk("sources.id", nullable=True),
        description="the content found at this path",
    )
    size: int = Field(
        sa_column=Column(BigInteger, nullable=False),
        description="size when last seen (to skip unchanged files)",
    )
    mtime_ns: int = Field(
        sa_column=Column(BigInteger, nullable=False),
        description="modification time when last seen, in nanoseconds",
    )
    status: str = Field(
        sa_column=_text(nullable=False),
        description=" | ".join(PATH_STATUSES) + " (gone: the file disappeared)",
    )
    first_seen: datetime = Field(
        sa_column=_when(nullable=False), description="when the path was first seen"
    )
    last_seen: datetime = Field(
        sa_column=_when(nullable=False), description="when the path was last seen"
    )


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
        Index("ix_documents_place", "place"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="report id"
    )
    source_id: int = Field(
        sa_column=_fk("sources.id", index=False), description="the file it comes from"
    )
    ordinal: int = Field(
        sa_column=Column(Integer, nullable=False), description="position in its file (0 = first)"
    )
    title: str | None = Field(
        default=None,
        sa_column=_text(),
        description="title, e.g. 林业局2023年上半年工作总结; empty when the report has none",
    )
    year: int | None = Field(
        default=None,
        sa_column=Column(Integer),
        description="year reported on (from the title or the text)",
    )
    period: str | None = Field(
        default=None, sa_column=_text(), description="H1 上半年 | H2 下半年 | Q1–Q4 季度 | FY 全年"
    )
    admin_level: str | None = Field(
        default=None,
        sa_column=_text(),
        description="national | province | city | county | district | township | subdistrict (empty for 北京, 天津, 上海, 重庆)",
    )
    org: str | None = Field(
        default=None,
        sa_column=_text(),
        description="issuing body as the report names it: 国务院, 广东省人民政府, 县林业局",
    )
    kind: str | None = Field(
        default=None,
        sa_column=_text(),
        description="kind of report: 工作总结, 工作汇报, 政府工作报告, …",
    )
    place: str | None = Field(
        default=None,
        sa_column=_text(),
        description="the issuer's jurisdiction as its own lines name it: 广东省, 北京市海淀区, 全国",
    )
    display_title: str | None = Field(
        default=None,
        sa_column=_text(),
        description="the title, or place + year + kind when the report has none or only 政府工作报告",
    )
    clean_text: str = Field(
        sa_column=_text(nullable=False),
        description="the report's cleaned text; section offsets point into it",
    )
    char_count: int = Field(
        sa_column=Column(Integer, nullable=False), description="characters of clean text"
    )
    start: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="offset of the report in its file's clean text",
    )
    end: int = Field(
        sa_column=Column(Integer, nullable=False), description="end offset in the file's clean text"
    )
    section_count: int = Field(
        default=0, sa_column=Column(Integer, nullable=False), description="number of sections"
    )
    masked_count: int = Field(
        default=0,
        sa_column=Column(Integer, nullable=False),
        description="masked figures such as **亿元, 增长*%",
    )
    figure_count: int = Field(
        default=0, sa_column=Column(Integer, nullable=False), description="figures shown unmasked"
    )
    masked_ratio: float = Field(default=0.0, description="masked / (masked + shown) figures")
    pipeline_version: str = Field(
        sa_column=_text(nullable=False), description="version of the text core that produced it"
    )


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

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="section id"
    )
    document_id: int = Field(sa_column=_fk("documents.id", index=False), description="the report")
    ordinal: int = Field(
        sa_column=Column(Integer, nullable=False), description="position in the report"
    )
    parent_id: int | None = Field(
        default=None,
        sa_column=_fk("sections.id", nullable=True),
        description="the enclosing section",
    )
    path: str = Field(
        sa_column=_text(nullable=False),
        description="place in the tree: 2.3 = third child of the second; 0 preamble, C closing, A1 appendix, G1 glossary",
    )
    level: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="0 parts, 1 一、, 2 （一） or 一是 lists, 3 and deeper",
    )
    kind: str = Field(
        sa_column=_text(nullable=False),
        description="heading | point | preamble | closing | part | appendix | glossary",
    )
    marker: str = Field(
        sa_column=_text(nullable=False),
        description="the heading number as written: 一、 （一） 一是 1.",
    )
    heading: str = Field(
        sa_column=_text(nullable=False), description="heading text, up to its first 。 or ："
    )
    body: str = Field(
        sa_column=_text(nullable=False), description="the section's own text, without its children"
    )
    start: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="offset of the heading in the report's clean text",
    )
    end: int = Field(
        sa_column=Column(Integer, nullable=False), description="end offset, children included"
    )
    body_start: int = Field(
        sa_column=Column(Integer, nullable=False), description="offset where the own text begins"
    )
    body_end: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="offset where the own text ends (first child or end)",
    )
    role: str | None = Field(
        default=None,
        sa_column=_text(),
        description="overview | progress | highlights | problems | plans",
    )
    role_split: int | None = Field(
        default=None,
        sa_column=Column(Integer),
        description="where plans begin in a problems-and-plans section",
    )
    topics: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False),
        description="topic keys (see topics)",
    )
    terms: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"),
        description="distinct keyword candidates of the own text",
    )
    term_counts: list[int] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Integer), nullable=False, server_default="{}"),
        description="counts of those terms",
    )


class Keyword(SQLModel, table=True):
    """Keywords of a document (`section_id` null) or of one section, ranked by weight."""

    __tablename__ = "keywords"
    __table_args__ = (Index("ix_keywords_term", "term"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="keyword id"
    )
    document_id: int = Field(sa_column=_fk("documents.id"), description="the report")
    section_id: int | None = Field(
        default=None,
        sa_column=_fk("sections.id", nullable=True),
        description="the section; empty for a report's keywords",
    )
    term: str = Field(sa_column=_text(nullable=False), description="the keyword")
    weight: float = Field(description="tf × idf over the loaded corpus")
    rank: int = Field(sa_column=Column(Integer, nullable=False), description="1 = strongest")


class CleaningEdit(SQLModel, table=True):
    """One change cleaning made to a source's raw text, so it can be audited and undone."""

    __tablename__ = "cleaning_edits"
    __table_args__ = (Index("ix_cleaning_edits_rule", "rule"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="edit id"
    )
    source_id: int = Field(sa_column=_fk("sources.id"), description="the file")
    ordinal: int = Field(sa_column=Column(Integer, nullable=False), description="order of the edit")
    rule: str = Field(
        sa_column=_text(nullable=False),
        description="cleaning rule (watermark, join_line, censor, width, …)",
    )
    raw_start: int = Field(
        sa_column=Column(Integer, nullable=False), description="start offset in the file's text"
    )
    raw_end: int = Field(
        sa_column=Column(Integer, nullable=False), description="end offset in the file's text"
    )
    clean_start: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="offset of the replacement in the clean text",
    )
    before: str = Field(
        sa_column=_text(nullable=False),
        description="text before cleaning (a NUL byte is shown as ␀)",
    )
    after: str = Field(sa_column=_text(nullable=False), description="text after cleaning")


class IngestRun(SQLModel, table=True):
    """One run of the ingest flow, with what it found and did."""

    __tablename__ = "ingest_runs"

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="run id"
    )
    flow_run_id: str | None = Field(
        default=None, sa_column=_text(), description="Prefect flow run id"
    )
    started_at: datetime = Field(sa_column=_when(nullable=False), description="start time")
    finished_at: datetime | None = Field(default=None, sa_column=_when(), description="end time")
    status: str = Field(
        sa_column=_text(nullable=False),
        description=" | ".join(RUN_STATUSES) + " (interrupted: killed; marked by the next run)",
    )
    files_seen: int = Field(default=0, description="files found")
    files_new: int = Field(default=0, description="files loaded for the first time")
    files_changed: int = Field(default=0, description="files whose content changed")
    files_unchanged: int = Field(default=0, description="files skipped as unchanged")
    files_rejected: int = Field(
        default=0, description="files that could not be read (see sources.error)"
    )
    files_gone: int = Field(default=0, description="files that disappeared")
    documents_loaded: int = Field(default=0, description="reports loaded")
    sections_loaded: int = Field(default=0, description="sections loaded")
    chars_loaded: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False), description="characters loaded"
    )
    message: str | None = Field(
        default=None, sa_column=_text(), description="error message of a failed run"
    )


class Topic(SQLModel, table=True):
    """The topic taxonomy (`huibao/text/data/topics.yaml`) with Chinese and English labels."""

    __tablename__ = "topics"

    key: str = Field(sa_column=Column(Text, primary_key=True), description="topic key")
    zh: str = Field(sa_column=_text(nullable=False), description="Chinese label")
    en: str = Field(sa_column=_text(nullable=False), description="English label")


class SectionTopic(SQLModel, table=True):
    """A topic of a section, with the terms that made it (its evidence)."""

    __tablename__ = "section_topics"
    __table_args__ = (Index("ix_section_topics_topic", "topic"),)

    section_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True
        ),
        description="the section",
    )
    topic: str = Field(
        sa_column=Column(Text, ForeignKey("topics.key"), primary_key=True), description="the topic"
    )
    document_id: int = Field(sa_column=_fk("documents.id"), description="the report")
    rank: int = Field(
        sa_column=Column(Integer, nullable=False), description="1 = main topic of the section"
    )
    evidence: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False),
        description="the terms that made the topic",
    )


class Slogan(SQLModel, table=True):
    """A slogan or formula (提法) and how often a section uses it."""

    __tablename__ = "slogans"
    __table_args__ = (Index("ix_slogans_slogan", "slogan"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="row id"
    )
    document_id: int = Field(sa_column=_fk("documents.id"), description="the report")
    section_id: int = Field(sa_column=_fk("sections.id"), description="the section")
    slogan: str = Field(
        sa_column=_text(nullable=False), description="normalised slogan or formula (提法)"
    )
    count: int = Field(sa_column=Column(Integer, nullable=False), description="uses in the section")


class IndicatorType(SQLModel, table=True):
    """Standard economic indicators (`huibao/text/data/indicators.yaml`)."""

    __tablename__ = "indicator_types"

    key: str = Field(sa_column=Column(Text, primary_key=True), description="indicator key")
    zh: str = Field(sa_column=_text(nullable=False), description="Chinese name")


class Indicator(SQLModel, table=True):
    """A mention of an economic indicator with its amount and growth, or masks: the indicator
    as the subject of its clause with at least one figure (docs/annotation.md, Indicators)."""

    __tablename__ = "indicators"
    __table_args__ = (Index("ix_indicators_indicator", "indicator"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="row id"
    )
    document_id: int = Field(sa_column=_fk("documents.id"), description="the report")
    section_id: int = Field(sa_column=_fk("sections.id"), description="the section")
    indicator: str = Field(
        sa_column=Column(Text, ForeignKey("indicator_types.key"), nullable=False),
        description="standard indicator",
    )
    name: str = Field(
        sa_column=_text(nullable=False), description="the name as written in the report"
    )
    value: float | None = Field(default=None, description="amount (empty when not given or masked)")
    unit: str | None = Field(default=None, sa_column=_text(), description="unit of the amount")
    value_masked: bool = Field(default=False, description="the amount is masked (**)")
    growth: float | None = Field(
        default=None, description="growth in percent or points; negative when it fell"
    )
    growth_unit: str | None = Field(default=None, sa_column=_text(), description="% or 个百分点")
    growth_masked: bool = Field(default=False, description="the growth rate is masked")
    direction: str | None = Field(default=None, sa_column=_text(), description="up | down")
    masked: bool = Field(default=False, description="amount or growth is masked")
    target: bool = Field(
        default=False,
        description="the figures are a goal (预期目标, 左右, 以上, or in the plans), not a result",
    )
    start: int = Field(
        sa_column=Column(Integer, nullable=False), description="offset in the report's clean text"
    )
    end: int = Field(sa_column=Column(Integer, nullable=False), description="end offset")
    text: str = Field(sa_column=_text(nullable=False), description="the words of the mention")


class GlossaryEntry(SQLModel, table=True):
    """An entry of a report's glossary (名词解释): a slogan or term and its explanation."""

    __tablename__ = "glossary"

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="row id"
    )
    document_id: int = Field(sa_column=_fk("documents.id"), description="the report")
    term: str = Field(sa_column=_text(nullable=False), description="the term explained")
    definition: str = Field(sa_column=_text(nullable=False), description="its explanation")


class TermIdf(SQLModel, table=True):
    """Inverse document frequency of keyword terms over the loaded sections."""

    __tablename__ = "term_idf"

    term: str = Field(sa_column=Column(Text, primary_key=True), description="keyword term")
    df: int = Field(sa_column=Column(Integer, nullable=False), description="sections containing it")
    idf: float = Field(description="inverse document frequency: ln((N+1)/(df+1)) + 1")


class KeywordState(SQLModel, table=True):
    """When the IDF and keywords were last refreshed, and over how many sections."""

    __tablename__ = "keyword_state"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True), description="always 1")
    sections: int = Field(
        sa_column=Column(BigInteger, nullable=False), description="sections at the last refresh"
    )
    idf_sections: int = Field(
        sa_column=Column(BigInteger, nullable=False),
        description="sections at the last full keyword refresh",
    )
    last_section_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger),
        description="highest section id at the last refresh: with `sections`, how a run "
        "tells the keywords are stale",
    )
    refreshed_at: datetime = Field(
        sa_column=_when(nullable=False), description="time of the last refresh"
    )


class Instance(SQLModel, table=True):
    """One row: a random id made with the schema, naming this database for caches."""

    __tablename__ = "instance"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True), description="always 1")
    uuid: str = Field(
        sa_column=Column(Text, nullable=False, server_default=text("gen_random_uuid()::text")),
        description="random identity of this database",
    )
    created_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=text("now()")),
        description="when the schema was created",
    )


class FileClaim(SQLModel, table=True):
    """Which ingest run took a file (at a given size and time), so that several runs draining
    one inbox on several machines never process the same file twice."""

    __tablename__ = "file_claims"

    path: str = Field(sa_column=_text(nullable=False), description="absolute path of the file")
    path_key: str | None = Field(
        default=None,
        sa_column=_path_key(),
        description="md5 of the path, its key (a path may be longer than an index entry can be)",
    )
    size: int = Field(sa_column=Column(BigInteger, nullable=False), description="size when claimed")
    mtime_ns: int = Field(
        sa_column=Column(BigInteger, nullable=False), description="modification time when claimed"
    )
    run: str = Field(
        sa_column=_text(nullable=False),
        description="the ingest run (Prefect flow run id) that took it",
    )
    claimed_at: datetime = Field(sa_column=_when(nullable=False), description="when it was taken")
    done_at: datetime | None = Field(
        default=None, sa_column=_when(), description="when the run finished with it"
    )


class DeferredIndex(SQLModel, table=True):
    """An index dropped for the length of a large load and built again after it (building
    once costs less than keeping it up to date row by row); a run killed in between leaves its
    definition here for the next run to build."""

    __tablename__ = "deferred_indexes"

    name: str = Field(sa_column=Column(Text, primary_key=True), description="index name")
    definition: str = Field(
        sa_column=_text(nullable=False), description="its CREATE INDEX statement"
    )
    run: str = Field(sa_column=_text(nullable=False), description="the ingest run that dropped it")
    deferred_at: datetime = Field(
        sa_column=_when(nullable=False), description="when it was dropped"
    )


class ReuseFingerprint(SQLModel, table=True):
    """The winnowed fingerprints of a report's text (huibao.text.reuse), each where it starts
    in the report's skeleton: how the reports that share passages with new ones are found, in
    one query. How many reports hold a fingerprint is its document frequency; those held by
    very many are boilerplate."""

    __tablename__ = "reuse_fingerprints"
    # keyed by report first (its rows side by side: cheap to write in a load and to delete);
    # the lookup by fingerprint is an index a large load sets aside (huibao.db.indexes), and
    # holds what the lookup reads (no page of the table per holder)
    __table_args__ = (
        PrimaryKeyConstraint("document_id", "hash", name="reuse_fingerprints_pkey"),
        Index(
            "ix_reuse_fingerprints_hash",
            "hash",
            postgresql_include=["document_id", "position", "more"],
        ),
    )

    document_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        description="the report",
    )
    hash: int = Field(
        sa_column=Column(BigInteger, nullable=False), description="64-bit hash of a k-gram"
    )
    position: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="where the k-gram first starts in the report's skeleton",
    )
    more: list[int] | None = Field(
        default=None,
        sa_column=Column(ARRAY(Integer), nullable=True),
        description="where else it starts, when the report repeats it",
    )


class ReuseSkeleton(SQLModel, table=True):
    """A report's skeleton (huibao.text.skeleton, packed): what comparing it again needs."""

    __tablename__ = "reuse_skeletons"

    document_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        description="the report",
    )
    skeleton: bytes = Field(
        sa_column=Column(LargeBinary, nullable=False),
        description="its characters, where each is in the clean text, its names and figures",
    )


class ReuseCheck(SQLModel, table=True):
    """A report compared with everything loaded before it (and everything loaded after it is
    compared with it): a report without a row here is compared by the next run."""

    __tablename__ = "reuse_checks"

    document_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        description="the report",
    )
    candidates: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="reports sharing enough fingerprints to be aligned with it",
    )
    checked_at: datetime = Field(sa_column=_when(nullable=False), description="when")


class ReusePassage(SQLModel, table=True):
    """A passage two reports share: offsets into each report's clean text, how alike the two
    are and what the copy changed. Which report of a pair is `doc_a` follows from their texts
    (not from who copied whom: see `earlier`)."""

    __tablename__ = "reuse_passages"
    __table_args__ = (
        UniqueConstraint("doc_a", "doc_b", "a_start", "b_start"),
        Index("ix_reuse_passages_doc_b", "doc_b"),
        Index("ix_reuse_passages_family_id", "family_id"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, primary_key=True), description="passage id"
    )
    doc_a: int = Field(
        sa_column=_fk("documents.id", index=False), description="one report of the pair"
    )
    doc_b: int = Field(sa_column=_fk("documents.id", index=False), description="the other report")
    a_start: int = Field(
        sa_column=Column(Integer, nullable=False), description="start in doc_a's clean text"
    )
    a_end: int = Field(sa_column=Column(Integer, nullable=False), description="end in doc_a")
    b_start: int = Field(
        sa_column=Column(Integer, nullable=False), description="start in doc_b's clean text"
    )
    b_end: int = Field(sa_column=Column(Integer, nullable=False), description="end in doc_b")
    chars: int = Field(
        sa_column=Column(Integer, nullable=False), description="characters of the passage in doc_a"
    )
    similarity: float = Field(
        description="shared words / length (1.0: the same words, names and figures aside)"
    )
    substitutions: str = Field(
        sa_column=_text(nullable=False),
        description='what the copy changed, as JSON: [{"kind": "name"|"figure"|"text", "a", "b"}]',
    )
    kind: str = Field(
        sa_column=_text(nullable=False),
        description="self (one issuer, other years) | vertical (another level's text) | "
        "horizontal (a peer's text)",
    )
    earlier: int | None = Field(
        default=None,
        sa_column=Column(BigInteger),
        description="the report of the pair written first (by year and period), when known",
    )
    family_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger),
        description="passages of one text copied into several reports share it (the id of "
        "the first such passage)",
    )


class ReuseDocument(SQLModel, table=True):
    """Per report: how much of its text is found in other reports, and the nearest one."""

    __tablename__ = "reuse_documents"

    document_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        description="the report",
    )
    reused_chars: int = Field(
        sa_column=Column(Integer, nullable=False),
        description="characters of its text found in other reports (each counted once)",
    )
    reused_share: float = Field(description="reused_chars / the report's characters")
    passages: int = Field(sa_column=Column(Integer, nullable=False), description="passages")
    partners: int = Field(
        sa_column=Column(Integer, nullable=False), description="other reports it shares them with"
    )
    nearest_document_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger),
        description="the report it shares most characters with",
    )
    nearest_chars: int = Field(
        sa_column=Column(Integer, nullable=False), description="characters shared with that one"
    )
