"""The published view lets no one write, and report text cannot inject markup into any page.

The loader's role owns the schema; the reader role (used by `huibao publish` and for ad-hoc
SQL) can only read.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from urllib.parse import quote

import psycopg
import pytest

from tests.conftest import XSS

READER = "huibao_reader"


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def post(ds, path: str, data: dict):
    return asyncio.run(ds.client.post(path, data=data))


class TestDatasetteIsReadOnly:
    WRITES = (
        "insert into topics values ('x', 'x', 'x')",
        "update documents set title = 'x'",
        "delete from sections",
        "drop table sources",
        "create table evil (x)",
        "attach database '/tmp/huibao-evil.db' as evil",
        "pragma writable_schema = 1",
        "vacuum into '/tmp/huibao-evil.db'",
        "select load_extension('/tmp/evil.so')",
        "select * from pragma_database_list; attach database ':memory:' as m",
        "with x as (select 1) insert into topics select 'x', 'x', 'x' from x",
    )

    @pytest.mark.parametrize("sql", WRITES)
    def test_writing_sql_is_refused_and_the_file_is_unchanged(self, published_site, sql):
        published, ds = published_site
        before = hashlib.sha256(published.path.read_bytes()).hexdigest()
        r = get(ds, f"/huibao.json?sql={quote(sql)}")
        assert r.status_code >= 400 or not r.json().get("ok", True), (sql, r.text[:200])
        assert hashlib.sha256(published.path.read_bytes()).hexdigest() == before

    def test_no_write_endpoints_exist(self, published_site):
        _, ds = published_site
        for path in ("/huibao/topics/-/insert", "/huibao/-/create", "/huibao/topics/-/drop"):
            assert post(ds, path, {"row": "{}"}).status_code in (403, 404, 405)

    def test_the_file_is_served_immutable_with_a_time_limit(self, published_site):
        _, ds = published_site
        db = ds.databases["huibao"]
        assert db.is_mutable is False
        assert ds.setting("sql_time_limit_ms") <= 5000
        slow = (
            "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
        )
        r = get(ds, f"/huibao.json?sql={quote(slow)}")
        assert r.status_code >= 400 and "interrupted" in r.text.lower()


def _text_columns_with_markup(path) -> list[tuple[str, str]]:
    """(table or view, column) pairs in which some row holds the <script> of the fixture."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = []
    for (name,) in db.execute(
        "select name from sqlite_master where type in ('table', 'view') "
        "and name not like '%fts%' and name not like 'sqlite_%'"
    ):
        for col in db.execute(f"pragma table_info([{name}])"):
            if (
                col[2].upper() in ("TEXT", "")
                and db.execute(
                    f"select 1 from [{name}] where instr([{col[1]}], '<script>') limit 1"
                ).fetchone()
            ):
                found.append((name, col[1]))
    return found


class TestNoMarkupInjection:
    def test_every_table_and_view_row_with_markup_renders_escaped(self, published_site):
        published, ds = published_site
        places = _text_columns_with_markup(published.path)
        assert {t for t, _ in places} >= {"documents", "sections"}
        for table, column in places:
            html = get(ds, f"/huibao/{table}?{quote(column)}__contains={quote('<script>')}").text
            assert "&lt;script&gt;" in html or "\\u003cscript" in html, (table, column)
            assert XSS not in html, (table, column)

    def test_document_search_and_canned_query_pages_escape_markup(self, published_site):
        published, ds = published_site
        db = sqlite3.connect(f"file:{published.path}?mode=ro", uri=True)
        (doc,) = db.execute(
            "select id from documents where clean_text like '%<script>%'"
        ).fetchone()
        (section,) = db.execute(
            "select id from sections where heading || body like '%<script>%'"
        ).fetchone()
        pages = [
            f"/-/document/{doc}",
            f"/huibao/sections/{section}",
            f"/huibao/sections?_search={quote('防范')}",
            f"/huibao/documents/{doc}",
            "/-/charts",
        ]
        for query in ds.metadata("queries", database="huibao") or {}:
            pages.append(f"/huibao/{query}?topic=safety&role=progress&term=script")
        assert len(pages) >= 10  # the canned queries are among them
        for page in pages:
            r = get(ds, page)
            assert XSS not in r.text and "<b>加粗</b>" not in r.text, page


def as_reader(embedded_pg) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={embedded_pg.port} user={READER} dbname=huibao")


class TestReaderRole:
    def test_the_reader_can_read_every_table(self, pg_url, published_site, embedded_pg):
        with as_reader(embedded_pg) as conn:
            tables = [
                r[0]
                for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
            ]
            assert len(tables) >= 15
            for table in tables:
                conn.execute(f"select * from {table} limit 1")

    @pytest.mark.parametrize(
        "sql",
        [
            "insert into topics (key, zh, en) values ('x', 'x', 'x')",
            "update documents set title = 'x'",
            "delete from sources",
            "truncate sections",
            "drop table keywords",
            "create table evil (x int)",
            "alter table documents add column evil int",
            "create schema evil",
        ],
    )
    def test_the_reader_cannot_write(self, pg_url, embedded_pg, sql):
        with as_reader(embedded_pg) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)

    def test_the_loader_owns_the_schema(self, pg_url, embedded_pg):
        with as_reader(embedded_pg) as conn:
            owners = {
                r[0]
                for r in conn.execute(
                    "select tableowner from pg_tables where schemaname = 'public'"
                )
            }
        assert READER not in owners and len(owners) == 1
