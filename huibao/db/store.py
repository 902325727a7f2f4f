"""Storing what became of one file, in the process that read and parsed it.

Parser processes store their own results: a parsed report never crosses to another process,
so nothing pays for pickling it, and the rows are built on every core instead of in one
process that holds the GIL. Each file is stored in its own transaction; a database outage is
waited out (`errors.retrying`), after which the file is stored again from the start.
"""

from __future__ import annotations

import dataclasses

import psycopg

from huibao.parallel import Outcome, Stored
from huibao.text.fts import search_texts

from . import load
from .engine import connect
from .errors import REFUSED, retrying


class StoreInDatabase:
    """A picklable sink for `parse_files`: each worker process opens its own connection. With
    `search`, it also makes the rows of the search index for what it stored (the tokens are
    made on every core, and nothing reads the texts back from Postgres)."""

    def __init__(self, url: str, version: str, search: bool = False, reuse: bool = True) -> None:
        self.url, self.version, self.search, self.reuse = url, version, search, reuse
        self._conn: psycopg.Connection | None = None

    def __getstate__(self) -> dict:
        return {"url": self.url, "version": self.version, "search": self.search,
                "reuse": self.reuse}  # fmt: skip

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __call__(self, outcomes: list[Outcome]) -> list[Outcome]:
        stored = retrying(lambda: self._attempt(outcomes))
        for o, result in zip(outcomes, stored, strict=True):
            o.stored = result
            o.parsed = None  # stored: only the summary goes back
        return outcomes

    def _attempt(self, outcomes: list[Outcome]) -> list[Stored]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.close()
            self._conn = connect(self.url)
        try:
            return store(self._conn, outcomes, self.version, self.search, self.reuse)
        except psycopg.OperationalError:
            self.close()  # the next attempt reconnects
            raise


def store(
    conn: psycopg.Connection,
    outcomes: list[Outcome],
    version: str,
    search: bool = False,
    reuse: bool = True,
) -> list[Stored]:
    """Store a chunk of outcomes: the parsed reports together in one transaction (each file on
    its own when the database refuses the chunk, to find the file it refuses), then known
    content and rejections, each in its own. `reuse`: store what text reuse compares of the new reports (the run's last step compares them)."""
    results: dict[int, Stored] = {}
    batch: dict[str, int] = {}  # content -> the outcome loading it (the first with it)
    for i, o in enumerate(outcomes):
        if o.parsed is not None and not o.rejected and o.sha256 not in batch:
            batch[o.sha256] = i
    if batch:
        items = [outcomes[i] for i in batch.values()]
        try:
            loaded = load.load_sources(conn, [(o.stat, o.parsed) for o in items], version, reuse)
        except REFUSED:
            loaded = None
        if loaded is not None:
            for i, o, r in zip(batch.values(), items, loaded, strict=True):
                results[i] = _stored(conn, o, r, search)
    for i, o in enumerate(outcomes):
        if i not in results:
            results[i] = store_one(conn, o, version, search, reuse)
    return [results[i] for i in range(len(outcomes))]


def store_one(
    conn: psycopg.Connection, o: Outcome, version: str, search: bool = False, reuse: bool = True
) -> Stored:
    """Store one outcome: link known content, record a rejection, or load the parsed reports.
    A source the database refuses is recorded as rejected with the database's reason."""
    if o.known or (o.parsed is not None and not o.rejected and _loaded(conn, o, version)):
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
        result = load.load_source(conn, o.stat, o.parsed, version, reuse)
    except REFUSED as exc:
        reason = f"database refused the content: {type(exc).__name__}: {exc}".strip()[:1000]
        load.record_rejection(conn, o.stat, o.sha256, reason)
        o.rejected = reason
        return Stored()
    return _stored(conn, o, result, search)


def _loaded(conn: psycopg.Connection, o: Outcome, version: str) -> bool:
    """Whether a parsed file's content was loaded by this pipeline version already (another
    file of the same chunk had it)."""
    existing = load.source_version(conn, o.sha256)
    return existing is not None and existing[2] == version and existing[1] != "rejected"


def _stored(conn: psycopg.Connection, o: Outcome, result: load.LoadResult, search: bool) -> Stored:
    rows = search_texts(o.parsed, result.ids) if search else None
    return Stored(result.documents, result.sections, result.chars, rows)
