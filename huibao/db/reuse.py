"""Text reuse in Postgres: each report's fingerprints are stored with it, and a report is
compared with everything loaded in one query (the reports sharing enough fingerprints), then
aligned with those candidates (huibao.text.reuse) and its passages stored.

Parser processes compare the reports they load right after storing them; a report they could
not compare (a run killed in between, a database loaded before this existed) has no row in
`reuse_checks`, and the run's last step compares it. Two reports loaded at the same moment by
two processes may both find each other: the pair is always aligned in the same order (by a hash
of the texts) and a passage stored twice is stored once.

Boilerplate: fingerprints held by very many reports (`boilerplate_limit`) find no candidates
and start no passage; the set phrases shipped as data are boilerplate however few reports
there are (huibao.text.reuse).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import psycopg

from huibao.text import reuse
from huibao.text.reuse import Passage
from huibao.text.skeleton import prepared

MIN_SHARED = 2  # fingerprints two reports must share to be aligned (a 30-character passage has 2-4)
MAX_CANDIDATES = 50  # reports aligned with a new one, those sharing most fingerprints first
BOILERPLATE_REPORTS = 50  # a fingerprint held by more reports than this and
BOILERPLATE_SHARE = 0.02  # than this share of them is boilerplate
TABLES = ("reuse_passages", "reuse_documents")  # what the site shows


@dataclass(frozen=True, slots=True)
class Report:
    """What reuse needs of a loaded report."""

    id: int
    text: str
    year: int | None = None
    period: str | None = None
    admin_level: str | None = None
    org: str | None = None
    place: str | None = None


def hashes(text: str) -> np.ndarray:
    """The distinct fingerprints of a clean text (int64)."""
    return np.unique(prepared(text).hashes)


def copy_fingerprints(conn: psycopg.Connection, rows: Iterable[tuple[int, np.ndarray]]) -> None:
    """COPY the fingerprints of (document id, hashes), as one block of text (a row at a time
    from Python would cost more than making them)."""
    block = "".join(
        "".join(f"{h}\t{doc}\n" for h in found.tolist()) for doc, found in rows if len(found)
    )
    if block:
        with (
            conn.cursor() as cur,
            cur.copy("COPY reuse_fingerprints (hash, document_id) FROM STDIN") as copy,
        ):
            copy.write(block)


# A fingerprint's holders are read up to one more than the boilerplate limit (whether it is
# boilerplate needs no more, and the set phrases of a large corpus have thousands).
_CANDIDATES = """
    with n as (
        select greatest(%(reports)s, floor(%(share)s * (select count(*) from documents)))::int
            as most
    ), per as (
        select m.hash, array(
            select f.document_id from reuse_fingerprints f
            where f.hash = m.hash and f.document_id <> all(%(exclude)s::bigint[])
            limit (select most from n) + 1
        ) as ids
        from unnest(%(hashes)s::bigint[]) as m (hash)
    ), ranked as (
        select d.document_id, count(*) as c
        from per cross join n cross join unnest(per.ids) as d (document_id)
        where cardinality(per.ids) <= n.most
        group by d.document_id having count(*) >= %(min_shared)s
        order by c desc, d.document_id limit %(max)s
    )
    select (select coalesce(array_agg(hash), '{}') from per cross join n
            where cardinality(ids) > n.most),
           (select coalesce(array_agg(document_id order by c desc, document_id), '{}')
            from ranked)
"""


def candidates(
    conn: psycopg.Connection,
    found: np.ndarray,
    exclude: Sequence[int] = (),
    boilerplate_reports: int = BOILERPLATE_REPORTS,
) -> tuple[list[int], list[int]]:
    """(boilerplate among `found`, ids of the reports sharing most of the rest), in one query:
    a fingerprint is boilerplate when more than `boilerplate_reports` reports, and more than
    BOILERPLATE_SHARE of all, hold it."""
    row = conn.execute(
        _CANDIDATES,
        {
            "hashes": found.tolist(),
            "exclude": list(exclude),
            "reports": boilerplate_reports,
            "share": BOILERPLATE_SHARE,
            "min_shared": MIN_SHARED,
            "max": MAX_CANDIDATES,
        },
    ).fetchone()
    return list(row[0]), list(row[1])


_REPORT = "select id, clean_text, year, period, admin_level, org, place from documents"


def reports(conn: psycopg.Connection, ids: Sequence[int]) -> list[Report]:
    rows = conn.execute(f"{_REPORT} where id = any(%s) order by id", (list(ids),)).fetchall()
    return [Report(*r) for r in rows]


def ordered(x: Report, y: Report) -> tuple[Report, Report]:
    """A pair in a fixed order, by a hash of their texts: the same passages whichever of the
    two is compared with the other, and whenever each was loaded."""
    return (x, y) if _key(x) <= _key(y) else (y, x)


def _key(r: Report) -> tuple[bytes, int]:
    return _digest(r.text), r.id


@lru_cache(maxsize=4096)
def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def compare_reports(
    x: Report, y: Report, boilerplate: reuse.Boilerplate | Iterable[int] = ()
) -> list[Passage]:
    """The passages of a pair, aligned in their fixed order (`ordered`)."""
    a, b = ordered(x, y)
    return reuse.compare(a.text, b.text, boilerplate)


_INSERT = """
    with new as (
        select nextval(pg_get_serial_sequence('reuse_passages', 'id')) as id, t.*
        from unnest(%(a_start)s::int[], %(a_end)s::int[], %(b_start)s::int[], %(b_end)s::int[],
            %(similarity)s::float8[], %(subs)s::text[])
            as t (a_start, a_end, b_start, b_end, similarity, substitutions)
    )
    insert into reuse_passages (id, doc_a, doc_b, a_start, a_end, b_start, b_end, chars,
        similarity, substitutions, kind, earlier, family_id)
    select n.id, %(a)s, %(b)s, n.a_start, n.a_end, n.b_start, n.b_end, n.a_end - n.a_start,
        n.similarity, n.substitutions, %(kind)s, %(earlier)s,
        coalesce((
            select min(p.family_id) from reuse_passages p
            where (p.doc_a = %(a)s and p.a_start < n.a_end and n.a_start < p.a_end)
               or (p.doc_b = %(a)s and p.b_start < n.a_end and n.a_start < p.b_end)
               or (p.doc_a = %(b)s and p.a_start < n.b_end and n.b_start < p.a_end)
               or (p.doc_b = %(b)s and p.b_start < n.b_end and n.b_start < p.b_end)
        ), n.id)
    from new n
    on conflict (doc_a, doc_b, a_start, b_start) do nothing
"""


def store_passages(conn: psycopg.Connection, x: Report, y: Report, found: list[Passage]) -> None:
    """Store the passages of a pair; each joins the family of a passage already stored that
    overlaps it in either report (the same text copied into a third), else starts one."""
    if not found:
        return
    a, b = ordered(x, y)
    conn.execute(
        _INSERT,
        {
            "a": a.id,
            "b": b.id,
            "a_start": [p.a_start for p in found],
            "a_end": [p.a_end for p in found],
            "b_start": [p.b_start for p in found],
            "b_end": [p.b_end for p in found],
            "similarity": [p.similarity for p in found],
            "subs": [json.dumps(p.substitutions, ensure_ascii=False) for p in found],
            "kind": reuse.relation(_issuer(a), _issuer(b)),
            "earlier": _earlier(a, b),
        },
    )


def _issuer(r: Report) -> reuse.Issuer:
    return reuse.Issuer(r.year, r.period, r.admin_level, r.org, r.place)


def _earlier(a: Report, b: Report) -> int | None:
    first = reuse.earlier(_issuer(a), _issuer(b))
    return None if first is None else (a.id if first == 0 else b.id)


def detect(conn: psycopg.Connection, report: Report, found: np.ndarray | None = None) -> int:
    """Compare one loaded report with everything else loaded, store its passages and mark it
    compared, in one transaction. Returns the passages stored. `found`: its fingerprints, when
    the caller has them (they are stored too when it has none yet)."""
    with conn.transaction():
        if found is None:
            found = np.array(
                conn.execute(
                    "select hash from reuse_fingerprints where document_id = %s", (report.id,)
                ).fetchall(),
                dtype=np.int64,
            ).reshape(-1)
            if not len(found):
                found = hashes(report.text)
                copy_fingerprints(conn, [(report.id, found)])
        common, ids = candidates(conn, found, [report.id])
        boilerplate = reuse.Boilerplate(common)
        stored = 0
        for other in reports(conn, ids):
            passages = compare_reports(report, other, boilerplate)
            store_passages(conn, report, other, passages)
            stored += len(passages)
        conn.execute(
            "insert into reuse_checks (document_id, candidates, checked_at) "
            "values (%s, %s, now()) on conflict (document_id) do update "
            "set candidates = excluded.candidates, checked_at = excluded.checked_at",
            (report.id, len(ids)),
        )
    return stored


def unchecked(conn: psycopg.Connection, limit: int | None = None) -> list[int]:
    """Reports not yet compared, oldest first."""
    rows = conn.execute(
        "select d.id from documents d where not exists "
        "(select 1 from reuse_checks c where c.document_id = d.id) order by d.id"
        + (f" limit {int(limit)}" if limit else "")
    ).fetchall()
    conn.commit()
    return [r[0] for r in rows]


def check_all(conn: psycopg.Connection) -> tuple[int, int]:
    """Compare every report not compared yet; returns (reports, passages)."""
    done = passages = 0
    while ids := unchecked(conn, 100):
        batch = reports(conn, ids)
        conn.commit()
        for report in batch:
            passages += detect(conn, report)
            done += 1
    return done, passages


_SUMMARY = """
    with spans as (
        select doc_a as doc, a_start as s, a_end as e, doc_b as other from reuse_passages
        union all
        select doc_b, b_start, b_end, doc_a from reuse_passages
    ), ordered as (
        select doc, s, e, max(e) over (partition by doc order by s, e
            rows between unbounded preceding and 1 preceding) as reach
        from spans
    ), islands as (
        select doc, s, e, sum(case when reach >= s then 0 else 1 end)
            over (partition by doc order by s, e) as island
        from ordered
    ), covered as (
        select doc, sum(hi - lo) as chars from (
            select doc, min(s) as lo, max(e) as hi from islands group by doc, island
        ) x group by doc
    ), pairs as (
        select doc, other, sum(e - s) as chars, count(*) as n from spans group by doc, other
    ), nearest as (
        select distinct on (doc) doc, other, chars from pairs order by doc, chars desc, other
    ), counts as (
        select doc, sum(n) as n, count(*) as partners from pairs group by doc
    )
    insert into reuse_documents (document_id, reused_chars, reused_share, passages, partners,
        nearest_document_id, nearest_chars)
    select c.doc, c.chars, round(c.chars::numeric / greatest(d.char_count, 1), 4), k.n,
        k.partners, n.other, n.chars
    from covered c join counts k using (doc) join nearest n using (doc)
    join documents d on d.id = c.doc
"""


def summaries_stale(conn: psycopg.Connection) -> bool:
    """Whether `reuse_documents` misses passages stored or removed since it was made (each
    passage counts in the rows of both its reports)."""
    behind = conn.execute(
        "select (select count(*) * 2 from reuse_passages) <> "
        "(select coalesce(sum(passages), 0) from reuse_documents)"
    ).fetchone()[0]
    conn.commit()
    return behind


def refresh_summaries(conn: psycopg.Connection) -> int:
    """Make `reuse_documents` again from the passages; returns its rows."""
    with conn.transaction():
        conn.execute("delete from reuse_documents")
        conn.execute(_SUMMARY)
        return conn.execute("select count(*) from reuse_documents").fetchone()[0]


def stale(conn: psycopg.Connection) -> bool:
    """Whether a run has reuse work left: reports not compared, or summaries behind."""
    return bool(unchecked(conn, 1)) or summaries_stale(conn)


@dataclass(frozen=True, slots=True)
class Similar:
    document_id: int
    title: str | None
    chars: int  # characters of the text found in that report
    passages: list[Passage]


def similar(
    conn: psycopg.Connection, text: str, limit: int = 10, exclude: Sequence[int] = ()
) -> list[Similar]:
    """The loaded reports sharing most with a text (not stored), but those in `exclude`:
    `huibao reuse --report`."""
    found = hashes(text)
    common, ids = candidates(conn, found, exclude)
    boilerplate = reuse.Boilerplate(common)
    titles = dict(
        conn.execute(
            "select id, coalesce(display_title, title) from documents where id = any(%s)",
            (ids,),
        ).fetchall()
    )
    out = []
    for other in reports(conn, ids):
        passages = reuse.compare(text, other.text, boilerplate)
        if passages:
            chars = sum(p.chars for p in passages)
            out.append(Similar(other.id, titles.get(other.id), chars, passages))
    out.sort(key=lambda s: (-s.chars, s.document_id))
    return out[:limit]


def share_of(text_length: int, passages: Sequence[Passage]) -> float:
    """The share of a text the passages cover (each character once)."""
    return reuse.shared_share(text_length, [(p.a_start, p.a_end) for p in passages])
