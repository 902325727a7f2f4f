"""The Chinese full-text index, kept up to date incrementally and copied into each publish.

Building an FTS5 index costs far more than copying rows (about 3 million characters a second),
so the index lives in its own SQLite file under $HUIBAO_HOME and each publish only adds the
sections and documents loaded since the last one, then copies the index's tables into the new
file. Rows that were deleted from Postgres stay in the index as orphans: their ids are never
reused, so they match no row; when they pass a quarter of the index, it is rebuilt. If the
database is another one (its `instance` id differs) or was emptied and refilled (a sample of
indexed rows no longer has the text it was indexed with), the index starts over. The orphans'
ids are kept (`search_orphans`, copied into each published file) so that the site can count
a search's matches from the index alone (see huibao/datasette/search_count.py).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

from huibao.db.engine import conninfo
from huibao.text.fts import Row, digest, index_text

# FTS table -> (Postgres table, SQL for the text of each row); `search_texts` makes the same
# texts from a parsed file
SOURCES = {
    "sections_fts": (
        "sections",
        "select id, heading || '\n' || body from sections where id = any(%s)",
    ),
    "documents_fts": (
        "documents",
        "select id, coalesce(title, '') || '\n' || clean_text from documents where id = any(%s)",
    ),
}
FTS_OPTIONS = "text, content='', columnsize=0"
# FTS5's own tables behind each index: their keys and their other columns
SHADOW = {
    "data": (["id"], ["block"]),
    "idx": (["segid", "term"], ["pgno"]),
    "config": (["k"], ["v"]),
}
ORPHANS = (
    "create table if not exists search_orphans (fts text, id integer, primary key (fts, id)) "
    "without rowid"
)
ORPHAN_LIMIT = 0.25
BATCH = 2000


@dataclass(slots=True)
class IndexUpdate:
    added: dict[str, int]
    orphans: dict[str, int]
    rebuilt: bool


class SearchIndex:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=120)  # a publish may be copying it
        self.db.execute("pragma journal_mode = wal")
        self._schema()

    def close(self) -> None:
        self.db.close()

    def _schema(self) -> None:
        for fts in SOURCES:
            self.db.execute(f"create virtual table if not exists {fts} using fts5({FTS_OPTIONS})")
        self.db.execute(
            "create table if not exists indexed (fts text, id integer, primary key (fts, id)) "
            "without rowid"
        )
        self.db.execute(ORPHANS)
        self.db.execute("create table if not exists meta (key text primary key, value text)")
        self.db.execute(
            "create table if not exists fingerprints (fts text, id integer, digest text, "
            "primary key (fts, id)) without rowid"
        )
        self.db.commit()

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _reset(self) -> None:
        for fts in SOURCES:
            self.db.execute(f"drop table if exists {fts}")
        self.db.execute("delete from indexed")
        self.db.execute("delete from search_orphans")
        self.db.execute("delete from fingerprints")
        self.db.execute("delete from meta")
        self.db.commit()
        self._schema()

    def _untracked_orphans(self) -> bool:
        """An index made before orphans' ids were kept has orphans nobody can name."""
        if self._meta("orphan_ids") == "kept":
            return False
        return any(int(self._meta(f"orphans:{fts}") or 0) for fts in SOURCES)

    def _fingerprints_hold(self, pg: psycopg.Connection, fts: str, sql: str) -> bool:
        sample = dict(
            self.db.execute(
                "select id, digest from fingerprints where fts = ? order by random() limit 50",
                (fts,),
            ).fetchall()
        )
        if not sample:
            return True
        rows = pg.execute(sql, (list(sample),)).fetchall()
        return all(digest(text) == sample[i] for i, text in rows)

    def prepare(self, pg: psycopg.Connection) -> bool:
        """Start over if this index was made for another database, holds orphans nobody can
        name, or its ids were reused (emptied and refilled); returns whether it started over."""
        identity = _database_identity(pg)
        reset = self._meta("database") not in (None, identity) or self._untracked_orphans()
        if reset:
            self._reset()
        for fts, (_, sql) in SOURCES.items():
            if not self._fingerprints_hold(pg, fts, sql):
                self._reset()
                reset = True
                break
        if reset or self._meta("database") is None:
            self.db.execute("insert or replace into meta values ('database', ?)", (identity,))
            self.db.execute("insert or replace into meta values ('orphan_ids', 'kept')")
        self.db.commit()
        return reset

    def add(self, fts: str, rows: list[Row]) -> None:
        """Index rows of a file just loaded (see `search_texts`); the caller commits."""
        self.db.executemany(
            f"insert into {fts}(rowid, text) values (?, ?)", ((i, t) for i, t, _ in rows)
        )
        self.db.executemany(
            "insert or ignore into indexed (fts, id) values (?, ?)", ((fts, i) for i, _, _ in rows)
        )
        self.db.executemany(
            "insert or replace into fingerprints values (?, ?, ?)",
            ((fts, i, d) for i, _, d in rows if d is not None),
        )

    def merging(self, bulk: bool) -> None:
        """Many inserts to come (`bulk`): leave FTS5's segments unmerged until they are done;
        then merge them once (FTS5 would otherwise merge after every few commits)."""
        for fts in SOURCES:
            if bulk:
                self.db.execute(f"insert into {fts}({fts}, rank) values ('automerge', 0)")
            else:
                self.db.execute(f"insert into {fts}({fts}, rank) values ('automerge', 4)")
                self.db.execute(f"insert into {fts}({fts}, rank) values ('merge', 500)")

    def touch(self) -> None:
        """Mark the content as changed (the site mirror copies the index when it did)."""
        self.db.execute("insert or replace into meta values ('version', ?)", (uuid.uuid4().hex,))

    def update(self, pg: psycopg.Connection) -> IndexUpdate:
        """Index what Postgres has and this index lacks (a read-only connection is enough)."""
        identity = _database_identity(pg)
        rebuilt = self.prepare(pg)
        added, orphans = {}, {}
        orphans_before = {fts: int(self._meta(f"orphans:{fts}") or 0) for fts in SOURCES}
        for fts, (table, sql) in SOURCES.items():
            live = {r[0] for r in pg.execute(f"select id from {table}")}
            have = {r[0] for r in self.db.execute("select id from indexed where fts = ?", (fts,))}
            gone = have - live
            total_orphans = int(self._meta(f"orphans:{fts}") or 0) + len(gone)
            if have and total_orphans > ORPHAN_LIMIT * max(len(have), 1):
                self.db.execute(f"drop table {fts}")
                self.db.execute(f"create virtual table {fts} using fts5({FTS_OPTIONS})")
                self.db.execute("delete from indexed where fts = ?", (fts,))
                self.db.execute("delete from search_orphans where fts = ?", (fts,))
                have, gone, total_orphans, rebuilt = set(), set(), 0, True
            self.db.executemany(
                "delete from indexed where fts = ? and id = ?", ((fts, i) for i in gone)
            )
            self.db.executemany(
                "insert or ignore into search_orphans values (?, ?)", ((fts, i) for i in gone)
            )
            new = sorted(live - have)
            self.db.execute(f"insert into {fts}({fts}, rank) values ('automerge', 0)")
            for start in range(0, len(new), BATCH):
                chunk = new[start : start + BATCH]
                rows = pg.execute(sql, (chunk,)).fetchall()
                self.db.executemany(
                    f"insert into {fts}(rowid, text) values (?, ?)",
                    ((i, index_text(text)) for i, text in rows),
                )
                self.db.executemany(
                    "insert into indexed (fts, id) values (?, ?)", ((fts, i) for i, _ in rows)
                )
                self.db.executemany(
                    "insert or replace into fingerprints values (?, ?, ?)",
                    ((fts, i, digest(text)) for i, text in rows[:: max(1, len(rows) // 5)]),
                )
            self.db.execute(f"insert into {fts}({fts}, rank) values ('automerge', 4)")
            if new:
                self.db.execute(f"insert into {fts}({fts}, rank) values ('merge', 500)")
            self.db.execute(
                "insert or replace into meta values (?, ?)", (f"orphans:{fts}", str(total_orphans))
            )
            added[fts], orphans[fts] = len(new), total_orphans
        self.db.execute("insert or replace into meta values ('database', ?)", (identity,))
        self.db.execute("insert or replace into meta values ('orphan_ids', 'kept')")
        if (
            rebuilt
            or any(added.values())
            or self._meta("version") is None
            or any(orphans[fts] != before for fts, before in orphans_before.items())
        ):
            self.touch()
        self.db.commit()
        pg.commit()
        return IndexUpdate(added, orphans, rebuilt)

    def version(self) -> str | None:
        """Changes whenever the index's content does (a new file starts a new one)."""
        return self._meta("version")

    def attach(self, target: sqlite3.Connection) -> None:
        """Attach this index's file to `target` (outside a transaction) for `copy_into`."""
        self.db.commit()
        target.execute("attach database ? as search_index", (str(self.path),))

    def copy_into(self, target: sqlite3.Connection) -> None:
        """Give the FTS tables in `target`, which has this index attached, this index's content
        (created if missing); a transaction of `target` is left open."""
        for fts in SOURCES:
            target.execute(f"create virtual table if not exists {fts} using fts5({FTS_OPTIONS})")
            for shadow, (keys, values) in SHADOW.items():
                _copy_changed(target, f"{fts}_{shadow}", keys, values)
        target.execute(ORPHANS)
        _copy_changed(target, "search_orphans", ["fts", "id"], [])


def _copy_changed(target: sqlite3.Connection, table: str, keys: list[str], values: list[str]):
    """Make `table` of `target` equal to the attached index's by deleting the rows that are gone
    or differ and inserting the missing ones: an update touches a few segments of the index,
    and rewriting all of it would also write all of it to the rollback journal."""
    same = " and ".join(f"s.{c} is t.{c}" for c in keys + values)
    target.execute(
        f"delete from main.{table} as t where not exists "
        f"(select 1 from search_index.{table} s where {same})"
    )
    keyed = " and ".join(f"t.{c} = s.{c}" for c in keys)
    target.execute(
        f"insert into main.{table} select * from search_index.{table} s where not exists "
        f"(select 1 from main.{table} t where {keyed})"
    )


def _database_identity(pg: psycopg.Connection) -> str:
    return pg.execute("select uuid from instance where id = 1").fetchone()[0]


class Feeder:
    """Indexes the rows of files as they are loaded, in a thread (SQLite works outside the
    GIL), so that the index is ready when the loading ends. A failure here only leaves rows
    for `SearchIndex.update` to index from Postgres; it is kept in `error`."""

    COMMIT_ROWS = 20_000

    def __init__(self, path: Path, reader_url: str) -> None:
        self.path, self.reader_url = path, reader_url
        self.error: BaseException | None = None
        self.added = 0
        self._queue: queue.Queue = queue.Queue(maxsize=32)
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()

    def put(self, rows: dict[str, list[Row]]) -> None:
        if self.error is None:
            self._queue.put(rows)

    def close(self) -> None:
        if self.error is None:
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        index = None
        try:
            index = SearchIndex(self.path)
            with psycopg.connect(conninfo(self.reader_url)) as pg:
                index.prepare(pg)
            index.merging(bulk=True)
            uncommitted = 0
            while (item := self._queue.get()) is not None:
                for fts, rows in item.items():
                    index.add(fts, rows)
                    uncommitted += len(rows)
                    self.added += len(rows)
                if uncommitted >= self.COMMIT_ROWS:
                    index.db.commit()
                    uncommitted = 0
            if self.added:
                index.touch()
            index.merging(bulk=False)
            index.db.commit()
        except BaseException as exc:
            self.error = exc
            with suppress(queue.Empty):  # unblock a producer waiting on a full queue
                while True:
                    self._queue.get_nowait()
        finally:
            if index is not None:
                index.close()
