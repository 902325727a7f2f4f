"""`huibao publish`: update the search index, export, add views, swap the file in atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from huibao.config import Settings
from huibao.db.load import conninfo

from . import site
from .export import export
from .inspect_file import write_inspect
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

    @property
    def sections_per_second(self) -> float:
        return self.rows.get("sections", 0) / self.seconds if self.seconds else 0.0


def metadata_path(output: Path) -> Path:
    return output.with_name(output.stem + ".metadata.json")


def publish(reader_url: str, output: Path, settings: Settings | None = None) -> Published:
    """Publish the database at `reader_url` (read-only is enough) to the SQLite file `output`."""
    settings = settings or Settings.from_env()
    started = time.perf_counter()
    index = SearchIndex(settings.home / "search-index.db")  # also updated by each ingest
    try:
        with psycopg.connect(conninfo(reader_url)) as pg:
            update = index.update(pg)
        indexing = time.perf_counter() - started
        result = export(
            reader_url,
            output,
            after=lambda db: site.build(db, index),
            before_swap=lambda built, counts: write_inspect(built, output, counts),
        )
    finally:
        index.close()
    meta = site.write_metadata(metadata_path(output), output.stem, result.path)
    return Published(
        result.path,
        meta,
        result.rows,
        update.added,
        time.perf_counter() - started,
        result.bytes,
        {"index new sections": round(indexing, 2), **result.phases},
    )
