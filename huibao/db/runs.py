"""The `ingest_runs` bookkeeping: a row per run, its counts and how it ended."""

from __future__ import annotations

import psycopg

from huibao.models import IngestRun
from huibao.models.statuses import RunStatus

from . import locks
from .engine import connect, now

# the counts a run records: the integer columns of `ingest_runs` after its status
RUN_COUNTS: tuple[str, ...] = tuple(
    c.name
    for c in IngestRun.__table__.columns
    if c.name.startswith("files_") or c.name.endswith("_loaded")
)


def start_run(conn: psycopg.Connection, flow_run_id: str | None) -> int:
    with conn.transaction():
        return conn.execute(
            f"insert into ingest_runs (flow_run_id, started_at, status, {', '.join(RUN_COUNTS)}) "
            f"values (%s, %s, 'running'{', 0' * len(RUN_COUNTS)}) returning id",
            (flow_run_id, now()),
        ).fetchone()[0]


def mark_interrupted(conn: psycopg.Connection) -> int:
    """Runs still `running` whose claimer holds no lock any more were killed or crashed."""
    with conn.transaction():
        return conn.execute(
            """
            update ingest_runs r set status = 'interrupted', finished_at = %s,
                message = 'the run stopped before it finished (killed or crashed); '
                          'whatever it committed is kept, the next run does the rest'
            where r.status = 'running' and not exists (
                select 1 from pg_locks l
                where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                  and l.classid = %s and l.objid = hashtext(r.flow_run_id)::oid)
            """,
            (now(), locks.CLAIMS),
        ).rowcount


def record_start(url: str, run: str) -> int:
    """Mark the runs that died as interrupted, then start this one's row."""
    with connect(url) as conn:
        mark_interrupted(conn)
        return start_run(conn, run)


def record_finish(
    url: str, run_id: int, status: RunStatus, counts: dict, message: str | None
) -> None:
    with connect(url) as conn:
        finish_run(conn, run_id, status, counts, message)


def finish_run(
    conn: psycopg.Connection,
    run_id: int,
    status: RunStatus,
    counts: dict,
    message: str | None = None,
) -> None:
    sets = ", ".join(f"{f} = %s" for f in RUN_COUNTS)
    with conn.transaction():
        conn.execute(
            f"update ingest_runs set {sets}, status = %s, finished_at = %s, message = %s where id = %s",
            [*(int(counts.get(f, 0)) for f in RUN_COUNTS), status, now(), message, run_id],
        )
