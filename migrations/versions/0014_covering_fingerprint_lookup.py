"""The lookup of fingerprints holds each occurrence's report and positions: finding the holders
of a new report's fingerprints reads the index alone, not a page of the table per holder
(scattered across the table: at 100,000 reports, reads from disk). A fingerprint's other places
in a report are kept up to 3 (REPEATS in huibao.text.skeleton: one repeated more often seeds
nothing, and four places say so), which keeps an index row small whatever a text repeats.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_reuse_fingerprints_hash"


def _replace(include: list[str]) -> None:
    # built now even when a large load had set it aside (huibao.db.indexes): nothing is left
    # for that run to build
    op.execute(f"drop index if exists {_NAME}")
    op.execute(f"delete from deferred_indexes where name = '{_NAME}'")
    op.create_index(_NAME, "reuse_fingerprints", ["hash"], postgresql_include=include)


def upgrade() -> None:
    op.execute("update reuse_fingerprints set more = more[1:3] where cardinality(more) > 3")
    _replace(["document_id", "position", "more"])


def downgrade() -> None:
    _replace([])
