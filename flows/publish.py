"""The `publish` flow: the publish `huibao publish` runs (huibao.publish.publish.publish_site),
as a task: refresh keyword IDF if needed, bring the search index and the site mirror up to date
(each ingest already does), copy the mirror and swap the copy in atomically."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from huibao.config import Settings
from huibao.flows.options import LONG


@task(**LONG)
def publish_site(settings: Settings, output: str | None) -> dict:
    from huibao.publish.publish import publish_site as publish_file
    from huibao.publish.publish import summary_markdown

    result = publish_file(settings, Path(output) if output else None)
    create_markdown_artifact(
        summary_markdown(result), key="publish-summary", description="huibao publish"
    )
    return {
        "path": str(result.path),
        "rows": result.rows,
        "indexed": result.indexed,
        "seconds": round(result.seconds, 2),
        "bytes": result.bytes,
        "sections_per_second": round(result.sections_per_second),
    }


@flow(name="publish")
def publish(output: str | None = None) -> dict:
    """Publish the database to the SQLite file Datasette serves (default $HUIBAO_PUBLISH_PATH)."""
    return publish_site(Settings.from_env(), output)
