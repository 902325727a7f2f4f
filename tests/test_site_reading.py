"""The site as a reader meets it: Chinese labels and headers, a search page with snippets and
facets, reader's columns first, and the examples it offers all finding something."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from conftest import ROOT


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def example_links() -> set[str]:
    """Every search the site's front page and the README offer."""
    meta = (ROOT / "huibao" / "datasette" / "metadata.yaml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = set(re.findall(r"/-/search\?q=[^\"')\s>]+", meta + readme))
    links |= set(re.findall(r"/huibao/[a-z_]+\?_search=[^\"')\s>]+", meta + readme))
    assert links, "the front page and the README offer no example search"
    return links


def test_every_example_search_finds_sections_in_the_samples(samples_site):
    from huibao.datasette.labels import site

    links = example_links() | {f"/-/search?q={quote(e)}" for e in site()["examples"]}
    for link in sorted(links):
        html = get(samples_site, link).text
        if link.startswith("/-/search"):
            assert 'class="hit"' in html, link
        else:
            assert "0 rows" not in html and "<td" in html, link


def test_the_front_page_leads_to_search_reports_and_charts(samples_site):
    html = get(samples_site, "/").text
    for link in ('href="/-/search"', 'href="/huibao/documents"', 'href="/-/charts"'):
        assert link in html
    assert 'href="/huibao/sources"' in html  # the footer's data source: the files ingested


def test_search_hits_name_the_report_its_place_year_and_section(samples_site):
    html = get(samples_site, f"/-/search?q={quote('营商环境')}").text
    hit = html.split('class="hit"')[1].split('class="hit"')[0]
    assert any(
        f"{place}发展和改革局2024年工作" in hit and place in hit for place in ("青山县", "绿水县")
    )
    assert "2024年" in hit
    assert "<mark>营商环境</mark>" in hit
    assert re.search(
        r"\d+(\.\d+)* ([一二三四五六七八九十]是|（[一二三四五六七八九十]）|[一二三四五六七八九十]、)",
        hit,
    )


def test_search_facets_speak_chinese_and_filter_by_either(samples_site):
    html = get(samples_site, f"/-/search?q={quote('乡村振兴')}").text
    facets = html.split('class="facets"')[1]
    for heading in ("地方", "年份", "层级", "角色", "主题"):
        assert f"<h3>{heading}</h3>" in facets
    assert ">乡镇<" in facets and ">township<" not in facets  # codes stay in the links only
    by_label = get(samples_site, f"/-/search?q={quote('乡村振兴')}&role={quote('打算')}").text
    by_code = get(samples_site, f"/-/search?q={quote('乡村振兴')}&role=plans").text
    count = re.compile(r"共 ([\d,]+)")
    assert count.search(by_label).group(1) == count.search(by_code).group(1)
    assert "角色：打算" in by_label


def test_table_facets_values_and_headers_speak_chinese(samples_site):
    html = get(samples_site, "/huibao/section_details").text
    facets = html.split('class="facet-results"')[1].split("</div>\n</div>")[0]
    assert "工作进展" in facets and "乡镇" in facets
    assert ">progress<" not in facets and ">township<" not in facets
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert "报告" in header and "地方" in header and "角色" in header
    cells = html.split("<tbody>")[1]
    assert 'title="progress">工作进展</span>' in cells


def test_a_filter_takes_the_label_or_the_code(samples_site):
    by_label = get(samples_site, f"/huibao/sections.json?_shape=array&role={quote('问题')}").json()
    by_code = get(samples_site, "/huibao/sections.json?_shape=array&role=problems").json()
    assert by_label and by_label == by_code
    topic = quote("党的建设与作风")
    rows = get(samples_site, f"/huibao/sections_by_topic_and_role.json?_shape=array"
               f"&topic={topic}&role=&year=&admin_level=").json()  # fmt: skip
    assert (
        rows
        and rows
        == get(
            samples_site,
            "/huibao/sections_by_topic_and_role.json?_shape=array&topic=party_building&role="
            "&year=&admin_level=",
        ).json()
    )


def test_canned_query_inputs_become_lists_of_chinese_labels(samples_site):
    html = get(samples_site, "/huibao/sections_by_topic_and_role").text
    assert '"topic": [' in html and "党的建设与作风" in html  # choices for static/huibao.js


def test_table_pages_show_the_readers_columns_first(samples_site):
    docs = get(samples_site, "/huibao/documents").text
    header = docs.split("<thead>")[1].split("</thead>")[0]
    assert 'data-column="clean_text"' not in header and 'data-column="start"' not in header
    assert 'data-column="display_title"' in header and 'data-column="place"' in header
    asked = get(samples_site, "/huibao/documents?_col=clean_text&_col=display_title").text
    assert 'data-column="clean_text"' in asked.split("<thead>")[1].split("</thead>")[0]
    full = get(samples_site, "/huibao/documents.json?_shape=array").json()
    assert "clean_text" in full[0] and "start" in full[0]
    sections = get(samples_site, "/huibao/sections").text.split("<thead>")[1].split("</thead>")[0]
    for hidden in ("body_start", "body_end", "role_split", "start"):
        assert f'data-column="{hidden}"' not in sections


def test_long_text_sits_in_a_box_and_untitled_reports_show_their_display_title(samples_site):
    html = get(samples_site, "/huibao/section_details").text
    assert '<div class="huibao-long">' in html
    rows = get(samples_site, "/huibao/documents.json?_shape=array").json()
    assert all(r["display_title"] for r in rows)


def test_a_search_for_any_word_of_the_samples_shows_snippets_with_place_and_year(samples_site):
    terms = get(
        samples_site, "/huibao/keywords.json?_shape=array&_size=max&section_id__isnull=1"
    ).json()
    words = sorted({t["term"] for t in terms})
    assert len(words) >= 20
    for word in words:
        html = get(samples_site, f"/-/search?q={quote(word)}").text
        hits = html.split('class="hit"')[1:]
        assert hits, word
        for hit in hits:
            assert f"<mark>{word}</mark>" in hit, word
            where = hit.split('class="where">')[1].split("</div>")[0]
            assert re.search(r"\d{4}年", where), (word, where)


class TestTextReuse:
    """The two county samples share passages (绿水县 copied 青山县 with its figures changed)."""

    def ids(self, ds) -> dict[str, int]:
        rows = get(ds, "/huibao/documents.json?_shape=array&_col=display_title").json()
        return {r["display_title"]: r["id"] for r in rows}

    def test_a_report_page_gives_its_reused_share_and_links_the_pair(self, samples_site):
        ids = self.ids(samples_site)
        lv, qs = ids["绿水县发展和改革局2024年工作总结"], ids["青山县发展和改革局2024年工作汇报"]
        html = get(samples_site, f"/-/document/{lv}").text
        section = html.split("<h2>文本复用 Text reuse</h2>")[1].split("<h2>")[0]
        assert re.search(r"本报告 7\d% 的文字", section)
        assert f'href="/-/document/{qs}"' in section and "同级 peers" in section
        assert "/-/reuse/" in section
        # a report sharing nothing says nothing of reuse
        html = get(
            samples_site, f"/-/document/{ids['桃源镇2024年上半年工作总结和下半年工作计划']}"
        ).text
        assert "文本复用 Text reuse" not in html

    def test_the_pair_page_marks_what_the_copy_changed(self, samples_site):
        ids = self.ids(samples_site)
        lv, qs = ids["绿水县发展和改革局2024年工作总结"], ids["青山县发展和改革局2024年工作汇报"]
        html = get(samples_site, f"/-/reuse/{qs}/{lv}").text
        assert '<mark class="replace">356.8</mark>' in html
        assert '<mark class="replace">212.4</mark>' in html
        assert html.count('class="where"') == 4  # two passages, each side
        assert get(samples_site, f"/-/reuse/{qs}/999999").status_code == 404

    def test_tables_of_pairs_issuers_and_families(self, samples_site):
        pairs = get(samples_site, "/huibao/reuse_pairs.json?_shape=array").json()
        assert len(pairs) == 1 and pairs[0]["passages"] == 2 and pairs[0]["kind"] == "horizontal"
        html = get(samples_site, "/huibao/reuse_pairs").text
        assert "同级" in html and "对照 side by side" in html
        issuers = get(samples_site, "/huibao/reuse_issuers.json?_shape=array").json()
        assert {issuers[0]["from_issuer"], issuers[0]["to_issuer"]} == {
            "青山县发展和改革局", "绿水县发展和改革局",
        }  # fmt: skip
        families = get(samples_site, "/huibao/reuse_families.json?_shape=array").json()
        assert len(families) == 2 and all(f["reports"] == 2 for f in families)
        assert "经济运行总体平稳" in " ".join(f["text"] for f in families)

    def test_the_charts_show_the_most_copied_passages(self, samples_site):
        html = get(samples_site, "/-/charts").text
        chart = html.split("复制最多的段落")[1]
        assert 'aria-label="most-copied passages"' in chart
        assert "/huibao/reuse_passages?family_id=" in chart
