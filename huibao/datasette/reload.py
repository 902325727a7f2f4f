"""Serve each new publish without a restart.

`huibao publish` renames a new file over the old one. Datasette keeps SQLite connections per
thread, so it would go on reading the old file (still open, though unlinked). Databases that
come from files are served through `ReloadingDatabase`, whose connections carry the generation
of the file they were opened on; when a request finds the file replaced (another inode, size or
time), the generation moves on and every thread reconnects on its next query. Each file's
table counts and hash come from the inspect file its publish wrote, when there is one.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from datasette.database import Database

from huibao.publish.inspect_file import read_inspect

from .search_count import index_count_sql

_threads = threading.local()
CHECK_EVERY = 1.0  # seconds between looks at the files


class ReloadingDatabase(Database):
    def __init__(self, ds, path: str, generation: int = 0) -> None:
        super().__init__(ds, path=path, is_mutable=False)
        self.generation = generation
        self.stamp = _stamp(path)
        self._counts: OrderedDict = OrderedDict()
        self._counted: frozenset[str] | None = None  # indexes that can count their own matches
        self.index_counts = 0  # searches counted from the index alone
        if entry := read_inspect(Path(path)):
            # else Datasette counts every table and hashes the file when first asked
            self._cached_table_counts = {t: v["count"] for t, v in entry["tables"].items()}
            self.cached_hash, self.cached_size = entry["hash"], entry["size"]

    async def execute(
        self,
        sql,
        params=None,
        truncate=False,
        custom_time_limit=None,
        page_size=None,
        log_sql_errors=True,
    ):
        """Counts of an immutable file never change: `select count(*) …` results (the row
        count under every table page, which for a search over a million sections costs more than
        the page itself) are kept for this file's lifetime, 2000 at most."""
        cacheable = sql.lstrip().lower().startswith("select count(*)")
        if cacheable:
            key = (
                sql,
                tuple(sorted((params or {}).items()))
                if isinstance(params, dict)
                else tuple(params or ()),
            )
            hit = self._counts.get(key)
            if hit is not None:
                self._counts.move_to_end(key)
                return hit
        run = sql
        if cacheable and (fast := index_count_sql(sql, await self._counting_indexes())):
            run = fast
            self.index_counts += 1
        result = await super().execute(
            run, params, truncate=truncate, custom_time_limit=custom_time_limit,
            page_size=page_size, log_sql_errors=log_sql_errors,
        )  # fmt: skip
        if cacheable:
            self._counts[key] = result
            if len(self._counts) > 2000:
                self._counts.popitem(last=False)
        return result

    async def _counting_indexes(self) -> frozenset[str]:
        """The search tables of this file whose orphans it lists (all, in a published file)."""
        if self._counted is None:
            rows = await super().execute(
                "select name from sqlite_master where type = 'table' "
                "and sql like 'CREATE VIRTUAL TABLE%' "
                "and exists (select 1 from sqlite_master where name = 'search_orphans')"
            )
            self._counted = frozenset(r[0] for r in rows)
        return self._counted

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        key = f"huibao:{self.name}"

        def in_thread():
            held = getattr(_threads, key, None)
            if held is None or held[0] != self.generation:
                if held is not None:
                    held[1].close()
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                held = (self.generation, conn)
                setattr(_threads, key, held)
            return fn(held[1])

        return await asyncio.get_event_loop().run_in_executor(self.ds.executor, in_thread)


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def adopt(datasette) -> None:
    """Serve every file database through ReloadingDatabase."""
    for name, db in list(datasette.databases.items()):
        if (
            db.path
            and not db.is_memory
            and not db.is_mutable
            and not isinstance(db, ReloadingDatabase)
        ):
            datasette.remove_database(name)
            datasette.add_database(ReloadingDatabase(datasette, db.path), name=name)


_last_check = [0.0]


def reload_if_replaced(datasette) -> list[str]:
    """Swap in a fresh Database for every file that was replaced; returns their names."""
    now = time.monotonic()
    if now - _last_check[0] < CHECK_EVERY:
        return []
    _last_check[0] = now
    swapped = []
    for name, db in list(datasette.databases.items()):
        if not isinstance(db, ReloadingDatabase):
            continue
        stamp = _stamp(db.path)
        if stamp is not None and stamp != db.stamp:
            datasette.remove_database(name)
            datasette.add_database(
                ReloadingDatabase(datasette, db.path, db.generation + 1), name=name
            )
            swapped.append(name)
    return swapped
