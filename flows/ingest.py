"""The `ingest` flow: discover → plan → parse and store → refresh what depends on the corpus.

Each task is one call into the library. Parser processes store what they parse
(huibao.ingest_run, huibao.db.store); this process hands out the files, keeps the counts and
refreshes what depends on the whole corpus (indexes, text reuse, keywords, search index, the
site mirror).

Unchanged files (same path, size and modification time, already loaded by this pipeline
version) are skipped without being read; files whose content is already loaded are hashed and
linked, not parsed. A file that cannot be read is recorded with its reason and the run goes on.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from huibao import ingest_run
from huibao.config import Settings
from huibao.db import claims, idf, indexes, reuse, runs
from huibao.db.engine import connect, database_url, migrate, now
from huibao.db.errors import retrying
from huibao.db.plan import Plan, plan_files
from huibao.files import FileStat, Unreadable, discover_split
from huibao.flows.options import BASE, DB, LONG
from huibao.ingest_run import ms_since
from huibao.progress import Report
from huibao.text import pipeline_version


@task(**BASE)
def discover_files(paths: list[str]) -> tuple[list[FileStat], list[Unreadable]]:
    return discover_split(paths)


@task(**DB)
def plan(url: str, paths: list[str], found: tuple[list[FileStat], list[Unreadable]]) -> Plan:
    """Split the files into those to read and those unchanged since they were loaded."""
    with connect(url) as conn:
        return plan_files(conn, paths, *found, pipeline_version())


@task(**DB)
def record_unreadable(url: str, items: list[Unreadable]) -> int:
    return ingest_run.record_unreadable(url, items)


@task(**DB)
def set_indexes_aside(url: str, run: str, todo_bytes: int) -> list[str]:
    """Before a load at least as large as the database: drop the indexes cheaper to build
    once after it (huibao.db.indexes)."""
    with connect(url) as conn:
        return indexes.defer(conn, run) if indexes.worth_deferring(conn, todo_bytes) else []


@task(**BASE)
def parse_and_store(
    settings: Settings, url: str, plan: Plan, run: str, claimer, workers, progress: bool
) -> ingest_run.Loaded:
    return ingest_run.parse_and_store(
        settings, url, plan, pipeline_version(), run, claimer, workers, progress
    )


@task(**DB)
def mark_gone(url: str, paths: list[str]) -> int:
    return ingest_run.mark_gone(url, paths)


@task(**DB)
def build_indexes(url: str, run: str) -> list[str]:
    """Build the indexes this run (or a run that died) set aside."""
    with connect(url) as conn:
        return indexes.restore(conn, run)


@task(**DB)
def find_reuse(url: str) -> tuple[int, int, int]:
    """Compare the reports not compared yet (this run's, and any a killed run or a database
    older than text reuse left) with everything loaded, all at once, then summarise each
    report's reuse."""
    with connect(url) as conn:
        return (*reuse.check_all(conn), reuse.refresh_summaries(conn))


@task(**DB)
def refresh_keywords(url: str) -> idf.RefreshResult:
    """Recompute the corpus IDF and the keywords that depend on it."""
    with connect(url) as conn:
        return idf.refresh(conn)


@task(**LONG)
def update_search_index(settings: Settings, url: str) -> int:
    """Index the new sections for Chinese search now, so that the next publish only copies the
    index (building it is the slowest part of a publish)."""
    from huibao.publish.publish import update_search_index as update

    return update(settings, url)


@task(**LONG)
def sync_site_mirror(settings: Settings, url: str, skip: tuple[str, ...] = ()) -> None:
    """Copy the rows loaded since the last sync into the site's SQLite mirror (and the search
    index, when it changed), so that the next publish only copies a file; tables in `skip`
    are left for a later sync."""
    from huibao.publish.publish import sync_site_mirror as sync

    sync(settings, url, skip)


migrate_task = task(migrate, name="migrate", **DB)


def keywords_are_stale(url: str) -> bool:
    """Asked by every run, so not a task; it waits out a database outage like the bookkeeping."""

    def ask() -> bool:
        with connect(url) as conn:
            return idf.stale(conn)

    return retrying(ask)


def reuse_is_stale(settings: Settings, url: str) -> bool:
    """Whether reports wait to be compared for text reuse, or its summaries are behind."""
    if not settings.reuse:
        return False

    def ask() -> bool:
        with connect(url) as conn:
            return reuse.stale(conn)

    return retrying(ask)


@flow(name="ingest", log_prints=False)
def ingest(paths: list[str], workers: int | None = None, progress: bool = False) -> dict:
    """Ingest report files and folders into Postgres; returns the run's counts."""
    settings = Settings.from_env()
    started = time.perf_counter()
    url = database_url(settings)
    migrate_task(url)
    run = str(flow_run.id) if flow_run.id else f"local-{uuid.uuid4()}"
    # The claimer's lock shows, for the whole run, that it is alive (see runs.mark_interrupted).
    claimer = claims.Claimer(url, run, now())
    run_id = retrying(lambda: runs.record_start(url, run))

    found = discover_files(paths)
    todo = plan(url, paths, quote(found))
    counts: Counter = Counter(files_seen=len(found[0]) + len(found[1]))
    counts["files_unchanged"] = len(todo.unchanged)
    rejected: list[tuple[str, str]] = []
    status, message = "completed", None
    try:
        refresh = todo.writes or todo.deferred_indexes or keywords_are_stale(url)
        if refresh or reuse_is_stale(settings, url):
            # A run that writes holds one of HUIBAO_DB_WRITES slots while it does.
            with claims.WriterSlot(url, settings.db_writes):
                large = False
                if todo.writes:
                    large, loaded = _load_plan(settings, url, todo, run, claimer, workers, progress)
                    counts.update(loaded.counts)
                    rejected = loaded.rejected
                Report(progress).step("updating indexes, keywords and the site's tables")
                counts.update(_refresh_derived(settings, url, run, large))
    except BaseException as exc:
        status, message = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        counts["seconds"] = round(time.perf_counter() - started, 2)
        retrying(lambda: runs.record_finish(url, run_id, status, counts, message))
        claimer.close()
        if status == "completed":
            create_markdown_artifact(
                ingest_run.summary_markdown(counts, rejected, counts["seconds"]),
                key="ingest-summary",
                description="huibao ingest",
            )
    result = {key: counts.get(key, 0) for key in runs.RUN_COUNTS}
    get_run_logger().info("ingest: %s", result)
    return dict(
        result,
        files_taken_by_other_runs=counts["files_taken_by_other_runs"],
        seconds=counts["seconds"],
        phases={k.removeprefix("ms_"): v / 1000 for k, v in counts.items() if k.startswith("ms_")},
        run_id=run_id,
        run=run,
        rejected=rejected,
        still_rejected=todo.still_rejected,
    )


def _load_plan(
    settings: Settings, url: str, todo: Plan, run: str, claimer, workers, progress: bool
) -> tuple[bool, ingest_run.Loaded]:
    """Record the unreadable files, parse and store the files to do, mark the gone ones.
    Returns whether the load was large (its indexes were set aside) and what it loaded."""
    clock = time.perf_counter()
    rejected_before = record_unreadable(url, quote(todo.unreadable)) if todo.unreadable else 0
    todo_bytes = sum(s.size for s in todo.todo)
    large = bool(todo.todo) and bool(set_indexes_aside(url, run, todo_bytes))
    loaded = parse_and_store(settings, url, quote(todo), run, claimer, workers, progress)
    if loaded.search_error:  # what it missed, the index update after the load adds
        get_run_logger().warning("search index: %s", loaded.search_error)
    loaded.counts["files_rejected"] += rejected_before
    loaded.rejected[:0] = [(u.path, u.reason) for u in todo.unreadable]
    if todo.gone:
        loaded.counts["files_gone"] = mark_gone(url, todo.gone)
    loaded.counts["ms_parse_and_load"] = ms_since(clock)
    return large, loaded


def _refresh_derived(settings: Settings, url: str, run: str, large: bool) -> Counter:
    """Build the indexes set aside, compare the new reports for text reuse, and refresh the
    keywords and the search index when the sections changed, whether by this run or by an
    earlier one killed before it could. After a `large` load the site mirror takes the new
    rows while the keywords are refreshed and text reuse is found, then those; after a small
    one, all at once (each sync compares the whole mirror). Returns the milliseconds of each
    step (waited for: a step done beside others shows what was left of it). Text reuse is
    found last: the site takes everything else while it runs, then its tables."""
    ms: Counter = Counter()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        ms[f"ms_{name}"] = ms_since(clock)
        clock = time.perf_counter()

    # side by side: the index build and the refresh work in Postgres, text reuse in this
    # process and Postgres, the search index in this process and SQLite
    building = build_indexes.submit(url, run)
    reusing = find_reuse.submit(url) if reuse_is_stale(settings, url) else None
    site = settings.prepare_site
    if not keywords_are_stale(url):
        building.result()
        lap("indexes")
        if reusing is not None:
            reusing.result()
            lap("reuse")
            if site:
                sync_site_mirror(settings, url)
                lap("site_tables")
        return ms
    refreshing = refresh_keywords.submit(url)
    if site:
        update_search_index(settings, url)  # the load fed it: this only adds what it missed
        lap("search_index")
        if large:  # while the keywords are refreshed, the site mirror takes everything else
            sync_site_mirror(settings, url, skip=idf.TABLES + reuse.TABLES)
            lap("site_tables")
    refreshing.result()
    lap("keywords")
    building.result()
    lap("indexes")
    last = "site_keywords" if large else "site_tables"
    if site and reusing is not None and not reusing.state.is_final():
        # while text reuse is still being found, the site takes the keywords; then its tables
        sync_site_mirror(settings, url, skip=reuse.TABLES)
        lap(last)
        last = "site_reuse"
    if reusing is not None:
        reusing.result()
        lap("reuse")
    if site:
        sync_site_mirror(settings, url)
        lap(last)
    return ms
