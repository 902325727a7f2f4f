"""The site mirror: each publish copies a SQLite file kept in step with Postgres, and what it
serves is exactly what a publish from scratch would serve."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLES, empty_database, query
from huibao.publish.export import TABLES
from huibao.publish.mirror import schema_statements


def rows_of(path: Path) -> dict[str, list]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {t: sorted(map(repr, db.execute(f"select * from [{t}]"))) for t in TABLES}
        out["search_orphans"] = db.execute("select * from search_orphans order by 1, 2").fetchall()
        for fts in ("sections_fts", "documents_fts"):  # every token of every row, by position
            db.execute(f"create virtual table temp.{fts}_v using fts5vocab(main, {fts}, instance)")
            out[fts] = db.execute(f"select * from temp.{fts}_v order by 1, 2, 3, 4").fetchall()
        return out
    finally:
        db.close()


def assert_same_as_from_scratch(published, tmp_path: Path) -> None:
    from huibao.db.engine import reader_url
    from huibao.publish.publish import publish

    scratch = publish(reader_url(), tmp_path / "scratch" / "huibao.db", rebuild=True)
    assert scratch.mirror.rebuilt
    assert rows_of(published.path) == rows_of(scratch.path)
    assert published.rows == scratch.rows
    assert set(schema_statements()) <= schema_of(
        published.path
    )  # indexes dropped for bulk copies are back


def schema_of(path: Path) -> set[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {sql for (sql,) in db.execute("select sql from sqlite_schema where sql is not null")}
    finally:
        db.close()


@pytest.fixture
def inbox(clean_db, prefect_server, shared_corpus, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in shared_corpus.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_a_publish_after_an_ingest_only_copies_the_mirror_the_ingest_prepared(
    inbox, pg_url, tmp_path
):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    run = ingest(paths=[str(inbox)], workers=1)
    assert "site_tables" in run["phases"]
    published = publish(reader_url(), tmp_path / "site" / "huibao.db")
    assert not published.mirror.rebuilt
    # only the run's own record changed after the ingest synced the mirror
    assert set(published.mirror.added) <= {"ingest_runs"}
    assert published.rows["sections"] == query(pg_url, "select count(*) from sections")[0][0]
    assert_same_as_from_scratch(published, tmp_path)


def test_the_mirror_bookkeeping_is_hidden_on_the_site(published_site):
    import asyncio

    _, ds = published_site

    async def tables():
        response = await ds.client.get("/huibao.json")
        return {t["name"]: t["hidden"] for t in response.json()["tables"]}

    shown = asyncio.run(tables())
    assert shown["mirror_state"] is True and shown["sections"] is False


def test_added_changed_and_deleted_reports_reach_the_site_without_a_full_copy(
    inbox, pg_url, tmp_path, monkeypatch
):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    ingest(paths=[str(inbox)], workers=1)
    output = tmp_path / "site" / "huibao.db"
    publish(reader_url(), output)
    # the publish, not the ingest, brings these changes over
    monkeypatch.setenv("HUIBAO_PREPARE_SITE", "0")
    changed = sorted(inbox.glob("*.txt"))[0]  # its reports are deleted and loaded again
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n四、新增一节\n补充的内容。\n", encoding="utf-8"
    )
    for path in SAMPLES.iterdir():
        shutil.copy(path, inbox / path.name)
    ingest(paths=[str(inbox)], workers=1)
    published = publish(reader_url(), output)
    synced = published.mirror
    assert not synced.rebuilt
    assert synced.removed["documents"] >= 1 and synced.added["documents"] >= 1
    assert synced.added["sections"] < published.rows["sections"]  # not everything again
    assert published.rows["documents"] == query(pg_url, "select count(*) from documents")[0][0]
    assert_same_as_from_scratch(published, tmp_path)


def test_reports_only_added_are_copied_without_comparing_every_key(
    inbox, pg_url, tmp_path, monkeypatch
):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish import mirror
    from huibao.publish.publish import publish

    ingest(paths=[str(inbox)], workers=1)
    output = tmp_path / "site" / "huibao.db"
    publish(reader_url(), output)
    monkeypatch.setenv("HUIBAO_PREPARE_SITE", "0")
    for path in SAMPLES.iterdir():
        shutil.copy(path, inbox / path.name)
    ingest(paths=[str(inbox)], workers=1)
    listed = []
    keys_sql = mirror._keys_sql
    monkeypatch.setattr(mirror, "_keys_sql", lambda table: listed.append(table) or keys_sql(table))
    published = publish(reader_url(), output)
    assert published.mirror.added["documents"] >= 1 and published.mirror.added["sections"] >= 1
    assert not any(published.mirror.removed.values())
    assert "documents" not in listed and "sections" not in listed
    assert_same_as_from_scratch(published, tmp_path)


def test_a_mirror_of_reused_ids_starts_over(inbox, pg_url, tmp_path):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    ingest(paths=[str(inbox)], workers=1)
    output = tmp_path / "site" / "huibao.db"
    publish(reader_url(), output)
    empty_database(pg_url)  # ids start again from 1, with other reports under them
    ingest(paths=[str(SAMPLES)], workers=1)
    published = publish(reader_url(), output)
    titles = {t for (t,) in query(pg_url, "select title from documents")}
    served = sqlite3.connect(output)
    assert {t for (t,) in served.execute("select title from documents")} == titles
    served.close()
    assert_same_as_from_scratch(published, tmp_path)


def test_a_damaged_mirror_is_made_again_from_the_database(inbox, pg_url, tmp_path):
    from huibao.config import Settings
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    ingest(paths=[str(inbox)], workers=1)
    mirror = Settings.from_env().home / "site-mirror.db"
    mirror.write_bytes(b"not a database" * 1000)
    published = publish(reader_url(), tmp_path / "site" / "huibao.db")
    assert published.mirror.rebuilt
    assert published.rows["documents"] == query(pg_url, "select count(*) from documents")[0][0]
    assert_same_as_from_scratch(published, tmp_path)


def test_every_published_row_holds_the_values_postgres_holds(inbox, pg_url, tmp_path):
    import psycopg

    from huibao.db.engine import conninfo, reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.export import select_sql
    from huibao.publish.publish import publish

    for path in SAMPLES.iterdir():  # a .docx and a GB18030 file too
        shutil.copy(path, inbox / path.name)
    ingest(paths=[str(inbox)], workers=1)
    published = publish(reader_url(), tmp_path / "site" / "huibao.db")
    served = rows_of(published.path)
    with psycopg.connect(conninfo(pg_url)) as pg:
        for table in TABLES:
            theirs = sorted(map(repr, pg.execute(select_sql(table)[0])))
            assert served[table] == theirs, table
    assert served["keywords"] and served["section_topics"] and served["slogans"]
