"""What a run has to do: the files to read, those unchanged since they were loaded, and the
paths that disappeared."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from huibao.files import FileStat, Unreadable, folders_and_files
from huibao.models.statuses import LOADED

from . import indexes, load


@dataclass(slots=True)
class Plan:
    todo: list[FileStat]
    unchanged: list[FileStat]
    changed_paths: set[str]
    gone: list[str]
    known_hashes: frozenset[str]
    deferred_indexes: int = 0  # indexes set aside by runs that may have died since
    unreadable: list[Unreadable] = field(default_factory=list)
    # unchanged files that were rejected before: (path, reason), to say so again
    still_rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return bool(self.todo or self.unreadable or self.gone)


def plan_files(
    conn: psycopg.Connection,
    paths: Sequence[str],
    stats: Sequence[FileStat],
    unreadable: Sequence[Unreadable],
    version: str,
) -> Plan:
    """Split the files found under `paths` into those to read and those unchanged since this
    pipeline `version` loaded (or rejected) them."""
    folders, files = folders_and_files(list(paths))
    known = load.known_paths(conn, folders, files)
    hashes = frozenset(load.loaded_hashes(conn, version))
    deferred = indexes.pending(conn)
    todo, unchanged, changed, still_rejected = [], [], set(), []
    for stat in stats:
        k = known.get(stat.path)
        if k and unchanged_since(k, stat, version):
            unchanged.append(stat)
            if k.source_status == "rejected":
                still_rejected.append((stat.path, k.error or "rejected"))
            continue
        if k:
            changed.add(stat.path)
        todo.append(stat)
    seen = {s.path for s in stats}
    gone = [p for p, k in known.items() if p not in seen and k.status == "present"]
    return Plan(todo, unchanged, changed, gone, hashes, deferred, list(unreadable), still_rejected)


def unchanged_since(k: load.KnownPath, stat: FileStat, version: str) -> bool:
    same_file = k.size == stat.size and k.mtime_ns == stat.mtime_ns and k.status == "present"
    done = k.source_status == "rejected" or (
        k.source_status in LOADED and k.pipeline_version == version
    )
    return same_file and done
