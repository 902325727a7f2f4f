"""Write parsed sources to Postgres: one transaction per source, bulk rows with COPY.

A source is keyed by its content (sha256), so loading is idempotent: loading the same content
again replaces its rows, and a second path with the same content only adds a path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from huibao.files import FileStat
from huibao.models.statuses import PathStatus, SourceStatus
from huibao.text import ParsedSource

from . import reuse
from .engine import now
from .paths import PATH_KEYS
from .reference_checks import skip_reference_checks
from .rows import Rows, new_ids


@dataclass(frozen=True, slots=True)
class KnownPath:
    size: int
    mtime_ns: int
    source_id: int | None
    status: PathStatus
    source_status: SourceStatus | None
    pipeline_version: str | None
    error: str | None = None  # why the source was rejected, if it was


@dataclass(slots=True)
class LoadResult:
    source_id: int
    documents: int
    sections: int
    chars: int
    replaced: bool  # the content was already loaded (older pipeline version or rejected)
    ids: list[tuple[int, list[int]]]  # (document id, its section ids), in the parsed order
    fingerprints: list = field(default_factory=list)  # of each document, for text reuse


def known_paths(
    conn: psycopg.Connection, folders: Sequence[str] = (), files: Sequence[str] = ()
) -> dict[str, KnownPath]:
    """What the database knows about the paths inside `folders` and the given `files`."""
    sql = f"""
        select p.path, p.size, p.mtime_ns, p.source_id, p.status, s.status, s.pipeline_version,
               s.error
        from source_paths p left join sources s on s.id = p.source_id
        where p.path_key = any({PATH_KEYS})
    """
    params: list = [list(files)]
    for folder in folders:
        sql += " or starts_with(p.path, %s)"
        params.append(folder.rstrip("/") + "/")
    rows = conn.execute(sql, params).fetchall()
    conn.commit()
    return {r[0]: KnownPath(*r[1:]) for r in rows}


def loaded_hashes(conn: psycopg.Connection, version: str) -> set[str]:
    """Content already loaded by this pipeline version: such files need no parsing."""
    rows = conn.execute(
        "select sha256 from sources where pipeline_version = %s and sha256 is not null "
        "and status in ('loaded', 'partial', 'gone')",
        (version,),
    ).fetchall()
    conn.commit()
    return {r[0] for r in rows}


def source_version(conn: psycopg.Connection, sha256: str) -> tuple[int, str, str | None] | None:
    """(id, status, pipeline_version) of the source with this content, if loaded before."""
    row = conn.execute(
        "select id, status, pipeline_version from sources where sha256 = %s", (sha256,)
    ).fetchone()
    conn.commit()
    return row


def link_path(conn: psycopg.Connection, stat: FileStat, source_id: int | None) -> None:
    """Record that `stat.path` holds the (already loaded) source `source_id`."""
    with conn.transaction():
        _upsert_path(conn, stat, source_id, now())
        if source_id is not None:
            conn.execute(
                "update sources set last_seen = %s, status = case when status = 'gone' "
                "then 'loaded' else status end where id = %s",
                (now(), source_id),
            )


def _upsert_path(conn, stat: FileStat, source_id: int | None, when: datetime) -> int | None:
    """Point the path at `source_id`; returns the source it pointed at before, if different."""
    before = conn.execute(
        "select source_id from source_paths where path_key = md5(%s) for update", (stat.path,)
    ).fetchone()
    conn.execute(
        """
        insert into source_paths (path, source_id, size, mtime_ns, status, first_seen, last_seen)
        values (%s, %s, %s, %s, 'present', %s, %s)
        on conflict (path_key) do update set source_id = excluded.source_id, size = excluded.size,
            mtime_ns = excluded.mtime_ns, status = 'present', last_seen = excluded.last_seen
        """,
        (stat.path, source_id, stat.size, stat.mtime_ns, when, when),
    )
    previous = before[0] if before else None
    return previous if previous != source_id else None


def record_rejection(
    conn: psycopg.Connection,
    stat: FileStat,
    sha256: str | None,
    reason: str,
    encoding: str | None = None,
    fmt: str | None = None,
) -> int:
    """A file that could not be read as a report: kept as a `rejected` source with its reason."""
    when = now()
    with conn.transaction():
        if sha256:
            row = conn.execute(
                """
                insert into sources (sha256, path, bytes, encoding, format, status, error,
                    document_count, first_seen, last_seen)
                values (%s, %s, %s, %s, %s, 'rejected', %s, 0, %s, %s)
                on conflict (sha256) do update set status = 'rejected', error = excluded.error,
                    last_seen = excluded.last_seen
                returning id
                """,
                (sha256, stat.path, stat.size, encoding, fmt, reason, when, when),
            ).fetchone()
            source_id = row[0]
            conn.execute("delete from documents where source_id = %s", (source_id,))
        else:  # unreadable: there is no content hash, the path identifies it
            row = conn.execute(
                "select id from sources where sha256 is null and path = %s", (stat.path,)
            ).fetchone()
            if row:
                source_id = row[0]
                conn.execute(
                    "update sources set error = %s, last_seen = %s, bytes = %s where id = %s",
                    (reason, when, stat.size, source_id),
                )
            else:
                source_id = conn.execute(
                    """
                    insert into sources (sha256, path, bytes, status, error, document_count,
                        first_seen, last_seen)
                    values (null, %s, %s, 'rejected', %s, 0, %s, %s) returning id
                    """,
                    (stat.path, stat.size, reason, when, when),
                ).fetchone()[0]
        previous = _upsert_path(conn, stat, source_id, when)
        _drop_orphans(conn, [previous] if previous else [])
    return source_id


def load_source(
    conn: psycopg.Connection,
    stat: FileStat,
    parsed: ParsedSource,
    version: str,
    reuse_prints: bool = True,
) -> LoadResult:
    """Replace everything stored for this content with `parsed`, in one transaction."""
    return load_sources(conn, [(stat, parsed)], version, reuse_prints)[0]


_UPSERT_SOURCES = """
    insert into sources (sha256, path, bytes, encoding, format, status, error,
        collection_title, preface, document_count, pipeline_version, first_seen,
        last_seen, loaded_at)
    select t.*, %(version)s, %(when)s, %(when)s, %(when)s
    from unnest(%(sha256)s::text[], %(path)s::text[], %(bytes)s::bigint[],
        %(encoding)s::text[], %(format)s::text[], %(status)s::text[], %(error)s::text[],
        %(title)s::text[], %(preface)s::text[], %(docs)s::int[]) as t
    on conflict (sha256) do update set bytes = excluded.bytes,
        encoding = excluded.encoding, format = excluded.format, status = excluded.status,
        error = excluded.error, collection_title = excluded.collection_title,
        preface = excluded.preface, document_count = excluded.document_count,
        pipeline_version = excluded.pipeline_version, last_seen = excluded.last_seen,
        loaded_at = excluded.loaded_at
    returning sha256, id, (xmax <> 0) as existed
"""

# Point each path at its source; returns the sources the paths pointed at before, if others.
_UPSERT_PATHS = """
    with incoming as (
        select * from unnest(%(path)s::text[], %(source)s::bigint[], %(size)s::bigint[],
            %(mtime)s::bigint[]) as t (path, source_id, size, mtime_ns)
    ), before as (
        select p.path, p.source_id from source_paths p join incoming i on p.path_key = md5(i.path)
        for update of p
    ), upsert as (
        insert into source_paths (path, source_id, size, mtime_ns, status, first_seen, last_seen)
        select path, source_id, size, mtime_ns, 'present', %(when)s, %(when)s from incoming
        on conflict (path_key) do update set source_id = excluded.source_id,
            size = excluded.size, mtime_ns = excluded.mtime_ns, status = 'present',
            last_seen = excluded.last_seen
    )
    select b.source_id from before b join incoming i using (path)
    where b.source_id is distinct from i.source_id and b.source_id is not null
"""


def load_sources(
    conn: psycopg.Connection,
    items: Sequence[tuple[FileStat, ParsedSource]],
    version: str,
    reuse_prints: bool = True,
) -> list[LoadResult]:
    """Replace everything stored for the content of each item, all in one transaction and a
    statement per step for all of them (a round trip to Postgres costs as much CPU as parsing
    a few hundred characters). The items' contents must differ. `reuse_prints`: store the
    reports' text-reuse fingerprints too."""
    when = now()
    with conn.transaction():
        rows = conn.execute(
            _UPSERT_SOURCES,
            {
                "version": version,
                "when": when,
                "sha256": [p.source.sha256 for _, p in items],
                "path": [st.path for st, _ in items],
                "bytes": [p.source.size for _, p in items],
                "encoding": [p.source.encoding for _, p in items],
                "format": [p.source.format for _, p in items],
                "status": ["partial" if p.warnings else "loaded" for _, p in items],
                "error": ["; ".join(p.warnings) or None for _, p in items],
                "title": [p.collection_title for _, p in items],
                "preface": [p.preface for _, p in items],
                "docs": [len(p.documents) for _, p in items],
            },
        ).fetchall()
        by_hash = {sha: (source_id, existed) for sha, source_id, existed in rows}
        source_ids = [by_hash[p.source.sha256][0] for _, p in items]
        replaced = [source_id for source_id, existed in by_hash.values() if existed]
        if replaced:
            conn.execute("delete from documents where source_id = any(%s)", (replaced,))
            conn.execute("delete from cleaning_edits where source_id = any(%s)", (replaced,))
        previous = conn.execute(
            _UPSERT_PATHS,
            {
                "when": when,
                "path": [st.path for st, _ in items],
                "source": source_ids,
                "size": [st.size for st, _ in items],
                "mtime": [st.mtime_ns for st, _ in items],
            },
        ).fetchall()
        _drop_orphans(conn, [r[0] for r in previous])
        skip_reference_checks(conn)  # after the deletes: they must still cascade
        n_docs = sum(len(p.documents) for _, p in items)
        n_sections = sum(len(d.sections) for _, p in items for d in p.documents)
        doc_ids, section_ids = (iter(ids) for ids in new_ids(conn, n_docs, n_sections))
        fingerprint = reuse.fingerprints if reuse_prints else None
        batch = Rows()
        for sid, (_, p) in zip(source_ids, items, strict=True):
            batch.add_source(sid, p, version, doc_ids, section_ids, fingerprint)
        batch.copy(conn)
        reuse.copy_fingerprints(conn, batch.fingerprints)
    return [
        LoadResult(sid, docs, sections, chars, by_hash[p.source.sha256][1], ids, found)
        for sid, (_, p), (docs, sections, chars, ids, found) in zip(
            source_ids, items, batch.sources, strict=True
        )
    ]


def _drop_orphans(conn, source_ids: list[int]) -> None:
    """A changed file's old content, if no other path holds it, leaves with its documents."""
    if source_ids:
        conn.execute(
            "delete from sources s where s.id = any(%s) and not exists "
            "(select 1 from source_paths p where p.source_id = s.id)",
            (source_ids,),
        )


def mark_gone(conn: psycopg.Connection, paths: Iterable[str]) -> int:
    """Paths that disappeared are marked gone (not deleted); so is a source with no path left."""
    paths = list(paths)
    if not paths:
        return 0
    when = now()
    with conn.transaction():
        conn.execute(
            f"update source_paths set status = 'gone', last_seen = %s where path_key = any({PATH_KEYS})",
            (when, paths),
        )
        conn.execute(
            f"""
            update sources s set status = 'gone' where s.status <> 'gone' and exists (
                select 1 from source_paths p where p.source_id = s.id and p.path_key = any({PATH_KEYS}))
              and not exists (
                select 1 from source_paths p where p.source_id = s.id and p.status = 'present')
            """,
            (paths,),
        )
    return len(paths)
