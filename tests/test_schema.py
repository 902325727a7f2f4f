"""The migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from huibao.db.engine import engine_for
from huibao.models import in_schema


def test_migrations_at_head_match_the_models(pg_url):
    with engine_for(pg_url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": in_schema, "compare_type": True}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
