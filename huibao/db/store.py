"""Storing what became of one file, in the process that read and parsed it.

Parser processes store their own results: a parsed report never crosses to another process,
so nothing pays for pickling it, and the rows are built on every core instead of in one
process that holds the GIL. Each file is stored in its own transaction; a database outage is
waited out (`load.retrying`), after which the file is stored again from the start.
"""

from __future__ import annotations

import dataclasses

import psycopg

from huibao.parallel import Outcome, Stored

from . import load


class StoreInDatabase:
    """A picklable sink for `parse_files`: each worker process opens its own connection."""

    def __init__(self, url: str, version: str) -> None:
        self.url, self.version = url, version
        self._conn: psycopg.Connection | None = None

    def __getstate__(self) -> dict:
        return {"url": self.url, "version": self.version}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["url"], state["version"])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __call__(self, outcome: Outcome) -> Outcome:
        outcome.stored = load.retrying(lambda: self._attempt(outcome))
        outcome.parsed = None  # stored: only the summary goes back
        return outcome

    def _attempt(self, outcome: Outcome) -> Stored:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.close()
            self._conn = load.connect(self.url)
        try:
            return store(self._conn, outcome, self.version)
        except psycopg.OperationalError:
            self.close()  # the next attempt reconnects
            raise


def store(conn: psycopg.Connection, o: Outcome, version: str) -> Stored:
    """Store one outcome: link known content, record a rejection, or load the parsed reports.
    A source the database refuses is recorded as rejected with the database's reason."""
    if o.known:
        existing = load.source_version(conn, o.sha256)
        load.link_path(conn, o.stat, existing[0] if existing else None)
        return Stored()
    if o.rejected:
        # a transient failure is stored without its mtime, so the next run reads again
        stat = dataclasses.replace(o.stat, mtime_ns=0) if o.transient else o.stat
        load.record_rejection(conn, stat, o.sha256, o.rejected, o.encoding, o.format)
        return Stored()
    assert o.parsed is not None
    try:
        result = load.load_source(conn, o.stat, o.parsed, version)
    except (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError) as exc:
        conn.rollback()
        reason = f"database refused the content: {type(exc).__name__}: {exc}".strip()[:1000]
        load.record_rejection(conn, o.stat, o.sha256, reason)
        o.rejected = reason
        return Stored()
    return Stored(result.documents, result.sections, result.chars)
