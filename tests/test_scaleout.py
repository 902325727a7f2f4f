"""Scale-out on Prefect's own distribution, on loopback: one process work pool, two workers,
the `ingest` deployment of prefect.yaml, and several flow runs draining one inbox. Every file is
processed by exactly one run; none is missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, query
from huibao.prefect_server import LocalPrefectServer

pytestmark = pytest.mark.slow
FILES = 60
RUNS = 4

PREFECT = [sys.executable, "-m", "prefect"]


def api_post(api: str, path: str, body: dict):
    req = urllib.request.Request(
        api + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    for attempt in range(10):  # the SQLite-backed test server answers 503 when busy
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 9:
                raise
            time.sleep(1)


def make_inbox(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(FILES):
        path = folder / f"report-{i:02d}.txt"
        # long enough (about 120 000 characters) that one run cannot drain the inbox before the
        # others start, however fast parsing gets
        body = (
            f"签约项目{i + 1}个，总投资{i * 3 + 5}亿元，新建高标准农田，推进乡村振兴和营商环境优化。"
            * 2400
        )
        path.write_text(
            f"第{i}号单位2024年上半年工作总结\n今年以来，我局扎实推进各项工作，取得明显成效。\n"
            f"一、工作情况\n（一）招商引资。{body}\n"
            f"二、下步打算\n（一）持续优化营商环境。力争完成全年目标任务。",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_two_workers_drain_one_inbox_with_no_file_twice_and_none_missed(
    pg_url, embedded_pg, clean_db, tmp_path
):
    server = LocalPrefectServer(tmp_path / "prefect").start()
    api = server.api_url
    env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_CLI_PROMPT": "false",
        "DATABASE_URL": pg_url,
        "HUIBAO_HOME": str(tmp_path / "home"),
        "HUIBAO_WORKERS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # both workers pick up runs at once
    }
    workers = []
    try:
        pool = "huibao-scale-test"
        run = lambda argv: subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: E731
        made = run([*PREFECT, "work-pool", "create", pool, "--type", "process"])
        assert made.returncode == 0, made.stderr
        deployed = run([*PREFECT, "--no-prompt", "deploy", "--name", "ingest", "--pool", pool])
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        for name in ("w1", "w2"):
            log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115  (kept open by the child)
            workers.append(subprocess.Popen(
                [*PREFECT, "worker", "start", "--pool", pool, "--name", name, "--limit", "2"],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        inbox = tmp_path / "inbox"
        paths = make_inbox(inbox)
        deployment = api_post(
            api, "/deployments/filter", {"deployments": {"name": {"any_": ["ingest"]}}}
        )[0]
        run_ids = []
        for _ in range(RUNS):
            created = api_post(
                api,
                f"/deployments/{deployment['id']}/create_flow_run",
                {"parameters": {"paths": [str(inbox)], "workers": 1}},
            )
            run_ids.append(created["id"])
        deadline, states = time.time() + 600, []
        while time.time() < deadline:
            try:
                runs = api_post(api, "/flow_runs/filter", {"flow_runs": {"id": {"any_": run_ids}}})
            except urllib.error.HTTPError:
                raise
            except (TimeoutError, urllib.error.URLError):  # a server busy with four runs: ask again
                continue
            states = [r["state_type"] for r in runs]
            if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states):
                break
            time.sleep(2)
        assert states == ["COMPLETED"] * RUNS, states
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker slow to shut down is not the test
                w.kill()
                w.wait()
        server.stop()

    rows = query(
        clean_db,
        "select flow_run_id, files_new + files_changed + files_rejected, documents_loaded "
        "from ingest_runs where flow_run_id = any(%s)",
        (run_ids,),
    )
    processed = {run_id: n for run_id, n, _ in rows}
    assert sum(processed.values()) == FILES  # no file processed twice
    assert sum(1 for n in processed.values() if n) >= 2  # the inbox was shared out
    loaded = {
        p for (p,) in query(clean_db, "select path from source_paths where status = 'present'")
    }
    assert loaded == {str(p) for p in paths}  # none missed
    assert query(clean_db, "select count(*) from documents")[0][0] == FILES
    claims = query(
        clean_db, "select count(distinct run), count(*) from file_claims where done_at is not null"
    )
    assert claims[0][1] == FILES and claims[0][0] >= 2
    logs = [(tmp_path / f"{n}.log").read_text(errors="replace") for n in ("w1", "w2")]
    per_worker = [log.count("submitting flow run") for log in logs]
    assert all(per_worker), per_worker  # both workers took runs
    print(f"\nflow runs per worker: {per_worker}; files per run: {sorted(processed.values())}")
