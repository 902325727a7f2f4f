"""huibao's Datasette hooks: Chinese search, labels and links on every page, its own pages.

* `escape_fts` is replaced (after Datasette registers its own, hence `trylast`) by
  `huibao.text.fts.match_expression`, so the search box on sections and documents turns
  `招商引资` into a phrase over the bigram index instead of one unknown token;
  `huibao_snippet(text, query)` marks the matches of a window of text (`snippets.py`).
* Requests: a newly published file is looked for before each one; arguments given as Chinese
  labels become the codes they stand for; a table page shows its reader's columns unless asked
  for others (`query_rewrite.py`, `labels.py`, `site.yaml`).
* Pages: cells show labels and links (`cells.py`), facets and headers speak Chinese (templates
  `_facet_results.html`, `_table.html`), `/-/search`, `/-/document/<id>` and `/-/charts`
  (`pages.py`); the page script and style are in `static/`.
"""

from __future__ import annotations

import json

import datasette.handle_exception
from datasette import hookimpl

from huibao.text.fts import match_expression

from . import cells, pages, query_rewrite, reuse_pages, snippets
from .labels import header, site
from .reload import adopt, reload_if_replaced

# Datasette 0.65.5 prints a rich traceback for every error page; when the error was never
# raised (a POST to an unknown path) rich itself fails and the 404 becomes a 500. Rich is
# installed with Prefect, so switch that console print off.
datasette.handle_exception.rich = None


@hookimpl
def startup(datasette):
    adopt(datasette)


@hookimpl
def asgi_wrapper(datasette):
    """Before each request: look for a newly published file, turn labels in the arguments into
    codes, and leave a table's bookkeeping columns out unless the request names columns."""

    def wrap(app):
        async def huibao_request(scope, receive, send):
            if scope.get("type") == "http":
                reload_if_replaced(datasette)
                scope = query_rewrite.rewrite(datasette, scope)
            await app(scope, receive, send)

        return huibao_request

    return wrap


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("huibao_snippet", 2, snippets.snippet, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["huibao_header"] = header
    env.filters["huibao_value"] = lambda value, column, table=None: (
        pages.labels_of(datasette).label(value, column, table) or value
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render(row, value, column, table, pages.labels_of(datasette))


@hookimpl
def extra_css_urls():
    return ["/-/static-plugins/huibao/huibao.css"]


@hookimpl
def extra_js_urls():
    return ["/-/static-plugins/huibao/huibao.js"]


@hookimpl
def extra_body_script(template, database, table, view_name, request, datasette):
    """The page's data for `static/huibao.js`: the words searched (to highlight them) and the
    choices of the canned queries' parameters (shown as lists of Chinese labels)."""
    data = {"options": pages.labels_of(datasette).options(), "headers": site()["headers"]}
    if view_name == "table" and request and request.args.get("_search"):
        data["search"] = request.args.get("_search")
    return {"script": f"window.huibao = {json.dumps(data, ensure_ascii=False)};"}


@hookimpl
def register_routes():
    return [
        (r"^/-/search$", pages.search_page),
        (r"^/-/document/(?P<id>\d+)$", pages.document_page),
        (r"^/-/charts$", pages.charts_page),
        (r"^/-/reuse/(?P<a>\d+)/(?P<b>\d+)$", reuse_pages.pair_page),
    ]
