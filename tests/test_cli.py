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
    assert "ingest: 4 files — 4 new" in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
