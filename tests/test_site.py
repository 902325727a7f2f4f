"""The published Datasette site, read through Datasette's own client: every page and canned
query, Chinese search against LIKE, snippets, the report page, escaping, read-only."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from urllib.parse import quote

import pytest

from conftest import XSS

pytestmark = pytest.mark.slow


# Two- and four-character words, names, phrases longer than a word, Latin and masks.
QUERIES = [
    "党建", "招商", "招商引资", "乡村振兴", "营商环境", "高标准农田", "疫情防控", "两个确立", "一把手",
    "安全生产", "固定资产投资", "不动产登记", "人居环境整治", "防返贫监测", "产业链供应链", "建设水平",
    "杨梅", "网格化", "信访", "新能源", "生态环境", "老旧小区改造", "高质量发展", "驻点招商", "林票",
    "基层治理", "重大事故隐患", "亚运会", "自然资源局", "桃源镇", "街道", "耕地", "林", "GDP", "5G",
    "党的二十大", "千万工程", "茶叶深加工", "应急管理办公室", "乡村振兴站",
]  # fmt: skip


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def test_every_table_and_view_page_renders(published_site):
    published, ds = published_site
    db = sqlite3.connect(published.path)
    names = [
        r[0] for r in db.execute("select name from sqlite_master where type in ('table', 'view')")
    ]
    pages = [
        n for n in names if not n.startswith("sections_fts") and not n.startswith("documents_fts")
    ]
    assert {"documents", "sections", "section_details", "slogans", "indicators"} <= set(pages)
    for name in ["", "huibao", *(f"huibao/{n}" for n in pages)]:
        for suffix in ("", ".json"):
            if not name and suffix:
                continue
            r = get(ds, f"/{name}{suffix}")
            assert r.status_code == 200, (name, suffix, r.text[:300])


def test_every_canned_query_runs(published_site):
    _, ds = published_site
    queries = ds.metadata("queries", database="huibao")
    params = {
        "topic": "attracting_investment", "role": "problems", "year": "", "admin_level": "",
        "slogan": "两个", "indicator": "gdp", "q": "招商引资", "place": "",
    }  # fmt: skip
    assert len(queries) >= 6
    for name, query in queries.items():
        names = {p for p in params if f":{p}" in query["sql"]}
        qs = "&".join(f"{p}={quote(params[p])}" for p in names)
        html = get(ds, f"/huibao/{name}?{qs}")
        assert html.status_code == 200, (name, html.text[:300])
        data = get(ds, f"/huibao/{name}.json?{qs}&_shape=array")
        assert data.status_code == 200 and isinstance(data.json(), list), name
    rows = get(ds, "/huibao/sections_by_topic_and_role.json?topic=attracting_investment&role=problems"
               "&year=&admin_level=&_shape=array").json()  # fmt: skip
    assert rows and all(r["role"] == "problems" for r in rows)


def test_facets_cover_place_year_period_level_role_and_topic(published_site):
    _, ds = published_site
    data = get(ds, "/huibao/section_details.json?_extra=facet_results").json()
    facets = set(data["facet_results"]) if "facet_results" in data else set()
    if not facets:  # Datasette 0.65 returns facets by default in the JSON
        facets = set(get(ds, "/huibao/section_details.json").json().get("facet_results", {}))
    assert {"place", "year", "period", "admin_level", "role", "topics"} <= facets


def search_ids(ds, q: str) -> set[int]:
    r = get(ds, f"/huibao/sections.json?_search={quote(q)}&_shape=array&_col=id&_size=max")
    assert r.status_code == 200, r.text[:200]
    return {row["id"] for row in r.json()}


def test_chinese_search_box_matches_like_on_thirty_queries(published_site):
    published, ds = published_site
    db = sqlite3.connect(published.path)
    tp = fp = fn = 0
    for q in QUERIES:
        found = search_ids(ds, q)
        like = {
            r[0]
            for r in db.execute(
                "select id from sections where heading || char(10) || body like ?", (f"%{q}%",)
            )
        }
        tp, fp, fn = tp + len(found & like), fp + len(found - like), fn + len(like - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert len(QUERIES) >= 30
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


def test_search_counts_come_from_the_index_and_equal_like(published_site):
    published, ds = published_site
    db = sqlite3.connect(published.path)
    counted = ds.get_database("huibao").index_counts
    for q in QUERIES[:12]:
        shown = get(ds, f"/huibao/sections.json?_search={quote(q)}&_size=1").json()
        like = db.execute(
            "select count(*) from sections where heading || char(10) || body like ?", (f"%{q}%",)
        ).fetchone()[0]
        assert shown["filtered_table_rows_count"] == like, q
    assert ds.get_database("huibao").index_counts == counted + 12
    # another filter beside the search: Datasette counts the rows itself, rightly
    level = get(ds, f"/huibao/sections.json?_search={quote('招商')}&level=1&_size=1").json()
    assert (
        level["filtered_table_rows_count"]
        == db.execute(
            "select count(*) from sections where level = 1 and heading || char(10) || body like ?",
            ("%招商%",),
        ).fetchone()[0]
    )
    assert ds.get_database("huibao").index_counts == counted + 12


def test_search_counts_leave_out_rows_deleted_since_they_were_indexed(
    pg_url, prefect_server, shared_corpus, tmp_path, monkeypatch
):
    from conftest import empty_database
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish
    from huibao.serve import make_datasette

    empty_database(pg_url)
    monkeypatch.setenv("HUIBAO_HOME", str(tmp_path / "home"))  # a search index of its own
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in shared_corpus.glob("*.txt"):  # enough rows that a few orphans are kept
        shutil.copy(path, inbox / path.name)
    (inbox / "stays.txt").write_text(
        "一、工作情况\n（一）招商引资。驻点招商成效明显。\n（二）乡村振兴。正文。", encoding="utf-8"
    )
    report = inbox / "changes.txt"
    report.write_text(
        "一、工作情况\n（一）招商引资。驻点招商。\n（二）营商环境。招商正文。", encoding="utf-8"
    )
    ingest(paths=[str(inbox)], workers=1)
    report.write_text("一、工作情况\n（一）乡村振兴。正文。", encoding="utf-8")
    ingest(paths=[str(inbox)], workers=1)
    out = publish(reader_url(), tmp_path / "site" / "huibao.db").path
    db = sqlite3.connect(out)
    assert db.execute("select count(*) from search_orphans where fts = 'sections_fts'").fetchone()[
        0
    ]
    ds = make_datasette(out)
    for q in ("招商", "驻点招商", "营商环境", "乡村振兴", "工作情况"):
        shown = get(ds, f"/huibao/sections.json?_search={quote(q)}&_size=1").json()
        like = db.execute(
            "select count(*) from sections where heading || char(10) || body like ?", (f"%{q}%",)
        ).fetchone()[0]
        assert shown["filtered_table_rows_count"] == like, q
    assert ds.get_database("huibao").index_counts == 5


def test_two_character_words_and_phrases_are_found(published_site):
    _, ds = published_site
    assert search_ids(ds, "党建") and search_ids(ds, "建设水平")
    docs = get(
        ds, f"/huibao/documents.json?_search={quote('招商引资')}&_shape=array&_col=title"
    ).json()
    assert docs


def test_search_results_have_highlighted_snippets(published_site):
    _, ds = published_site
    html = get(ds, f"/huibao/search?q={quote('招商引资')}").text
    assert "<mark>招商引资</mark>" in html
    table = get(ds, f"/huibao/section_details?_search={quote('招商引资')}").text
    # the page's script (static/huibao.js) highlights the words the page names
    assert '"search": "招商引资"' in table and "/-/static-plugins/huibao/huibao.js" in table
    script = get(ds, "/-/static-plugins/huibao/huibao.js")
    assert script.status_code == 200 and "createTreeWalker" in script.text


def document_titled(ds, title: str) -> dict:
    return get(ds, "/huibao/documents.json?_shape=array&title=" + quote(title)).json()[0]


def test_report_page_shows_metadata_outline_and_anchored_text(published_site):
    _, ds = published_site
    doc = document_titled(ds, "林业局2023年上半年工作总结")
    html = get(ds, f"/-/document/{doc['id']}").text
    sections = get(
        ds, f"/huibao/sections.json?_shape=array&_size=max&document_id={doc['id']}"
    ).json()
    assert "林业局2023年上半年工作总结" in html and "自治区" not in html.split("层级")[0][-10:]
    for s in sections:
        assert f'id="s{s["id"]}"' in html
        if s["level"] in (1, 2) and s["heading"]:
            assert f'href="#s{s["id"]}"' in html
    assert "cleaning_edits?source_id=" in html and "2023年上半年主要工作情况" in html


def test_gdp_by_place_and_year_gives_one_row_per_report_that_states_it(published_site):
    _, ds = published_site
    rows = get(ds, "/huibao/gdp_by_place_and_year.json?place=&_shape=array").json()
    by_report = {r["report"]: r for r in rows}
    assert len(by_report) == len(rows)
    qingshan = by_report["青山县发展和改革局2024年工作汇报"]
    assert (qingshan["place"], qingshan["gdp"], qingshan["unit"], qingshan["growth_percent"]) == (
        "青山县", 356.8, "亿元", 5.6,
    )  # fmt: skip
    masked = [r for r in rows if r["gdp"] == "打码"]
    assert masked and all(r["growth_percent"] == "打码" for r in masked)
    assert get(ds, "/huibao/gdp_by_place_and_year.json?place=青山&_shape=array").json() == [
        qingshan
    ]


def test_report_page_tables_indicators_in_chinese(published_site):
    _, ds = published_site
    doc = document_titled(ds, "青山县发展和改革局2024年工作汇报")
    html = get(ds, f"/-/document/{doc['id']}").text
    table = html.split('<table class="ind">')[1].split("</table>")[0]
    assert "地区生产总值" in table and "356.8 亿元" in table and "+5.6%" in table
    assert "实绩" in table and "目标" in table  # 2025年 goals are stated in the plans
    county = get(ds, "/huibao/indicators.json?_shape=array&indicator=gdp&value_masked=1").json()
    page = get(ds, f"/-/document/{county[0]['document_id']}").text
    masked = page.split('<table class="ind">')[1].split("</table>")[0]
    assert "<em>打码</em>" in masked and "masked" not in masked


def test_report_text_is_escaped(published_site):
    _, ds = published_site
    doc = document_titled(ds, "xx局2024年工作总结")
    html = get(ds, f"/-/document/{doc['id']}").text
    assert XSS not in html and "<b>加粗</b>" not in html
    assert "&lt;script&gt;" in html
    table = get(ds, f"/huibao/sections?document_id={doc['id']}").text
    assert XSS not in table


def test_charts_page_draws_topics_by_level_slogans_by_year_and_most_copied_passages(
    published_site,
):
    _, ds = published_site
    html = get(ds, "/-/charts").text
    assert html.count("<svg") == 3 and "乡村振兴与巩固脱贫" in html and "两个确立" in html
    assert 'aria-label="most-copied passages"' in html and "reuse_passages?family_id=" in html


def test_published_file_refuses_writes(published_site):
    _, ds = published_site
    for sql in (
        "insert into topics values ('x', 'x', 'x')",
        "attach database '/tmp/evil.db' as evil",
        "pragma writable_schema = 1",
    ):
        r = get(ds, f"/huibao.json?sql={quote(sql)}")
        assert r.status_code >= 400 or not r.json().get("ok", True), (sql, r.text[:200])
    assert get(ds, "/huibao/topics.json?_shape=array&key=x").json() == []


def test_metadata_describes_every_column(published_site):
    published, ds = published_site
    db = sqlite3.connect(published.path)
    tables = ds.metadata("tables", database="huibao")
    for name in ("documents", "sections", "slogans", "indicators", "sources"):
        columns = [r[1] for r in db.execute(f"pragma table_info({name})")]
        described = tables[name]["columns"]
        assert set(columns) <= set(described), set(columns) - set(described)
    assert json.dumps(tables["documents"]).count("fts_table")


def test_a_new_publish_is_served_without_a_restart(published_site, tmp_path):
    import os
    import time

    from huibao.serve import make_datasette

    published, _ = published_site
    live = tmp_path / "huibao.db"
    shutil.copy(published.path, live)
    ds = make_datasette(live)
    before = len(get(ds, "/huibao/documents.json?_shape=array&_size=max").json())
    newer = tmp_path / "next.db"
    shutil.copy(published.path, newer)
    db = sqlite3.connect(newer)
    db.execute("pragma foreign_keys = off")
    db.execute("delete from documents where id = (select max(id) from documents)")
    db.commit()
    db.close()
    os.replace(newer, live)  # what `huibao publish` does
    time.sleep(1.1)
    after = len(get(ds, "/huibao/documents.json?_shape=array&_size=max").json())
    assert after == before - 1


def test_table_counts_and_hash_come_from_the_publish_not_from_scanning(published_site):
    import hashlib

    published, ds = published_site
    db = sqlite3.connect(published.path)
    tables = {t["name"]: t["count"] for t in get(ds, "/huibao.json").json()["tables"]}
    for name in ("documents", "sections", "keywords", "sections_fts_data"):
        assert tables[name] == db.execute(f"select count(*) from [{name}]").fetchone()[0], name
    # the contentless search tables cannot be counted by scanning; they index every row
    assert tables["sections_fts"] == tables["sections"]
    assert get(ds, "/.json").json()["huibao"]["show_table_row_counts"]
    digest = hashlib.sha256(published.path.read_bytes()).hexdigest()
    assert get(ds, "/-/databases.json").json()[0]["hash"] == digest


def test_an_inspect_file_of_another_file_is_ignored(published_site, tmp_path):
    from huibao.publish.inspect_file import inspect_path, read_inspect
    from huibao.serve import make_datasette

    published, _ = published_site
    live = tmp_path / "huibao.db"
    shutil.copy(published.path, live)
    shutil.copy(inspect_path(published.path), inspect_path(live))
    assert read_inspect(live) is None  # same bytes, but not the file it was written for
    db = sqlite3.connect(live)
    db.execute("pragma foreign_keys = off")
    db.execute("delete from documents where id = (select max(id) from documents)")
    db.commit()
    expected = db.execute("select count(*) from documents").fetchone()[0]
    db.close()
    tables = {
        t["name"]: t["count"] for t in get(make_datasette(live), "/huibao.json").json()["tables"]
    }
    assert tables["documents"] == expected
