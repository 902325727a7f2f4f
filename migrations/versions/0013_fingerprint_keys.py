"""Fingerprints are keyed by report first: a report's rows are stored side by side, cheap to
write in a load and to delete with the report; the lookup by fingerprint is a separate index a
large load sets aside and builds once after it (huibao.db.indexes).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint("reuse_fingerprints_pkey", "reuse_fingerprints", type_="primary")
    op.drop_index("ix_reuse_fingerprints_document_id", table_name="reuse_fingerprints")
    op.create_primary_key("reuse_fingerprints_pkey", "reuse_fingerprints", ["document_id", "hash"])
    op.create_index("ix_reuse_fingerprints_hash", "reuse_fingerprints", ["hash"])


def downgrade() -> None:
    op.execute("drop index if exists ix_reuse_fingerprints_hash")
    op.execute("delete from deferred_indexes where name = 'ix_reuse_fingerprints_hash'")
    op.drop_constraint("reuse_fingerprints_pkey", "reuse_fingerprints", type_="primary")
    op.create_primary_key("reuse_fingerprints_pkey", "reuse_fingerprints", ["hash", "document_id"])
    op.create_index("ix_reuse_fingerprints_document_id", "reuse_fingerprints", ["document_id"])
