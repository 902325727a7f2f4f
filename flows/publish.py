"""The `publish` flow: refresh keyword IDF if needed, bring the search index and the site mirror
up to date (each ingest already does), copy the mirror and swap the copy in atomically."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from huibao.config import Settings
from huibao.db.engine import database_url, reader_url
from huibao.flows.ingest import DB_RETRIES, keywords_are_stale, migrate, refresh_keywords


@task(cache_policy=NONE, timeout_seconds=6 * 3600, **DB_RETRIES)
def export_site(reader: str, output: str) -> dict:
    from huibao.publish.publish import publish as publish_file

    result = publish_file(reader, Path(output))
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
    settings = Settings.from_env()
    url = database_url(settings)
    migrate(url)
    if keywords_are_stale(url):
        refresh_keywords(url)
    result = export_site(reader_url(settings), output or str(settings.publish_path))
    rows = result["rows"]
    create_markdown_artifact(
        "\n".join(
            [
                "# huibao publish",
                "",
                f"Wrote `{result['path']}` ({result['bytes'] / 1e6:.1f} MB) in {result['seconds']} s: "
                f"{rows.get('documents', 0)} reports, {rows.get('sections', 0)} sections "
                f"({result['sections_per_second']:,} sections/s); "
                f"{sum(result['indexed'].values())} rows newly indexed for search.",
            ]
        ),
        key="publish-summary",
        description="huibao publish",
    )
    return result
