"""Text reuse on the site: what a report page says of the passages it shares, and the page
that shows two reports' shared passages side by side (`/-/reuse/<a>/<b>`)."""

from __future__ import annotations

import json
from html import escape

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from huibao.text.reuse import diff

from .served import database

KIND_NAMES = {"self": "同一单位 same issuer", "vertical": "上下级 another level",
              "horizontal": "同级 peers"}  # fmt: skip
PARTNERS = 30  # reports listed on a report page


async def of_document(db, doc: dict) -> dict | None:
    """A report's reuse: its share found elsewhere, and the reports it shares passages with
    (most characters first), or None when it shares none."""
    summary = (await db.execute(
        "select * from reuse_documents where document_id = ?", [doc["id"]]
    )).first()  # fmt: skip
    if summary is None:
        return None
    partners = [dict(r) for r in await db.execute(
        """
        select case when p.doc_a = :id then p.doc_b else p.doc_a end as other,
               coalesce(o.display_title, o.title) as title, o.year, o.place, p.kind,
               min(p.earlier) as earlier, count(*) as passages,
               sum(case when p.doc_a = :id then p.a_end - p.a_start
                        else p.b_end - p.b_start end) as chars,
               min(p.doc_a) as a, max(p.doc_b) as b
        from reuse_passages p
        join documents o on o.id = case when p.doc_a = :id then p.doc_b else p.doc_a end
        where p.doc_a = :id or p.doc_b = :id
        group by other order by chars desc, other limit :n
        """,
        {"id": doc["id"], "n": PARTNERS},
    )]  # fmt: skip
    for p in partners:
        p["kind_name"] = KIND_NAMES.get(p["kind"], p["kind"])
        p["url"] = f"/-/reuse/{p['a']}/{p['b']}"
        p["direction"] = (
            "" if p["earlier"] is None
            else "它在先 it came first" if p["earlier"] == p["other"] else "本报告在先 this came first"
        )  # fmt: skip
    return {"summary": dict(summary), "partners": partners}


async def pair_page(datasette, request):
    """Two reports' shared passages side by side, what the copy changed marked in both."""

    name, db = database(datasette)
    a_id, b_id = int(request.url_vars["a"]), int(request.url_vars["b"])
    docs = {
        r["id"]: dict(r)
        for r in await db.execute(
            "select id, title, display_title, year, period, place, org, admin_level, clean_text, "
            "char_count from documents where id in (?, ?)", [a_id, b_id],
        )
    }  # fmt: skip
    if a_id not in docs or b_id not in docs:
        raise NotFound("no such pair of reports")
    rows = [dict(r) for r in await db.execute(
        "select * from reuse_passages where (doc_a = ? and doc_b = ?) or (doc_a = ? and doc_b = ?) "
        "order by a_start", [a_id, b_id, b_id, a_id],
    )]  # fmt: skip
    passages = []
    for r in rows:
        left, right = docs[r["doc_a"]], docs[r["doc_b"]]
        text_a = left["clean_text"][r["a_start"] : r["a_end"]]
        text_b = right["clean_text"][r["b_start"] : r["b_end"]]
        if r["doc_a"] != a_id:  # shown in the order of the URL
            text_a, text_b = text_b, text_a
            r["a_start"], r["a_end"], r["b_start"], r["b_end"] = (
                r["b_start"], r["b_end"], r["a_start"], r["a_end"],
            )  # fmt: skip
        marked_a, marked_b = _marked(text_a, text_b)
        subs = json.loads(r["substitutions"] or "[]")
        passages.append({**r, "a": marked_a, "b": marked_b, "changes": len(subs)})
    a, b = docs[a_id], docs[b_id]
    earlier = rows[0]["earlier"] if rows else None
    html = await datasette.render_template(
        "huibao_reuse.html",
        {
            "database": name, "a": a, "b": b, "passages": passages,
            "kind": KIND_NAMES.get(rows[0]["kind"], rows[0]["kind"]) if rows else "",
            "earlier": docs.get(earlier), "chars": sum(p["chars"] for p in rows),
            "share_a": sum(p["a_end"] - p["a_start"] for p in passages) / max(a["char_count"], 1),
            "share_b": sum(p["b_end"] - p["b_start"] for p in passages) / max(b["char_count"], 1),
        },
        request=request,
    )  # fmt: skip
    return Response.html(html)


def _marked(a: str, b: str) -> tuple[Markup, Markup]:
    """Both versions of a passage as HTML, what differs in <mark> (escaped)."""
    left, right = [], []
    for tag, x, y in diff(a, b):
        if tag == "equal":
            left.append(escape(x))
            right.append(escape(y))
        else:
            if x:
                left.append(f'<mark class="{tag}">{escape(x)}</mark>')
            if y:
                right.append(f'<mark class="{tag}">{escape(y)}</mark>')
    return Markup("".join(left).replace("\n", "<br>")), Markup("".join(right).replace("\n", "<br>"))
