"""Remember the highest section id the keywords were computed over, so that a run can tell the
keywords are stale even when the run that loaded the sections was killed before refreshing them
(the section count alone misses a file replaced by one with as many sections).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "keyword_state",
        sa.Column("last_section_id", sa.BigInteger(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("keyword_state", "last_section_id")
