"""The `ingest` flow: discover → read → clean → split → tag → load, one transaction per source.

Parser processes load what they parse (huibao.db.store); this process hands out the files,
keeps the counts and refreshes what depends on the whole corpus (keywords, search index).

Unchanged files (same path, size and modification time, already loaded by this pipeline
version) are skipped without being read; files whose content is already loaded are hashed and
linked, not parsed. A file that cannot be read is recorded with its reason and the run goes on.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from huibao.config import Settings
from huibao.db import indexes, keywords, load, reuse
from huibao.db.engine import database_url, upgrade
from huibao.db.store import StoreInDatabase
from huibao.files import FileStat, Unreadable, discover, folders_and_files
from huibao.parallel import parse_files
from huibao.progress import Report
from huibao.text import pipeline_version

DB_RETRIES = dict(retries=4, retry_delay_seconds=[2, 10, 30, 60])
CLAIM_CHUNK = 8  # files taken at a time when several runs drain one inbox
CHUNK = 8  # files a parser process loads in one transaction
BYTES_PER_WORKER = 2_000_000  # of files to read, for each parser process started
CLAIM_BATCH = 64  # stored files marked done at a time


@dataclass(slots=True)
class Plan:
    todo: list[FileStat]
    unchanged: list[FileStat]
    changed_paths: set[str]
    gone: list[str]
    known_hashes: frozenset[str]
    deferred_indexes: int = 0  # indexes set aside by runs that may have died since
    unreadable: list[Unreadable] = field(default_factory=list)
    # unchanged files that were rejected before: (path, reason), to say so again
    still_rejected: list[tuple[str, str]] = field(default_factory=list)


@task(cache_policy=NONE)
def discover_files(paths: list[str]) -> tuple[list[FileStat], list[Unreadable]]:
    stats, unreadable = [], []
    for item in discover(paths):
        (stats if isinstance(item, FileStat) else unreadable).append(item)
    return stats, unreadable


@task(cache_policy=NONE, **DB_RETRIES)
def migrate(url: str) -> str:
    revision = upgrade(url)
    with load.connect(url) as conn:
        load.sync_taxonomies(conn)
    return revision


def keywords_are_stale(url: str) -> bool:
    """Asked by every run, so not a task; it waits out a database outage like the bookkeeping."""

    def ask() -> bool:
        with load.connect(url) as conn:
            return keywords.stale(conn)

    return load.retrying(ask)


def reuse_is_stale(url: str) -> bool:
    """Whether reports wait to be compared for text reuse, or its summaries are behind."""
    if not Settings.from_env().reuse:
        return False

    def ask() -> bool:
        with load.connect(url) as conn:
            return reuse.stale(conn)

    return load.retrying(ask)


@task(cache_policy=NONE, **DB_RETRIES)
def find_reuse(url: str) -> dict:
    """Compare the reports the parser processes could not (a run killed in between, reports
    loaded before text reuse existed), then summarise each report's reuse."""
    clock = time.perf_counter()
    with load.connect(url) as conn:
        reports, passages = reuse.check_all(conn)
        summarised = reuse.refresh_summaries(conn)
    return {"reports": reports, "passages": passages, "summarised": summarised,
            "ms": _ms_since(clock)}  # fmt: skip


# No timeout_seconds on the two tasks submitted to threads (the keyword refresh, the index
# build): Prefect cannot interrupt a thread blocked in Postgres, and it warns on every run.
@task(cache_policy=NONE, **DB_RETRIES)
def refresh_keywords(url: str) -> dict:
    """Recompute the corpus IDF and the keywords that depend on it."""
    clock = time.perf_counter()
    with load.connect(url) as conn:
        result = keywords.refresh(conn)
    return {
        "sections": result.sections,
        "documents": result.documents,
        "full": result.full,
        "ms": _ms_since(clock),
    }


@task(cache_policy=NONE, timeout_seconds=6 * 3600, **DB_RETRIES)
def update_search_index(url: str) -> dict:
    """Index the new sections for Chinese search now, so that the next publish only copies the
    index (building it is the slowest part of a publish)."""
    from huibao.publish.publish import search_index

    clock = time.perf_counter()
    index = search_index(Settings.from_env())
    try:
        with psycopg.connect(load.conninfo(url)) as pg:
            added = index.update(pg).added
    finally:
        index.close()
    return {"added": added, "ms": _ms_since(clock)}


@task(cache_policy=NONE, timeout_seconds=6 * 3600, **DB_RETRIES)
def sync_site_mirror(url: str, skip: tuple[str, ...] = ()) -> dict:
    """Copy the rows loaded since the last sync into the site's SQLite mirror (and the search
    index, when it changed), so that the next publish only copies a file; tables in `skip`
    are left for a later sync."""
    from huibao.publish.publish import search_index, site_mirror

    clock = time.perf_counter()
    settings = Settings.from_env()
    index = search_index(settings)
    try:
        result = site_mirror(settings).sync(url, index, skip)
    finally:
        index.close()
    return {"added": result.added, "removed": result.removed, "ms": _ms_since(clock)}


@task(cache_policy=NONE, **DB_RETRIES)
def plan_files(url: str, paths: list[str], stats: list[FileStat], version: str) -> Plan:
    """Split the files into those to read and those unchanged since they were loaded."""
    folders, files = folders_and_files(paths)
    with load.connect(url) as conn:
        known = load.known_paths(conn, folders, files)
        hashes = frozenset(load.loaded_hashes(conn, version))
        deferred = indexes.pending(conn)
    todo, unchanged, changed, still_rejected = [], [], set(), []
    for stat in stats:
        k = known.get(stat.path)
        if k and _unchanged(k, stat, version):
            unchanged.append(stat)
            if k.source_status == "rejected":
                still_rejected.append((stat.path, k.error or "rejected"))
            continue
        if k:
            changed.add(stat.path)
        todo.append(stat)
    seen = {s.path for s in stats}
    gone = [p for p, k in known.items() if p not in seen and k.status == "present"]
    return Plan(todo, unchanged, changed, gone, hashes, deferred, still_rejected=still_rejected)


def _unchanged(k: load.KnownPath, stat: FileStat, version: str) -> bool:
    same_file = k.size == stat.size and k.mtime_ns == stat.mtime_ns and k.status == "present"
    done = k.source_status == "rejected" or (
        k.source_status in ("loaded", "partial") and k.pipeline_version == version
    )
    return same_file and done


@task(cache_policy=NONE, **DB_RETRIES)
def set_indexes_aside(url: str, run: str, todo_bytes: int) -> list[str]:
    """Before a load at least as large as the database: drop the indexes cheaper to build
    once after it (huibao.db.indexes)."""
    with load.connect(url) as conn:
        return indexes.defer(conn, run) if indexes.worth_deferring(conn, todo_bytes) else []


@task(cache_policy=NONE, **DB_RETRIES)
def build_indexes(url: str, run: str) -> dict:
    """Build the indexes this run (or a run that died) set aside."""
    clock = time.perf_counter()
    with load.connect(url) as conn:
        built = indexes.restore(conn, run)
    return {"built": built, "ms": _ms_since(clock)}


@task(cache_policy=NONE, **DB_RETRIES)
def finish_claims(url: str, paths: list[str], run: str) -> None:
    with load.connect(url) as conn:
        load.finish_claims(conn, paths, run)


@task(cache_policy=NONE, **DB_RETRIES)
def record_unreadable(url: str, items: list[Unreadable]) -> int:
    with load.connect(url) as conn:
        for item in items:
            load.record_rejection(conn, FileStat(item.path, 0, 0), None, item.reason)
    return len(items)


@task(cache_policy=NONE, **DB_RETRIES)
def mark_gone(url: str, paths: list[str]) -> int:
    with load.connect(url) as conn:
        return load.mark_gone(conn, paths)


@flow(name="ingest", log_prints=False)
def ingest(paths: list[str], workers: int | None = None, progress: bool = False) -> dict:
    """Ingest report files and folders into Postgres; returns the run's counts."""
    logger = get_run_logger()
    settings = Settings.from_env()
    started = time.perf_counter()
    url = database_url(settings)
    migrate(url)
    version = pipeline_version()
    run = str(flow_run.id) if flow_run.id else f"local-{uuid.uuid4()}"
    # The claimer's lock shows, for the whole run, that it is alive (see mark_interrupted).
    claimer = load.Claimer(url, run, load.now())
    run_id = load.retrying(lambda: _record_start(url, run))

    stats, unreadable = discover_files(paths)
    plan = plan_files(url, paths, quote(stats), version)
    counts: Counter = Counter(files_seen=len(stats) + len(unreadable))
    counts["files_unchanged"] = len(plan.unchanged)
    rejected: list[tuple[str, str]] = []
    status, message = "completed", None
    try:
        writes = bool(plan.todo or unreadable or plan.gone)
        if writes or plan.deferred_indexes or keywords_are_stale(url) or reuse_is_stale(url):
            # A run that writes holds one of HUIBAO_DB_WRITES slots while it does.
            with load.WriterSlot(url, settings.db_writes):
                large = False
                if writes:
                    large = _write(
                        url,
                        plan,
                        unreadable,
                        version,
                        run,
                        claimer,
                        workers,
                        progress,
                        counts,
                        rejected,
                    )
                Report(progress).step("updating indexes, keywords and the site's tables")
                _refresh_derived(url, run, counts, large)
    except BaseException as exc:
        status, message = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        seconds = time.perf_counter() - started
        counts["seconds"] = round(seconds, 2)
        load.retrying(lambda: _record_finish(url, run_id, status, counts, message))
        claimer.close()
        if status == "completed":
            _artifact(counts, rejected, seconds)
    result = {key: counts.get(key, 0) for key in load.RUN_COUNTS}
    logger.info("ingest: %s", result)
    return dict(
        result,
        files_taken_by_other_runs=counts["files_taken_by_other_runs"],
        seconds=counts["seconds"],
        phases={k.removeprefix("ms_"): v / 1000 for k, v in counts.items() if k.startswith("ms_")},
        run_id=run_id,
        run=run,
        rejected=rejected,
        still_rejected=plan.still_rejected,
    )


def _record_start(url: str, run: str) -> int:
    with load.connect(url) as conn:
        load.mark_interrupted(conn)
        return load.start_run(conn, run)


def _record_finish(url: str, run_id: int, status: str, counts: Counter, message: str | None):
    with load.connect(url) as conn:
        load.finish_run(conn, run_id, status, counts, message)


def _write(
    url, plan, unreadable, version, run, claimer, workers, progress, counts, rejected
) -> bool:
    """Record unreadable files, then parse and store the files to do, each in the worker
    process that parsed it (huibao.db.store); mark the gone ones. Returns whether the load was
    large (at least what the database held: its indexes were set aside)."""
    settings = Settings.from_env()
    if unreadable:
        counts["files_rejected"] += record_unreadable(url, quote(unreadable))
        rejected += [(u.path, u.reason) for u in unreadable]
    report = Report(progress)
    bar = report.bar(len(plan.todo), "parsing and loading")
    if plan.todo:
        report.step(f"parsing and loading {len(plan.todo)} files")
    clock = time.perf_counter()
    todo_bytes = sum(s.size for s in plan.todo)
    large = bool(plan.todo) and bool(set_indexes_aside(url, run, todo_bytes))
    claimed = _claimed(claimer, plan.todo, counts)
    feeder = None
    if _prepare_site():
        from huibao.publish.publish import search_index_path
        from huibao.publish.search_index import Feeder

        feeder = Feeder(search_index_path(settings), url)
    sink = StoreInDatabase(url, version, search=feeder is not None)
    done: list[str] = []
    try:
        # a pool costs a second or two to start: worth it only for a few seconds of parsing
        workers = workers or max(1, min(settings.workers, todo_bytes // BYTES_PER_WORKER))
        chunk = max(1, min(CHUNK, len(plan.todo) // (workers * 4)))  # small runs: every core busy
        for o in parse_files(claimed, workers, plan.known_hashes, settings.limits, sink, chunk):
            if o.rejected:
                rejected.append((o.stat.path, o.rejected))
                counts["files_rejected"] += 1
            else:
                counts["files_changed" if o.stat.path in plan.changed_paths else "files_new"] += 1
            if o.stored:
                counts["documents_loaded"] += o.stored.documents
                counts["sections_loaded"] += o.stored.sections
                counts["chars_loaded"] += o.stored.chars
                if feeder and o.stored.search:
                    feeder.put(o.stored.search)
            done.append(o.stat.path)
            if len(done) >= CLAIM_BATCH:
                finish_claims(url, done, run)
                done = []
            if bar:
                bar.advance()
    finally:
        sink.close()
        if feeder:
            feeder.close()
            if feeder.error:  # what it missed, the index update after the load does
                get_run_logger().warning("search index: %s", feeder.error)
        if bar:
            bar.stop()
    if done:
        finish_claims(url, done, run)
    if plan.gone:
        counts["files_gone"] = mark_gone(url, plan.gone)
    counts["ms_parse_and_load"] = _ms_since(clock)
    return large


def _refresh_derived(url: str, run: str, counts: Counter, large: bool = False) -> None:
    """Build the indexes set aside, and refresh the keywords and the search index when the
    sections changed, whether by this run or by an earlier one killed before it could. After
    a `large` load the site mirror takes the new rows while the keywords are refreshed, then
    the keywords; after a small one, all at once (each sync compares the whole mirror)."""
    # side by side: the index build and the refresh work in Postgres, the search index in this
    # process and SQLite
    building = build_indexes.submit(url, run)
    reused = reuse_is_stale(url)
    if reused:
        counts["ms_reuse"] = find_reuse(url)["ms"]
    if not keywords_are_stale(url):
        counts["ms_indexes"] = building.result()["ms"]
        if reused and _prepare_site():
            counts["ms_site_tables"] = sync_site_mirror(url)["ms"]
        return
    refreshing = refresh_keywords.submit(url)
    if _prepare_site():
        # the load fed the search index: this only adds what it missed
        counts["ms_search_index"] = update_search_index(url)["ms"]
        if large:  # while the keywords are refreshed, the site mirror takes everything else
            counts["ms_site_tables"] = sync_site_mirror(url, skip=keywords.TABLES)["ms"]
    counts["ms_keywords"] = refreshing.result()["ms"]
    counts["ms_indexes"] = building.result()["ms"]
    if _prepare_site():
        counts["ms_site_keywords" if large else "ms_site_tables"] = sync_site_mirror(url)["ms"]


def _prepare_site() -> bool:
    """Whether ingest keeps the search index and the site mirror ready for publish."""
    return os.environ.get("HUIBAO_PREPARE_SITE", "1") != "0"


def _ms_since(clock: float) -> int:
    return round((time.perf_counter() - clock) * 1000)


def _claimed(claimer: load.Claimer, todo: list[FileStat], counts: Counter) -> Iterator[FileStat]:
    """The files of `todo` this run takes, claimed a few at a time so that runs sharing an inbox
    split it between them as they go."""
    for i in range(0, len(todo), CLAIM_CHUNK):
        chunk = todo[i : i + CLAIM_CHUNK]
        held = claimer.claim(chunk)
        counts["files_taken_by_other_runs"] += len(chunk) - len(held)
        yield from held


def _artifact(counts: Counter, rejected: list[tuple[str, str]], seconds: float) -> None:
    rate = counts["chars_loaded"] / seconds if seconds else 0
    lines = [
        "# huibao ingest",
        "",
        "| files | count |",
        "|---|---:|",
        *(
            f"| {k.removeprefix('files_')} | {counts[k]} |"
            for k in (
                "files_seen",
                "files_new",
                "files_changed",
                "files_unchanged",
                "files_rejected",
                "files_gone",
            )
        ),
        "",
        f"Loaded **{counts['documents_loaded']}** documents and **{counts['sections_loaded']}** "
        f"sections ({counts['chars_loaded']:,} characters) in {seconds:.1f} s "
        f"({rate:,.0f} characters/s).",
    ]
    if rejected:
        lines += ["", "## Rejected files", "", "| file | reason |", "|---|---|"]
        lines += [f"| `{p}` | {r.replace('|', '/')} |" for p, r in rejected[:200]]
        if len(rejected) > 200:
            lines.append(f"| … | and {len(rejected) - 200} more (see the `sources` table) |")
    create_markdown_artifact("\n".join(lines), key="ingest-summary", description="huibao ingest")
