"""Larger pending lists for the GIN indexes on sections, so bulk loads merge them in bigger,
cheaper steps (gin_pending_list_limit 64 MB instead of 4 MB).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = ("ix_sections_topics", "ix_sections_body_trgm", "ix_sections_heading_trgm")


def upgrade() -> None:
    for name in INDEXES:
        op.execute(
            f"do $$ begin if exists (select 1 from pg_class where relname = '{name}') then "
            f"alter index {name} set (gin_pending_list_limit = 65536); end if; end $$"
        )


def downgrade() -> None:
    for name in INDEXES:
        op.execute(
            f"do $$ begin if exists (select 1 from pg_class where relname = '{name}') then "
            f"alter index {name} reset (gin_pending_list_limit); end if; end $$"
        )
