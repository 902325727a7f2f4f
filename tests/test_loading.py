"""How parsed files reach Postgres: in chunks, one transaction each, with the indexes that are
cheaper to build once set aside during large loads, and the search index fed as files land."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from conftest import SAMPLES, empty_database, query
from huibao.db import claims, engine, idf, indexes, taxonomies
from huibao.db.store import store
from huibao.files import FileStat
from huibao.parallel import Outcome, process_file
from huibao.text import pipeline_version
from tests.bad_corpus import report
from tests.test_faults import content_checksum


def outcomes_of(folder: Path) -> list[Outcome]:
    paths = sorted(p for p in folder.iterdir() if p.is_file())
    return [process_file(FileStat(str(p), p.stat().st_size, p.stat().st_mtime_ns)) for p in paths]


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(6):
        (folder / f"report-{i}.txt").write_text(report(300 + i), encoding="utf-8")
    (folder / "copy-of-report-0.txt").write_text(report(300), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    for sample in SAMPLES.iterdir():
        (folder / sample.name).write_bytes(sample.read_bytes())
    return folder


class TestChunks:
    def test_a_chunk_stores_what_its_files_stored_one_by_one_would(self, clean_db, reports):
        version = pipeline_version()
        with engine.connect(clean_db) as conn:
            for o in outcomes_of(reports):
                store(conn, [o], version)
        one_by_one = content_checksum(clean_db)
        empty_database(clean_db)
        with engine.connect(clean_db) as conn:
            stored = store(conn, outcomes_of(reports), version)
        assert content_checksum(clean_db) == one_by_one
        assert sum(s.documents for s in stored) == one_by_one["documents"][0]

    def test_two_files_with_the_same_content_in_one_chunk_are_one_source(self, clean_db, reports):
        with engine.connect(clean_db) as conn:
            store(conn, outcomes_of(reports), pipeline_version())
        paths = query(
            clean_db,
            "select count(*) from source_paths p join sources s on s.id = p.source_id "
            "where p.path like %s",
            ("%report-0.txt",),
        )[0][0]
        assert paths == 2
        assert query(clean_db, "select count(distinct sha256) = count(*) from sources")[0][0]

    def test_a_file_the_database_refuses_is_rejected_and_the_rest_of_its_chunk_lands(
        self, clean_db, reports
    ):
        outcomes = outcomes_of(reports)
        bad = next(o for o in outcomes if o.parsed and o.parsed.documents)
        bad.parsed.documents[0].title = "标题\x00"  # Postgres text cannot hold NUL
        with engine.connect(clean_db) as conn:
            stored = store(conn, outcomes, pipeline_version())
        assert bad.rejected.startswith("database refused the content")
        status = dict(
            query(
                clean_db,
                "select p.path, s.status from source_paths p join sources s on s.id = p.source_id",
            )
        )
        assert status[bad.stat.path] == "rejected"
        loaded = [o for o in outcomes if o.parsed and o is not bad and not o.rejected]
        assert loaded and all(status[o.stat.path] in ("loaded", "partial") for o in loaded)
        assert (
            sum(s.documents for s in stored)
            == query(clean_db, "select count(*) from documents")[0][0]
        )


@pytest.fixture
def writer_url(clean_db) -> str:
    """A role that may write rows but owns no table, as on a server run by someone else."""
    with psycopg.connect(engine.conninfo(clean_db), autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = 'huibao_writer'").fetchone():
            conn.execute("create role huibao_writer login")
        conn.execute(
            "grant select, insert, update, delete, truncate on all tables in schema public "
            "to huibao_writer"
        )
        conn.execute(
            "grant usage, select, update on all sequences in schema public to huibao_writer"
        )
    return clean_db.replace("//huibao@", "//huibao_writer@", 1)


def test_a_loader_that_owns_no_table_keeps_every_check_and_index_and_loads_the_same(
    clean_db, writer_url, reports
):
    version = pipeline_version()
    with engine.connect(clean_db) as conn:
        taxonomies.sync(conn)  # as every run does before it loads
        store(conn, outcomes_of(reports), version)
        idf.refresh(conn)
    expected = content_checksum(clean_db)
    empty_database(clean_db)
    with engine.connect(writer_url) as conn:
        assert not indexes.worth_deferring(conn, 10**12)  # it may not drop them
        store(conn, outcomes_of(reports), version)
        idf.refresh(conn, force_full=True)
    assert content_checksum(clean_db) == expected
    assert set(indexes.DEFERRABLE) <= index_names(clean_db)


def index_names(url: str) -> set[str]:
    return {r[0] for r in query(url, "select indexname from pg_indexes")}


class TestDeferredIndexes:
    def test_a_first_load_sets_the_indexes_aside_and_builds_them_after(
        self, clean_db, prefect_server, reports
    ):
        from huibao.flows.ingest import ingest

        run = ingest(paths=[str(reports)], workers=2)
        assert "indexes" in run["phases"]
        assert set(indexes.DEFERRABLE) <= index_names(clean_db)
        assert query(clean_db, "select count(*) from deferred_indexes")[0][0] == 0
        # and serve again (the table is small: the planner is told to prefer an index)
        with psycopg.connect(engine.conninfo(clean_db)) as conn:
            conn.execute("set enable_seqscan = off")
            plan = conn.execute("explain select id from sections where body like '%招商引资%'")
            assert "ix_sections_body_trgm" in " ".join(r[0] for r in plan)
            # the holders of a fingerprint are read from its index alone: the table was
            # vacuumed after the build, no page of it is read
            (fingerprint,) = conn.execute("select hash from reuse_fingerprints limit 1").fetchone()
            conn.execute("set enable_bitmapscan = off")
            plan = " ".join(
                r[0]
                for r in conn.execute(
                    "explain analyze select document_id, position, more from reuse_fingerprints "
                    "where hash = %s",
                    (fingerprint,),
                )
            )
            assert "Index Only Scan using ix_reuse_fingerprints_hash" in plan
            assert "Heap Fetches: 0" in plan

    def test_a_load_smaller_than_the_database_keeps_them(self, clean_db, reports):
        with engine.connect(clean_db) as conn:
            store(conn, outcomes_of(reports), pipeline_version())
            loaded = query(clean_db, "select sum(bytes) from sources")[0][0]
            assert indexes.worth_deferring(conn, loaded)
            assert not indexes.worth_deferring(conn, loaded // 2)
            assert not indexes.worth_deferring(conn, 0)

    def test_indexes_a_killed_run_set_aside_are_built_by_the_next_run(
        self, clean_db, prefect_server, reports
    ):
        from huibao.flows.ingest import ingest

        with engine.connect(clean_db) as conn:
            set_aside = indexes.defer(conn, "a-run-that-died")
        assert set(set_aside) == set(indexes.DEFERRABLE)
        assert not set(indexes.DEFERRABLE) & index_names(clean_db)
        ingest(paths=[str(SAMPLES)], workers=1)
        assert set(indexes.DEFERRABLE) <= index_names(clean_db)
        assert query(clean_db, "select count(*) from deferred_indexes")[0][0] == 0

    def test_emptying_the_database_between_tests_builds_what_a_killed_run_set_aside(self, clean_db):
        with engine.connect(clean_db) as conn:
            indexes.defer(conn, "a-run-that-died")
        empty_database(clean_db)
        assert set(indexes.DEFERRABLE) <= index_names(clean_db)
        assert query(clean_db, "select count(*) from deferred_indexes")[0][0] == 0

    def test_indexes_of_a_run_still_loading_are_left_to_it(self, clean_db):
        claimer = claims.Claimer(clean_db, "a-run-still-loading", engine.now())
        try:
            with engine.connect(clean_db) as conn:
                indexes.defer(conn, "a-run-still-loading")
                assert indexes.restore(conn) == []  # another run: not its to build
                assert sorted(indexes.restore(conn, "a-run-still-loading")) == sorted(
                    indexes.DEFERRABLE
                )
        finally:
            claimer.close()
        assert set(indexes.DEFERRABLE) <= index_names(clean_db)


def tokens_of(path: Path) -> dict[str, list]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for fts in ("sections_fts", "documents_fts"):
            db.execute(f"create virtual table temp.{fts}_v using fts5vocab(main, {fts}, instance)")
            out[fts] = db.execute(f"select * from temp.{fts}_v order by 1, 2, 3, 4").fetchall()
        out["indexed"] = db.execute("select * from indexed order by 1, 2").fetchall()
        return out
    finally:
        db.close()


def test_the_search_index_fed_while_loading_equals_one_built_from_postgres(
    clean_db, prefect_server, reports, tmp_path
):
    import os

    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.search_index import SearchIndex

    run = ingest(paths=[str(reports)], workers=2)
    assert run["documents_loaded"] > 0
    fed = Path(os.environ["HUIBAO_HOME"]) / "search-index.db"
    scratch = SearchIndex(tmp_path / "scratch.db")
    with psycopg.connect(engine.conninfo(reader_url())) as pg:
        update = scratch.update(pg)
    scratch.close()
    assert update.added["sections_fts"] == query(clean_db, "select count(*) from sections")[0][0]
    assert tokens_of(fed) == tokens_of(tmp_path / "scratch.db")
