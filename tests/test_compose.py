"""docker-compose.yml is correct even where no Docker engine runs: its services, images,
healthchecks and ports, and every command it runs is a real command of ours."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
import yaml

from conftest import ROOT
from huibao.cli import build_parser

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def command(service: str) -> list[str]:
    cmd = SERVICES[service]["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def test_the_stack_has_postgres_prefect_a_worker_and_datasette():
    assert set(SERVICES) == {"postgres", "prefect-server", "worker", "datasette"}


def test_images_are_official_or_built_from_the_lock_file():
    assert re.fullmatch(r"postgres:\d+", SERVICES["postgres"]["image"])
    # the server runs the Prefect the lock file pins for the worker
    pinned = re.search(r"^prefect==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M)[1]
    assert SERVICES["prefect-server"]["image"].startswith(f"prefecthq/prefect:{pinned}-")
    assert SERVICES["worker"]["build"] == "."
    assert SERVICES["datasette"]["image"] == SERVICES["worker"]["image"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "USER huibao" in dockerfile  # not root


def test_every_service_that_listens_has_a_healthcheck_and_a_loopback_port():
    for name in ("postgres", "prefect-server", "datasette"):
        assert SERVICES[name]["healthcheck"]["test"], name
        for port in SERVICES[name].get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
    assert "ports" not in SERVICES["worker"]


def test_postgres_keeps_its_data_and_indexes_chinese():
    pg = SERVICES["postgres"]
    assert any(v.startswith("pgdata:") for v in pg["volumes"]) and "pgdata" in COMPOSE["volumes"]
    assert "C.UTF-8" in pg["environment"]["POSTGRES_INITDB_ARGS"]
    init = [v.split(":")[0] for v in pg["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert all((ROOT / p).exists() for p in init)


def test_services_start_in_order_of_health():
    assert SERVICES["prefect-server"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    worker = SERVICES["worker"]["depends_on"]
    assert (
        worker["postgres"]["condition"]
        == worker["prefect-server"]["condition"]
        == "service_healthy"
    )


@pytest.mark.parametrize("service", ["worker", "datasette"])
def test_commands_are_real_huibao_commands(service):
    argv = command(service)
    assert argv[0] == "huibao"
    args = build_parser().parse_args(argv[1:])  # exits (fails the test) on an unknown command
    assert callable(args.func)


def test_prefect_server_command_is_the_real_prefect_cli():
    argv = command("prefect-server")
    assert argv[:3] == ["prefect", "server", "start"]
    env = SERVICES["prefect-server"]["environment"]
    assert env["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_configuration_comes_from_env_and_no_secret_is_committed():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in text and "change-me" not in text
    example = (ROOT / ".env.example").read_text()
    for key in ("POSTGRES_PASSWORD", "HUIBAO_READER_PASSWORD"):
        assert f"{key}=" in example
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert ".env" not in tracked.splitlines()
    worker_env = SERVICES["worker"]["environment"]
    assert "postgres:5432" in worker_env["DATABASE_URL"]
    assert worker_env["PREFECT_API_URL"] == "http://prefect-server:4200/api"


def test_prefect_yaml_deploys_the_installed_flows():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    names = {d["name"]: d for d in spec["deployments"]}
    assert set(names) == {"pipeline", "ingest", "publish"}
    assert names["pipeline"]["schedules"][0]["cron"] == "0 * * * *"
    import importlib

    for d in names.values():
        module, func = d["entrypoint"].split(":")
        assert hasattr(importlib.import_module(module), func)
