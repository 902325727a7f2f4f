"""Which Postgres to use, and bringing its schema up to date."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from huibao.config import Settings

from . import locks
from .embedded import READER, EmbeddedPostgres


class DatabaseUnavailable(RuntimeError):
    """No database could be reached; the message says which and why."""


def embedded(settings: Settings | None = None) -> EmbeddedPostgres:
    settings = settings or Settings.from_env()
    return EmbeddedPostgres(settings.home / "postgres")


def database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set, else the embedded cluster (started if needed)."""
    settings = settings or Settings.from_env()
    if settings.database_url:
        return normalise_url(settings.database_url)
    try:
        return embedded(settings).ensure_running()
    except Exception as exc:
        raise DatabaseUnavailable(f"cannot start the embedded Postgres: {exc}") from exc


def check_reachable(url: str, timeout: int = 5) -> None:
    """Fail at once, in one line, when the database cannot be reached (a run that starts
    retries outages for minutes; a user at a terminal should not wait for that)."""
    import psycopg

    from .errors import describe

    try:
        psycopg.connect(conninfo(url), connect_timeout=timeout).close()
    except psycopg.OperationalError as exc:
        where = make_url(url).render_as_string(hide_password=True)
        reason = describe(exc)
        raise DatabaseUnavailable(
            f"cannot connect to the database {where} ({reason}); nothing was loaded"
        ) from exc


def reader_url(settings: Settings | None = None) -> str:
    """The read-only role's URL: HUIBAO_READER_URL, else the loader's URL with the reader role."""
    settings = settings or Settings.from_env()
    if settings.reader_url:
        return normalise_url(settings.reader_url)
    url = make_url(database_url(settings))
    if settings.database_url:
        return url.render_as_string(hide_password=False)  # no separate role configured
    return url.set(username=READER, password=None).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The URL as psql and libpq take it: `postgresql+psycopg://…` → `postgresql://…`."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


conninfo = libpq_url  # what psycopg.connect takes, from a SQLAlchemy URL


def connect(url: str):
    """A psycopg connection (not autocommit) to a SQLAlchemy URL."""
    import psycopg

    return psycopg.connect(conninfo(url), autocommit=False)


def now() -> datetime:
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@cache
def engine_for(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=4)


def migrations_dir() -> Path:
    import huibao.migrations

    return Path(huibao.migrations.__file__).parent


def migrate(url: str) -> str:
    """Bring the schema up to date and write the taxonomies of the rule files to their
    tables, as every run does before it loads; returns the revision now current."""
    from .taxonomies import sync as sync_taxonomies

    revision = upgrade(url)
    with connect(url) as conn:
        sync_taxonomies(conn)
    return revision


def upgrade(url: str, revision: str = "head") -> str:
    """Run `alembic upgrade` to `revision` against `url`; returns the revision now current."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = engine_for(url)
    with engine.begin() as conn:
        # one migrator at a time, even with several workers starting together
        conn.execute(text(f"select pg_advisory_xact_lock({locks.MIGRATIONS})"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        current = MigrationContext.configure(conn).get_current_revision()
    return current or ""
