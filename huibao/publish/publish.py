"""`huibao publish`: bring the search index and the site mirror up to date, copy the mirror,
describe it for Datasette and swap the copy in atomically (a publish that fails half-way leaves
the previous file serving)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from huibao.config import Settings
from huibao.db.engine import conninfo

from . import site, swap
from .inspect_file import write_inspect
from .mirror import Mirror, MirrorSync
from .search_index import SearchIndex


@dataclass(slots=True)
class Published:
    path: Path
    metadata: Path
    rows: dict[str, int]
    indexed: dict[str, int]
    seconds: float
    bytes: int
    phases: dict[str, float]  # seconds per step
    mirror: MirrorSync  # what the publish itself had to bring over into the site mirror

    @property
    def sections_per_second(self) -> float:
        return self.rows.get("sections", 0) / self.seconds if self.seconds else 0.0


def metadata_path(output: Path) -> Path:
    return output.with_name(output.stem + ".metadata.json")


def search_index_path(settings: Settings) -> Path:
    return settings.home / "search-index.db"


def search_index(settings: Settings) -> SearchIndex:
    return SearchIndex(search_index_path(settings))


def site_mirror(settings: Settings) -> Mirror:
    return Mirror(settings.home / "site-mirror.db")


def update_search_index(settings: Settings, url: str) -> int:
    """Index the sections not indexed yet for Chinese search; returns the rows added."""
    index = search_index(settings)
    try:
        with psycopg.connect(conninfo(url)) as pg:
            return sum(index.update(pg).added.values())
    finally:
        index.close()


def sync_site_mirror(settings: Settings, url: str, skip: tuple[str, ...] = ()) -> MirrorSync:
    """Copy the rows changed since the last sync into the site mirror (tables in `skip` are
    left for a later sync)."""
    index = search_index(settings)
    try:
        return site_mirror(settings).sync(url, index, skip)
    finally:
        index.close()


def publish_site(
    settings: Settings, output: Path | None = None, *, rebuild: bool = False
) -> Published:
    """The whole publish, as both `huibao publish` and the `publish` flow run it: bring the
    schema up to date, refresh the keywords when loads made them stale, then `publish` from
    the read-only role to `output` (default: the settings' publish path)."""
    from huibao.db import idf
    from huibao.db.engine import connect, database_url, migrate, reader_url

    url = database_url(settings)
    migrate(url)
    with connect(url) as conn:
        if idf.stale(conn):
            idf.refresh(conn)
    target = Path(output).absolute() if output else settings.publish_path
    return publish(reader_url(settings), target, settings, rebuild=rebuild)


def summary_markdown(result: Published) -> str:
    rows = result.rows
    return "\n".join(
        [
            "# huibao publish",
            "",
            f"Wrote `{result.path}` ({result.bytes / 1e6:.1f} MB) in {result.seconds:.1f} s: "
            f"{rows.get('documents', 0)} reports, {rows.get('sections', 0)} sections "
            f"({result.sections_per_second:,.0f} sections/s); "
            f"{sum(result.indexed.values())} rows newly indexed for search.",
        ]
    )


def publish(
    reader_url: str, output: Path, settings: Settings | None = None, *, rebuild: bool = False
) -> Published:
    """Publish the database at `reader_url` (read-only is enough) to the SQLite file `output`;
    `rebuild` makes the mirror start over from the database's rows."""
    settings = settings or Settings.from_env()
    started = clock = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 2)
        clock = now

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    swap.remove_abandoned(output)
    mirror = site_mirror(settings)
    if rebuild:
        mirror.discard()
    index = search_index(settings)  # both also brought up to date by each ingest
    try:
        with psycopg.connect(conninfo(reader_url)) as pg:
            update = index.update(pg)
        lap("index new sections")
        synced = mirror.sync(reader_url, index)
        lap("sync tables")
    finally:
        index.close()
    tmp = swap.temporary(output)
    try:
        counts = mirror.copy_to(tmp)
        _fsync(tmp)  # the new file is on disk before its name is, even if the power fails
        lap("copy file")
        write_inspect(tmp, output, counts)
        lap("counts and hash")
        os.replace(tmp, output)
        _fsync(output.parent)
        lap("swap")
    finally:
        tmp.unlink(missing_ok=True)
    meta = site.write_metadata(metadata_path(output), output.stem, output)
    return Published(
        output,
        meta,
        counts,
        update.added,
        time.perf_counter() - started,
        output.stat().st_size,
        phases,
        synced,
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
