"""The migrations build exactly the schema the models declare."""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from huibao.db.engine import engine_for, upgrade
from huibao.models import in_schema


def fresh_database(embedded_pg, name: str) -> str:
    """A database of its own: the session's database holds whatever the other tests left (a
    run killed on purpose may have set indexes aside for its next run to build)."""
    admin = embedded_pg.url(database="postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name}")
        conn.execute(
            f"create database {name} template template0 encoding 'UTF8' "
            "lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'"
        )
    return embedded_pg.url(database=name)


def test_migrations_at_head_match_the_models(embedded_pg):
    url = fresh_database(embedded_pg, "schema_check")
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


def test_text_reuse_rows_of_an_earlier_version_upgrade_and_find_the_same_passages(embedded_pg):
    """Before revision 0014 a fingerprint kept every place a report repeats it at, and
    skeletons were packed in the first format: such rows upgrade (the places trimmed, the
    lookup built holding them) and compare as new ones do."""
    from test_reuse_db import LVSHUI, QINGSHAN
    from test_reuse_pairs import first_format

    from huibao.db import engine, load, reuse, taxonomies
    from huibao.files import FileStat
    from huibao.text import parse_path
    from huibao.text.skeleton import REPEATS, unpack

    url = fresh_database(embedded_pg, "upgrade_check")
    upgrade(url, "0013")
    with engine.connect(url) as conn:
        taxonomies.sync(conn)
        for i, path in enumerate([QINGSHAN, LVSHUI]):
            load.load_source(conn, FileStat(str(path), 1, i), parse_path(path, keywords=False), "t")
        conn.commit()
        found = reuse.check_all(conn)[1]
        expected = conn.execute(
            "select a_start, a_end, b_start, b_end, substitutions from reuse_passages"
        ).fetchall()
        # as an earlier version left them
        conn.execute("delete from reuse_passages")
        conn.execute("delete from reuse_checks")
        conn.execute("update reuse_fingerprints set more = array[1, 2, 3, 4, 5, 6, 7, 8] "
                     "where ctid = (select min(ctid) from reuse_fingerprints)")  # fmt: skip
        for doc, packed in conn.execute("select document_id, skeleton from reuse_skeletons"):
            conn.execute(
                "update reuse_skeletons set skeleton = %s where document_id = %s",
                (first_format(unpack(packed)), doc),
            )
        conn.commit()
    upgrade(url)
    with engine.connect(url) as conn:
        (longest,) = conn.execute(
            "select max(cardinality(more)) from reuse_fingerprints"
        ).fetchone()
        (lookup,) = conn.execute(
            "select indexdef from pg_indexes where indexname = 'ix_reuse_fingerprints_hash'"
        ).fetchone()
        assert reuse.check_all(conn)[1] == found > 0
        again = conn.execute(
            "select a_start, a_end, b_start, b_end, substitutions from reuse_passages"
        ).fetchall()
    assert longest == REPEATS
    assert 'INCLUDE (document_id, "position", more)' in lookup
    assert sorted(again) == sorted(expected)
