"""Runs side by side: writer slots (a limit on concurrent writing runs that a crash cannot
leak) and file claims (runs that share an inbox take disjoint files)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

import psycopg

from huibao.files import FileStat

from . import locks
from .engine import conninfo
from .errors import retrying
from .paths import PATH_KEYS


class WriterSlot:
    """One of `slots` places for runs that write, held as a session advisory lock: Postgres
    frees it the moment the holder's connection ends, even when the process was killed (a
    lease-based limit would stay taken until the lease expired)."""

    def __init__(self, url: str, slots: int, poll: float = 1.0) -> None:
        self.url, self.slots, self.poll = url, max(1, slots), poll
        self.conn: psycopg.Connection | None = None

    def __enter__(self) -> WriterSlot:
        while True:
            self.conn = retrying(lambda: psycopg.connect(conninfo(self.url), autocommit=True))
            for k in range(self.slots):
                got = self.conn.execute(
                    "select pg_try_advisory_lock(%s, %s)", (locks.WRITER_SLOTS, k)
                ).fetchone()
                if got and got[0]:
                    return self
            self.conn.close()
            time.sleep(self.poll)

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            self.conn.close()


class Claimer:
    """Takes files for one run. While the run lives, it holds an advisory lock on a connection
    of its own; a claim (or a `running` row in ingest_runs) whose run holds no lock any more
    was left by a process that died."""

    def __init__(self, url: str, run: str, started: datetime) -> None:
        self.url, self.run, self.started = url, run, started
        self.conn: psycopg.Connection | None = None
        retrying(self._connect)

    def _connect(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        conn = psycopg.connect(conninfo(self.url), autocommit=True)
        conn.execute("select pg_advisory_lock(%s, hashtext(%s))", (locks.CLAIMS, self.run))
        self.conn = conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()  # releases the lock

    def __enter__(self) -> Claimer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def claim(self, stats: Sequence[FileStat]) -> list[FileStat]:
        """Take `stats` for this run and return those it now holds.

        A file is free when nobody holds it, when its last holder finished before this run
        began (so this run's plan saw the result), or when its holder died. A file finished by
        another run after this run began is left alone: this run's plan predates it.
        """
        if not stats:
            return []

        def attempt() -> list[tuple]:
            if self.conn is None or self.conn.closed or self.conn.broken:
                self._connect()  # after an outage: a new connection, the lock taken again
            try:
                return self._insert(stats)
            except psycopg.OperationalError:
                self.conn.close()
                raise

        held = {r[0] for r in retrying(attempt)}
        return [st for st in stats if st.path in held]

    def _insert(self, stats: Sequence[FileStat]) -> list[tuple]:
        assert self.conn is not None
        return self.conn.execute(
            """
            insert into file_claims (path, size, mtime_ns, run, claimed_at)
            select p, s, m, %(run)s, now()
            from unnest(%(paths)s::text[], %(sizes)s::bigint[], %(mtimes)s::bigint[]) as t(p, s, m)
            on conflict (path_key) do update set size = excluded.size,
                mtime_ns = excluded.mtime_ns,
                run = excluded.run, claimed_at = excluded.claimed_at, done_at = null
            where file_claims.run = excluded.run
               or (file_claims.done_at is not null and file_claims.done_at < %(started)s)
               or (file_claims.done_at is null and not exists (
                   select 1 from pg_locks l
                   where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                     and l.classid = %(space)s and l.objid = hashtext(file_claims.run)::oid))
            returning path
            """,
            {
                "run": self.run,
                "started": self.started,
                "space": locks.CLAIMS,
                "paths": [st.path for st in stats],
                "sizes": [st.size for st in stats],
                "mtimes": [st.mtime_ns for st in stats],
            },
        ).fetchall()


def finish_claims(conn: psycopg.Connection, paths: Sequence[str], run: str) -> None:
    with conn.transaction():
        conn.execute(
            f"update file_claims set done_at = now() where run = %s and path_key = any({PATH_KEYS})",
            (run, list(paths)),
        )
