"""What a publish adds to the exported tables: views people browse, the search index, and
the metadata Datasette serves with them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from sqlmodel import SQLModel

import huibao.models  # noqa: F401  (registers the tables)

from . import swap

METADATA = Path(__file__).resolve().parent.parent / "datasette" / "metadata.yaml"

VIEWS = {
    "section_details": """
        select s.id, coalesce(d.display_title, d.title) as report, d.place, d.year,
               d.admin_level, s.role, s.path, s.marker, s.heading, s.body, s.topics, d.period,
               d.org, d.kind, s.level, s.kind as section_kind, s.document_id
        from sections s join documents d on d.id = s.document_id
    """,
    "topic_sections": """
        select st.topic, t.zh as topic_zh, st.evidence, s.id as section_id, s.heading, s.role,
               s.level, d.id as document_id, coalesce(d.display_title, d.title) as document_title,
               d.place, d.year, d.period, d.admin_level, d.org
        from section_topics st join topics t on t.key = st.topic
        join sections s on s.id = st.section_id join documents d on d.id = s.document_id
    """,
    "slogan_years": """
        select d.year, sl.slogan, sum(sl.count) as uses, count(distinct d.id) as documents
        from slogans sl join documents d on d.id = sl.document_id
        group by d.year, sl.slogan
    """,
    "indicator_details": """
        select i.id, i.indicator, it.zh as indicator_zh, i.name, i.value, i.unit, i.growth,
               i.growth_unit, i.direction, i.masked, i.value_masked, i.growth_masked, i.target,
               i.text, i.section_id, d.id as document_id,
               coalesce(d.display_title, d.title) as document_title, d.year, d.period,
               d.admin_level, d.org, d.place
        from indicators i join indicator_types it on it.key = i.indicator
        join documents d on d.id = i.document_id
    """,
    # one row per pair of reports sharing passages
    "reuse_pairs": """
        select p.doc_a, p.doc_b, coalesce(a.display_title, a.title) as report_a,
               coalesce(b.display_title, b.title) as report_b, p.kind,
               case p.earlier when p.doc_a then 'a' when p.doc_b then 'b' end as earlier,
               count(*) as passages, sum(p.chars) as chars,
               round(sum(p.chars) * 1.0 / a.char_count, 3) as share_a,
               round(sum(p.b_end - p.b_start) * 1.0 / b.char_count, 3) as share_b,
               round(avg(p.similarity), 3) as similarity,
               '/-/reuse/' || p.doc_a || '/' || p.doc_b as side_by_side
        from reuse_passages p join documents a on a.id = p.doc_a
        join documents b on b.id = p.doc_b
        group by p.doc_a, p.doc_b
    """,
    # who copied from whom: the issuer of the earlier report first, when the years tell
    "reuse_issuers": """
        select coalesce(f.org, f.place, '（未知）') as from_issuer, f.admin_level as from_level,
               coalesce(t.org, t.place, '（未知）') as to_issuer, t.admin_level as to_level,
               p.kind, p.earlier is not null as directed,
               count(distinct p.doc_a || '/' || p.doc_b) as report_pairs,
               count(*) as passages, sum(p.chars) as chars
        from reuse_passages p
        join documents f on f.id = case when p.earlier = p.doc_b then p.doc_b else p.doc_a end
        join documents t on t.id = case when p.earlier = p.doc_b then p.doc_a else p.doc_b end
        group by 1, 2, 3, 4, 5, 6
    """,
    # passages of one text copied into several reports
    "reuse_families": """
        with members as (
            select family_id, doc_a as doc from reuse_passages
            union select family_id, doc_b from reuse_passages
        )
        select m.family_id, count(*) as reports,
               (select count(*) from reuse_passages q where q.family_id = m.family_id)
                   as passages,
               (select substr(d.clean_text, p.a_start + 1, p.a_end - p.a_start)
                from reuse_passages p join documents d on d.id = p.doc_a
                where p.id = m.family_id) as text
        from members m group by m.family_id
    """,
}


# Datasette's search box runs `count(*) … where id in (select rowid from <fts> …)`. Looking
# each match up in the table itself reads wide rows; a narrow index on the id (with the join key
# of the views) answers the count from small pages: 15 times faster at 300 000 sections.
SEARCH_INDEXES = [
    "create index ix_sections_search on sections (id, document_id)",
    "create index ix_documents_search on documents (id)",
]


def build(db: sqlite3.Connection) -> None:
    """Add the views and the site's own indexes to the exported tables."""
    for name, sql in VIEWS.items():
        db.execute(f"create view {name} as {sql}")
    for sql in SEARCH_INDEXES:
        db.execute(sql)
    db.execute("create index ix_slogans_document on slogans (document_id, slogan)")
    db.execute("create index ix_sections_document_role on sections (document_id, role)")


def column_descriptions() -> dict[str, dict[str, str]]:
    """Column descriptions of every table, from the SQLModel field descriptions."""
    out: dict[str, dict[str, str]] = {}
    for model in SQLModel.__subclasses__():
        table = getattr(model, "__tablename__", None)
        if not isinstance(table, str):
            continue
        fields = getattr(model, "model_fields", {})
        out[table] = {
            name: field.description for name, field in fields.items() if field.description
        }
    return out


def metadata() -> dict:
    """Datasette metadata: the YAML in huibao/datasette plus the schema's column docs."""
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    docs = column_descriptions()
    for database in meta.get("databases", {}).values():
        for name, table in database.get("tables", {}).items():
            sources = table.pop("columns_from", [name])
            columns: dict[str, str] = {}
            for source in reversed(sources if isinstance(sources, list) else [sources]):
                columns.update(docs.get(source, {}))
            columns.update(table.get("columns", {}))
            if columns:
                table["columns"] = columns
    return meta


def write_metadata(path: Path, database: str, published: Path | None = None) -> Path:
    """Metadata for a published file whose database name (its file stem) is `database`; with
    the file at hand, column descriptions are kept only for columns the table or view has."""
    meta = metadata()
    dbs = meta.get("databases", {})
    if "huibao" in dbs and database != "huibao":
        dbs[database] = dbs.pop("huibao")
    if published is not None and published.exists():
        db = sqlite3.connect(f"file:{published}?mode=ro", uri=True)
        try:
            for name, table in dbs.get(database, {}).get("tables", {}).items():
                present = {r[1] for r in db.execute(f"pragma table_info([{name}])")}
                if present and "columns" in table:
                    table["columns"] = {c: d for c, d in table["columns"].items() if c in present}
        finally:
            db.close()
    return swap.write_text(path, json.dumps(meta, ensure_ascii=False, indent=1))
