"""Alembic environment: the target schema is `huibao.models`; the URL comes from the Alembic
config (set by `huibao db upgrade`) or, for a bare `alembic upgrade head`, from DATABASE_URL or
the embedded Postgres."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import huibao.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    # Trigram indexes exist only where pg_trgm could be created (see revision 0001).
    return not (type_ == "index" and name and name.endswith("_trgm"))


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
