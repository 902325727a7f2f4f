"""huibao's own pages: `/-/search` (search with snippets and facets), `/-/document/<id>` (one
report: metadata, reuse, outline, indicators, its text with every section anchored),
`/-/charts` (and `/-/reuse/<a>/<b>`, in reuse_pages)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from . import reuse_pages, snippets
from .charts import family_bars_svg, heatmap_svg, slogan_bars_svg
from .labels import Labels, site
from .served import database

LEVEL_ORDER = ["national", "province", "city", "county", "district", "township", "subdistrict", "?"]
PAGE_SIZE = 20
FACET_SCAN = 10_000  # matches the facets are counted over
FACETS = ("place", "year", "admin_level", "role", "topic")


_LABELS: dict[tuple, Labels] = {}


def labels_of(datasette) -> Labels:
    """The labels of the served file (read again when a publish replaced it)."""
    import os

    try:
        _, db = database(datasette)
        path = db.path
        stat = os.stat(path)
        key = (path, stat.st_ino, stat.st_mtime_ns)
    except (NotFound, OSError, TypeError):
        return Labels.of_file(None)
    if key not in _LABELS:
        _LABELS.clear()
        _LABELS[key] = Labels.of_file(path)
    return _LABELS[key]


# -- search ---------------------------------------------------------------------------------

_MATCHES = """
    with m as (
        select s.id, s.document_id, s.path, s.marker, s.heading, s.role, s.topics, s.body
        from sections_fts f join sections s on s.id = f.rowid
        where sections_fts match escape_fts(:q)
        limit :scan
    ), h as (
        select m.*, coalesce(d.display_title, d.title) as report, d.place, d.year, d.admin_level
        from m join documents d on d.id = m.document_id
        where (:place = '' or d.place = :place)
          and (:year = '' or d.year = cast(:year as integer))
          and (:admin_level = '' or d.admin_level = :admin_level)
          and (:role = '' or m.role = :role)
          and (:topic = '' or exists (select 1 from json_each(m.topics) j where j.value = :topic))
    )
"""
_FACET_SQL = {
    "place": "select place as v, count(*) as n from h group by place",
    "year": "select year as v, count(*) as n from h group by year",
    "admin_level": "select admin_level as v, count(*) as n from h group by admin_level",
    "role": "select role as v, count(*) as n from h group by role",
    "topic": "select j.value as v, count(*) as n from h, json_each(h.topics) j group by j.value",
}


async def search_page(datasette, request):
    name, db = database(datasette)
    labels = labels_of(datasette)
    args = {k: request.args.get(k, "").strip() for k in ("q", *FACETS)}
    for k in FACETS:
        args[k] = labels.code(args[k], k)
    page = max(1, int(request.args.get("page", "1") or 1))
    hits, total, facets = [], 0, {}
    if args["q"]:
        params = {**args, "scan": FACET_SCAN}
        total = (await db.execute(_MATCHES + "select count(*) from h", params)).first()[0]
        rows = await db.execute(
            _MATCHES + "select id, document_id, report, place, year, admin_level, path, marker, "
            "heading, role, huibao_snippet(heading || char(10) || body, :q) as snippet from h "
            "order by year desc, document_id, id limit :size offset :offset",
            {**params, "size": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE},
        )
        hits = [dict(r) for r in rows]
        for h in hits:
            h["snippet"] = snippets.render(h["snippet"] or "")
            section = _PARTS.get(h["path"]) or f"{h['path']} {h['marker']}{h['heading'] or ''}"
            h["where"] = " · ".join(
                str(x) for x in (
                    h["place"], f"{h['year']}年" if h["year"] else "",
                    labels.label(h["admin_level"], "admin_level"), section,
                    labels.label(h["role"], "role"),
                ) if x
            )  # fmt: skip
        for facet in FACETS:
            rows = await db.execute(
                _MATCHES + _FACET_SQL[facet] + " order by n desc, v limit 15", params
            )
            facets[facet] = [
                {
                    "value": r["v"], "count": r["n"],
                    "label": labels.label(r["v"], facet) or (r["v"] if r["v"] is not None else "（未知）"),
                    "url": _url(args, facet, r["v"]), "selected": str(r["v"]) == args[facet],
                }
                for r in rows if r["v"] is not None or facet in ("place", "year")
            ]  # fmt: skip
    html = await datasette.render_template(
        "huibao_search.html",
        {
            "database": name, "args": args, "hits": hits, "total": total, "facets": facets,
            "facet_names": {f: _FACET_NAMES[f] for f in FACETS},
            "scan_limit": FACET_SCAN, "page": page, "pages": -(-total // PAGE_SIZE),
            "page_url": lambda p: "/-/search?" + urlencode({**_present(args), "page": p}),
            "clear_url": lambda f: "/-/search?" + urlencode(_present({**args, f: ""})),
            "filter_labels": {f: labels.label(args[f], f) or args[f] for f in FACETS if args[f]},
            "examples": site()["examples"],
        },
        request=request,
    )  # fmt: skip
    return Response.html(html)


_PARTS = {"0": "开头 opening", "C": "结尾 closing"}  # paths of the parts outside the tree
_FACET_NAMES = {"place": "地方", "year": "年份", "admin_level": "层级", "role": "角色",
                "topic": "主题"}  # fmt: skip


def _present(args: dict) -> dict:
    return {k: v for k, v in args.items() if v not in ("", None)}


def _url(args: dict, facet: str, value) -> str:
    chosen = {**args, facet: "" if str(value) == args[facet] else ("" if value is None else value)}
    return "/-/search?" + urlencode(_present(chosen))


# -- one report -----------------------------------------------------------------------------


async def document_page(datasette, request):
    name, db = database(datasette)
    labels = labels_of(datasette)
    doc_id = int(request.url_vars["id"])
    doc = (await db.execute("select * from documents where id = ?", [doc_id])).first()
    if doc is None:
        raise NotFound(f"no report {doc_id}")
    source = (await db.execute("select * from sources where id = ?", [doc["source_id"]])).first()
    sections = [dict(r) for r in await db.execute(
        "select * from sections where document_id = ? order by ordinal", [doc_id]
    )]  # fmt: skip
    keywords = [r["term"] for r in await db.execute(
        "select term from keywords where document_id = ? and section_id is null order by rank",
        [doc_id],
    )]  # fmt: skip
    slogans = [dict(r) for r in await db.execute(
        "select slogan, sum(count) as uses from slogans where document_id = ? group by slogan "
        "order by uses desc, slogan limit 20", [doc_id],
    )]  # fmt: skip
    indicators = [dict(r) for r in await db.execute(
        "select i.*, t.zh from indicators i join indicator_types t on t.key = i.indicator "
        "where i.document_id = ? order by i.start", [doc_id],
    )]  # fmt: skip
    glossary = [dict(r) for r in await db.execute(
        "select term, definition from glossary where document_id = ? order by id", [doc_id]
    )]  # fmt: skip
    edits = (await db.execute(
        "select count(*) from cleaning_edits where source_id = ?", [doc["source_id"]]
    )).first()[0]  # fmt: skip
    reuse = await reuse_pages.of_document(db, dict(doc))
    topics = labels.vocabularies["topics"]
    for s in sections:
        s["topic_labels"] = [topics.get(t, t) for t in json.loads(s["topics"] or "[]")]
        s["paragraphs"] = [p for p in (s["body"] or "").split("\n") if p.strip()]
    html = await datasette.render_template(
        "huibao_document.html",
        {
            "database": name,
            "doc": dict(doc),
            "source": dict(source) if source else None,
            "sections": sections,
            "keywords": keywords,
            "slogans": slogans,
            "indicators": indicators,
            "glossary": glossary,
            "edits": edits,
            "reuse": reuse,
            "role_names": labels.vocabularies["role"],
            "level_names": labels.vocabularies["level"],
            "period_names": labels.vocabularies["period"],
        },
        request=request,
    )
    return Response.html(html)


# -- charts ---------------------------------------------------------------------------------


async def charts_page(datasette, request):
    name, db = database(datasette)
    level_names = {**labels_of(datasette).vocabularies["level"], "?": "未知"}
    topic_rows = [dict(r) for r in await db.execute(
        "select t.zh as topic, coalesce(d.admin_level, '?') as level, count(*) as n "
        "from section_topics st join topics t on t.key = st.topic "
        "join sections s on s.id = st.section_id join documents d on d.id = s.document_id "
        "where s.level between 1 and 2 group by 1, 2"
    )]  # fmt: skip
    slogan_rows = [dict(r) for r in await db.execute(
        "select year, slogan, uses from slogan_years where year is not null and slogan in ("
        " select slogan from slogans group by slogan order by sum(count) desc limit 12)"
    )]  # fmt: skip
    family_rows = [dict(r) for r in await db.execute(
        "select family_id, reports, passages, text from reuse_families "
        "order by reports desc, passages desc, family_id limit 15"
    )]  # fmt: skip
    levels = [lv for lv in LEVEL_ORDER if any(r["level"] == lv for r in topic_rows)]
    html = await datasette.render_template(
        "huibao_charts.html",
        {
            "database": name,
            "topics_svg": Markup(
                heatmap_svg(topic_rows, "topic", "level", "n", levels, level_names)
            ),
            "slogans_svg": Markup(slogan_bars_svg(slogan_rows)),
            "families_svg": Markup(
                family_bars_svg(family_rows, lambda f: f"/{name}/reuse_passages?family_id={f}")
            ),
        },
        request=request,
    )
    return Response.html(html)
