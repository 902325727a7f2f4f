"""Crashes and outages lose nothing: killed ingests and parser processes, a Postgres that goes
away, killed publishes.

The database is compared by content, not by ids: every table's rows with their foreign keys
replaced by natural keys (a source's sha256, a document's ordinal in it, a section's path),
timestamps and run bookkeeping left out.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bad_corpus import report
from tests.conftest import ROOT, SAMPLES, empty_database, query

# Tables whose content must not depend on how a corpus got loaded.
CONTENT = (
    "sources",
    "source_paths",
    "documents",
    "sections",
    "cleaning_edits",
    "section_topics",
    "keywords",
    "slogans",
    "indicators",
    "glossary",
    "term_idf",
)
_DOC = "(select s.sha256 || '#' || d.ordinal from documents d join sources s on s.id = d.source_id where d.id = t.{col})"
NATURAL = {
    "source_id": "(select k.sha256 || ':' || k.path from sources k where k.id = t.source_id)",
    "document_id": _DOC.format(col="document_id"),
    "section_id": "(select s.sha256 || '#' || d.ordinal || '#' || x.path from sections x "
    "join documents d on d.id = x.document_id join sources s on s.id = d.source_id "
    "where x.id = t.section_id)",
    "parent_id": "(select x.path from sections x where x.id = t.parent_id)",
}
SKIP = {"id", "first_seen", "last_seen", "loaded_at", "refreshed_at"}


def _row_text(url: str, table: str) -> str:
    """A row of `table` as text, with natural keys for ids and without times."""
    columns = query(
        url,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'public' and table_name = %s order by ordinal_position",
        (table,),
    )
    exprs = [
        NATURAL.get(name, f"t.{name}")
        for name, kind in columns
        if name not in SKIP and not kind.startswith("timestamp")
    ]
    return f"({', '.join(exprs)})::text"


def content_rows(url: str, table: str) -> set[str]:
    """The rows of a table as text, clipped (to say which rows a checksum differs in)."""
    return {r[0][:300] for r in query(url, f"select {_row_text(url, table)} from {table} t")}


def content_checksum(url: str) -> dict[str, tuple[int, str]]:
    """Table → (row count, md5 of its rows in a stable order, natural keys for ids)."""
    result = {}
    for table in CONTENT:
        rows = f"select {_row_text(url, table)} as r from {table} t"
        count, digest = query(
            url,
            f"select count(*), md5(coalesce(string_agg(r, E'\\n' order by r), '')) from ({rows}) q",
        )[0]
        result[table] = (count, digest)
    return result


def sources(url: str) -> int:
    return query(url, "select count(*) from sources")[0][0]


def half_loaded(url: str) -> int:
    """Sources whose documents are not all there (must always be 0)."""
    return query(
        url,
        "select count(*) from sources s where s.status in ('loaded', 'partial') and "
        "s.document_count <> (select count(*) from documents d where d.source_id = s.id)",
    )[0][0]


def make_corpus(folder: Path, files: int = 40) -> Path:
    """Reports long enough that a run takes several seconds, a few bad files and the samples."""
    folder.mkdir(parents=True, exist_ok=True)
    body = "坚持稳中求进工作总基调，新建高标准农田，推进乡村振兴，优化营商环境。"
    for i in range(files):
        text = report(200 + i).replace("（二）招商引资。", f"（二）招商引资。{body * (300 + i)}")
        (folder / f"report-{i:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    for sample in SAMPLES.iterdir():
        (folder / sample.name).write_bytes(sample.read_bytes())
    return folder


def prefect_api() -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def start_ingest(url: str, inbox: Path, home: Path, log: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HUIBAO_HOME": str(home),
        "PREFECT_API_URL": prefect_api(),
        "HUIBAO_WORKERS": "2",
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "huibao.cli", "ingest", *args, str(inbox)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its parser processes die with it
        )


STUCK = 1200  # seconds after which a run that has not ended is a hang, not a slow machine


def ingest_to_end(url: str, inbox: Path, home: Path, log: Path) -> tuple[float, float]:
    """Run an ingest to its end; returns (seconds in all, seconds until the first source)."""
    started = time.perf_counter()
    proc = start_ingest(url, inbox, home, log)
    first = None
    while proc.poll() is None:
        if first is None and query(url, "select count(*) from sources")[0][0]:
            first = time.perf_counter() - started
        if time.perf_counter() - started > STUCK:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"ingest still running after {STUCK} s:\n{log.read_text()}")
        time.sleep(0.05)
    assert proc.returncode == 0, log.read_text()
    total = time.perf_counter() - started
    return total, first or total


# Where each killed run dies, decided by what the run has done (never by how long it has run,
# which depends on the machine): "loading" once a few more sources committed, "start-up" as
# soon as the run has recorded itself, "after loading" once every source is in (the index
# build, keyword refresh and reuse steps, when the run has any left to do).
PLAN = ("loading", "start-up", "loading", "loading", "after loading") * 2


def wait_for(proc: subprocess.Popen, log: Path, event) -> None:
    """Poll until `event()` holds or the run ends."""
    started = time.perf_counter()
    while proc.poll() is None and not event():
        assert time.perf_counter() - started < STUCK, log.read_text()
        time.sleep(0.005)


def last_run(url: str) -> int:
    return query(url, "select coalesce(max(id), 0) from ingest_runs")[0][0]


def test_ingest_killed_at_random_points_then_rerun_ends_identical(pg_url, prefect_server, tmp_path):
    inbox = make_corpus(tmp_path / "inbox", files=150)
    log = tmp_path / "ingest.log"
    empty_database(pg_url)
    ingest_to_end(pg_url, inbox, tmp_path / "clean-home", log)
    reference = content_checksum(pg_url)
    reference_rows = {t: content_rows(pg_url, t) for t in ("sources", "documents")}
    assert reference["documents"][0] >= 150

    empty_database(pg_url)
    rng = random.Random(20261122)
    home = tmp_path / "killed-home"
    total = reference["sources"][0]
    killed, killed_mid_load, certain = 0, 0, 0
    for point in PLAN:
        before, run = sources(pg_url), last_run(pg_url)
        proc = start_ingest(pg_url, inbox, home, log)
        if point == "loading" and before < total - 1:
            target = rng.randint(before + 1, before + max(1, (total - before) // 5))
            wait_for(proc, log, lambda t=target: sources(pg_url) >= t)
            certain += 1
        elif point == "after loading":
            wait_for(proc, log, lambda r=run: last_run(pg_url) > r and sources(pg_url) >= total)
        else:
            wait_for(proc, log, lambda r=run: last_run(pg_url) > r)
            certain += 1
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        assert half_loaded(pg_url) == 0
        killed_mid_load += before < sources(pg_url) < total
    ingest_to_end(pg_url, inbox, home, log)

    final = content_checksum(pg_url)
    # indexes that killed runs had set aside for their load were built again
    from huibao.db.indexes import DEFERRABLE

    assert set(DEFERRABLE) <= {r[0] for r in query(pg_url, "select indexname from pg_indexes")}
    assert query(pg_url, "select count(*) from deferred_indexes")[0][0] == 0
    rows = sum(count for count, _ in final.values())
    print(f"\n{killed} runs killed, {killed_mid_load} while loading; {rows} rows compared")
    differing = {
        t: sorted(content_rows(pg_url, t) ^ rows)[:6] for t, rows in reference_rows.items()
    }
    assert final == reference, differing
    assert half_loaded(pg_url) == 0
    # every report was compared for text reuse and summarised, killed runs or not (which
    # reports a fingerprint makes boilerplate depends on what was loaded before: the
    # passages themselves are compared in tests/test_reuse_db.py)
    assert query(pg_url, "select count(*) from documents d where not exists "
                 "(select 1 from reuse_checks c where c.document_id = d.id)")[0][0] == 0  # fmt: skip
    assert query(pg_url, "select (select count(*) * 2 from reuse_passages) = "
                 "(select coalesce(sum(passages), 0) from reuse_documents)")[0][0]  # fmt: skip
    statuses = dict(query(pg_url, "select status, count(*) from ingest_runs group by status"))
    assert "running" not in statuses and statuses.get("interrupted", 0) >= killed_mid_load
    assert killed >= certain
    # the kills must have hit loading, not only start-up
    assert killed_mid_load >= 3, f"only {killed_mid_load} kills landed while loading"


def test_postgres_stopping_mid_run_delays_the_run_and_loses_nothing(prefect_server, tmp_path):
    from huibao.db.embedded import EmbeddedPostgres
    from huibao.db.engine import upgrade

    pg = EmbeddedPostgres(tmp_path / "pg")
    pg.ensure_running()
    try:
        url = pg.url()
        upgrade(url)
        inbox = make_corpus(tmp_path / "inbox", files=150)
        log = tmp_path / "ingest.log"
        ingest_to_end(url, inbox, tmp_path / "ref-home", log)
        reference = content_checksum(url)
        empty_database(url)

        proc = start_ingest(url, inbox, tmp_path / "home", log)
        deadline = time.time() + 120
        while sources(url) < 5:
            assert time.time() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.1)
        at_stop = sources(url)
        pg.stop()
        time.sleep(5)  # the loaders meet a dead connection and back off
        pg.ensure_running()
        assert proc.wait(timeout=600) == 0, log.read_text()
        assert at_stop < reference["sources"][0]  # the outage came in the middle of loading
        assert half_loaded(url) == 0
        assert content_checksum(url) == reference
        (status,) = query(url, "select status from ingest_runs order by id desc limit 1")[0]
        assert status == "completed"
    finally:
        pg.stop()


def test_ingest_without_a_database_says_so_in_one_line(tmp_path):
    inbox = make_corpus(tmp_path / "inbox", files=1)
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://huibao@127.0.0.1:9/huibao",  # nothing listens on port 9
        "HUIBAO_HOME": str(tmp_path / "home"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "huibao.cli", "ingest", str(inbox)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode != 0
    message = out.stderr.strip().splitlines()
    assert len(message) == 1 and "database" in message[0], out.stderr


class _CrashOn:
    """A sink that kills its own parser process when given the file `name`, as a segfault in a
    C library or the kernel's OOM killer would."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, outcomes):
        in_parser = multiprocessing.parent_process() is not None  # not the run's own process
        if in_parser and any(Path(o.stat.path).name == self.name for o in outcomes):
            os.kill(os.getpid(), signal.SIGKILL)
        return outcomes


def _parser_processes(pid: int | None = None) -> list:
    """The parser processes below process `pid` (this one by default)."""
    import psutil

    found = []
    for p in psutil.Process(pid).children(recursive=True):
        try:
            if "spawn_main" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:  # ended meanwhile, or a zombie of an earlier test
            pass
    return found


def _parse_all(folder: Path, sink=None, on_outcome=None) -> list:
    from huibao.files import FileStat, discover
    from huibao.parallel import parse_files
    from huibao.text import Limits

    stats = [s for s in discover([folder]) if isinstance(s, FileStat)]
    outcomes = []
    for outcome in parse_files(stats, 2, frozenset(), Limits(), sink=sink):
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    assert sorted(o.stat.path for o in outcomes) == sorted(s.path for s in stats)
    return outcomes


class TestParserProcessesDying:
    def test_a_file_that_kills_its_parser_twice_is_rejected_and_every_other_file_parses(
        self, tmp_path
    ):
        folder = make_corpus(tmp_path / "inbox", files=30)
        (folder / "report-000-crash.txt").write_text(report(999), encoding="utf-8")  # sorts first
        after_crash: list[int] = []

        def watch(outcome):
            if after_crash or "crashed" in (outcome.rejected or ""):
                after_crash.append(len(_parser_processes()))

        outcomes = _parse_all(folder, sink=_CrashOn("report-000-crash.txt"), on_outcome=watch)
        by_name = {Path(o.stat.path).name: o for o in outcomes}
        assert by_name.pop("report-000-crash.txt").rejected == (
            "the parser process crashed on this file (twice)"
        )
        reports = [o for name, o in by_name.items() if name.startswith("report-")]
        assert len(reports) == 30 and all(o.parsed for o in reports)
        assert not any("crashed" in (o.rejected or "") for o in by_name.values())
        # the files in flight were retried one at a time, then every core was used again
        assert max(after_crash) == 2

    def test_a_parser_process_killed_from_outside_loses_no_file(self, tmp_path):
        folder = make_corpus(tmp_path / "inbox", files=30)
        killed: list[int] = []

        def kill_one(outcome):
            workers = _parser_processes()
            if not killed and workers:
                killed.append(workers[0].pid)
                os.kill(workers[0].pid, signal.SIGKILL)

        outcomes = _parse_all(folder, on_outcome=kill_one)
        assert killed
        reports = [o for o in outcomes if Path(o.stat.path).name.startswith("report-")]
        assert len(reports) == 30 and all(o.parsed for o in reports)
        assert not any("crashed" in (o.rejected or "") for o in outcomes)

    def test_parsers_killed_as_soon_as_they_start_never_break_the_run(self, tmp_path):
        """Processes dying while the pool still starts others (a race inside the standard
        library's pool: "handle is closed") end as crashed files, never as an error."""
        import threading

        import psutil

        folder = make_corpus(tmp_path / "inbox", files=4)
        stop = threading.Event()

        def kill_every_parser():
            while not stop.is_set():
                try:
                    for child in _parser_processes():
                        child.kill()
                except psutil.Error:
                    pass
                stop.wait(0.005)

        killer = threading.Thread(target=kill_every_parser)
        killer.start()
        try:
            for _ in range(30):  # the race is lost in about one round in five
                outcomes = _parse_all(folder)
                assert all(o.rejected or o.parsed for o in outcomes)
        finally:
            stop.set()
            killer.join()

    def test_files_whose_parsers_keep_dying_are_recorded_and_the_next_run_loads_them(
        self, pg_url, prefect_server, tmp_path
    ):
        import psutil

        empty_database(pg_url)
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        names = {f"report-{i}.txt" for i in range(4)}
        for i, name in enumerate(sorted(names)):
            (inbox / name).write_text(report(300 + i), encoding="utf-8")
        home, log = tmp_path / "home", tmp_path / "ingest.log"
        proc = start_ingest(pg_url, inbox, home, log, "--workers", "2")
        kills = 0
        while proc.poll() is None:  # every parser process dies as soon as it is seen
            try:
                for child in _parser_processes(proc.pid):
                    child.kill()
                    kills += 1
            except psutil.Error:
                pass
            time.sleep(0.01)
        assert proc.returncode == 0, log.read_text()
        assert kills >= 2
        sources = "select path, status, error from sources"
        rows = {Path(p).name: (status, error) for p, status, error in query(pg_url, sources)}
        assert rows == {
            name: ("rejected", "the parser process crashed on this file (twice)") for name in names
        }

        ingest_to_end(pg_url, inbox, home, log)
        rows = {Path(p).name: status for p, status, _ in query(pg_url, sources)}
        assert rows == dict.fromkeys(names, "loaded")


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


@pytest.fixture
def published(pg_url, prefect_server, tmp_path):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish

    empty_database(pg_url)
    ingest(paths=[str(make_corpus(tmp_path / "inbox", files=60))], workers=2)
    site = tmp_path / "site" / "huibao.db"
    publish(reader_url(), site)
    return site


def test_a_killed_publish_leaves_the_previous_file_serving(published, pg_url, tmp_path):
    from huibao.db.engine import reader_url
    from huibao.serve import make_datasette

    site = published
    before = site.read_bytes()
    env = {**os.environ, "DATABASE_URL": pg_url, "HUIBAO_READER_URL": reader_url()}
    rng = random.Random(7)
    mirror = Path(os.environ["HUIBAO_HOME"]) / "site-mirror.db"
    landed = 0
    for _ in range(5):
        # --rebuild: the site mirror is made again from every row, so the kill can hit its sync
        # as well as the copy of the new file
        known = _inode(mirror)  # None: a publish killed before it made the mirror again
        proc = subprocess.Popen(
            [sys.executable, "-m", "huibao.cli", "publish", "--output", str(site), "--rebuild"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while proc.poll() is None and _inode(mirror) == known:
            assert time.time() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.25))
        proc.kill()
        killed = proc.wait() != 0
        now = site.read_bytes()
        if now == before:
            landed += killed
        else:  # its new file was renamed in before the kill: a whole one
            with sqlite3.connect(f"file:{site}?mode=ro", uri=True) as db:
                assert db.execute("pragma integrity_check").fetchone() == ("ok",)
            before = now
    assert landed >= 2
    with sqlite3.connect(f"file:{site}?mode=ro", uri=True) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)

    import asyncio

    async def documents():
        response = await make_datasette(site).client.get("/huibao/documents.json")
        return response.status_code

    assert asyncio.run(documents()) == 200
    # the next publish clears what the killed ones left behind
    from huibao.publish.publish import publish

    after = publish(reader_url(), site)
    assert not list(site.parent.glob(".*.tmp"))
    # and brings a mirror left by a killed sync back in step
    assert after.rows["sections"] == query(pg_url, "select count(*) from sections")[0][0]
    with sqlite3.connect(mirror) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
