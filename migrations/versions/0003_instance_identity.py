"""Instance identity: a random id created with the schema, so caches built from one database
(the published search index) are never mixed with another database's rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "uuid", sa.Text(), nullable=False, server_default=sa.text("gen_random_uuid()::text")
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
    )
    op.execute("insert into instance (id) values (1)")


def downgrade() -> None:
    op.drop_table("instance")
