"""Text reuse in Postgres: found while ingesting, incremental, kept right when reports change,
and what `huibao reuse` prints (`huibao.db.reuse`, the ingest flow, the CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import astuple

import numpy as np
import pytest

from conftest import ROOT, SAMPLES, SHARED, empty_database, query
from huibao.db import engine, indexes, load, reuse, taxonomies
from huibao.files import FileStat
from huibao.text import parse_path, parse_text
from huibao.text.reuse import compare
from huibao.text.reuse_pairs import TooManySeeds

QINGSHAN = SAMPLES / "青山县发改局2024年工作汇报_GB18030.txt"
LVSHUI = SAMPLES / "绿水县发改局2024年工作总结.txt"
NATIONAL = sorted((SHARED / "corpus-national").glob("202*.txt"))


def ingest(*paths) -> dict:
    from huibao.flows.ingest import ingest as flow

    return flow(paths=[str(p) for p in paths], workers=2)


def passages(url: str) -> set[tuple]:
    """Passages by natural keys (report titles, offsets), whatever the ids."""
    return set(
        query(
            url,
            "select a.display_title, b.display_title, p.a_start, p.a_end, p.b_start, p.b_end, "
            "p.similarity, p.kind, p.substitutions from reuse_passages p "
            "join documents a on a.id = p.doc_a join documents b on b.id = p.doc_b",
        )
    )


def by_title(url: str) -> dict[str, int]:
    return dict(query(url, "select display_title, id from documents"))


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


class TestIngestFindsReuse:
    def test_two_sample_reports_share_passages_with_names_and_figures_changed(
        self, clean_db, prefect_server, inbox
    ):
        shutil.copy(QINGSHAN, inbox)
        shutil.copy(LVSHUI, inbox)
        ingest(inbox)
        ids = by_title(clean_db)
        qs, lv = ids["青山县发展和改革局2024年工作汇报"], ids["绿水县发展和改革局2024年工作总结"]
        rows = query(
            clean_db,
            "select doc_a, doc_b, a_start, a_end, b_start, b_end, kind, substitutions "
            "from reuse_passages order by a_start",
        )
        assert len(rows) == 2 and {rows[0][0], rows[0][1]} == {qs, lv}
        assert all(r[6] == "horizontal" for r in rows)  # two county bureaus: peers
        # the same passages as the pure comparison of the two clean texts
        texts = dict(query(clean_db, "select id, clean_text from documents"))
        a, b = texts[rows[0][0]], texts[rows[0][1]]
        assert [r[2:6] for r in rows] == [
            (p.a_start, p.a_end, p.b_start, p.b_end) for p in compare(a, b)
        ]
        subs = [s for r in rows for s in json.loads(r[7])]
        assert {"kind": "figure", "a": "356.8", "b": "212.4"} in subs or {
            "kind": "figure", "a": "212.4", "b": "356.8",
        } in subs  # fmt: skip
        share = dict(query(clean_db, "select document_id, reused_share from reuse_documents"))
        assert share[qs] > 0.8 and 0.7 < share[lv] < 0.8
        nearest = dict(
            query(clean_db, "select document_id, nearest_document_id from reuse_documents")
        )
        assert nearest == {qs: lv, lv: qs}
        # every report was compared, by the run's last step
        assert query(clean_db, "select count(*) from reuse_checks")[0][0] == len(ids)

    def test_a_report_loaded_later_is_compared_with_those_loaded_before(
        self, clean_db, prefect_server, inbox, tmp_path
    ):
        shutil.copy(QINGSHAN, inbox)
        ingest(inbox)
        assert query(clean_db, "select count(*) from reuse_passages")[0][0] == 0
        later = tmp_path / "later"
        later.mkdir()
        shutil.copy(LVSHUI, later)
        ingest(later)
        assert query(clean_db, "select count(*) from reuse_passages")[0][0] == 2
        assert query(clean_db, "select count(*) from reuse_documents")[0][0] == 2

    @pytest.mark.skipif(len(NATIONAL) < 4, reason="no shared corpus")
    def test_loading_in_two_runs_finds_the_same_passages_as_in_one(
        self, clean_db, prefect_server, tmp_path
    ):
        files = [*NATIONAL[:4], QINGSHAN, LVSHUI]
        one = tmp_path / "one"
        one.mkdir()
        for f in files:
            shutil.copy(f, one)
        ingest(one)
        together = passages(clean_db)
        assert len(together) > 50

        empty_database(clean_db)
        first, second = tmp_path / "first", tmp_path / "second"
        first.mkdir()
        second.mkdir()
        for i, f in enumerate(files):
            shutil.copy(f, first if i % 2 else second)
        ingest(first)
        ingest(second)
        assert passages(clean_db) == together


class TestChanges:
    def test_a_changed_report_replaces_its_passages(self, clean_db, prefect_server, inbox):
        shutil.copy(QINGSHAN, inbox)
        copy = inbox / LVSHUI.name
        shutil.copy(LVSHUI, copy)
        ingest(inbox)
        before = query(clean_db, "select count(*) from reuse_passages")[0][0]
        # the copy is rewritten: it keeps only its own paragraph
        copy.write_text(
            "绿水县发展和改革局2024年工作总结\n一、主要工作\n全年粮食播种面积稳定在62万亩以上，"
            "新建高标准农田3.5万亩，粮食总产量达到28.6万吨。\n",
            encoding="utf-8",
        )
        ingest(inbox)
        assert before == 2
        assert query(clean_db, "select count(*) from reuse_passages")[0][0] == 0
        assert query(clean_db, "select count(*) from reuse_documents")[0][0] == 0

    def test_reports_a_run_could_not_compare_are_compared_by_the_next(
        self, clean_db, prefect_server, inbox
    ):
        shutil.copy(QINGSHAN, inbox)
        shutil.copy(LVSHUI, inbox)
        ingest(inbox)
        expected = passages(clean_db)
        # as a run killed between loading and comparing leaves them: no passages, no checks,
        # no fingerprints for one of them
        with engine.connect(clean_db) as conn:
            conn.execute("delete from reuse_passages")
            conn.execute("delete from reuse_checks")
            conn.execute(
                "delete from reuse_fingerprints where document_id = (select min(id) from documents)"
            )
            conn.commit()
            assert reuse.stale(conn)
        run = ingest(inbox)  # nothing changed on disk
        assert run["files_new"] == 0 and "reuse" in run["phases"]
        assert passages(clean_db) == expected
        with engine.connect(clean_db) as conn:
            assert not reuse.stale(conn)


class TestBoilerplate:
    def test_a_passage_held_by_very_many_reports_finds_no_candidates(self, clean_db):
        common = "全面推行河湖长制，开展河道清四乱专项整治行动，清理河道垃圾三千余吨，拆除违法建筑四十余处"
        own = "新建改建农村公路一百二十公里，完成危桥改造十二座，建制村通双车道比例达到百分之八十五"
        with engine.connect(clean_db) as conn:
            taxonomies.sync(conn)
            ids = []
            for i in range(6):
                text = f"第{i}号报告\n一、工作情况\n{common}。\n" + (
                    own if i < 2 else f"其他内容{i}"
                )
                loaded = load.load_source(
                    conn, FileStat(f"/x/{i}.txt", 1, i), parse_text(text), "t"
                )
                ids.append(loaded.ids[0][0])
            conn.commit()
            # every report holds the common passage: over a limit of 3 reports, it is boilerplate
            prints, common, most = reuse.holders(conn, [ids[0]], boilerplate_reports=3)
            assert most == 3
            assert set(prints.docs.tolist()) == {ids[0], ids[1]}  # only its own passage pairs
            own = set(reuse.fingerprints(text_of(conn, ids[0])).hashes.tolist())
            assert own & set(common.tolist())
            # the boilerplate's occurrences stay in Postgres: they count towards no budget
            read = len(prints.hashes)
            again = reuse.holders(conn, [ids[0]], boilerplate_reports=3, rows=read)[0]
            assert np.array_equal(again.hashes, prints.hashes)
            with pytest.raises(TooManySeeds):
                reuse.holders(conn, [ids[0]], boilerplate_reports=3, rows=read - 1)
            # under a limit of 10 the common passage is held by every report
            prints, _, _ = reuse.holders(conn, [ids[0]], boilerplate_reports=10)
            assert set(prints.docs.tolist()) == set(ids)

    def test_without_the_index_on_fingerprints_the_holders_are_the_same(self, clean_db):
        common = "全面推行河湖长制，开展河道清四乱专项整治行动，清理河道垃圾三千余吨，拆除违法建筑四十余处"
        own = "新建改建农村公路一百二十公里，完成危桥改造十二座，建制村通双车道比例达到百分之八十五"
        with engine.connect(clean_db) as conn:
            taxonomies.sync(conn)
            ids = []
            for i in range(6):
                text = f"第{i}号报告\n{common}。\n" + (own if i < 2 else f"其他内容{i}")
                loaded = load.load_source(
                    conn, FileStat(f"/x/{i}.txt", 1, i), parse_text(text), "t"
                )
                ids.append(loaded.ids[0][0])
            conn.commit()
            indexed = reuse.holders(conn, [ids[0]], boilerplate_reports=3)
            # as during a large load, which sets the index aside
            assert "ix_reuse_fingerprints_hash" in indexes.defer(conn, "a-large-load")
            scanned = reuse.holders(conn, [ids[0]], boilerplate_reports=3)
            indexes.restore(conn, "a-large-load")
        assert set(indexed[0].docs.tolist()) == {ids[0], ids[1]}  # the pair, not boilerplate
        for a, b in ((astuple(indexed[0]), astuple(scanned[0])), (indexed[1:], scanned[1:])):
            assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_fingerprint_a_report_repeats_often_keeps_a_few_of_its_places(clean_db):
    from huibao.text.skeleton import REPEATS

    text = "青山县2024年工作总结\n" + "扎实推进高标准农田建设工作取得明显成效。\n" * 200
    with engine.connect(clean_db) as conn:
        taxonomies.sync(conn)
        load.load_source(conn, FileStat("/r/1.txt", 1, 1), parse_text(text), "t")
        conn.commit()
        reuse.check_all(conn)
        (longest,) = conn.execute(
            "select max(cardinality(more)) from reuse_fingerprints"
        ).fetchone()
    # enough to tell it seeds nothing (more than REPEATS places), small enough for an index row
    assert longest == REPEATS


class TestMemory:
    def test_a_pass_over_its_seed_budget_stores_nothing_and_fewer_reports_find_the_same(
        self, clean_db
    ):
        with engine.connect(clean_db) as conn:
            taxonomies.sync(conn)
            for i, path in enumerate([QINGSHAN, LVSHUI, *NATIONAL[:2]]):
                parsed = parse_path(path, keywords=False)
                load.load_source(conn, FileStat(str(path), 1, i), parsed, "t")
            conn.commit()
            ids = reuse.unchecked(conn)
            assert reuse.check_all(conn)[1] > 0
            expected = passages(clean_db)
            conn.execute("delete from reuse_passages")
            conn.execute("delete from reuse_checks")
            conn.commit()
            # a budget the reports overrun together, and that each keeps alone
            assert reuse.detect(conn, ids, seeds=10) is None
            assert query(clean_db, "select count(*) from reuse_checks")[0][0] == 0
            assert reuse.check_all(conn, seeds=10) == (len(ids), len(expected))
        assert passages(clean_db) == expected


class TestFamilies:
    @pytest.mark.parametrize("one_by_one", [True, False])
    def test_one_text_copied_into_three_reports_is_one_family_however_they_are_loaded(
        self, clean_db, one_by_one
    ):
        shared = (
            "围绕新材料、绿色食品两大主导产业开展精准招商，全年新签约项目十二个，总投资八十六亿元，"
            "其中亿元以上项目九个，落地开工项目七个。"
        )
        own = [
            "全年粮食播种面积稳定在六十二万亩以上。",
            "新建改建农村公路一百二十公里。",
            "完成危桥改造十二座。",
        ]
        with engine.connect(clean_db) as conn:
            taxonomies.sync(conn)
            for i, town in enumerate(["甲县", "乙县", "丙县"]):
                text = f"{town}2024年工作总结\n一、主要工作\n{shared}\n二、其他工作\n{own[i]}\n"
                load.load_source(conn, FileStat(f"/f/{i}.txt", 1, i), parse_text(text), "t")
                conn.commit()
                if one_by_one:  # each compared as it arrives, as in three runs
                    reuse.check_all(conn)
            reuse.check_all(conn)
            families = conn.execute(
                "select family_id, count(*) from reuse_passages group by family_id"
            ).fetchall()
        # three pairs share the passage: passages that overlap in a report are one family
        assert len(families) == 1 and families[0][1] == 3


def text_of(conn, doc_id: int) -> str:
    return conn.execute("select clean_text from documents where id = %s", (doc_id,)).fetchone()[0]


def huibao(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "huibao.cli", *args],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )  # fmt: skip


class TestCommand:
    def test_reuse_of_two_files_prints_offsets_into_their_clean_texts(self):
        proc = huibao("reuse", str(QINGSHAN), str(LVSHUI), "--json")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        a = parse_path(QINGSHAN, keywords=False).cleaned.text
        b = parse_path(LVSHUI, keywords=False).cleaned.text
        assert len(out["passages"]) == 2
        for p in out["passages"]:
            assert a[p["a_start"] : p["a_end"]] == p["a_text"]
            assert b[p["b_start"] : p["b_end"]] == p["b_text"]
        assert out["a"]["shared"] > 0.8

    def test_reuse_as_text_names_the_changes(self):
        proc = huibao("reuse", str(QINGSHAN), str(LVSHUI))
        assert proc.returncode == 0, proc.stderr
        assert "2 shared passages" in proc.stdout
        assert "356.8→212.4" in proc.stdout

    def test_reuse_of_one_file_without_report_is_a_clear_error(self):
        proc = huibao("reuse", str(QINGSHAN))
        assert proc.returncode != 0
        assert "give two files" in proc.stderr

    def test_reuse_of_an_unreadable_file_is_a_clear_error(self, tmp_path):
        bad = tmp_path / "empty.txt"
        bad.write_bytes(b"")
        proc = huibao("reuse", str(bad), str(LVSHUI))
        assert proc.returncode != 0 and "rejected" in proc.stderr
        assert "Traceback" not in proc.stderr

    def test_report_lists_the_loaded_reports_it_shares_most_with(
        self, clean_db, prefect_server, inbox
    ):
        import os

        shutil.copy(QINGSHAN, inbox)
        ingest(inbox)
        env = {**os.environ, "DATABASE_URL": clean_db}
        proc = huibao("reuse", "--report", str(LVSHUI), "--json", env=env)
        assert proc.returncode == 0, proc.stderr
        similar = json.loads(proc.stdout)["similar"]
        assert [s["title"] for s in similar] == ["青山县发展和改革局2024年工作汇报"]
        assert similar[0]["share"] > 0.7
        # a loaded file is not its own nearest report
        proc = huibao("reuse", "--report", str(QINGSHAN), env=env)
        assert "no loaded report shares a passage" in proc.stdout


def test_what_is_stored_of_a_report_are_its_fingerprints_where_they_are_and_its_skeleton():
    from huibao.text.skeleton import skeleton, unpack

    text = parse_path(LVSHUI, keywords=False).documents[0].text
    found = reuse.fingerprints(text)
    assert found.hashes.dtype == np.int64 and len(found.hashes) == len(found.positions) > 20
    stored, made = unpack(found.skeleton), skeleton(text)
    for field in ("text", "starts", "symbols", "symbol_ends", "paragraphs"):
        assert list(getattr(stored, field)) == list(getattr(made, field))
