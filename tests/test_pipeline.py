"""End to end on real parts: embedded Postgres, a Prefect flow run, the published SQLite file
read through Datasette's own client."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from conftest import SAMPLES, query
from huibao.text.clean import restore_raw

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ingested(pg_url, prefect_server, shared_corpus, tmp_path_factory):
    """The shared corpus ingested once by the real flow (two parser processes)."""
    from conftest import empty_database
    from huibao.flows.ingest import ingest

    empty_database(pg_url)
    corpus = tmp_path_factory.mktemp("corpus")
    for path in shared_corpus.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    first = ingest(paths=[str(corpus)], workers=2)
    return corpus, first


def test_first_run_loads_every_document_of_the_shared_corpus(ingested, pg_url):
    _, first = ingested
    assert first["files_new"] == 3 and first["files_rejected"] == 0
    assert first["documents_loaded"] == 11
    assert query(pg_url, "select count(*) from documents")[0][0] == 11
    assert query(pg_url, "select count(*), count(distinct document_id) from sections")[0] == (
        first["sections_loaded"],
        11,
    )
    titled = query(pg_url, "select count(*) from documents where title is not null")[0][0]
    assert titled == 9  # the compilation's nine reports; the two single reports have no title


def test_every_section_slice_of_the_stored_text_starts_with_its_heading(ingested, pg_url):
    rows = query(
        pg_url,
        'select d.clean_text, s.start, s."end", s.heading from sections s '
        "join documents d on d.id = s.document_id",
    )
    assert rows
    for text, start, end, heading in rows:
        assert text[start:end].startswith(heading)


def test_stored_clean_text_and_edits_give_back_the_raw_file(ingested, pg_url):
    for source_id, path, preface in query(pg_url, "select id, path, preface from sources"):
        texts = [r[0] for r in query(
            pg_url, "select clean_text from documents where source_id = %s order by ordinal", (source_id,)
        )]  # fmt: skip
        clean_text = preface + "\n".join(texts)
        edits = query(
            pg_url,
            "select rule, raw_start, raw_end, clean_start, before, after from cleaning_edits "
            "where source_id = %s order by ordinal",
            (source_id,),
        )
        from huibao.text.model import Edit

        raw = restore_raw(clean_text, [Edit(*e) for e in edits])
        with open(path, encoding="utf-8") as f:
            assert raw == f.read()


def test_run_is_recorded_with_its_counts(ingested, pg_url):
    _, first = ingested
    status, new, docs, flow_run_id = query(
        pg_url,
        "select status, files_new, documents_loaded, flow_run_id from ingest_runs where id = %s",
        (first["run_id"],),
    )[0]
    assert (status, new, docs) == ("completed", 3, 11) and flow_run_id


def test_every_status_stored_is_one_the_models_name(ingested, pg_url):
    from huibao.models.statuses import PATH_STATUSES, RUN_STATUSES, SOURCE_STATUSES

    for table, known in (
        ("sources", SOURCE_STATUSES),
        ("source_paths", PATH_STATUSES),
        ("ingest_runs", RUN_STATUSES),
    ):
        stored = {r[0] for r in query(pg_url, f"select distinct status from {table}")}
        assert stored and stored <= set(known), (table, stored)


def test_second_run_of_an_unchanged_folder_loads_nothing(ingested, pg_url):
    from huibao.flows.ingest import ingest

    corpus, _ = ingested
    before = query(pg_url, "select count(*), max(id) from sections")[0]
    second = ingest(paths=[str(corpus)], workers=2)
    assert second["files_unchanged"] == 3
    assert second["documents_loaded"] == 0 and second["files_new"] == 0
    assert query(pg_url, "select count(*), max(id) from sections")[0] == before
    assert "keywords" not in second["phases"]  # nothing changed, so the keywords are kept


def test_a_run_killed_before_its_keyword_refresh_is_made_good_by_the_next_run(ingested, pg_url):
    import psycopg

    from huibao.db.engine import conninfo
    from huibao.flows.ingest import ingest

    corpus, _ = ingested
    keywords = "select document_id, section_id, term, rank from keywords order by 1, 2, 4"
    expected = query(pg_url, keywords)
    # what a run killed after its last load and before its keyword refresh committed leaves
    with psycopg.connect(conninfo(pg_url)) as conn:
        conn.execute("truncate keywords, term_idf")
        conn.execute("delete from keyword_state")
    rerun = ingest(paths=[str(corpus)], workers=1)
    assert rerun["documents_loaded"] == 0 and "keywords" in rerun["phases"]
    assert query(pg_url, keywords) == expected


def test_same_content_under_another_name_is_stored_once(ingested, pg_url, tmp_path):
    from huibao.flows.ingest import ingest

    corpus, _ = ingested
    copy = tmp_path / "renamed copy.txt"
    shutil.copy(corpus / "county-2022-h1-report.txt", copy)
    result = ingest(paths=[str(copy)], workers=1)
    assert result["documents_loaded"] == 0
    assert query(pg_url, "select count(*) from documents")[0][0] == 11
    paths = query(
        pg_url,
        "select count(*) from source_paths p join sources s on s.id = p.source_id "
        "where s.path like %s",
        ("%county-2022-h1-report.txt",),
    )[0][0]
    assert paths == 2


def test_changed_file_replaces_its_old_content(pg_url, prefect_server, tmp_path):
    from huibao.flows.ingest import ingest

    path = tmp_path / "report.txt"
    path.write_text("一、工作情况\n（一）招商引资。正文内容。", encoding="utf-8")
    ingest(paths=[str(tmp_path)], workers=1)
    path.write_text(
        "一、工作情况\n（一）乡村振兴。正文内容。\n（二）营商环境。正文。", encoding="utf-8"
    )
    result = ingest(paths=[str(tmp_path)], workers=1)
    assert result["files_changed"] == 1
    headings = query(
        pg_url,
        "select s.heading from sections s join documents d on d.id = s.document_id "
        "join source_paths p on p.source_id = d.source_id where p.path = %s and s.level = 2",
        (str(path),),
    )
    assert [h for (h,) in headings] == ["乡村振兴", "营商环境"]


def test_published_file_is_served_by_datasette(ingested, pg_url, tmp_path):
    from huibao.db.engine import reader_url
    from huibao.publish.publish import publish
    from huibao.serve import make_datasette

    result = publish(reader_url(), tmp_path / "huibao.db")
    assert result.rows["documents"] == query(pg_url, "select count(*) from documents")[0][0]

    async def fetch():
        ds = make_datasette(result.path)
        docs = await ds.client.get("/huibao/documents.json?_shape=array&_size=max")
        sections = await ds.client.get("/huibao/sections.json?_shape=array&level=1")
        home = await ds.client.get("/")
        return docs, sections, home

    docs, sections, home = asyncio.run(fetch())
    assert docs.status_code == 200 and len(docs.json()) == result.rows["documents"]
    assert {d["title"] for d in docs.json()} >= {"林业局2023年上半年工作总结"}
    assert sections.status_code == 200 and all(s["role"] for s in sections.json())
    assert home.status_code == 200 and "汇报" in home.text


def test_samples_ingest_including_gb18030_and_docx(pg_url, prefect_server):
    from huibao.flows.ingest import ingest

    result = ingest(paths=[str(SAMPLES)], workers=2)
    assert result["files_rejected"] == 0, result["rejected"]
    encodings = dict(query(
        pg_url, "select format, string_agg(distinct coalesce(encoding, '-'), ',') from sources "
        "where path like %s group by format", (f"{SAMPLES}%",),
    ))  # fmt: skip
    assert encodings["docx"] == "-" and "gb18030" in encodings["txt"]


def test_tags_are_stored_with_their_evidence(ingested, pg_url):
    topics = query(
        pg_url,
        "select st.topic, st.evidence from section_topics st join sections s on s.id = st.section_id "
        "where s.heading = '产业项目建设成果显著'",
    )
    assert ("attracting_investment" in {t for t, _ in topics}) and all(ev for _, ev in topics)
    slogans = dict(query(pg_url, "select slogan, sum(count) from slogans group by slogan"))
    assert slogans["两个确立"] >= 2 and slogans["1234防返贫工作法"] == 1
    masked = query(
        pg_url, "select count(*) from indicators where indicator = 'gdp' and value_masked"
    )[0][0]
    assert masked >= 1
    labels = dict(query(pg_url, "select key, zh from topics"))
    assert labels["attracting_investment"] == "招商引资"


def test_keywords_use_the_corpus_idf_and_skip_masks(ingested, pg_url):
    n_sections = query(pg_url, "select count(*) from sections")[0][0]
    assert query(pg_url, "select sections from keyword_state")[0][0] == n_sections
    terms = [t for (t,) in query(pg_url, "select term from keywords")]
    assert terms and not any(
        t.lower().startswith("xx") or t.isdigit() or t in ("工作", "推进") for t in terms
    )
    per_doc = query(
        pg_url,
        "select count(distinct document_id) from keywords where section_id is null",
    )[0][0]
    assert per_doc == query(pg_url, "select count(*) from documents")[0][0]
    idf = dict(query(pg_url, "select term, idf from term_idf where term in ('企业', '林票')"))
    assert idf["林票"] > idf["企业"]  # a rare term weighs more than a common one


def test_array_literals_written_by_copy_read_back_as_the_same_lists(pg_url):
    import psycopg

    from huibao.db.engine import conninfo
    from huibao.db.rows import array_literal as _array
    from huibao.db.rows import copy_rows as _copy

    texts = ["招商", 'a"b', "c\\d", "e,f", "{g}", " h ", "NULL", ""]
    with psycopg.connect(conninfo(pg_url)) as conn:
        conn.execute("create temp table arrays (texts text[], numbers integer[])")
        rows = [(_array(texts), _array(["3", "1"])), (_array([]), _array([]))]
        _copy(conn, "arrays", ["texts", "numbers"], rows)
        back = conn.execute("select texts, numbers from arrays").fetchall()
    assert back == [(texts, [3, 1]), ([], [])]
