"""The site's SQLite tables, kept in step with Postgres between publishes.

Rows of the large tables never change once loaded: a changed file's reports are deleted and
loaded again under new ids, and a full keyword refresh replaces every keyword. So a SQLite file
under $HUIBAO_HOME (`site-mirror.db`) holds the exported tables with the site's indexes, views
and search index, and each sync applies only the difference, in one Postgres snapshot and one
SQLite transaction: rows whose keys Postgres no longer has are deleted, rows it has and the
mirror lacks are copied. The few tables that change in place (sources, runs, the IDF) are small
and copied whole. Each ingest syncs the mirror, so a publish copies a file that is ready.

If the database is another one or its ids were reused (emptied and refilled), a sample of rows
no longer matches and the mirror starts over; so does a mirror SQLite cannot read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import queue
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import psycopg
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from huibao.db.engine import conninfo

from . import site
from .export import TABLES, exported_columns, json_batches_sql, select_sql, sqlite_tables
from .search_index import SearchIndex

# Append-only tables and the key their rows come and go by (all rows of a key at once).
DIFFED = {
    "documents": "id",
    "sections": "id",
    "section_topics": "section_id",
    "keywords": "id",
    "slogans": "id",
    "indicators": "id",
    "glossary": "id",
    "cleaning_edits": "id",
    "reuse_passages": "id",
}
WHOLE = [t for t in TABLES if t not in DIFFED]  # small, updated in place
STATE = "mirror_state"
SAMPLE = 20  # keys per table compared with Postgres to catch reused ids
BULK = 0.5  # inserting more than this share of a table: drop its indexes, rebuild after
ANALYZE_DRIFT = 0.1  # re-ANALYZE when a table's rows changed by a tenth
BATCH = 5000  # rows handed from the reading thread to SQLite at a time
SMALL_BATCH = {"documents": 250}  # whole reports: a batch of 5,000 would be 50 MB of text
# Many short rows: Postgres sends them as JSON and SQLite takes them apart (export.json_batches_sql)
AS_JSON = {"keywords", "section_topics", "slogans"}


@dataclass(slots=True)
class MirrorSync:
    counts: dict[str, int]  # rows per table after the sync
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    rebuilt: bool = False
    seconds: float = 0.0


class Mirror:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One process at a time syncs or copies the mirror (released if it is killed)."""
        with open(self.lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("pragma journal_mode = delete")  # a killed sync is rolled back on next open
        db.execute("pragma synchronous = normal")  # each sync is on disk when it commits
        db.execute("pragma foreign_keys = off")
        db.execute("pragma temp_store = memory")
        db.execute("pragma cache_size = -262144")  # 256 MB: build indexes without spilling
        return db

    def _create(self) -> sqlite3.Connection:
        for stale in (self.path, self.path.with_name(self.path.name + "-journal")):
            stale.unlink(missing_ok=True)
        db = self._open()
        db.execute("begin")
        for sql in schema_statements():
            db.execute(sql)
        db.execute(f"create table {STATE} (key text primary key, value text)")
        db.execute(f"insert into {STATE} values ('schema', ?)", (_schema_digest(),))
        db.execute("commit")
        return db

    def _connect(self) -> tuple[sqlite3.Connection, bool]:
        """The mirror, and whether it was made anew (missing, unreadable, of another schema)."""
        if self.path.exists():
            try:
                db = self._open()
                if _state(db, "schema") == _schema_digest():
                    return db, False
                db.close()
            except sqlite3.DatabaseError:
                pass
        return self._create(), True

    def sync(
        self, reader_url: str, index: SearchIndex | None = None, skip: Iterable[str] = ()
    ) -> MirrorSync:
        """Bring the mirror in step with the database at `reader_url` (read-only is enough),
        and copy in the search index when it changed. Tables in `skip` are left as they are
        (for a later sync: an ingest syncs the rest while the keywords are being refreshed)."""
        started = time.perf_counter()
        skip = frozenset(skip)
        with self._locked():
            try:
                result = self._sync(reader_url, index, skip, fresh=False)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    raise
                # a damaged mirror (a power cut while syncing): start over from Postgres
                result = self._sync(reader_url, index, skip, fresh=True)
        result.seconds = time.perf_counter() - started
        return result

    def _sync(
        self, reader_url: str, index: SearchIndex | None, skip: frozenset[str], fresh: bool
    ) -> MirrorSync:
        db, made = (self._create(), True) if fresh else self._connect()
        try:
            with psycopg.connect(conninfo(reader_url)) as pg:
                pg.execute("set transaction isolation level repeatable read, read only")
                identity = pg.execute("select uuid from instance where id = 1").fetchone()[0]
                rebuilt = made
                if _state(db, "database") not in (None, identity) or not _samples_hold(db, pg):
                    db.close()
                    db = self._create()
                    rebuilt = True
                if index is not None:
                    index.attach(db)
                result = _apply(db, pg, index, skip)
                result.rebuilt = rebuilt
                _set_state(db, "database", identity)
                db.execute("commit")
                return result
        finally:
            if db.in_transaction:
                db.execute("rollback")
            db.close()

    def discard(self) -> None:
        """Forget the mirror: the next sync copies every row again."""
        with self._locked():
            for path in (self.path, self.path.with_name(self.path.name + "-journal")):
                path.unlink(missing_ok=True)

    def copy_to(self, target: Path) -> dict[str, int]:
        """Copy the mirror to `target`; returns the rows per table of the copy."""
        with self._locked():
            db = self._open()
            try:
                counts = json.loads(_state(db, "counts") or "{}")
            finally:
                db.close()
            if not counts:
                raise RuntimeError(f"the site mirror {self.path} was never synced")
            shutil.copyfile(self.path, target)
        return counts


@cache
def schema_statements() -> tuple[str, ...]:
    """The statements that make an empty mirror: tables, their indexes, the site's views."""
    dialect = sqlite_dialect.dialect()
    db = sqlite3.connect(":memory:")
    for table in sqlite_tables():
        db.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            db.execute(str(CreateIndex(index).compile(dialect=dialect)))
    site.build(db)
    out = tuple(r[0] for r in db.execute("select sql from sqlite_schema where sql is not null"))
    db.close()
    return out


def _schema_digest() -> str:
    return hashlib.sha256("\n".join(sorted(schema_statements())).encode()).hexdigest()[:16]


def _state(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute(f"select value from {STATE} where key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_state(db: sqlite3.Connection, key: str, value: str | None) -> None:
    db.execute(f"insert or replace into {STATE} values (?, ?)", (key, value))


def _keys_sql(table: str) -> str:
    return f"select distinct {DIFFED[table]} from {table}"


def _samples_hold(db: sqlite3.Connection, pg: psycopg.Connection) -> bool:
    """Whether a sample of the mirror's rows still has the values Postgres holds under their
    keys (ids reused after the database was emptied and refilled do not)."""
    for table, key in DIFFED.items():
        keys = [
            r[0]
            for r in db.execute(
                f"select {key} from (select distinct {key} from [{table}]) "
                f"order by random() limit {SAMPLE}"
            )
        ]
        if not keys:
            continue
        sql, _ = select_sql(table, where=f'"{key}" = any(%s)')
        at = exported_columns(table).index(key)
        theirs = pg.execute(sql, (keys,)).fetchall()
        kept = {row[at] for row in theirs}  # keys deleted since are not a mismatch
        marks = ", ".join("?" * len(keys))
        ours = [
            row
            for row in db.execute(f"select * from [{table}] where {key} in ({marks})", keys)
            if row[at] in kept
        ]
        if sorted(map(repr, theirs)) != sorted(map(repr, ours)):
            return False
    return True


@dataclass(slots=True)
class _Change:
    table: str
    rows: int  # rows in Postgres
    clear: bool = False  # delete every row first
    gone: list[int] = field(default_factory=list)  # keys to delete
    ranges: list[tuple[int, int] | None] = field(default_factory=list)  # to copy; None: all
    bulk: bool = False  # most rows are new: drop the indexes and build them after
    digest: str | None = None  # content of a table copied whole
    summary: list[int] | None = None  # count, min, max and sum of the keys, after the sync


def _summary(table: str) -> str:
    bounds = ", ".join(f"coalesce({f}({DIFFED[table]}), 0)" for f in ("min", "max", "sum"))
    return f"select count(*), {bounds} from {table}"


def _plan(db: sqlite3.Connection, pg: psycopg.Connection, skip: frozenset[str]) -> list[_Change]:
    """What to change in each table but those in `skip`. A table whose keys have the same
    count, bounds and sum on both sides is unchanged (new rows get new ids, so a change moves
    at least one); a small table is copied again when the digest of its rows moved."""
    changes = []
    for table in TABLES:
        if table in skip:
            continue
        if table in WHOLE:
            sql, _ = select_sql(table)
            rows, digest = pg.execute(
                f"select count(*), md5(coalesce(string_agg(x::text, '|'), '')) from ({sql}) x"
            ).fetchone()
            if digest != _state(db, f"digest:{table}"):
                changes.append(_Change(table, rows, clear=True, ranges=[None], digest=digest))
            else:
                changes.append(_Change(table, rows))
            continue
        theirs = [int(v) for v in pg.execute(_summary(table)).fetchone()]
        # the summary the last sync left (only a sync changes the mirror), else counted here
        known = _state(db, f"summary:{table}")
        ours = json.loads(known) if known else list(db.execute(_summary(table)).fetchone())
        if theirs == ours:
            changes.append(_Change(table, theirs[0], summary=theirs))
            continue
        appended = _appended(pg, table, ours, theirs)
        if appended is not None:
            changes.append(appended)
            continue
        # one string: a row per key would cost more in this process than the keys themselves
        listed = pg.execute(
            f"select string_agg(k::text, ' ' order by k) from ({_keys_sql(table)}) x (k)"
        ).fetchone()[0]
        live = list(map(int, (listed or "").split()))
        have = {r[0] for r in db.execute(_keys_sql(table))}
        new = {k for k in live if k not in have}
        gone = have.difference(live)
        change = _Change(table, theirs[0], ranges=list(_runs(live, new)), summary=theirs)
        change.clear = bool(have) and len(gone) == len(have)
        change.gone = [] if change.clear else sorted(gone)
        change.bulk = len(new) > BULK * len(live)
        changes.append(change)
    return changes


def _appended(pg: psycopg.Connection, table: str, ours: list[int], theirs: list[int]):
    """The change when rows were only added since the last sync (the everyday case), found
    without listing every key: new rows get keys above any the mirror holds, so when the rows
    up to the mirror's highest key still have its count and sum of keys, none of them went
    and the new ones are those above it. None when rows went too."""
    count, _, top, total = ours
    if count == 0:
        return _Change(table, theirs[0], ranges=[None], summary=theirs, bulk=True)
    key = DIFFED[table]
    below = pg.execute(
        f"select count(*), coalesce(sum({key}), 0) from {table} where {key} <= %s", (top,)
    ).fetchone()
    if [int(v) for v in below] != [count, total]:
        return None
    added = theirs[0] - count
    return _Change(
        table,
        theirs[0],
        ranges=[(top + 1, theirs[2])],
        summary=theirs,
        bulk=added > BULK * theirs[0],
    )


_END = object()


def _apply(
    db: sqlite3.Connection,
    pg: psycopg.Connection,
    index: SearchIndex | None,
    skip: frozenset[str] = frozenset(),
) -> MirrorSync:
    """Apply Postgres's rows to the mirror inside one transaction (left open for the caller)."""
    db.execute("begin immediate")
    changes = _plan(db, pg, skip)
    rows = {c.table: c.rows for c in changes}
    before = json.loads(_state(db, "counts") or "{}")  # the tables skipped stay as they are
    result = MirrorSync(counts={t: rows[t] if t in rows else before.get(t, 0) for t in TABLES})
    dropped: list[str] = []
    for change in changes:
        if change.clear:
            db.execute(f"delete from [{change.table}]")
        elif change.gone:
            db.execute(
                f"delete from [{change.table}] where {DIFFED[change.table]} in "
                "(select value from json_each(?))",
                (json.dumps(change.gone),),
            )
        if change.bulk:
            dropped += _drop_indexes(db, change.table)
        result.removed[change.table] = len(change.gone)
        if change.digest:
            _set_state(db, f"digest:{change.table}", change.digest)
        if change.summary:
            _set_state(db, f"summary:{change.table}", json.dumps(change.summary))
    out: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()
    # Postgres is read in a thread while SQLite writes here: the two overlap.
    reader = threading.Thread(target=_read, args=(pg, changes, out, stop), daemon=True)
    reader.start()
    try:
        _write(db, out, result)
    finally:
        stop.set()  # a failed write must not leave the reader waiting on a full queue
        reader.join()
    for sql in dropped:
        db.execute(sql)
    if index is not None and index.version() != _state(db, "search_index"):
        index.copy_into(db)
        _set_state(db, "search_index", index.version())
    _analyze_if_drifted(db, result.counts)
    _set_state(db, "counts", json.dumps(result.counts))
    return result


def _write(db: sqlite3.Connection, out: queue.Queue, result: MirrorSync) -> None:
    """Insert the batches the reader hands over until it says it is done (or failed)."""
    widths = {t.name: len(t.columns) for t in sqlite_tables()}
    while True:
        table, rows = out.get()
        if table is _END:
            if rows is not None:
                raise rows
            break
        if isinstance(rows, str):  # a JSON array of rows
            values = ", ".join(f"value ->> {i}" for i in range(widths[table]))
            added = db.execute(
                f"insert into [{table}] select {values} from json_each(?)", (rows,)
            ).rowcount
        else:
            db.executemany(f"insert into [{table}] values ({', '.join('?' * widths[table])})", rows)
            added = len(rows)
        result.added[table] = result.added.get(table, 0) + added


class _Stopped(Exception):
    """The writer gave up: stop reading."""


def _read(
    pg: psycopg.Connection, changes: list[_Change], out: queue.Queue, stop: threading.Event
) -> None:
    """Stream the rows to copy into `out` as (table, rows) batches, then _END."""

    def put(item: tuple) -> None:
        while True:
            try:
                return out.put(item, timeout=0.2)
            except queue.Full:
                if stop.is_set():
                    raise _Stopped from None

    with suppress(_Stopped):
        try:
            for change in changes:
                key = DIFFED.get(change.table)
                for span in change.ranges:
                    where = span and f'"{key}" between {span[0]} and {span[1]}'
                    _stream(pg, change.table, where, put)
            put((_END, None))
        except _Stopped:
            raise
        except BaseException as exc:  # hand the failure to the writer
            put((_END, exc))


def _stream(pg: psycopg.Connection, table: str, where: str | None, put: Callable) -> None:
    if table in AS_JSON:
        sql = json_batches_sql(table, where, BATCH)
        with pg.cursor() as cur, cur.copy(f"copy ({sql}) to stdout (format binary)") as cp:
            cp.set_types(["text"])
            for (batch,) in cp.rows():
                put((table, batch))
        return
    sql, types = select_sql(table, where=where)
    with pg.cursor() as cur, cur.copy(f"copy ({sql}) to stdout (format binary)") as cp:
        cp.set_types(types)
        batch = []
        for row in cp.rows():
            batch.append(row)
            if len(batch) >= SMALL_BATCH.get(table, BATCH):
                put((table, batch))
                batch = []
        if batch:
            put((table, batch))


def _runs(live: list[int], new: set[int]) -> Iterator[tuple[int, int]]:
    """The new keys as ranges of consecutive live keys: `between` fetches exactly them."""
    start = last = None
    for k in live:
        if k in new:
            if start is None:
                start = k
            last = k
        elif start is not None:
            yield start, last
            start = None
    if start is not None:
        yield start, last


def _drop_indexes(db: sqlite3.Connection, table: str) -> list[str]:
    """Drop the indexes of `table` (bulk inserts are faster without them); returns their SQL."""
    rows = db.execute(
        "select name, sql from sqlite_schema where type = 'index' and tbl_name = ? "
        "and sql is not null",
        (table,),
    ).fetchall()
    for name, _ in rows:
        db.execute(f"drop index [{name}]")
    return [sql for _, sql in rows]


def _analyze_if_drifted(db: sqlite3.Connection, counts: dict[str, int]) -> None:
    """Refresh the query planner's statistics of each table that grew or shrank by a tenth
    since they were last taken (only those: analysing is a scan of every index)."""
    before = json.loads(_state(db, "analyzed") or "{}")
    drifted = [
        t
        for t, n in counts.items()
        if t not in before or abs(n - before[t]) > ANALYZE_DRIFT * max(before[t], 1)
    ]
    for table in drifted:
        db.execute(f"analyze [{table}]")
        before[table] = counts[table]
    if drifted:
        _set_state(db, "analyzed", json.dumps(before))
