"""Text reuse: the fingerprints of each report, which reports were compared, the passages two
reports share (grouped into families) and, per report, the share of it found elsewhere.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _document(name: str = "document_id", primary_key: bool = True) -> sa.Column:
    return sa.Column(
        name,
        sa.BigInteger(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "reuse_fingerprints",
        sa.Column("hash", sa.BigInteger(), primary_key=True),
        _document(),
    )
    op.create_index("ix_reuse_fingerprints_document_id", "reuse_fingerprints", ["document_id"])
    op.create_table(
        "reuse_checks",
        _document(),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reuse_passages",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        _document("doc_a", primary_key=False),
        _document("doc_b", primary_key=False),
        sa.Column("a_start", sa.Integer(), nullable=False),
        sa.Column("a_end", sa.Integer(), nullable=False),
        sa.Column("b_start", sa.Integer(), nullable=False),
        sa.Column("b_end", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("substitutions", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("earlier", sa.BigInteger(), nullable=True),
        sa.Column("family_id", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("doc_a", "doc_b", "a_start", "b_start"),
    )
    op.create_index("ix_reuse_passages_doc_b", "reuse_passages", ["doc_b"])
    op.create_index("ix_reuse_passages_family_id", "reuse_passages", ["family_id"])
    op.create_table(
        "reuse_documents",
        _document(),
        sa.Column("reused_chars", sa.Integer(), nullable=False),
        sa.Column("reused_share", sa.Float(), nullable=False),
        sa.Column("passages", sa.Integer(), nullable=False),
        sa.Column("partners", sa.Integer(), nullable=False),
        sa.Column("nearest_document_id", sa.BigInteger(), nullable=True),
        sa.Column("nearest_chars", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("reuse_documents", "reuse_passages", "reuse_checks", "reuse_fingerprints"):
        op.drop_table(table)
