"""The migrations build exactly the schema the models declare."""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from huibao.db.engine import engine_for, upgrade
from huibao.models import in_schema


def test_migrations_at_head_match_the_models(embedded_pg):
    """On a database of its own: the session's database holds whatever the other tests left
    (a run killed on purpose may have set indexes aside for its next run to build)."""
    admin = embedded_pg.url(database="postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("drop database if exists schema_check")
        conn.execute(
            "create database schema_check template template0 encoding 'UTF8' "
            "lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'"
        )
    url = embedded_pg.url(database="schema_check")
    upgrade(url)
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": in_schema, "compare_type": True}
            )
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []
