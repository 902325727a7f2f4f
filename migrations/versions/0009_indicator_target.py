"""Indicator mentions say whether their figures are a goal (预期目标, 左右, 以上, or stated in the
plans) or a result, so that a table of results (GDP by place and year) leaves the goals out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "indicators",
        sa.Column("target", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.alter_column("indicators", "target", server_default=None)


def downgrade() -> None:
    op.drop_column("indicators", "target")
