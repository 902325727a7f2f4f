"""Initial schema: sources and their paths, documents, sections, keywords, cleaning edits, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:11:08.253731
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("flow_run_id", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("files_seen", sa.Integer(), nullable=False),
        sa.Column("files_new", sa.Integer(), nullable=False),
        sa.Column("files_changed", sa.Integer(), nullable=False),
        sa.Column("files_unchanged", sa.Integer(), nullable=False),
        sa.Column("files_rejected", sa.Integer(), nullable=False),
        sa.Column("files_gone", sa.Integer(), nullable=False),
        sa.Column("documents_loaded", sa.Integer(), nullable=False),
        sa.Column("sections_loaded", sa.Integer(), nullable=False),
        sa.Column("chars_loaded", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("encoding", sa.Text(), nullable=True),
        sa.Column("format", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("collection_title", sa.Text(), nullable=True),
        sa.Column("preface", sa.Text(), nullable=True),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.Text(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_sources_status", "sources", ["status"], unique=False)
    op.create_table(
        "cleaning_edits",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("raw_start", sa.Integer(), nullable=False),
        sa.Column("raw_end", sa.Integer(), nullable=False),
        sa.Column("clean_start", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cleaning_edits_rule", "cleaning_edits", ["rule"], unique=False)
    op.create_index(
        op.f("ix_cleaning_edits_source_id"), "cleaning_edits", ["source_id"], unique=False
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("period", sa.Text(), nullable=True),
        sa.Column("admin_level", sa.Text(), nullable=True),
        sa.Column("org", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("clean_text", sa.Text(), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("section_count", sa.Integer(), nullable=False),
        sa.Column("masked_count", sa.Integer(), nullable=False),
        sa.Column("figure_count", sa.Integer(), nullable=False),
        sa.Column("masked_ratio", sa.Float(), nullable=False),
        sa.Column("pipeline_version", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "ordinal"),
    )
    op.create_index("ix_documents_admin_level", "documents", ["admin_level"], unique=False)
    op.create_index("ix_documents_kind", "documents", ["kind"], unique=False)
    op.create_index("ix_documents_org", "documents", ["org"], unique=False)
    op.create_index("ix_documents_period", "documents", ["period"], unique=False)
    op.create_index("ix_documents_year", "documents", ["year"], unique=False)
    op.create_table(
        "source_paths",
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("path"),
    )
    op.create_index(op.f("ix_source_paths_source_id"), "source_paths", ["source_id"], unique=False)
    op.create_table(
        "sections",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("marker", sa.Text(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("body_start", sa.Integer(), nullable=False),
        sa.Column("body_end", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("topics", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["sections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "ordinal"),
    )
    op.create_index("ix_sections_level", "sections", ["level"], unique=False)
    op.create_index(op.f("ix_sections_parent_id"), "sections", ["parent_id"], unique=False)
    op.create_index("ix_sections_role", "sections", ["role"], unique=False)
    op.create_index(
        "ix_sections_topics", "sections", ["topics"], unique=False, postgresql_using="gin"
    )
    op.create_table(
        "keywords",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("section_id", sa.BigInteger(), nullable=True),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_keywords_document_id"), "keywords", ["document_id"], unique=False)
    op.create_index(op.f("ix_keywords_section_id"), "keywords", ["section_id"], unique=False)
    op.create_index("ix_keywords_term", "keywords", ["term"], unique=False)

    # Trigram indexes make ad-hoc `LIKE '%招商引资%'` fast in psql. pg_trgm ships with Postgres
    # contrib; where it is missing or may not be created, the indexes are left out.
    if _try_extension("pg_trgm"):
        for table, column in (
            ("sections", "body"),
            ("sections", "heading"),
            ("documents", "title"),
        ):
            op.create_index(
                f"ix_{table}_{column}_trgm",
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
    _grant_reader()


READER = "huibao_reader"


def _try_extension(name: str) -> bool:
    bind = op.get_bind()
    available = bind.execute(
        sa.text("select 1 from pg_available_extensions where name = :n"), {"n": name}
    ).scalar()
    if not available:
        return False
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text(f"create extension if not exists {name}"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _grant_reader() -> None:
    """Let the read-only role (used by `huibao publish` and for ad-hoc SQL) read every table."""
    bind = op.get_bind()
    if bind.execute(sa.text("select 1 from pg_roles where rolname = :r"), {"r": READER}).scalar():
        op.execute(f"grant usage on schema public to {READER}")
        op.execute(f"grant select on all tables in schema public to {READER}")
        op.execute(f"alter default privileges in schema public grant select on tables to {READER}")


def downgrade() -> None:
    for table, column in (("sections", "body"), ("sections", "heading"), ("documents", "title")):
        op.execute(f"drop index if exists ix_{table}_{column}_trgm")
    op.drop_index("ix_keywords_term", table_name="keywords")
    op.drop_index(op.f("ix_keywords_section_id"), table_name="keywords")
    op.drop_index(op.f("ix_keywords_document_id"), table_name="keywords")
    op.drop_table("keywords")
    op.drop_index("ix_sections_topics", table_name="sections", postgresql_using="gin")
    op.drop_index("ix_sections_role", table_name="sections")
    op.drop_index(op.f("ix_sections_parent_id"), table_name="sections")
    op.drop_index("ix_sections_level", table_name="sections")
    op.drop_table("sections")
    op.drop_index(op.f("ix_source_paths_source_id"), table_name="source_paths")
    op.drop_table("source_paths")
    op.drop_index("ix_documents_year", table_name="documents")
    op.drop_index("ix_documents_period", table_name="documents")
    op.drop_index("ix_documents_org", table_name="documents")
    op.drop_index("ix_documents_kind", table_name="documents")
    op.drop_index("ix_documents_admin_level", table_name="documents")
    op.drop_table("documents")
    op.drop_index(op.f("ix_cleaning_edits_source_id"), table_name="cleaning_edits")
    op.drop_index("ix_cleaning_edits_rule", table_name="cleaning_edits")
    op.drop_table("cleaning_edits")
    op.drop_index("ix_sources_status", table_name="sources")
    op.drop_table("sources")
    op.drop_table("ingest_runs")
