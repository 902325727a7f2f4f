"""Shared fixtures: a real embedded Postgres, one Prefect test server, the shared corpus.

Everything runs on real components: the Postgres cluster is started by the test session (and
stopped at its end), flows run against `prefect_test_harness`, pages are read with Datasette's
own client.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
SAMPLES = ROOT / "samples"
XSS = "<script>alert('x')</script>"

# Offline machines: no telemetry, no UI for the temporary server. Set before Prefect imports.
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_UI_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def pytest_configure(config):
    # Isolate huibao's and Prefect's state for the whole session.
    home = Path(tempfile.mkdtemp(prefix="huibao-test-home-"))
    os.environ["HUIBAO_HOME"] = str(home)
    os.environ["PREFECT_HOME"] = str(home / "prefect")
    config._huibao_home = home


def pytest_unconfigure(config):
    home = getattr(config, "_huibao_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def embedded_pg():
    """A Postgres cluster of our own for this session (port chosen freely)."""
    from huibao.db.embedded import EmbeddedPostgres

    root = Path(tempfile.mkdtemp(prefix="huibao-test-pg-"))
    pg = EmbeddedPostgres(root)
    pg.ensure_running()
    yield pg
    pg.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(embedded_pg) -> str:
    """DATABASE_URL for the session's cluster, schema at head."""
    from huibao.db.engine import upgrade

    url = embedded_pg.url()
    os.environ["DATABASE_URL"] = url
    os.environ["HUIBAO_READER_URL"] = embedded_pg.url(user="huibao_reader")
    upgrade(url)
    return url


# deferred_indexes stays: a run that still holds its claim builds its own set-aside indexes
KEEP = ("alembic_version", "instance", "topics", "indicator_types", "deferred_indexes")


def empty_database(url: str) -> None:
    """Remove every row huibao wrote (the schema, identity and taxonomies stay). Indexes a
    killed run set aside are built first: emptying `deferred_indexes` would lose them."""
    import psycopg

    from huibao.db import indexes
    from huibao.db.engine import conninfo

    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        indexes.restore(conn)
        tables = [
            r[0]
            for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
            if r[0] not in KEEP
        ]
        conn.execute(f"truncate {', '.join(tables)} restart identity cascade")


@pytest.fixture
def clean_db(pg_url):
    """An empty database for tests that count what they load."""
    empty_database(pg_url)
    return pg_url


@pytest.fixture(scope="session")
def prefect_server():
    """One Prefect test server for the whole session (it takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def query(url: str, sql: str, params=()):
    import psycopg

    from huibao.db.engine import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def published_site(pg_url, prefect_server, shared_corpus, tmp_path_factory):
    """Shared corpus + samples + a report with markup in it, ingested and published."""

    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish
    from huibao.serve import make_datasette

    empty_database(pg_url)
    inbox = tmp_path_factory.mktemp("inbox")
    for path in [*shared_corpus.glob("*.txt"), *SAMPLES.iterdir()]:
        shutil.copy(path, inbox / path.name)
    (inbox / "markup.txt").write_text(
        f"xx局2024年工作总结\n一、工作情况\n（一）防范{XSS}攻击。正文<b>加粗</b>内容。",
        encoding="utf-8",
    )
    ingest(paths=[str(inbox)], workers=2)
    out = tmp_path_factory.mktemp("site") / "huibao.db"
    published = publish(reader_url(), out)
    return published, make_datasette(out)


@pytest.fixture(scope="session")
def samples_published(pg_url, prefect_server, tmp_path_factory):
    """The file `make demo` serves: the bundled samples, ingested and published."""
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    empty_database(pg_url)
    inbox = tmp_path_factory.mktemp("samples")
    for path in SAMPLES.iterdir():
        shutil.copy(path, inbox / path.name)
    ingest(paths=[str(inbox)], workers=1)
    out = tmp_path_factory.mktemp("samples-site") / "huibao.db"
    return publish(reader_url(), out)


@pytest.fixture(scope="session")
def samples_site(samples_published):
    """Datasette serving `samples_published`, read through its own client."""
    from huibao.serve import make_datasette

    return make_datasette(samples_published.path)
