"""The work of an ingest run between planning and refreshing, as library calls: parse the files
to do and store each in the parser process that parsed it (huibao.db.store), feeding the
search index as it goes; and the run's summary for people.

The flow (flows/ingest.py) calls these as tasks; nothing here knows about Prefect.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from huibao.config import Settings
from huibao.db import claims, load
from huibao.db.engine import connect
from huibao.db.plan import Plan
from huibao.db.runs import RUN_COUNTS
from huibao.db.store import StoreInDatabase
from huibao.files import FileStat, Unreadable
from huibao.parallel import parse_files
from huibao.progress import Report

CLAIM_CHUNK = 8  # files taken at a time when several runs drain one inbox
CHUNK = 8  # files a parser process loads in one transaction
BYTES_PER_WORKER = 2_000_000  # of files to read, for each parser process started
CLAIM_BATCH = 64  # stored files marked done at a time


@dataclass(slots=True)
class Loaded:
    """What parsing and storing the files of a plan did."""

    counts: Counter = field(default_factory=Counter)  # the RUN_COUNTS it adds to
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    search_error: str | None = None  # what the search index missed (the next update adds it)


def record_unreadable(url: str, items: list[Unreadable]) -> int:
    with connect(url) as conn:
        for item in items:
            load.record_rejection(conn, FileStat(item.path, 0, 0), None, item.reason)
    return len(items)


def mark_gone(url: str, paths: list[str]) -> int:
    with connect(url) as conn:
        return load.mark_gone(conn, paths)


def finish_claims(url: str, paths: list[str], run: str) -> None:
    with connect(url) as conn:
        claims.finish_claims(conn, paths, run)


def parse_and_store(
    settings: Settings,
    url: str,
    plan: Plan,
    version: str,
    run: str,
    claimer: claims.Claimer,
    workers: int | None = None,
    progress: bool = False,
) -> Loaded:
    """Parse the plan's files to do, as this run claims them, and store each in the parser
    process that parsed it; returns the counts and the files rejected."""
    out = Loaded()
    report = Report(progress)
    bar = report.bar(len(plan.todo), "parsing and loading")
    if plan.todo:
        report.step(f"parsing and loading {len(plan.todo)} files")
    todo_bytes = sum(s.size for s in plan.todo)
    feeder = None
    if settings.prepare_site:
        from huibao.publish.publish import search_index_path
        from huibao.publish.search_index import Feeder

        feeder = Feeder(search_index_path(settings), url)
    sink = StoreInDatabase(url, version, search=feeder is not None, reuse=settings.reuse)
    done: list[str] = []
    try:
        # a pool costs a second or two to start: worth it only for a few seconds of parsing
        workers = workers or max(1, min(settings.workers, todo_bytes // BYTES_PER_WORKER))
        chunk = max(1, min(CHUNK, len(plan.todo) // (workers * 4)))  # small runs: every core busy
        claimed = _claimed(claimer, plan.todo, out.counts)
        for o in parse_files(claimed, workers, plan.known_hashes, settings.limits, sink, chunk):
            _count(out, o, plan)
            if feeder and o.stored and o.stored.search:
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
            out.search_error = feeder.error
        if bar:
            bar.stop()
    if done:
        finish_claims(url, done, run)
    return out


def _count(out: Loaded, o, plan: Plan) -> None:
    if o.rejected:
        out.rejected.append((o.stat.path, o.rejected))
        out.counts["files_rejected"] += 1
    else:
        out.counts["files_changed" if o.stat.path in plan.changed_paths else "files_new"] += 1
    if o.stored:
        out.counts["documents_loaded"] += o.stored.documents
        out.counts["sections_loaded"] += o.stored.sections
        out.counts["chars_loaded"] += o.stored.chars


def _claimed(claimer: claims.Claimer, todo: list[FileStat], counts: Counter) -> Iterator[FileStat]:
    """The files of `todo` this run takes, claimed a few at a time so that runs sharing an inbox
    split it between them as they go."""
    for i in range(0, len(todo), CLAIM_CHUNK):
        chunk = todo[i : i + CLAIM_CHUNK]
        held = claimer.claim(chunk)
        counts["files_taken_by_other_runs"] += len(chunk) - len(held)
        yield from held


def ms_since(clock: float) -> int:
    return round((time.perf_counter() - clock) * 1000)


def summary_markdown(counts: Counter, rejected: list[tuple[str, str]], seconds: float) -> str:
    """The run's summary, as the Prefect artifact shows it."""
    rate = counts["chars_loaded"] / seconds if seconds else 0
    files = [k for k in RUN_COUNTS if k.startswith("files_")]
    lines = [
        "# huibao ingest",
        "",
        "| files | count |",
        "|---|---:|",
        *(f"| {k.removeprefix('files_')} | {counts[k]} |" for k in files),
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
    return "\n".join(lines)
