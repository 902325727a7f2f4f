"""The `huibao` command as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES, empty_database


def huibao(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "huibao.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        **kwargs,
    )


def test_help_explains_every_command():
    out = huibao("--help").stdout
    for command in ("parse", "ingest", "publish", "serve", "demo", "db"):
        assert command in out


def test_parse_json_follows_the_contract():
    proc = huibao(
        "parse", "--json", str(SAMPLES / "桃源镇2024年上半年工作总结和下半年工作计划.txt")
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"collection_title", "documents"}
    doc = data["documents"][0]
    assert set(doc) >= {"title", "year", "period", "admin_level", "org", "kind", "sections"}
    assert doc["year"] == 2024 and doc["period"] == "H1" and doc["admin_level"] == "township"
    for s in doc["sections"]:
        assert set(s) >= {"level", "marker", "heading", "role", "topics", "start", "end"}
        assert isinstance(s["level"], int) and isinstance(s["topics"], list)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_sample_parses(name):
    proc = huibao("parse", "--json", str(SAMPLES / name))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["documents"]


def test_parse_refuses_a_non_report_with_one_line(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    proc = huibao("parse", "--json", str(path))
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "PNG image" in proc.stderr


def test_ingest_of_nothing_exits_non_zero_and_says_why(tmp_path):
    proc = huibao("ingest", str(tmp_path / "missing"))
    assert proc.returncode == 1
    assert "nothing to ingest" in proc.stderr


def test_ingest_prints_its_summary_and_no_warnings(pg_url, prefect_server, tmp_path):
    """A first load runs the index build and the keyword refresh side by side: nothing about
    them (such as a timeout Prefect cannot enforce in a thread) may reach the user."""
    from prefect.settings import PREFECT_API_URL

    empty_database(pg_url)
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "HUIBAO_HOME": str(tmp_path / "home"),
        "PREFECT_API_URL": PREFECT_API_URL.value(),
    }
    proc = huibao("ingest", str(SAMPLES), env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    files = sum(1 for path in SAMPLES.iterdir() if path.is_file())
    assert f"ingest: {files} files — {files} new" in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def test_parse_piped_into_head_ends_quietly():
    sample = SAMPLES / "桃源镇2024年上半年工作总结和下半年工作计划.txt"
    proc = subprocess.run(
        f"{sys.executable} -m huibao.cli parse --json '{sample}' | head -1",
        shell=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout.strip() == "{"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_outline_indents_each_section_under_its_parent():
    proc = huibao("parse", str(SAMPLES / "桃源镇2024年上半年工作总结和下半年工作计划.txt"))
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    indent = {ln.split()[0]: len(ln) - len(ln.lstrip()) for ln in lines[1:]}
    assert indent["1"] == 0 and indent["1.1"] > indent["1"]
    assert indent["2.1"] > indent["2"] and indent["1.1"] == indent["2.1"]


def test_db_url_is_one_psql_takes(pg_url):
    import psycopg

    env = {**os.environ, "DATABASE_URL": pg_url}
    url = huibao("db", "url", env=env).stdout.strip()
    assert url.startswith("postgresql://") and "+psycopg" not in url
    with psycopg.connect(url) as conn:  # libpq parses it as psql does
        assert conn.execute("select 1").fetchone() == (1,)
    assert huibao("db", "url", "--sqlalchemy", env=env).stdout.startswith("postgresql+psycopg://")


def test_a_rejected_file_ingested_again_is_named_with_its_reason(pg_url, prefect_server, tmp_path):
    from prefect.settings import PREFECT_API_URL

    empty_database(pg_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    env = {
        **os.environ, "DATABASE_URL": pg_url, "HUIBAO_HOME": str(tmp_path / "home"),
        "PREFECT_API_URL": PREFECT_API_URL.value(),
    }  # fmt: skip
    first = huibao("ingest", str(inbox), env=env, timeout=600)
    assert "rejected" in first.stdout and "PNG image" in first.stdout
    again = huibao("ingest", str(inbox), env=env, timeout=600)
    assert "1 unchanged" in again.stdout
    assert "still rejected (unchanged since)" in again.stdout and "PNG image" in again.stdout
    assert " s in all (the run " in again.stdout
