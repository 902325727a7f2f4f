"""huibao's Datasette plugin: Chinese search, snippets, a page per report, and charts.

* `escape_fts` is replaced (after Datasette registers its own, hence `trylast`) by
  `huibao.text.fts.match_expression`, so the search box on sections and documents turns
  `招商引资` into a phrase over the bigram index instead of one unknown token.
* `huibao_snippet(text, query)` returns a window of text around the first match, with the
  matches between private-use marks; `render_cell` escapes the text and turns the marks into
  `<mark>`.
* `/-/document/<id>` shows one report: metadata, outline, and its text with every section
  anchored. `/-/charts` draws topics by administrative level and slogans by year.

Everything from a report is escaped before it reaches a page.
"""

from __future__ import annotations

import json
import re
from html import escape

import datasette.handle_exception
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from huibao.text.fts import match_expression

from .charts import heatmap_svg, slogan_bars_svg
from .reload import adopt, reload_if_replaced

# Datasette 0.65.5 prints a rich traceback for every error page; when the error was never
# raised (a POST to an unknown path) rich itself fails and the 404 becomes a 500. Rich is
# installed with Prefect, so switch that console print off.
datasette.handle_exception.rich = None

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
SNIPPET_RADIUS = 40


@hookimpl
def startup(datasette):
    adopt(datasette)


@hookimpl
def asgi_wrapper(datasette):
    """Look for a newly published file before each request."""

    def wrap(app):
        async def app_with_reload(scope, receive, send):
            if scope.get("type") == "http":
                reload_if_replaced(datasette)
            await app(scope, receive, send)

        return app_with_reload

    return wrap


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("huibao_snippet", 2, snippet, deterministic=True)


def snippet(text: str | None, query: str | None) -> str | None:
    """Text around the first occurrence of any query term, matches marked."""
    if not text or not query:
        return text[: 2 * SNIPPET_RADIUS] if text else text
    terms = [quoted or bare for quoted, bare in re.findall(r'"([^"]+)"|(\S+)', query)]
    terms = [t.strip('"') for t in terms if t.strip('"')]
    found = [(text.find(t), t) for t in terms]
    found = [(i, t) for i, t in found if i >= 0]
    if not found:
        return text[: 2 * SNIPPET_RADIUS]
    first, _ = min(found)
    start = max(0, first - SNIPPET_RADIUS)
    end = min(len(text), first + SNIPPET_RADIUS * 2)
    window = text[start:end].replace("\n", " ")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    window = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, window)
    return ("…" if start else "") + window + ("…" if end < len(text) else "")


def render_snippet(value: str) -> Markup:
    html = escape(value).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(html)


def _cell(row, key: str) -> int | None:
    """An integer column of a row; table pages give foreign keys as {"value", "label"}."""
    keys = row.keys() if hasattr(row, "keys") else []
    if key not in keys:
        return None
    value = row[key]
    if isinstance(value, dict):
        value = value.get("value")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if isinstance(value, str) and MARK_OPEN in value:
        return render_snippet(value)
    if not isinstance(value, str) or not value:
        return None
    if table == "documents" and column == "title" and _cell(row, "id"):
        return Markup(f'<a href="/-/document/{_cell(row, "id")}">{escape(value)}</a>')
    if column in ("heading", "document_title", "document"):
        doc_id = _cell(row, "document_id")
        section_id = _cell(row, "section_id")
        if table in ("sections", "section_details"):
            section_id = _cell(row, "id")
        if doc_id:
            anchor = f"#s{section_id}" if section_id and column == "heading" else ""
            return Markup(f'<a href="/-/document/{doc_id}{anchor}">{escape(value)}</a>')
    return None


@hookimpl
def extra_body_script(template, database, table, view_name, request, datasette):
    """On table pages: fold the column descriptions away, and highlight the searched words
    (in text nodes only, so nothing from the data is parsed as HTML)."""
    if view_name != "table":
        return ""
    script = _FOLD_DESCRIPTIONS_JS
    if request and request.args.get("_search"):
        script += _HIGHLIGHT_JS % json.dumps(request.args.get("_search"))
    return {"script": script}


_FOLD_DESCRIPTIONS_JS = """
(function () {
  var dl = document.querySelector('dl.column-descriptions');
  if (!dl) return;
  var details = document.createElement('details');
  var summary = document.createElement('summary');
  summary.textContent = '字段说明 Column descriptions (' + dl.querySelectorAll('dt').length + ')';
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
})();
"""


_HIGHLIGHT_JS = """
(function () {
  var words = %s.split(/\\s+/).map(function (w) { return w.replace(/"/g, ''); })
    .filter(function (w) { return w.length > 0; });
  if (!words.length) return;
  var style = document.createElement('style');
  style.textContent = 'mark.huibao { background: #ffe08a; padding: 0 1px; }';
  document.head.appendChild(style);
  var table = document.querySelector('table.rows-and-columns');
  if (!table) return;
  var walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
  var nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  nodes.forEach(function (node) {
    var text = node.nodeValue, parts = [], last = 0, i;
    var re = new RegExp(words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
    }).join('|'), 'g');
    var m;
    while ((m = re.exec(text)) !== null) {
      parts.push(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement('mark');
      mark.className = 'huibao';
      mark.textContent = m[0];
      parts.push(mark);
      last = m.index + m[0].length;
    }
    if (!parts.length) return;
    parts.push(document.createTextNode(text.slice(last)));
    var frag = document.createDocumentFragment();
    for (i = 0; i < parts.length; i++) frag.appendChild(parts[i]);
    node.parentNode.replaceChild(frag, node);
  });
})();
"""


# -- pages ---------------------------------------------------------------------------------------


def _database(datasette):
    """The published huibao database: the one with a `documents` table."""
    for name, db in datasette.databases.items():
        if name != "_internal" and not db.is_memory:
            return name, db
    raise NotFound("no huibao database is served")


@hookimpl
def register_routes():
    return [
        (r"^/-/document/(?P<id>\d+)$", document_page),
        (r"^/-/charts$", charts_page),
    ]


async def document_page(datasette, request):
    name, db = _database(datasette)
    doc_id = int(request.url_vars["id"])
    doc = (await db.execute("select * from documents where id = ?", [doc_id])).first()
    if doc is None:
        raise NotFound(f"no report {doc_id}")
    source = (await db.execute("select * from sources where id = ?", [doc["source_id"]])).first()
    sections = [dict(r) for r in await db.execute(
        "select * from sections where document_id = ? order by ordinal", [doc_id]
    )]  # fmt: skip
    topic_labels = {r["key"]: r["zh"] for r in await db.execute("select key, zh from topics")}
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
    for s in sections:
        s["topic_labels"] = [topic_labels.get(t, t) for t in json.loads(s["topics"] or "[]")]
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
            "role_names": ROLE_NAMES,
            "level_names": LEVEL_NAMES,
        },
        request=request,
    )
    return Response.html(html)


async def charts_page(datasette, request):
    name, db = _database(datasette)
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
    levels = [lv for lv in LEVEL_ORDER if any(r["level"] == lv for r in topic_rows)]
    html = await datasette.render_template(
        "huibao_charts.html",
        {
            "database": name,
            "topics_svg": Markup(
                heatmap_svg(topic_rows, "topic", "level", "n", levels, LEVEL_NAMES)
            ),
            "slogans_svg": Markup(slogan_bars_svg(slogan_rows)),
        },
        request=request,
    )
    return Response.html(html)


ROLE_NAMES = {
    "overview": "基本情况",
    "progress": "工作进展",
    "highlights": "亮点",
    "problems": "问题",
    "plans": "打算",
}
LEVEL_ORDER = ["province", "city", "county", "district", "township", "subdistrict", "?"]
LEVEL_NAMES = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "district": "区级",
    "township": "乡镇",
    "subdistrict": "街道",
    "?": "未知",
}
