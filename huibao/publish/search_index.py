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

import hashlib
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from huibao.text.fts import index_text

# FTS table -> (Postgres table, SQL for the text of each row)
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
        self.db = sqlite3.connect(self.path)
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
        return all(_digest(text) == sample[i] for i, text in rows)

    def update(self, pg: psycopg.Connection) -> IndexUpdate:
        """Index what Postgres has and this index lacks (a read-only connection is enough)."""
        identity = _database_identity(pg)
        rebuilt = False
        if self._meta("database") not in (None, identity) or self._untracked_orphans():
            self._reset()
            rebuilt = True
        added, orphans = {}, {}
        orphans_before = {fts: int(self._meta(f"orphans:{fts}") or 0) for fts in SOURCES}
        for fts, (table, sql) in SOURCES.items():
            live = {r[0] for r in pg.execute(f"select id from {table}")}
            if not self._fingerprints_hold(pg, fts, sql):  # ids were reused: start over
                self._reset()
                rebuilt = True
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
                    ((fts, i, _digest(text)) for i, text in rows[:: max(1, len(rows) // 5)]),
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
            self.db.execute(
                "insert or replace into meta values ('version', ?)", (uuid.uuid4().hex,)
            )
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


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
