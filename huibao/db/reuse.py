"""Text reuse in Postgres: each report's fingerprints (with where they are) and skeleton are
stored with it; a run's last step compares the reports not compared yet with everything loaded,
all of them at once: one query finds every report holding one of their fingerprints, the pairs
are sifted over all their skeletons together (huibao.text.reuse_pairs), and the pairs that pass
are aligned (huibao.text.reuse) and their passages stored.

A report not compared (loaded by a run killed before its last step, or before text reuse
existed) has no row in `reuse_checks`; the next run compares it. A pair is always aligned in
the same order (by a hash of the texts), so its passages do not depend on which of the two was
loaded first.

Boilerplate: fingerprints held by very many reports (`BOILERPLATE_REPORTS` and
`BOILERPLATE_SHARE` of them) pair nothing and start no passage; the set phrases shipped as data
are boilerplate however few reports there are (huibao.text.reuse).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import psycopg

from huibao.text import reuse, reuse_pairs
from huibao.text.reuse import Passage
from huibao.text.reuse_pairs import SEEDS, Prints, TooManySeeds
from huibao.text.skeleton import (
    REPEATS,
    Outline,
    Skeleton,
    boilerplate_mask,
    outline,
    pack,
    prepare,
    prepared,
    set_phrases,
    sorted_isin,
    unpack,
    unpack_outline,
)

BOILERPLATE_REPORTS = 50  # a fingerprint held by more reports than this and
BOILERPLATE_SHARE = 0.02  # than this share of them is boilerplate
CHUNK = 1000  # reports compared at once (what one pass holds in memory grows with it)
TABLES = ("reuse_passages", "reuse_documents")  # what the site shows
_UNSTORED = -1  # the id of a text compared without being stored (ids of reports are positive)
T = TypeVar("T")


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


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """What is stored of a report to compare it: its fingerprints, where each starts in its
    skeleton, and the skeleton (packed)."""

    hashes: np.ndarray
    positions: np.ndarray
    skeleton: bytes


def fingerprints(text: str) -> Fingerprints:
    """The fingerprints of a clean text and its packed skeleton."""
    made = prepare(text)  # met once: not kept
    return Fingerprints(made.hashes, made.positions, pack(made.skeleton))


def copy_fingerprints(conn: psycopg.Connection, rows: Iterable[tuple[int, Fingerprints]]) -> None:
    """COPY the fingerprints (each once, with where it starts: the first place, and up to
    REPEATS others the report repeats it at: one repeated more often seeds nothing, and
    REPEATS + 1 places say so) and skeletons of (document id, Fingerprints), the fingerprints
    as one block of text (a row at a time from Python would cost more than making them)."""
    rows = list(rows)
    if not rows:
        return
    block = "".join(_fingerprint_lines(doc, f) for doc, f in rows)
    with conn.cursor() as cur:
        if block:
            with cur.copy(
                "COPY reuse_fingerprints (hash, document_id, position, more) FROM STDIN"
            ) as c:
                c.write(block)
        with cur.copy("COPY reuse_skeletons (document_id, skeleton) FROM STDIN") as c:
            for doc, f in rows:
                c.write_row((doc, f.skeleton))


def _fingerprint_lines(doc: int, f: Fingerprints) -> str:
    """COPY lines of a report's fingerprints: hash, report, first position, the others."""
    order = np.lexsort((f.positions, f.hashes))
    hashes, positions = f.hashes[order], f.positions[order]
    first = np.r_[True, hashes[1:] != hashes[:-1]]
    once = first & np.r_[first[1:], True]  # most are found once
    line = f"{{}}\t{doc}\t{{}}\t\\N\n".format
    lines = "".join(map(line, hashes[once].tolist(), positions[once].tolist()))
    starts = np.flatnonzero(first & ~once)
    ends = np.r_[np.flatnonzero(first)[1:], len(hashes)]
    ends = ends[np.searchsorted(np.flatnonzero(first), starts)]
    for i, j in zip(starts.tolist(), ends.tolist(), strict=True):
        more = ",".join(map(str, positions[i + 1 : min(j, i + 1 + REPEATS)].tolist()))
        lines += f"{hashes[i]}\t{doc}\t{positions[i]}\t{{{more}}}\n"
    return lines


# The holders of some fingerprints, read up to one more than the boilerplate limit (whether a
# fingerprint is boilerplate needs no more; the set phrases of a large corpus have thousands),
# as one bytea of (hash, report, position) rows (int8, int8, int4, big-endian): parsed in one
# step, and cheaper for Postgres to make than text. The lookup's index holds the rest of each
# row, and the table is vacuumed after the index is built (huibao.db.indexes): the lookup reads
# the index alone. Postgres counts the holders: the rows of boilerplate fingerprints (most of
# those read, in a collection that copies densely) stay there, and only those fingerprints
# come back. The first places, then the others (few; unnesting every row costs more).
_MOST = """
    select greatest(%(reports)s, floor(%(share)s * count(*)))::int, count(*) from documents
"""
_ROW = "int8send({h}) || int8send({d}) || int4send({at})"
_ROW_TYPE = np.dtype([("hash", ">i8"), ("doc", ">i8"), ("at", ">i4")])
_HOLDERS = f"""
    with x as materialized (
        select m.hash, f.document_id, f.position, f.more
        from ({{hashes}}) as m (hash)
        cross join lateral (
            select f.document_id, f.position, f.more from reuse_fingerprints f
            where f.hash = m.hash and f.document_id <> all(%(exclude)s::bigint[])
            limit %(most)s + 1
        ) f
    ), held as materialized (
        select hash, count(*) > %(most)s as common from x group by hash
    ), kept as materialized (
        select x.* from x join held using (hash) where not held.common
    )
    select (
        select string_agg(r, ''::bytea) from (
            select {_ROW.format(h="k.hash", d="k.document_id", at="k.position")} as r from kept k
            union all
            select {_ROW.format(h="k.hash", d="k.document_id", at="p.at")}
            from kept k cross join lateral unnest(k.more) as p (at) where k.more is not null
            limit %(rows)s
        ) y
    ), (select array_agg(hash) from held where common)
"""
# Every occurrence (of some fingerprints, or of all): one pass over the table, cheaper than
# looking each fingerprint up when most reports are new, and the way without the index on
# fingerprints, which a large load sets aside (huibao.db.indexes). The first places, then the
# others (few: unnesting every row would cost Postgres more than the rest of the query).
_SCANNED = f"""
    select string_agg(r, ''::bytea) from (
        select {_ROW.format(h="f.hash", d="f.document_id", at="f.position")} as r
        from reuse_fingerprints f {{join}}
        where f.document_id <> all(%(exclude)s::bigint[])
        union all
        select {_ROW.format(h="f.hash", d="f.document_id", at="p.at")}
        from reuse_fingerprints f {{join}}
        cross join lateral unnest(f.more) as p (at)
        where f.more is not null and f.document_id <> all(%(exclude)s::bigint[])
        limit %(rows)s
    ) x
"""
_SCANNED = f"select ({_SCANNED}), null::bigint[]"  # (the boilerplate counted here)
_JOIN = "join ({hashes}) as m (hash) on m.hash = f.hash"
_INDEX = "select to_regclass('ix_reuse_fingerprints_hash') is not null"
_OF_REPORTS = "select distinct hash from reuse_fingerprints where document_id = any(%(ids)s)"
_OF_HASHES = "select distinct unnest(%(hashes)s::bigint[])"


def holders(
    conn: psycopg.Connection,
    ids: Sequence[int] = (),
    hashes: np.ndarray | None = None,
    exclude: Sequence[int] = (),
    boilerplate_reports: int = BOILERPLATE_REPORTS,
    rows: int | None = None,
) -> tuple[Prints, np.ndarray, int]:
    """(every occurrence, in the loaded reports but those in `exclude`, of the fingerprints of
    reports `ids` or of `hashes` that are not boilerplate (of all fingerprints, when most
    reports are among `ids`); the boilerplate: those and the set
    phrases, sorted; how many reports a fingerprint may have). A fingerprint is boilerplate
    when more than `boilerplate_reports` reports, and more than BOILERPLATE_SHARE of all,
    hold it. Raises TooManySeeds when there are more than `rows` occurrences (they make about
    as many seeds or more)."""
    params = {
        "ids": list(ids),
        "hashes": [] if hashes is None else hashes.tolist(),
        "exclude": list(exclude),
        "reports": boilerplate_reports,
        "share": BOILERPLATE_SHARE,
    }
    most, loaded = conn.execute(_MOST, params).fetchone()
    of = _OF_REPORTS if hashes is None else _OF_HASHES
    if hashes is None and len(ids) * 2 >= loaded:  # (at most 2 * CHUNK reports loaded)
        query = _SCANNED.format(join="")
    elif conn.execute(_INDEX).fetchone()[0]:
        query = _HOLDERS.format(hashes=of)
    else:
        query = _SCANNED.format(join=_JOIN.format(hashes=of))
    limit = None if rows is None else rows + 1
    data, counted = conn.execute(
        query, {**params, "most": most, "rows": limit}, binary=True
    ).fetchone()
    found = np.frombuffer(data or b"", dtype=_ROW_TYPE)
    if rows is not None and len(found) > rows:
        raise TooManySeeds(len(found))
    table = np.stack([found[f].astype(np.int64) for f in _ROW_TYPE.names], axis=1)
    table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
    h, d = table[:, 0], table[:, 1]
    # reports holding each fingerprint: its distinct (hash, report) pairs
    first = np.r_[True, (h[1:] != h[:-1]) | (d[1:] != d[:-1])] if len(h) else np.empty(0, bool)
    values, at = np.unique(h, return_inverse=True)
    holding = np.bincount(at, weights=first, minlength=len(values))
    common = values[holding > most]
    keep = ~sorted_isin(h, common)
    prints = Prints(h[keep].copy(), d[keep].copy(), table[keep, 2].copy())
    common = np.union1d(common, np.asarray(counted or [], dtype=np.int64))
    return prints, np.union1d(set_phrases(), common), most


def outlines(
    conn: psycopg.Connection, ids: Iterable[int], packed: dict[int, bytes] | None = None
) -> dict[int, Outline]:
    """The outlines of the stored skeletons of reports (made from the text of one stored
    without); `packed`: the stored skeletons, when the caller read them."""
    return _stored(conn, ids, unpack_outline, outline, packed)


def skeletons(
    conn: psycopg.Connection, ids: Iterable[int], packed: dict[int, bytes] | None = None
) -> dict[int, Skeleton]:
    """The stored skeletons of reports (made again from the text of one stored without)."""
    return _stored(conn, ids, unpack, lambda skel: skel, packed)


def packed_skeletons(conn: psycopg.Connection, ids: Iterable[int]) -> dict[int, bytes]:
    """The stored skeletons of reports, as stored (`pack`)."""
    return dict(
        conn.execute(
            "select document_id, skeleton from reuse_skeletons where document_id = any(%s)",
            (list(ids),),
        ).fetchall()
    )


def _stored(
    conn: psycopg.Connection,
    ids: Iterable[int],
    read: Callable[[bytes], T],
    made: Callable[[Skeleton], T],
    packed: dict[int, bytes] | None,
) -> dict[int, T]:
    """`read` of each report's stored skeleton, or `made` of its skeleton made again."""
    ids = list(ids)
    packed = packed_skeletons(conn, ids) if packed is None else packed
    found = {doc: read(packed[doc]) for doc in ids if doc in packed}
    missing = [i for i in ids if i not in found]
    for r in reports(conn, missing):
        found[r.id] = made(prepared(r.text).skeleton)
    return found


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


def _aligned(
    x: Report, y: Report, sx: Skeleton, sy: Skeleton, seeds: list[tuple[int, int]],
    boiler: np.ndarray, masks: dict[int, np.ndarray],
) -> list[Passage]:  # fmt: skip
    """The passages of a pair from the seeds found for it (positions in x, in y), aligned in
    the pair's fixed order; `masks`: the boilerplate masks of the skeletons made so far."""
    if ordered(x, y)[0] is not x:
        x, y, sx, sy, seeds = y, x, sy, sx, sorted((q, p) for p, q in seeds)
    if x.id not in masks:
        masks[x.id] = boilerplate_mask(sx.text, boiler)
    return reuse.aligned(x.text, sx, y.text, sy, seeds, boiler, mask_a=masks[x.id])


# the arrays in binary: as text, the JSON of the substitutions is escaped character by character
_INSERT = """
    insert into reuse_passages (doc_a, doc_b, a_start, a_end, b_start, b_end, chars, similarity,
        substitutions, kind, earlier)
    select * from unnest(%(a)b::bigint[], %(b)b::bigint[], %(a_start)b::int[], %(a_end)b::int[],
        %(b_start)b::int[], %(b_end)b::int[], %(chars)b::int[], %(similarity)b::float8[],
        %(subs)b::text[], %(kind)b::text[], %(earlier)b::bigint[])
    on conflict (doc_a, doc_b, a_start, b_start) do nothing
    returning id, doc_a, a_start, a_end, doc_b, b_start, b_end
"""
_FAMILIES = """
    select id, family_id, doc_a, a_start, a_end, doc_b, b_start, b_end from reuse_passages
    where (doc_a = any(%(docs)s) or doc_b = any(%(docs)s)) and family_id is not null
"""


def store_passages(
    conn: psycopg.Connection, found: Iterable[tuple[Report, Report, list[Passage]]]
) -> int:
    """Store the passages of pairs in one statement; returns how many were new. Passages that
    overlap in a report belong to one family (the same text copied into several reports): a
    new passage takes the family of a stored one it is joined to, through overlaps, else the
    smallest id among the new ones joined to it (two stored families a new passage bridges
    keep their ids)."""
    rows: dict[str, list] = {k: [] for k in (
        "a", "b", "a_start", "a_end", "b_start", "b_end", "chars", "similarity", "subs", "kind",
        "earlier")}  # fmt: skip
    for x, y, passages in found:
        a, b = ordered(x, y)
        kind, first = reuse.relation(_issuer(a), _issuer(b)), _earlier(a, b)
        for p in passages:
            for key, value in (
                ("a", a.id), ("b", b.id), ("a_start", p.a_start), ("a_end", p.a_end),
                ("b_start", p.b_start), ("b_end", p.b_end), ("chars", p.chars),
                ("similarity", p.similarity), ("kind", kind), ("earlier", first),
                ("subs", json.dumps(p.substitutions, ensure_ascii=False)),
            ):  # fmt: skip
                rows[key].append(value)
    if not rows["a"]:
        return 0
    new = conn.execute(_INSERT, rows).fetchall()
    if new:
        docs = sorted({r[1] for r in new} | {r[4] for r in new})
        stored = conn.execute(_FAMILIES, {"docs": docs}).fetchall()
        conn.execute(
            "update reuse_passages p set family_id = t.family "
            "from unnest(%s::bigint[], %s::bigint[]) as t (id, family) where p.id = t.id",
            _families(new, stored),
        )
    return len(new)


def _families(new: list[tuple], stored: list[tuple]) -> tuple[list[int], list[int]]:
    """(ids, families) of the new passages (id, doc_a, a_start, a_end, doc_b, b_start, b_end),
    joined through overlaps in either report among themselves and with the stored ones (id,
    family, doc_a, …)."""
    passages = [(r[0], None, *r[1:]) for r in new] + list(stored)
    parent = list(range(len(passages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    spans = sorted(
        (doc, start, end, i)
        for i, (_, _, da, sa, ea, db, sb, eb) in enumerate(passages)
        for doc, start, end in ((da, sa, ea), (db, sb, eb))
    )
    doc_at, reach, anchor = None, 0, 0
    for doc, start, end, i in spans:  # overlapping spans of one report, one after another
        if doc == doc_at and start < reach:
            parent[root(i)] = root(anchor)
            reach = max(reach, end)
        else:
            doc_at, reach, anchor = doc, end, i
    family: dict[int, int] = {}  # a group's stored family, else its smallest new id
    for i, (_, fam, *_) in enumerate(passages):
        if fam is not None:
            r = root(i)
            family[r] = min(family.get(r, fam), fam)
    smallest: dict[int, int] = {}
    for i, (pid, _, *_) in enumerate(passages[: len(new)]):
        r = root(i)
        smallest[r] = min(smallest.get(r, pid), pid)
    out_ids = [r[0] for r in new]
    out_families = [family.get(root(i), smallest[root(i)]) for i in range(len(new))]
    return out_ids, out_families


def _issuer(r: Report) -> reuse.Issuer:
    return reuse.Issuer(r.year, r.period, r.admin_level, r.org, r.place)


def _earlier(a: Report, b: Report) -> int | None:
    first = reuse.earlier(_issuer(a), _issuer(b))
    return None if first is None else (a.id if first == 0 else b.id)


def _fingerprint_missing(conn: psycopg.Connection, ids: Sequence[int]) -> None:
    """Store the fingerprints of the reports among `ids` stored without (loaded before text
    reuse existed, or by a run that did not fingerprint)."""
    missing = [
        r[0]
        for r in conn.execute(
            "select d.id from documents d where d.id = any(%s) and ("
            "not exists (select 1 from reuse_skeletons s where s.document_id = d.id) or "
            "not exists (select 1 from reuse_fingerprints f where f.document_id = d.id))",
            (list(ids),),
        )
    ]
    if missing:
        for table in ("reuse_fingerprints", "reuse_skeletons"):
            conn.execute(f"delete from {table} where document_id = any(%s)", (missing,))
        copy_fingerprints(conn, [(r.id, fingerprints(r.text)) for r in reports(conn, missing)])


def detect(conn: psycopg.Connection, ids: Sequence[int], seeds: int | None = SEEDS) -> int | None:
    """Compare loaded reports with everything loaded (and with one another), store their
    passages and mark them compared, in one transaction. Returns the passages stored, or None
    when they pair into more than `seeds` seeds (more than one report: nothing is done; compare
    fewer at a time)."""
    limit = seeds if len(ids) > 1 else None
    try:
        return _detect(conn, ids, limit)
    except TooManySeeds:
        return None


def _detect(conn: psycopg.Connection, ids: Sequence[int], seeds: int | None) -> int:
    with conn.transaction():
        _fingerprint_missing(conn, ids)
        prints, common, most = holders(conn, ids, rows=seeds)
        docs = np.union1d(prints.docs, np.asarray(ids, dtype=np.int64)).tolist()
        packed = packed_skeletons(conn, docs)  # read once: outlines of all, skeletons of some
        shapes = outlines(conn, docs, packed)
        found = reuse_pairs.pairs(prints, shapes, ids, common, most, seeds=seeds)
        involved = sorted({d for pair in found for d in pair})
        by_id = {r.id: r for r in reports(conn, involved)}
        kept = skeletons(conn, involved, packed)
        masks: dict[int, np.ndarray] = {}
        results = [
            (x, y, _aligned(x, y, kept[a], kept[b], seeds, common, masks))
            for (a, b), seeds in found.items()
            for x, y in [(by_id[a], by_id[b])]
        ]
        stored = store_passages(conn, results)
        partners = {i: 0 for i in ids}
        for a, b in found:
            for d in (a, b):
                if d in partners:
                    partners[d] += 1
        conn.execute(
            "insert into reuse_checks (document_id, candidates, checked_at) "
            "select t.d, t.c, now() from unnest(%s::bigint[], %s::int[]) as t (d, c) "
            "on conflict (document_id) do update "
            "set candidates = excluded.candidates, checked_at = excluded.checked_at",
            (list(partners), list(partners.values())),
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


def check_all(
    conn: psycopg.Connection, chunk: int = CHUNK, seeds: int | None = SEEDS
) -> tuple[int, int]:
    """Compare every report not compared yet, `chunk` at a time (half as many from the first
    time they pair into more than `seeds` seeds: memory grows with the seeds, and a corpus
    that copies densely has many); returns (reports, passages)."""
    done = passages = 0
    while ids := unchecked(conn, chunk):
        stored = detect(conn, ids, seeds)
        if stored is None:
            chunk = max(len(ids) // 2, 1)
            continue
        passages += stored
        done += len(ids)
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
    mine = prepared(text)
    loaded, common, most = holders(conn, hashes=np.unique(mine.hashes), exclude=exclude)
    prints = Prints.join([Prints.of(_UNSTORED, mine), loaded])
    shapes = outlines(conn, np.unique(loaded.docs).tolist())
    shapes[_UNSTORED] = outline(mine.skeleton)
    found = reuse_pairs.pairs(prints, shapes, [_UNSTORED], common, most)
    others = {r.id: r for r in reports(conn, [b for _, b in found])}
    kept = skeletons(conn, list(others))
    titles = dict(
        conn.execute(
            "select id, coalesce(display_title, title) from documents where id = any(%s)",
            (list(others),),
        ).fetchall()
    )
    out = []
    for (_, other), seeds in found.items():
        passages = reuse.aligned(text, mine.skeleton, others[other].text, kept[other], seeds,
                                 common)  # fmt: skip
        if passages:
            chars = sum(p.chars for p in passages)
            out.append(Similar(other, titles.get(other), chars, passages))
    out.sort(key=lambda s: (-s.chars, s.document_id))
    return out[:limit]
