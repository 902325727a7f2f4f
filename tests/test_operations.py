"""The docker-compose services' commands, run as local processes on loopback: a Prefect server,
the worker (`huibao schedule`) and Datasette (`huibao serve --wait`), against the test Postgres.

Measured here: a report dropped into the inbox shows in Datasette within one schedule tick,
and the next run of the unchanged inbox parses nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, SAMPLES, query

pytestmark = pytest.mark.slow
TICK = 15  # seconds between scheduled runs in this test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(fn, timeout: float, every: float = 0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(every)
    return None


def get_json(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.load(r)
    except OSError:
        return None


@pytest.fixture
def stack(pg_url, embedded_pg, tmp_path):
    """prefect-server, worker and datasette of docker-compose.yml, as local processes."""
    home, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    prefect_port, datasette_port = free_port(), free_port()
    env = {
        **os.environ,
        "HUIBAO_HOME": str(home),
        "HUIBAO_INBOX": str(inbox),
        "DATABASE_URL": pg_url,
        "HUIBAO_READER_URL": embedded_pg.url(user="huibao_reader"),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "HUIBAO_WORKERS": "1",
    }
    env.pop("PREFECT_API_URL", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []

    def start(name: str, argv: list[str], extra: dict | None = None):
        with open(logs / f"{name}.log", "wb") as out:  # the child keeps its own copy
            proc = subprocess.Popen(
                argv, env={**env, **(extra or {})}, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
            )
        procs.append((name, proc))

    start("prefect-server", [sys.executable, "-m", "prefect", "server", "start",
                             "--host", "127.0.0.1", "--port", str(prefect_port)])  # fmt: skip
    api = f"http://127.0.0.1:{prefect_port}/api"
    assert wait_for(lambda: get_json(api + "/health"), 120), (
        logs / "prefect-server.log"
    ).read_text()
    start("worker", [sys.executable, "-m", "huibao.cli", "schedule", "--interval", str(TICK)],
          {"PREFECT_API_URL": api})  # fmt: skip
    published = home / "huibao.db"
    start("datasette", [sys.executable, "-m", "huibao.cli", "serve", str(published),
                        "--host", "127.0.0.1", "--port", str(datasette_port), "--wait"])  # fmt: skip
    yield {"inbox": inbox, "datasette": f"http://127.0.0.1:{datasette_port}", "logs": logs}
    for _, proc in reversed(procs):
        proc.terminate()
    for _, proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def documents(base: str) -> list[dict]:
    return get_json(f"{base}/huibao/documents.json?_shape=array&_size=max&_col=title") or []


def test_a_dropped_report_appears_in_datasette_within_one_tick(stack, clean_db):
    inbox, base = stack["inbox"], stack["datasette"]
    # the first scheduled run publishes the empty inbox, and Datasette starts serving it
    assert wait_for(lambda: get_json(f"{base}/-/versions.json"), 4 * TICK + 60), _logs(stack)
    dropped = time.time()
    shutil.copy(
        SAMPLES / "桃源镇2024年上半年工作总结和下半年工作计划.txt", inbox / "new-report.txt"
    )
    title = "桃源镇2024年上半年工作总结和下半年工作计划"
    seen = wait_for(lambda: any(d["title"] == title for d in documents(base)), 2 * TICK + 60)
    assert seen, _logs(stack)
    latency = time.time() - dropped
    assert latency < 2 * TICK + 60
    print(f"\nreport visible in Datasette {latency:.1f} s after it was dropped (tick {TICK} s)")

    # the next run of the unchanged inbox reads nothing and parses nothing
    def later_run():
        rows = query(clean_db, "select files_seen, files_unchanged, files_new, files_changed, "
                     "documents_loaded, extract(epoch from finished_at - started_at) "
                     "from ingest_runs where status = 'completed' order by id")  # fmt: skip
        return rows if len(rows) >= 3 and rows[-1][0] == 1 and rows[-1][1] == 1 else None

    runs = wait_for(later_run, 3 * TICK + 60)
    assert runs, _logs(stack)
    full = next(r for r in runs if r[2] == 1)
    noop = runs[-1]
    assert noop[2:5] == (0, 0, 0)
    print(f"full run {full[5]:.2f} s, no-op run {noop[5]:.2f} s")
    assert search_hits(base, "茶叶深加工") >= 1


def search_hits(base: str, q: str) -> int:
    rows = get_json(f"{base}/huibao/sections.json?_search={quote(q)}&_shape=array&_col=id")
    return len(rows or [])


def _logs(stack) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
        for p in Path(stack["logs"]).iterdir()
    )
