"""Paths keyed by their md5: a B-tree entry holds at most 2,704 bytes, and a path of deep
folders with long Chinese names can be longer, which made the claim of such a file (and every
run after it) fail. The full path stays in `path`, a plain column.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("source_paths", "file_claims")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column(
                "path_key", sa.Text(), sa.Computed("md5(path)", persisted=True), nullable=False
            ),
        )
        op.drop_constraint(f"{table}_pkey", table, type_="primary")
        op.create_primary_key(f"{table}_pkey", table, ["path_key"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_constraint(f"{table}_pkey", table, type_="primary")
        op.drop_column(table, "path_key")
        op.create_primary_key(f"{table}_pkey", table, ["path"])
