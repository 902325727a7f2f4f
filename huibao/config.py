"""Settings from the environment. Every setting has a default that works on a laptop.

| variable            | default                      | meaning                                        |
|---------------------|------------------------------|------------------------------------------------|
| HUIBAO_HOME         | ./.huibao                    | embedded Postgres, published file, Prefect home |
| DATABASE_URL        | (embedded Postgres)          | postgresql+psycopg://user:pass@host:port/db     |
| HUIBAO_READER_URL   | (derived)                    | read-only connection used by `publish`          |
| HUIBAO_PUBLISH_PATH | $HUIBAO_HOME/huibao.db       | the SQLite file Datasette serves                |
| HUIBAO_INBOX        | $HUIBAO_HOME/inbox           | folder the scheduled pipeline ingests           |
| HUIBAO_WORKERS      | number of CPU cores          | processes that parse files in parallel          |
| HUIBAO_PREPARE_SITE | 1                            | 0: ingest leaves the site mirror to publish     |
| HUIBAO_REUSE        | 1                            | 0: ingest does not look for text reuse          |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from huibao.text.limits import Limits


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str | None
    reader_url: str | None
    publish_path: Path
    inbox: Path
    workers: int
    limits: Limits
    db_writes: int = 4  # runs writing to the database at once (HUIBAO_DB_WRITES)
    reuse: bool = True  # find the passages reports share while ingesting (HUIBAO_REUSE)
    prepare_site: bool = True  # keep the search index and site mirror ready (HUIBAO_PREPARE_SITE)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("HUIBAO_HOME") or ".huibao").absolute()
        return cls(
            home=home,
            database_url=env.get("DATABASE_URL") or None,
            reader_url=env.get("HUIBAO_READER_URL") or None,
            publish_path=Path(env.get("HUIBAO_PUBLISH_PATH") or home / "huibao.db").absolute(),
            inbox=Path(env.get("HUIBAO_INBOX") or home / "inbox").absolute(),
            workers=int(env.get("HUIBAO_WORKERS") or os.cpu_count() or 1),
            limits=Limits.from_env(env),
            db_writes=int(env.get("HUIBAO_DB_WRITES") or 4),
            reuse=env.get("HUIBAO_REUSE", "1") != "0",
            prepare_site=env.get("HUIBAO_PREPARE_SITE", "1") != "0",
        )


def quiet_prefect(home: Path) -> None:
    """Prefect settings for huibao: no telemetry (these machines are offline), state under
    HUIBAO_HOME unless the user configured Prefect, and no UI for temporary servers."""
    os.environ.setdefault("PREFECT_HOME", str(home / "prefect"))
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
