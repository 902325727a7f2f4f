"""Reports gain the issuer's place (广东省, 北京市海淀区, 全国) and a display title (the title, or
place + year + kind for a report with none or only 政府工作报告), so that reports can be told
apart and filtered by place. Existing rows are filled in when their files are parsed again (the
pipeline version changed with the text core).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("place", sa.Text(), nullable=True))
    op.add_column("documents", sa.Column("display_title", sa.Text(), nullable=True))
    op.create_index("ix_documents_place", "documents", ["place"])


def downgrade() -> None:
    op.drop_index("ix_documents_place", table_name="documents")
    op.drop_column("documents", "display_title")
    op.drop_column("documents", "place")
