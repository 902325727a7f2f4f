"""Where ingesting spends its time after parsing: CPU seconds of this process and of Postgres
for each phase of an ingest, on already parsed files.

    python bench/load_profile.py [--chars 5000000] [--seed 7] [--profile load]

The corpus is parsed first (all cores, not measured here: see bench/run.py), then, in this one
process, loaded into a fresh embedded Postgres in chunks of files with their search-index rows
as the parser processes of `huibao ingest` do (with the GIN indexes set aside), the rows
indexed for search, the GIN indexes built, the keywords refreshed and the site mirror synced.
For each phase it prints the wall time, the CPU time of this process and the CPU time of every
Postgres process: the cost of each step on its own, without the overlap of a real run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 8  # files per transaction, as flows/ingest.py loads them
sys.path.insert(0, str(ROOT))


def postgres_cpu() -> float:
    """CPU seconds of the Postgres processes alive now, plus those of the ended ones (backends
    of closed connections), which the postmaster has reaped into its children's times."""
    import psutil

    total = 0.0
    for p in psutil.process_iter(["name", "ppid"]):
        try:
            if p.info["name"] and "postgres" in p.info["name"]:
                t = p.cpu_times()
                total += t.user + t.system
                if p.parent() is None or "postgres" not in p.parent().name():
                    total += t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def measure(name: str, fn: Callable[[], object], rows: list, profile: str | None) -> object:
    profiler = cProfile.Profile() if profile and name.startswith(profile) else None
    pg, cpu, wall = postgres_cpu(), time.process_time(), time.perf_counter()
    result = fn() if profiler is None else profiler.runcall(fn)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    time.sleep(0.5)  # let the postmaster reap the backends of the connections just closed
    rows.append((name, wall, cpu, postgres_cpu() - pg))
    print(f"  {name:22} {rows[-1][1]:7.2f} s wall {rows[-1][2]:7.2f} s ours "
          f"{rows[-1][3]:7.2f} s postgres", flush=True)  # fmt: skip
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chars", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--profile", metavar="PHASE", help="also print the busiest functions of this phase"
    )
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="huibao-loadprof-"))
    os.environ.update(HUIBAO_HOME=str(home))
    os.environ.pop("DATABASE_URL", None)

    from bench.run import corpus
    from huibao.config import Settings
    from huibao.db import engine, idf, indexes, taxonomies
    from huibao.db.engine import database_url, embedded, upgrade
    from huibao.db.store import store
    from huibao.files import discover
    from huibao.parallel import parse_files
    from huibao.publish.publish import search_index, site_mirror
    from huibao.text import Limits, pipeline_version

    path = corpus(args.chars, args.seed)
    stats = [s for s in discover([path]) if hasattr(s, "size")]
    started = time.perf_counter()
    outcomes = [o for o in parse_files(stats, args.workers, frozenset(), Limits()) if o.parsed]
    chars = sum(o.parsed.raw_chars for o in outcomes)
    print(f"parsed {len(outcomes)} files, {chars:,} chars in {time.perf_counter() - started:.1f} s")

    rows: list = []
    try:
        url = database_url()
        upgrade(url)
        with engine.connect(url) as conn:
            taxonomies.sync(conn)
        version = pipeline_version()

        settings = Settings.from_env()
        stored: list = []

        def load_all() -> None:
            with engine.connect(url) as conn:
                indexes.defer(conn, "load-profile")
                for i in range(0, len(outcomes), CHUNK):
                    stored.extend(store(conn, outcomes[i : i + CHUNK], version, search=True))

        def index() -> None:
            ix = search_index(settings)
            try:
                ix.merging(bulk=True)
                for s in stored:
                    for fts, rows in (s.search or {}).items():
                        ix.add(fts, rows)
                ix.touch()
                ix.merging(bulk=False)
                ix.db.commit()
            finally:
                ix.close()

        def build() -> None:
            with engine.connect(url) as conn:
                indexes.restore(conn, "load-profile")

        def refresh() -> None:
            with engine.connect(url) as conn:
                idf.refresh(conn)

        def mirror() -> None:
            ix = search_index(settings)
            try:
                site_mirror(settings).sync(url, ix)
            finally:
                ix.close()

        measure("load, chunks of 8", load_all, rows, args.profile)
        measure("search index", index, rows, args.profile)
        measure("GIN indexes", build, rows, args.profile)
        measure("keywords", refresh, rows, args.profile)
        measure("site mirror", mirror, rows, args.profile)
    finally:
        embedded().stop()
        shutil.rmtree(home, ignore_errors=True)
    wall = sum(r[1] for r in rows)
    ours = sum(r[2] for r in rows)
    pg = sum(r[3] for r in rows)
    print(f"\n{'phase':22} {'wall':>8} {'ours':>8} {'postgres':>9}  CPU s per M chars")
    for name, w, c, p in rows:
        print(f"{name:22} {w:8.2f} {c:8.2f} {p:9.2f}  {(c + p) / chars * 1e6:.2f}")
    print(f"{'total':22} {wall:8.2f} {ours:8.2f} {pg:9.2f}  {(ours + pg) / chars * 1e6:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
