"""Export the Postgres tables to a SQLite file for Datasette, atomically.

The SQLite schema is derived from the SQLModel tables (Postgres arrays become JSON text, times
ISO-8601 text). The file is written under a temporary name and renamed over the old one, so a
publish that fails half-way leaves the previous file serving.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.types import JSON
from sqlmodel import SQLModel

import huibao.models  # noqa: F401  (registers the tables)
from huibao.db.load import conninfo

# Exported in this order (parents before children).
TABLES = [
    "sources",
    "source_paths",
    "documents",
    "sections",
    "topics",
    "section_topics",
    "keywords",
    "slogans",
    "indicator_types",
    "indicators",
    "glossary",
    "cleaning_edits",
    "ingest_runs",
    "term_idf",
]
# Internal columns that only serve the keyword refresh in Postgres.
SKIP_COLUMNS = {("sections", "terms"), ("sections", "term_counts")}
FETCH = 5000


@dataclass(slots=True)
class PublishResult:
    path: Path
    rows: dict[str, int]
    seconds: float
    bytes: int


def sqlite_tables() -> list[Table]:
    """The SQLModel tables, re-typed for SQLite: arrays as JSON text, integer keys as rowids,
    foreign keys and plain indexes kept, Postgres-only indexes (gin, trigram) left out."""
    meta = MetaData()
    out = []
    for name in TABLES:
        source = SQLModel.metadata.tables[name]
        columns = []
        for c in source.columns:
            if (name, c.name) in SKIP_COLUMNS:
                continue
            kind = c.type
            if isinstance(kind, ARRAY):
                kind = JSON()
            elif isinstance(kind, BigInteger):
                kind = Integer()  # INTEGER PRIMARY KEY is SQLite's rowid
            fks = [ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in c.foreign_keys]
            columns.append(
                Column(c.name, kind, *fks, primary_key=c.primary_key, nullable=c.nullable)
            )
        table = Table(name, meta, *columns)
        for constraint in source.constraints:
            if isinstance(constraint, UniqueConstraint):
                table.append_constraint(UniqueConstraint(*(c.name for c in constraint.columns)))
        for index in source.indexes:
            names = [c.name for c in index.columns]
            if index.dialect_options["postgresql"].get("using") or not all(
                n in table.c for n in names
            ):
                continue
            Index(index.name, *(table.c[n] for n in names), unique=index.unique)
        out.append(table)
    return out


def _convert(value):
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _rows(pg: psycopg.Connection, table: Table) -> Iterator[tuple]:
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    with pg.cursor(name=f"export_{table.name}") as cur:
        cur.itersize = FETCH
        cur.execute(f"select {columns} from {table.name} order by {pk}")
        for row in cur:
            yield tuple(_convert(v) for v in row)


def export(
    reader_url: str,
    output: Path,
    *,
    after: Callable[[sqlite3.Connection], None] | None = None,
) -> PublishResult:
    """Write every table to `output` (replaced atomically). `after` may add derived tables,
    indexes and views to the new file before it goes live."""
    started = time.perf_counter()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        db = sqlite3.connect(tmp)
        db.execute("pragma journal_mode = off")
        db.execute("pragma synchronous = off")
        db.execute("pragma foreign_keys = off")
        dialect = sqlite_dialect.dialect()
        with psycopg.connect(conninfo(reader_url)) as pg:
            pg.execute("set transaction isolation level repeatable read, read only")
            for table in sqlite_tables():
                db.execute(str(CreateTable(table).compile(dialect=dialect)))
                placeholders = ", ".join("?" for _ in table.columns)
                insert = f"insert into [{table.name}] values ({placeholders})"
                n = 0
                batch: list[tuple] = []
                for row in _rows(pg, table):
                    batch.append(row)
                    if len(batch) >= FETCH:
                        db.executemany(insert, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    db.executemany(insert, batch)
                    n += len(batch)
                counts[table.name] = n
                for index in table.indexes:
                    db.execute(str(CreateIndex(index).compile(dialect=dialect)))
        if after:
            after(db)
        db.commit()
        db.execute("pragma journal_mode = delete")
        db.execute("analyze")
        db.close()
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return PublishResult(output, counts, time.perf_counter() - started, output.stat().st_size)
