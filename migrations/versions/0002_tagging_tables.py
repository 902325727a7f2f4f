"""Tagging tables: topics with evidence, slogans, indicators, glossary, keyword IDF.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:42:41.594978
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_types",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("zh", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "keyword_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.BigInteger(), nullable=False),
        sa.Column("idf_sections", sa.BigInteger(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "term_idf",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.Column("idf", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    op.create_table(
        "topics",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("zh", sa.Text(), nullable=False),
        sa.Column("en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "glossary",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_glossary_document_id"), "glossary", ["document_id"], unique=False)
    op.create_table(
        "indicators",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("section_id", sa.BigInteger(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("value_masked", sa.Boolean(), nullable=False),
        sa.Column("growth", sa.Float(), nullable=True),
        sa.Column("growth_unit", sa.Text(), nullable=True),
        sa.Column("growth_masked", sa.Boolean(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=True),
        sa.Column("masked", sa.Boolean(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["indicator"], ["indicator_types.key"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_indicators_document_id"), "indicators", ["document_id"], unique=False)
    op.create_index("ix_indicators_indicator", "indicators", ["indicator"], unique=False)
    op.create_index(op.f("ix_indicators_section_id"), "indicators", ["section_id"], unique=False)
    op.create_table(
        "section_topics",
        sa.Column("section_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("evidence", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic"], ["topics.key"]),
        sa.PrimaryKeyConstraint("section_id", "topic"),
    )
    op.create_index(
        op.f("ix_section_topics_document_id"), "section_topics", ["document_id"], unique=False
    )
    op.create_index("ix_section_topics_topic", "section_topics", ["topic"], unique=False)
    op.create_table(
        "slogans",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("section_id", sa.BigInteger(), nullable=False),
        sa.Column("slogan", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_slogans_document_id"), "slogans", ["document_id"], unique=False)
    op.create_index(op.f("ix_slogans_section_id"), "slogans", ["section_id"], unique=False)
    op.create_index("ix_slogans_slogan", "slogans", ["slogan"], unique=False)
    op.add_column("sections", sa.Column("role_split", sa.Integer(), nullable=True))
    op.add_column(
        "sections",
        sa.Column("terms", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column(
        "sections",
        sa.Column(
            "term_counts", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("sections", "term_counts")
    op.drop_column("sections", "terms")
    op.drop_column("sections", "role_split")
    op.drop_index("ix_slogans_slogan", table_name="slogans")
    op.drop_index(op.f("ix_slogans_section_id"), table_name="slogans")
    op.drop_index(op.f("ix_slogans_document_id"), table_name="slogans")
    op.drop_table("slogans")
    op.drop_index("ix_section_topics_topic", table_name="section_topics")
    op.drop_index(op.f("ix_section_topics_document_id"), table_name="section_topics")
    op.drop_table("section_topics")
    op.drop_index(op.f("ix_indicators_section_id"), table_name="indicators")
    op.drop_index("ix_indicators_indicator", table_name="indicators")
    op.drop_index(op.f("ix_indicators_document_id"), table_name="indicators")
    op.drop_table("indicators")
    op.drop_index(op.f("ix_glossary_document_id"), table_name="glossary")
    op.drop_table("glossary")
    op.drop_table("topics")
    op.drop_table("term_idf")
    op.drop_table("keyword_state")
    op.drop_table("indicator_types")
