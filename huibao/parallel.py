"""Read and parse files in worker processes (jieba holds the GIL, so threads would not help).

A `sink` given to `parse_files` runs in the worker on each chunk of outcomes before they are
sent back (`huibao.db.store` stores them in Postgres there), so a parsed report need not cross
processes.

Workers get the set of content hashes already loaded by this pipeline version and skip those
files after hashing them, so renamed or copied files cost a read, not a parse. A worker that
crashes (or is killed) takes only its file down: the file is retried once, then rejected.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from huibao.files import FileStat
from huibao.text import Limits, ParsedSource, Rejected, parse_source
from huibao.text.read import read_bytes, sha256_bytes


@dataclass(slots=True)
class Stored:
    """What a sink stored of a parsed file."""

    documents: int = 0
    sections: int = 0
    chars: int = 0
    search: dict | None = None  # rows for the search index (huibao.publish.search_index)


@dataclass(slots=True)
class Outcome:
    stat: FileStat
    sha256: str | None = None
    parsed: ParsedSource | None = None
    rejected: str | None = None  # the reason, when the file is not a readable report
    known: bool = False  # content already loaded by this pipeline version
    encoding: str | None = None
    format: str | None = None
    transient: bool = False  # the reason may go away by itself: read the file again next run
    stored: Stored | None = None  # set by a sink that stored the outcome (and dropped `parsed`)


Sink = Callable[[list[Outcome]], list[Outcome]]

_KNOWN: frozenset[str] = frozenset()
_LIMITS = Limits()
_SINK: Sink | None = None


def _init_worker(known: frozenset[str], limits: Limits, sink: Sink | None) -> None:
    global _KNOWN, _LIMITS, _SINK
    _KNOWN, _LIMITS, _SINK = known, limits, sink
    _die_with_parent()
    from huibao.text.tokens import warm_up

    warm_up()


def _die_with_parent() -> None:
    """On Linux, a parser process is killed when the run that started it dies, even by
    SIGKILL: it would otherwise go on parsing and storing files nobody waits for."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            if os.getppid() == 1:  # the parent died before this process asked
                os._exit(1)


def _work(files: list[FileStat]) -> list[Outcome]:
    outcomes = [process_file(stat) for stat in files]
    return _SINK(outcomes) if _SINK is not None else outcomes


def process_file(
    stat: FileStat, known: frozenset[str] | None = None, limits: Limits | None = None
) -> Outcome:
    """Read, hash and (unless already loaded) parse one file. Never raises."""
    known = _KNOWN if known is None else known
    limits = limits or _LIMITS
    if stat.size > limits.max_file_bytes:
        return Outcome(
            stat,
            rejected=f"file is {stat.size / 1e6:.1f} MB, over the {limits.max_file_bytes / 1e6:.1f} MB "
            "limit (raise HUIBAO_MAX_FILE_BYTES to read it)",
        )
    try:
        with open(stat.open_path, "rb") as f:
            data = f.read(limits.max_file_bytes + 1)
        after = os.stat(stat.open_path)
    except OSError as exc:
        return Outcome(stat, rejected=f"cannot read file: {exc.strerror or exc}", transient=True)
    if after.st_size != len(data) or after.st_mtime_ns != stat.mtime_ns:
        return Outcome(
            stat,
            rejected="the file changed while it was being read; it will be read again next run",
            transient=True,
        )
    digest = sha256_bytes(data)
    if digest in known:
        return Outcome(stat, digest, known=True)
    try:
        source = read_bytes(data, os.path.basename(stat.open_path), limits)
        parsed = parse_source(source, limits)
    except Rejected as exc:
        return Outcome(stat, digest, rejected=str(exc))
    except RecursionError:
        return Outcome(stat, digest, rejected="the text is too deeply nested to parse")
    except Exception as exc:  # one broken file never stops a run
        return Outcome(
            stat, digest, rejected=f"internal error while parsing: {type(exc).__name__}: {exc}"
        )
    return Outcome(stat, digest, parsed.slim(), encoding=source.encoding, format=source.format)


CHUNK_BYTES = 2_000_000  # a chunk of files for one worker holds at most this much (or one file)


def _pool(workers: int, initargs: tuple) -> ProcessPoolExecutor:
    """A pool whose processes all start at its first submit. By default a pool that spawns
    starts them one per submit, while its manager thread may be handling the death of another:
    the two then race over the pool's queue and process table (the new process can fail to
    start, or outlive the pool waiting for work); this is the path the standard library takes
    for fork."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=initargs,
    )
    pool._safe_to_dynamically_spawn_children = False  # type: ignore[attr-defined]
    return pool


def parse_files(
    stats: Iterable[FileStat],
    workers: int,
    known: frozenset[str],
    limits: Limits,
    sink: Sink | None = None,
    chunk: int = 1,
) -> Iterator[Outcome]:
    """Outcomes in completion order. Files go to the workers `chunk` at a time (fewer when
    they are large), and each chunk's outcomes pass through `sink` together in the process
    that parsed them. At most a few chunks per worker are in flight at once, and `stats` is
    consumed lazily (it may claim files as it is read). A file rejected because it crashed
    its parser process twice passes through `sink` in this process. An exception raised by
    `sink` ends the iteration."""
    source = iter(stats)
    retry: list[FileStat] = []

    def next_chunk() -> list[FileStat]:
        if retry:  # after a crash, one file at a time
            return [retry.pop()]
        taken: list[FileStat] = []
        size = 0
        while len(taken) < chunk and size < CHUNK_BYTES:
            stat = next(source, None)
            if stat is None:
                break
            taken.append(stat)
            size += stat.size
        return taken

    if workers <= 1:
        while files := next_chunk():
            outcomes = [process_file(stat, known, limits) for stat in files]
            yield from sink(outcomes) if sink is not None else outcomes
        return
    crashes: dict[str, int] = {}
    exhausted = False
    while not exhausted or retry:
        # After a crash, the files that were in flight go one at a time to a single process,
        # so the file that crashes it is found; then every core is used again.
        isolating = bool(retry)
        window = 1 if isolating else workers * 3
        pool = _pool(1 if isolating else workers, (known, limits, sink))
        in_flight: dict[Future, list[FileStat]] = {}
        submitted = False
        try:
            while True:
                while len(in_flight) < window and (retry or not isolating):
                    files = next_chunk()
                    if not files:
                        exhausted = True
                        break
                    try:
                        future = pool.submit(_work, files)
                    except BrokenProcessPool:  # a process died while idle
                        retry.extend(files)  # they never reached it: no crash counted
                        raise
                    except (OSError, ValueError) as exc:
                        # Should a submit still start a process while a death is being handled,
                        # it finds the pool's queue closed ("handle is closed", "bad value(s)
                        # in fds_to_keep"): the pool is broken. Nothing can break a pool before
                        # its first submit, so an error there is a real one.
                        if not submitted:
                            raise
                        retry.extend(files)
                        raise BrokenProcessPool("a process died while starting another") from exc
                    submitted = True
                    in_flight[future] = files
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    outcomes = future.result()  # raises BrokenProcessPool if a worker died
                    del in_flight[future]
                    yield from outcomes
        except BrokenProcessPool:
            for stat in (stat for files in in_flight.values() for stat in files):
                crashes[stat.path] = crashes.get(stat.path, 0) + 1
                if crashes[stat.path] >= 2:
                    # transient: a crash may have been the OOM killer, so the next run reads it
                    # again; through the sink like every other outcome (here, in this process)
                    crashed = [
                        Outcome(
                            stat,
                            rejected="the parser process crashed on this file (twice)",
                            transient=True,
                        )
                    ]
                    yield from sink(crashed) if sink is not None else crashed
                else:
                    retry.append(stat)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
