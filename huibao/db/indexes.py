"""Indexes set aside while a large load runs, and built again after it.

The GIN indexes (trigrams behind `LIKE '%招商引资%'` in psql, the topics of sections) cost more
to keep up to date row by row than to build once, and kept up to date they come out several
times larger (on a 5-million-character corpus, 73 MB against 10 MB for the body trigrams); the
lookup of text reuse's fingerprints takes every row of a load at a random place. So a
run that loads at least as much as the database already holds drops them before loading and
builds them after. Their definitions wait in `deferred_indexes` with the run that dropped them:
a run killed in between leaves them to the next run, which builds them before it loads.
"""

from __future__ import annotations

import psycopg

from . import locks

DEFERRABLE = {  # index: its table
    "ix_sections_body_trgm": "sections",
    "ix_sections_heading_trgm": "sections",
    "ix_sections_topics": "sections",
    "ix_documents_title_trgm": "documents",
    # every fingerprint of a load goes to a random place in it (text reuse reads the table
    # whole after a large load, and builds it first when it needs it: huibao.db.reuse)
    "ix_reuse_fingerprints_hash": "reuse_fingerprints",
}
# indexes read alone (index-only scans): a page of the table not marked all-visible is read
# too, and a load leaves every page unmarked until autovacuum comes by; vacuumed after a build
READ_ALONE = {"ix_reuse_fingerprints_hash"}
BUILD_MEMORY = "256MB"  # maintenance_work_mem of a build: GIN sorts its entries in memory


def worth_deferring(conn: psycopg.Connection, todo_bytes: int) -> bool:
    """Whether a run about to read `todo_bytes` of files loads at least what is loaded (and
    may drop the indexes)."""
    (loaded,) = conn.execute(
        "select coalesce(sum(bytes), 0) from sources where status in ('loaded', 'partial')"
    ).fetchone()
    allowed = all(may_drop_indexes(conn, t) for t in set(DEFERRABLE.values()))
    conn.commit()
    return allowed and todo_bytes > 0 and todo_bytes >= loaded


_DEAD = """
    not exists (
        select 1 from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.objsubid = 2
          and l.classid = %(space)s and l.objid = hashtext(d.run)::oid)
"""


def may_drop_indexes(conn: psycopg.Connection, table: str) -> bool:
    """Whether this role may drop the indexes of `table` (its owner, or a member of its
    owner's role); a loader with only the rights to write rows keeps the indexes as they are."""
    row = conn.execute(
        "select pg_has_role(current_user, relowner, 'USAGE') from pg_class "
        "where oid = to_regclass(%s)",
        (table,),
    ).fetchone()
    return bool(row and row[0])


def pending(conn: psycopg.Connection) -> int:
    """How many indexes are set aside (by any run)."""
    (n,) = conn.execute("select count(*) from deferred_indexes").fetchone()
    conn.commit()
    return n


def defer(conn: psycopg.Connection, run: str) -> list[str]:
    """Drop the deferrable indexes that exist, keeping their definitions, and take over those
    that runs which died left set aside; returns the names dropped."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (locks.INDEXES,))
        conn.execute(
            f"update deferred_indexes d set run = %(run)s where {_DEAD}",
            {"run": run, "space": locks.CLAIMS},
        )
        rows = conn.execute(
            "select indexname, indexdef from pg_indexes "
            "where schemaname = current_schema() and indexname = any(%s)",
            (list(DEFERRABLE),),
        ).fetchall()
        for name, definition in rows:
            conn.execute(
                "insert into deferred_indexes (name, definition, run, deferred_at) "
                "values (%s, %s, %s, now()) on conflict (name) do nothing",
                (name, definition, run),
            )
            conn.execute(f'drop index "{name}"')
    return [name for name, _ in rows]


def restore(conn: psycopg.Connection, run: str | None = None) -> list[str]:
    """Build the indexes set aside by `run` and by runs that died (another run still alive is
    still loading: its indexes are its own to build); returns the names built."""
    built = []
    names = conn.execute(
        f"select d.name from deferred_indexes d where d.run = %(run)s or {_DEAD} order by 1",
        {"run": run, "space": locks.CLAIMS},
    ).fetchall()
    conn.commit()
    for (name,) in names:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (locks.INDEXES,))
            row = conn.execute(
                "select definition from deferred_indexes where name = %s", (name,)
            ).fetchone()
            if row is None:  # another run built it meanwhile
                continue
            exists = conn.execute("select to_regclass(%s) is not null", (name,)).fetchone()[0]
            if not exists:
                conn.execute(f"set local maintenance_work_mem = '{BUILD_MEMORY}'")
                conn.execute(row[0])
                built.append(name)
            conn.execute("delete from deferred_indexes where name = %s", (name,))
    _vacuum(conn, sorted({DEFERRABLE[n] for n in built if n in READ_ALONE}))
    return built


def _vacuum(conn: psycopg.Connection, tables: list[str]) -> None:
    if not tables:
        return
    conn.commit()
    was, conn.autocommit = conn.autocommit, True  # (VACUUM runs outside a transaction)
    try:
        for table in tables:
            conn.execute(f"vacuum {table}")
    finally:
        conn.autocommit = was
