"""Alembic environment: the target schema is `huibao.models`; the URL comes from the Alembic
config (set by `huibao db upgrade`) or, for a bare `alembic upgrade head`, from DATABASE_URL or
the embedded Postgres."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

from huibao.models import in_schema

config = context.config
target_metadata = SQLModel.metadata
include_object = in_schema


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from huibao.db.engine import database_url

    return database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
