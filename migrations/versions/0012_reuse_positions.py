"""Text reuse compares all new reports at once: each fingerprint is stored with where it
starts in the report's skeleton (every place, when the report repeats it), and the skeleton with the report, so that pairs are sifted
without making anything again. Fingerprints stored before had no positions: they are dropped
with the passages found from them, and the next run compares every report again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _document(primary_key: bool = True) -> sa.Column:
    return sa.Column(
        "document_id",
        sa.BigInteger(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    for table in ("reuse_documents", "reuse_passages", "reuse_checks"):
        op.execute(f"delete from {table}")
    op.drop_table("reuse_fingerprints")
    op.create_table(
        "reuse_fingerprints",
        sa.Column("hash", sa.BigInteger(), primary_key=True),
        _document(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("more", postgresql.ARRAY(sa.Integer()), nullable=True),
    )
    op.create_index("ix_reuse_fingerprints_document_id", "reuse_fingerprints", ["document_id"])
    op.create_table(
        "reuse_skeletons", _document(), sa.Column("skeleton", sa.LargeBinary(), nullable=False)
    )


def downgrade() -> None:
    op.drop_table("reuse_skeletons")
    op.drop_table("reuse_fingerprints")
    op.create_table(
        "reuse_fingerprints", sa.Column("hash", sa.BigInteger(), primary_key=True), _document()
    )
    op.create_index("ix_reuse_fingerprints_document_id", "reuse_fingerprints", ["document_id"])
    op.execute("delete from reuse_checks")
