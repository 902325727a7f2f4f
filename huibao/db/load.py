"""Write parsed sources to Postgres: one transaction per source, bulk rows with COPY.

A source is keyed by its content (sha256), so loading is idempotent: loading the same content
again replaces its rows, and a second path with the same content only adds a path.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import psycopg

from huibao.db import locks
from huibao.db.engine import conninfo
from huibao.db.errors import is_outage
from huibao.files import FileStat
from huibao.models import (
    CleaningEdit,
    Document,
    GlossaryEntry,
    Indicator,
    Section,
    SectionTopic,
    Slogan,
)
from huibao.text import ParsedSource

from . import reuse

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KnownPath:
    size: int
    mtime_ns: int
    source_id: int | None
    status: str  # of the path: present | gone
    source_status: str | None
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


# the keys of an array of paths (see models.SourcePath.path_key)
_KEYS = "array(select md5(p) from unnest(%s::text[]) p)"


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(conninfo(url), autocommit=False)


def now() -> datetime:
    return datetime.now(UTC)


def _columns(model, skip: Sequence[str] = ()) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in skip]


def known_paths(
    conn: psycopg.Connection, folders: Sequence[str] = (), files: Sequence[str] = ()
) -> dict[str, KnownPath]:
    """What the database knows about the paths inside `folders` and the given `files`."""
    sql = f"""
        select p.path, p.size, p.mtime_ns, p.source_id, p.status, s.status, s.pipeline_version,
               s.error
        from source_paths p left join sources s on s.id = p.source_id
        where p.path_key = any({_KEYS})
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
    conn: psycopg.Connection, stat: FileStat, parsed: ParsedSource, version: str
) -> LoadResult:
    """Replace everything stored for this content with `parsed`, in one transaction."""
    return load_sources(conn, [(stat, parsed)], version)[0]


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
    conn: psycopg.Connection, items: Sequence[tuple[FileStat, ParsedSource]], version: str
) -> list[LoadResult]:
    """Replace everything stored for the content of each item, all in one transaction and a
    statement per step for all of them (a round trip to Postgres costs as much CPU as parsing
    a few hundred characters). The items' contents must differ."""
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
        parsed = [(sid, p) for sid, (_, p) in zip(source_ids, items, strict=True)]
        loaded = _copy_documents(conn, parsed, version)
        _copy_edits(conn, parsed)
    return [
        LoadResult(sid, docs, sections, chars, by_hash[p.source.sha256][1], ids, found)
        for sid, (_, p), (docs, sections, chars, ids, found) in zip(
            source_ids, items, loaded, strict=True
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


_TRUSTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def skip_reference_checks(conn: psycopg.Connection) -> None:
    """Skip the foreign-key checks of the rows this transaction writes next, as pg_restore
    --disable-triggers does, for a caller that knows every row they reference stays (a loader:
    rows it has just written in the same transaction, or taxonomy keys synced before any
    load); the checks, a query per row and reference, only cost time (a third of Postgres's
    share of loading). Cascading deletes are triggers too: none may follow in the same
    transaction. Needs a superuser or the SET privilege on session_replication_role; without
    it the checks run as usual."""
    allowed = _TRUSTED.get(conn)
    if allowed is None:
        granted = (
            "has_parameter_privilege('session_replication_role', 'SET')"
            if conn.info.server_version >= 150000  # grantable settings came in Postgres 15
            else "false"
        )
        allowed = conn.execute(
            f"select rolsuper or {granted} from pg_roles where rolname = current_user"
        ).fetchone()[0]
        _TRUSTED[conn] = allowed
    if allowed:
        conn.execute("set local session_replication_role = replica")


def _ids(conn, counts: Sequence[int]) -> list[list[int]]:
    """New ids from the sequences of documents and sections: counts[0] and counts[1] of them."""
    row = conn.execute(
        "select array(select nextval(pg_get_serial_sequence('documents', 'id')) "
        "from generate_series(1, %s)), array(select nextval(pg_get_serial_sequence('sections', "
        "'id')) from generate_series(1, %s))",
        counts,
    ).fetchone()
    return [row[0], row[1]]


def _no_nul(text: str) -> str:
    return text.replace("\x00", "\u2400") if "\x00" in text else text


def _array(items: Sequence[str]) -> str:
    """A Postgres array literal, every element quoted: COPY takes it for a `text[]` or
    `integer[]` column at a fraction of the cost of adapting a Python list element by element
    (which was a third of the loader's own time)."""
    if not items:
        return "{}"
    body = '","'.join(items)
    if "\\" in body or '"' in body:
        body = '","'.join(i.replace("\\", "\\\\").replace('"', '\\"') for i in items)
    return '{"' + body + '"}'


def _copy(conn, table: str, columns: list[str], rows: Sequence[Sequence]) -> None:
    if not rows:
        return  # a COPY is a round trip to Postgres
    cols = ", ".join(f'"{c}"' for c in columns)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_documents(
    conn, sources: Sequence[tuple[int, ParsedSource]], version: str
) -> list[tuple[int, int, int, list[tuple[int, list[int]]], list]]:
    """Copy the reports of each (source id, parsed) with their sections, tags and text-reuse
    fingerprints; returns, for each source, its counts of reports, sections and characters,
    the ids given and the fingerprints."""
    n_docs = sum(len(p.documents) for _, p in sources)
    n_sections = sum(len(d.sections) for _, p in sources for d in p.documents)
    doc_ids, section_ids = (iter(ids) for ids in _ids(conn, (n_docs, n_sections)))
    rows: dict[str, list] = {k: [] for k in ("doc", "sec", "topic", "slogan", "ind", "gloss")}
    out = []
    fingerprints = []
    with_reuse = reuse.enabled()
    for source_id, parsed in sources:
        chars = 0
        given = []
        found = []
        for ordinal, doc in enumerate(parsed.documents):
            doc_id = next(doc_ids)
            if with_reuse:
                found.append(reuse.hashes(doc.text))
                fingerprints.append((doc_id, found[-1]))
            chars += len(doc.text)
            rows["doc"].append(
                (
                    doc_id, source_id, ordinal, doc.title, doc.year, doc.period, doc.admin_level,
                    doc.org, doc.kind, doc.place, doc.display_title, doc.text, len(doc.text), doc.start, doc.end,
                    len(doc.sections), doc.masked_count, doc.figure_count, doc.masked_ratio,
                    version,
                )
            )  # fmt: skip
            rows["gloss"] += [(doc_id, term, definition) for term, definition in doc.glossary]
            ids = [next(section_ids) for _ in doc.sections]
            given.append((doc_id, ids))
            _section_rows(rows, doc, doc_id, ids)
        out.append((len(parsed.documents), sum(len(ids) for _, ids in given), chars, given, found))
    _copy(conn, "documents", _columns(Document), rows["doc"])
    _copy(conn, "sections", _columns(Section), rows["sec"])
    _copy(conn, "section_topics", _columns(SectionTopic), rows["topic"])
    _copy(conn, "slogans", _columns(Slogan, skip=("id",)), rows["slogan"])
    _copy(conn, "indicators", _columns(Indicator, skip=("id",)), rows["ind"])
    _copy(conn, "glossary", _columns(GlossaryEntry, skip=("id",)), rows["gloss"])
    reuse.copy_fingerprints(conn, fingerprints)
    return out


def _section_rows(rows: dict[str, list], doc, doc_id: int, ids: list[int]) -> None:
    text = doc.text
    for k, (s, sid) in enumerate(zip(doc.sections, ids, strict=True)):
        terms = sorted(s.terms.items())
        rows["sec"].append(
            (
                sid, doc_id, k, ids[s.parent] if s.parent is not None else None, s.path,
                s.level, s.kind, s.marker, s.heading, text[s.body_start : s.body_end],
                s.start, s.end, s.body_start, s.body_end, s.role, s.role_split,
                _array(s.topics), _array([t for t, _ in terms]),
                _array([str(n) for _, n in terms]),
            )
        )  # fmt: skip
        evidence = s.topic_evidence
        rows["topic"] += [
            (sid, topic, doc_id, rank, _array(evidence.get(topic, [])))
            for rank, topic in enumerate(s.topics, 1)
        ]
        rows["slogan"] += [(doc_id, sid, slogan, n) for slogan, n in s.slogans.items()]
        rows["ind"] += [
            (
                doc_id, sid, m.key, m.name, m.value, m.unit, m.value_masked, m.growth,
                m.growth_unit, m.growth_masked, m.direction, m.masked, m.target, m.start, m.end,
                text[m.start : m.end],
            )
            for m in s.indicators
        ]  # fmt: skip


def _copy_edits(conn, sources: Sequence[tuple[int, ParsedSource]]) -> None:
    # Postgres text cannot hold NUL: a removed NUL is stored as its visible symbol ␀ (U+2400).
    rows = [
        (source_id, k, e.rule, e.raw_start, e.raw_end, e.clean_start, _no_nul(e.before), e.after)
        for source_id, parsed in sources
        for k, e in enumerate(parsed.cleaned.edits)
    ]
    _copy(conn, "cleaning_edits", _columns(CleaningEdit, skip=("id",)), rows)


def mark_gone(conn: psycopg.Connection, paths: Iterable[str]) -> int:
    """Paths that disappeared are marked gone (not deleted); so is a source with no path left."""
    paths = list(paths)
    if not paths:
        return 0
    when = now()
    with conn.transaction():
        conn.execute(
            f"update source_paths set status = 'gone', last_seen = %s where path_key = any({_KEYS})",
            (when, paths),
        )
        conn.execute(
            f"""
            update sources s set status = 'gone' where s.status <> 'gone' and exists (
                select 1 from source_paths p where p.source_id = s.id and p.path_key = any({_KEYS}))
              and not exists (
                select 1 from source_paths p where p.source_id = s.id and p.status = 'present')
            """,
            (paths,),
        )
    return len(paths)


# -- outages -----------------------------------------------------------------------------------

OUTAGE_WAITS = (1, 2, 5, 10, 20, 30, 60)  # seconds between tries while the database is away


def retrying(attempt: Callable[[], T], waits: Sequence[float] = OUTAGE_WAITS) -> T:
    """`attempt()`, tried again after each wait while the database cannot be reached (about
    two minutes in all); other errors are raised at once."""
    for wait in (*waits, None):
        try:
            return attempt()
        except psycopg.OperationalError as exc:
            if wait is None or not is_outage(exc):
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")


# -- writer slots: a limit on concurrent writing runs that a crash cannot leak ------------------


class WriterSlot:
    """One of `slots` places for runs that write, held as a session advisory lock: Postgres
    frees it the moment the holder's connection ends, even when the process was killed (a
    lease-based limit would stay taken until the lease expired)."""

    def __init__(self, url: str, slots: int, poll: float = 1.0) -> None:
        self.url, self.slots, self.poll = url, max(1, slots), poll
        self.conn: psycopg.Connection | None = None

    def __enter__(self) -> WriterSlot:
        while True:
            self.conn = retrying(lambda: psycopg.connect(conninfo(self.url), autocommit=True))
            for k in range(self.slots):
                got = self.conn.execute(
                    "select pg_try_advisory_lock(%s, %s)", (locks.WRITER_SLOTS, k)
                ).fetchone()
                if got and got[0]:
                    return self
            self.conn.close()
            time.sleep(self.poll)

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            self.conn.close()


# -- claims: runs that share an inbox take disjoint files -----------------------------------------


class Claimer:
    """Takes files for one run. While the run lives, it holds an advisory lock on a connection
    of its own; a claim (or a `running` row in ingest_runs) whose run holds no lock any more
    was left by a process that died."""

    def __init__(self, url: str, run: str, started: datetime) -> None:
        self.url, self.run, self.started = url, run, started
        self.conn: psycopg.Connection | None = None
        retrying(self._connect)

    def _connect(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        conn = psycopg.connect(conninfo(self.url), autocommit=True)
        conn.execute("select pg_advisory_lock(%s, hashtext(%s))", (locks.CLAIMS, self.run))
        self.conn = conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()  # releases the lock

    def __enter__(self) -> Claimer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def claim(self, stats: Sequence[FileStat]) -> list[FileStat]:
        """Take `stats` for this run and return those it now holds.

        A file is free when nobody holds it, when its last holder finished before this run
        began (so this run's plan saw the result), or when its holder died. A file finished by
        another run after this run began is left alone: this run's plan predates it.
        """
        if not stats:
            return []

        def attempt() -> list[tuple]:
            if self.conn is None or self.conn.closed or self.conn.broken:
                self._connect()  # after an outage: a new connection, the lock taken again
            try:
                return self._insert(stats)
            except psycopg.OperationalError:
                self.conn.close()
                raise

        held = {r[0] for r in retrying(attempt)}
        return [st for st in stats if st.path in held]

    def _insert(self, stats: Sequence[FileStat]) -> list[tuple]:
        assert self.conn is not None
        return self.conn.execute(
            """
            insert into file_claims (path, size, mtime_ns, run, claimed_at)
            select p, s, m, %(run)s, now()
            from unnest(%(paths)s::text[], %(sizes)s::bigint[], %(mtimes)s::bigint[]) as t(p, s, m)
            on conflict (path_key) do update set size = excluded.size,
                mtime_ns = excluded.mtime_ns,
                run = excluded.run, claimed_at = excluded.claimed_at, done_at = null
            where file_claims.run = excluded.run
               or (file_claims.done_at is not null and file_claims.done_at < %(started)s)
               or (file_claims.done_at is null and not exists (
                   select 1 from pg_locks l
                   where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                     and l.classid = %(space)s and l.objid = hashtext(file_claims.run)::oid))
            returning path
            """,
            {
                "run": self.run,
                "started": self.started,
                "space": locks.CLAIMS,
                "paths": [st.path for st in stats],
                "sizes": [st.size for st in stats],
                "mtimes": [st.mtime_ns for st in stats],
            },
        ).fetchall()


def finish_claims(conn: psycopg.Connection, paths: Sequence[str], run: str) -> None:
    with conn.transaction():
        conn.execute(
            f"update file_claims set done_at = now() where run = %s and path_key = any({_KEYS})",
            (run, list(paths)),
        )


# -- ingest runs --------------------------------------------------------------------------------


def start_run(conn: psycopg.Connection, flow_run_id: str | None) -> int:
    with conn.transaction():
        return conn.execute(
            "insert into ingest_runs (flow_run_id, started_at, status, files_seen, files_new, "
            "files_changed, files_unchanged, files_rejected, files_gone, documents_loaded, "
            "sections_loaded, chars_loaded) values (%s, %s, 'running', 0,0,0,0,0,0,0,0,0) "
            "returning id",
            (flow_run_id, now()),
        ).fetchone()[0]


def mark_interrupted(conn: psycopg.Connection) -> int:
    """Runs still `running` whose claimer holds no lock any more were killed or crashed."""
    with conn.transaction():
        return conn.execute(
            """
            update ingest_runs r set status = 'interrupted', finished_at = %s,
                message = 'the run stopped before it finished (killed or crashed); '
                          'whatever it committed is kept, the next run does the rest'
            where r.status = 'running' and not exists (
                select 1 from pg_locks l
                where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                  and l.classid = %s and l.objid = hashtext(r.flow_run_id)::oid)
            """,
            (now(), locks.CLAIMS),
        ).rowcount


RUN_COUNTS = [
        "files_seen", "files_new", "files_changed", "files_unchanged", "files_rejected",
        "files_gone", "documents_loaded", "sections_loaded", "chars_loaded",
]  # fmt: skip


def finish_run(
    conn: psycopg.Connection, run_id: int, status: str, counts: dict, message: str | None = None
) -> None:
    sets = ", ".join(f"{f} = %s" for f in RUN_COUNTS)
    with conn.transaction():
        conn.execute(
            f"update ingest_runs set {sets}, status = %s, finished_at = %s, message = %s where id = %s",
            [*(int(counts.get(f, 0)) for f in RUN_COUNTS), status, now(), message, run_id],
        )


def sync_taxonomies(conn: psycopg.Connection) -> None:
    """Write the topic and indicator taxonomies of the rule files to their tables."""
    from huibao.text.indicators import indicator_labels
    from huibao.text.topics import taxonomy

    with conn.transaction():
        for t in taxonomy():
            conn.execute(
                "insert into topics (key, zh, en) values (%s, %s, %s) on conflict (key) do "
                "update set zh = excluded.zh, en = excluded.en",
                (t.key, t.zh, t.en),
            )
        for key, zh in indicator_labels().items():
            conn.execute(
                "insert into indicator_types (key, zh) values (%s, %s) on conflict (key) do "
                "update set zh = excluded.zh",
                (key, zh),
            )
