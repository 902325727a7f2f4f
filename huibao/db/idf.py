"""Keywords by TF-IDF with the IDF of the loaded corpus, refreshed after each ingest.

Each section stores its distinct terms and their counts (`sections.terms`, `term_counts`).
Whenever the sections differ from those of the last refresh (`stale`: their count or highest
id moved, which holds even when the run that loaded them was killed before refreshing),
`refresh` recomputes the IDF over all sections and writes keywords for the documents that have
none yet; when the corpus has grown by a tenth since the last full refresh, every document's
keywords are recomputed, since the IDF they were ranked with has moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from .indexes import may_drop_indexes
from .reference_checks import skip_reference_checks

TABLES = ("keywords", "term_idf", "keyword_state")  # what a refresh writes
SECTION_TOP = 5
DOCUMENT_TOP = 20
FULL_REFRESH_GROWTH = 0.10


@dataclass(slots=True)
class RefreshResult:
    sections: int
    terms: int
    documents: int
    full: bool


# the formula of huibao.text.keywords.corpus_idf
_IDF = """
    insert into term_idf (term, df, idf)
    select u.term, count(*) as df, ln((%(n)s + 1.0) / (count(*) + 1.0)) + 1.0
    from sections s, unnest(s.terms) as u(term)
    group by u.term
"""

# tf-idf per section, then per document from the summed counts of its sections
_KEYWORDS = """
    with docs as (select unnest(%(docs)s::bigint[]) as id),
    section_terms as (
        select s.id as section_id, s.document_id, u.term, u.n,
               sum(u.n) over (partition by s.id) as total
        from sections s join docs d on d.id = s.document_id,
             unnest(s.terms, s.term_counts) as u(term, n)
    ),
    ranked_sections as (
        select st.document_id, st.section_id, st.term,
               (st.n::float / st.total) * coalesce(i.idf, %(max_idf)s) as weight
        from section_terms st left join term_idf i on i.term = st.term
    ),
    doc_terms as (
        select document_id, term, sum(n) as n,
               sum(sum(n)) over (partition by document_id) as total
        from section_terms group by document_id, term
    ),
    ranked_docs as (
        select dt.document_id, null::bigint as section_id, dt.term,
               (dt.n::float / dt.total) * coalesce(i.idf, %(max_idf)s) as weight
        from doc_terms dt left join term_idf i on i.term = dt.term
    )
    insert into keywords (document_id, section_id, term, weight, rank)
    select document_id, section_id, term, round(weight::numeric, 4), rank from (
        select *, row_number() over (partition by section_id order by weight desc, term) as rank
        from ranked_sections
    ) r where rank <= %(section_top)s
    union all
    select document_id, section_id, term, round(weight::numeric, 4), rank from (
        select *, row_number() over (partition by document_id order by weight desc, term) as rank
        from ranked_docs
    ) r where rank <= %(document_top)s
"""


_SECTIONS = "select count(*), coalesce(max(id), 0) from sections"


def stale(conn: psycopg.Connection) -> bool:
    """Whether sections were added or removed since the keywords were last refreshed."""
    row = conn.execute(
        f"select not exists (select 1 from keyword_state k, ({_SECTIONS}) s (n, last_id) "
        "where k.id = 1 and k.sections = s.n and k.last_section_id = s.last_id)"
    ).fetchone()
    return row[0]


def _drop_secondary_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the keyword table's indexes but its key, returning their definitions: filling the
    emptied table and building them after costs a fifth less than keeping them up to date.
    The transaction that drops them builds them again (or, killed, drops nothing). Only the
    table's owner may: others keep them."""
    if not may_drop_indexes(conn, "keywords"):
        return []
    rows = conn.execute(
        "select i.indexname, i.indexdef from pg_indexes i "
        "join pg_class c on c.relname = i.indexname "
        "join pg_index x on x.indexrelid = c.oid "
        "where i.schemaname = current_schema() and i.tablename = 'keywords' "
        "and not x.indisprimary"
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'drop index "{name}"')
    return [definition for _, definition in rows]


def refresh(conn: psycopg.Connection, force_full: bool = False) -> RefreshResult:
    """Recompute the IDF and the keywords that need it, in one transaction."""
    with conn.transaction():
        conn.execute("lock table term_idf in exclusive mode")  # one refresher at a time
        # No report comes or goes until this commits: every keyword written references a
        # report and a section that stay, so their foreign-key checks can be skipped (they
        # were half the cost of the refresh).
        conn.execute("lock table documents in share mode")
        conn.execute("set local work_mem = '256MB'")  # the rankings sort millions of terms
        # read first: sections committed while this runs leave the state stale for next time
        n, last_id = conn.execute(_SECTIONS).fetchone()
        state = conn.execute("select idf_sections from keyword_state where id = 1").fetchone()
        full = force_full or state is None or n >= (state[0] or 0) * (1 + FULL_REFRESH_GROWTH) + 1
        conn.execute("truncate term_idf")
        conn.execute(_IDF, {"n": n})
        terms, max_idf = conn.execute(
            "select count(*), coalesce(max(idf), 1) from term_idf"
        ).fetchone()
        rebuilt: list[str] = []
        if full:
            conn.execute("truncate keywords")
            docs = [r[0] for r in conn.execute("select id from documents")]
            rebuilt = _drop_secondary_indexes(conn)
        else:
            docs = [
                r[0]
                for r in conn.execute(
                    "select d.id from documents d where not exists "
                    "(select 1 from keywords k where k.document_id = d.id)"
                )
            ]
        if docs:
            skip_reference_checks(conn)
            conn.execute(
                _KEYWORDS,
                {
                    "docs": docs,
                    "max_idf": max_idf,
                    "section_top": SECTION_TOP,
                    "document_top": DOCUMENT_TOP,
                },
            )
        for definition in rebuilt:
            conn.execute(definition)
        conn.execute(
            """
            insert into keyword_state (id, sections, idf_sections, last_section_id, refreshed_at)
            values (1, %(n)s, %(n)s, %(last_id)s, now())
            on conflict (id) do update set sections = excluded.sections, refreshed_at = now(),
                last_section_id = excluded.last_section_id,
                idf_sections = case when %(full)s then excluded.idf_sections
                                    else keyword_state.idf_sections end
            """,
            {"n": n, "last_id": last_id, "full": full},
        )
    return RefreshResult(n, terms, len(docs), full)
