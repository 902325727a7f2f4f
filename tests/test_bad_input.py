"""Bad and odd files: each gets a clear recorded reason, the run goes on, every good file lands.

One `ingest` flow run reads an inbox holding every kind of `tests/bad_corpus.py` beside good
reports; each kind is then checked on its own in the `sources` table, in Postgres and in the
published Datasette file.
"""

from __future__ import annotations

import os
import re
import sqlite3

import pytest

from tests.bad_corpus import KINDS, generate, report
from tests.conftest import query

GOOD = 3


@pytest.fixture(scope="module")
def bad_run(pg_url, prefect_server, tmp_path_factory):
    from huibao.db.engine import reader_url
    from huibao.flows.ingest import ingest
    from huibao.publish.publish import publish
    from tests.conftest import empty_database

    empty_database(pg_url)
    inbox = tmp_path_factory.mktemp("bad-inbox")
    made = generate(inbox)
    for i in range(GOOD):
        (inbox / f"good-{i}.txt").write_text(report(100 + i), encoding="utf-8")
    result = ingest(paths=[str(inbox)], workers=2)
    rows = query(
        pg_url,
        "select p.path, s.status, s.error, s.document_count from source_paths p "
        "join sources s on s.id = p.source_id",
    )
    by_path = {path: (status, error or "", docs) for path, status, error, docs in rows}
    site = tmp_path_factory.mktemp("bad-site") / "huibao.db"
    publish(reader_url(), site)
    return made, by_path, result, site, inbox


def _display(path) -> str:
    from huibao.files import display_path

    return display_path(str(path))


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_each_kind_ends_with_its_status_and_reason(bad_run, kind):
    made, by_path, *_ = bad_run
    stored = by_path.get(_display(made[kind.name].absolute()))
    assert stored, f"{kind.name}: no row in sources"
    status, reason, documents = stored
    assert status == kind.status, f"{kind.name}: {status} ({reason})"
    assert re.search(kind.reason, reason), f"{kind.name}: reason {reason!r}"
    if kind.documents is not None:
        assert documents == kind.documents


def test_the_run_completes_and_every_good_file_lands(bad_run, pg_url):
    _, by_path, result, _, inbox = bad_run
    good = [by_path[str(inbox / f"good-{i}.txt")] for i in range(GOOD)]
    assert [s for s, *_ in good] == ["loaded"] * GOOD
    # one per rejected kind, and one more for the second link of the symlink loop
    expected_rejections = sum(1 for k in KINDS if k.status == "rejected") + 1
    assert result["files_rejected"] == expected_rejections
    (status,) = query(pg_url, "select status from ingest_runs order by id desc limit 1")[0]
    assert status == "completed"


def test_rejected_files_have_no_documents(pg_url, bad_run):
    orphans = query(
        pg_url,
        "select count(*) from documents d join sources s on s.id = d.source_id "
        "where s.status = 'rejected'",
    )[0][0]
    assert orphans == 0


def test_control_characters_never_reach_the_database(bad_run, pg_url):
    made, *_ = bad_run
    text = query(
        pg_url,
        "select string_agg(d.clean_text, '') from documents d "
        "join source_paths p on p.source_id = d.source_id where p.path = %s",
        (str(made["control_characters"].absolute()),),
    )[0][0]
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    assert "扎实推进" in text


def test_the_published_sources_table_shows_each_status_and_reason(bad_run):
    made, _, _, site, _ = bad_run
    with sqlite3.connect(f"file:{site}?mode=ro", uri=True) as db:
        published = {p: (s, e) for p, s, e in db.execute("select path, status, error from sources")}
    for kind in KINDS:
        status, reason = published[_display(made[kind.name].absolute())]
        assert status == kind.status, kind.name
        assert re.search(kind.reason, reason or ""), kind.name


def test_a_second_run_skips_the_rejected_files_without_reading_them(bad_run, prefect_server):
    from huibao.flows.ingest import ingest

    *_, inbox = bad_run
    again = ingest(paths=[str(inbox)], workers=1)
    assert again["files_new"] == again["files_changed"] == 0
    assert again["documents_loaded"] == 0


def test_limits_are_configurable_and_reported(tmp_path):
    from huibao.text import Limits, parse_source
    from huibao.text.read import Rejected, read_path

    path = tmp_path / "r.txt"
    path.write_text(report(0), encoding="utf-8")
    limits = Limits.from_env({"HUIBAO_MAX_FILE_BYTES": "100"})
    with pytest.raises(Rejected, match=r"over the 0.0 MB limit .*HUIBAO_MAX_FILE_BYTES"):
        read_path(path, limits)
    limits = Limits.from_env({"HUIBAO_MAX_SECTIONS": "2", "HUIBAO_MAX_LINE_CHARS": "20"})
    parsed = parse_source(read_path(path), limits)
    assert any("HUIBAO_MAX_SECTIONS" in w for w in parsed.warnings)
    assert any("HUIBAO_MAX_LINE_CHARS" in w for w in parsed.warnings)


def test_an_unreadable_file_is_refused_with_the_system_reason(tmp_path):
    """Root reads every file, so as root the read runs with the rights of `nobody`."""
    import pwd

    from huibao.files import discover
    from huibao.parallel import process_file

    path = tmp_path / "secret.txt"
    path.write_text(report(0), encoding="utf-8")
    path.chmod(0)
    (stat,) = discover([tmp_path])
    as_root = os.geteuid() == 0
    if as_root:
        os.seteuid(pwd.getpwnam("nobody").pw_uid)
    try:
        outcome = process_file(stat)
    finally:
        if as_root:
            os.seteuid(0)
    assert outcome.rejected == "cannot read file: Permission denied"
    assert outcome.transient  # read again next run: permissions get fixed without a new mtime


class TestFilesChangingDuringARun:
    """Between finding a file and reading it, the file may go or change."""

    def test_a_file_deleted_after_discovery_is_refused_and_retried_next_run(self, tmp_path):
        from huibao.files import discover
        from huibao.parallel import process_file

        path = tmp_path / "r.txt"
        path.write_text(report(0), encoding="utf-8")
        (stat,) = discover([tmp_path])
        path.unlink()
        assert "No such file" in process_file(stat).rejected

    def test_a_file_changed_while_read_is_refused_until_it_settles(self, tmp_path):
        from huibao.files import discover
        from huibao.parallel import process_file

        path = tmp_path / "r.txt"
        path.write_text(report(0), encoding="utf-8")
        (stat,) = discover([tmp_path])
        with path.open("a", encoding="utf-8") as f:
            f.write("补充内容。\n")
        assert "changed while it was being read" in process_file(stat).rejected
        (settled,) = discover([tmp_path])
        assert process_file(settled).parsed is not None
