"""The `pipeline` flow, the scheduled entry point: ingest the inbox, then publish."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from huibao.config import Settings
from huibao.flows.ingest import ingest
from huibao.flows.publish import publish


@flow(name="pipeline")
def pipeline(
    inbox: str | None = None, output: str | None = None, workers: int | None = None
) -> dict:
    """Ingest `inbox` (default $HUIBAO_INBOX) and publish when anything changed (or when the
    published file is missing)."""
    settings = Settings.from_env()
    folder = Path(inbox) if inbox else settings.inbox
    folder.mkdir(parents=True, exist_ok=True)
    ingested = ingest(paths=[str(folder)], workers=workers)
    changed = any(
        ingested.get(k) for k in ("files_new", "files_changed", "files_rejected", "files_gone")
    )
    target = output or str(settings.publish_path)
    published = publish(output=target) if changed or not Path(target).exists() else None
    return {"ingest": ingested, "publish": published}
