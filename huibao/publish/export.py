"""What the Postgres tables look like in the published SQLite file, and how their rows leave
Postgres: the SQLite schema is derived from the SQLModel tables (Postgres arrays become JSON
text, times ISO-8601 text)."""

from __future__ import annotations

from functools import cache

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
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import JSON
from sqlmodel import SQLModel

import huibao.models  # noqa: F401  (registers the tables)

# Exported in this order (parents before children).
TABLES = [
    "sources",
    "source_paths",
    "documents",
    "reuse_passages",
    "reuse_documents",
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


@cache
def sqlite_tables() -> tuple[Table, ...]:
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
    return tuple(out)


# How each Postgres type leaves the database: arrays as JSON text and times as ISO-8601 text
# are made by Postgres itself, so rows reach SQLite without a Python step per value.
def select_sql(name: str, where: str | None = None) -> tuple[str, list[str]]:
    """SELECT (of the rows matching `where`, in key order) and COPY types for the exported
    columns of table `name`."""
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
    condition = f" where {where}" if where else ""
    named = ", ".join(f'{e} as "{n}"' for e, n in zip(exprs, exported_columns(name), strict=True))
    return f"select {named} from {name}{condition} order by {pk}", types


def exported_columns(name: str) -> list[str]:
    """The columns of table `name` in the published file, in order."""
    source = SQLModel.metadata.tables[name]
    return [c.name for c in source.columns if (name, c.name) not in SKIP_COLUMNS]


def json_batches_sql(name: str, where: str | None, size: int) -> str:
    """SELECT of the same rows as `select_sql`, as JSON arrays of `size` rows (each row an
    array of its values): for tables of many short rows, which SQLite then takes apart in C
    (`json_each`) faster than Python can hand it a tuple per row."""
    sql, _ = select_sql(name, where)
    values = ", ".join(f'x."{n}"' for n in exported_columns(name))
    return (
        f"select json_agg(json_build_array({values}) order by n)::text from "
        f"(select row_number() over () - 1 as n, r.* from ({sql}) r) x group by n / {size} "
        f"order by n / {size}"
    )
