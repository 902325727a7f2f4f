"""Export the Postgres tables to a SQLite file for Datasette, atomically.

The SQLite schema is derived from the SQLModel tables (Postgres arrays become JSON text, times
ISO-8601 text). The file is written under a temporary name and renamed over the old one, so a
publish that fails half-way leaves the previous file serving.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
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

from . import swap

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
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step


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


# How each Postgres type leaves the database: arrays as JSON text and times as ISO-8601 text
# are made by Postgres itself, so rows reach SQLite without a Python step per value.
def _select(name: str) -> tuple[str, list[str]]:
    """SELECT and COPY types for the exported columns of table `name`."""
    source = SQLModel.metadata.tables[name]
    exprs, types = [], []
    for c in source.columns:
        if (name, c.name) in SKIP_COLUMNS:
            continue
        col = f'"{c.name}"'
        if isinstance(c.type, ARRAY):
            exprs.append(f"array_to_json({col})::text")
            types.append("text")
        elif isinstance(c.type, DateTime):
            exprs.append(f"to_json({col}) #>> '{{}}'")
            types.append("text")
        elif isinstance(c.type, BigInteger):
            exprs.append(col)
            types.append("int8")
        elif isinstance(c.type, Integer):
            exprs.append(col)
            types.append("int4")
        elif isinstance(c.type, Float):
            exprs.append(col)
            types.append("float8")
        elif isinstance(c.type, Boolean):
            exprs.append(f"{col}::int")
            types.append("int4")
        else:
            exprs.append(col)
            types.append("text")
    pk = ", ".join(f'"{c.name}"' for c in source.primary_key.columns)
    return f"select {', '.join(exprs)} from {name} order by {pk}", types


_END = object()


def _read_tables(reader_url: str, names: list[str], out: queue.Queue) -> None:
    """Stream every table with binary COPY into `out` as (name, rows) batches, then _END."""
    try:
        with psycopg.connect(conninfo(reader_url)) as pg:
            pg.execute("set transaction isolation level repeatable read, read only")
            for name in names:
                sql, types = _select(name)
                with pg.cursor() as cur, cur.copy(f"copy ({sql}) to stdout (format binary)") as cp:
                    cp.set_types(types)
                    batch = []
                    for row in cp.rows():
                        batch.append(row)
                        if len(batch) >= FETCH:
                            out.put((name, batch))
                            batch = []
                    out.put((name, batch))
        out.put((_END, None))
    except BaseException as exc:  # hand the failure to the writer
        out.put((_END, exc))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export(
    reader_url: str,
    output: Path,
    *,
    after: Callable[[sqlite3.Connection], None] | None = None,
    before_swap: Callable[[Path, dict[str, int]], object] | None = None,
) -> PublishResult:
    """Write every table to `output` (replaced atomically). `after` may add derived tables,
    indexes and views to the new file before it goes live; `before_swap` is given the finished
    file and its row counts just before it is renamed to `output`."""
    started = time.perf_counter()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    swap.remove_abandoned(output)
    tmp = swap.temporary(output)
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    phases: dict[str, float] = {}
    clock = started

    def lap(name: str) -> float:
        now = time.perf_counter()
        phases[name] = round(now - clock, 2)
        return now

    try:
        db = sqlite3.connect(tmp)
        db.execute("pragma journal_mode = off")
        db.execute("pragma synchronous = off")
        db.execute("pragma foreign_keys = off")
        db.execute("pragma temp_store = memory")
        db.execute("pragma cache_size = -262144")  # 256 MB: build indexes without spilling
        dialect = sqlite_dialect.dialect()
        tables = {t.name: t for t in sqlite_tables()}
        for table in tables.values():
            db.execute(str(CreateTable(table).compile(dialect=dialect)))
            counts[table.name] = 0
        # Postgres is read in a thread while SQLite writes here: the two overlap.
        batches: queue.Queue = queue.Queue(maxsize=16)
        reader = threading.Thread(
            target=_read_tables, args=(reader_url, list(tables), batches), daemon=True
        )
        reader.start()
        while True:
            name, rows = batches.get()
            if name is _END:
                if rows is not None:
                    raise rows
                break
            width = len(tables[name].columns)
            db.executemany(f"insert into [{name}] values ({', '.join('?' * width)})", rows)
            counts[name] += len(rows)
        reader.join()
        clock = lap("copy rows")
        for table in tables.values():
            for index in table.indexes:
                db.execute(str(CreateIndex(index).compile(dialect=dialect)))
        clock = lap("indexes")
        if after:
            after(db)
        db.commit()
        clock = lap("views and search index")
        db.execute("pragma journal_mode = delete")
        db.execute("analyze")
        db.close()
        clock = lap("analyze")
        _fsync(tmp)  # the new file is on disk before its name is, even if the power fails
        if before_swap:
            before_swap(tmp, counts)
            clock = lap("counts and hash")
        os.replace(tmp, output)
        _fsync(output.parent)
        lap("sync and swap")
    finally:
        tmp.unlink(missing_ok=True)
    return PublishResult(
        output, counts, time.perf_counter() - started, output.stat().st_size, phases
    )
