"""Where ingesting spends its time after parsing: CPU seconds of this process and of Postgres
for each phase of an ingest, on already parsed files.

    python bench/load_profile.py [--chars 5000000] [--seed 7]

The corpus is parsed first (all cores, not measured here: see bench/run.py), then loaded into a
fresh embedded Postgres one source after another, then the keywords are refreshed, the search
index updated and the site mirror synced, as `huibao ingest` does. For each phase it prints the
wall time, the CPU time of this process and the CPU time of every Postgres process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def measure(name: str, fn: Callable[[], object], rows: list) -> object:
    pg, cpu, wall = postgres_cpu(), time.process_time(), time.perf_counter()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    time.sleep(0.5)  # let the postmaster reap the backends of the connections just closed
    rows.append((name, wall, cpu, postgres_cpu() - pg))
    print(f"  {name:22} {rows[-1][1]:7.2f} s wall {rows[-1][2]:7.2f} s ours "
          f"{rows[-1][3]:7.2f} s postgres", flush=True)  # fmt: skip
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chars", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="huibao-loadprof-"))
    os.environ.update(HUIBAO_HOME=str(home))
    os.environ.pop("DATABASE_URL", None)

    from bench.run import corpus
    from huibao.config import Settings
    from huibao.db import keywords, load
    from huibao.db.engine import database_url, embedded, reader_url, upgrade
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
        with load.connect(url) as conn:
            load.sync_taxonomies(conn)
        version = pipeline_version()

        def load_all() -> None:
            with load.connect(url) as conn:
                for o in outcomes:
                    load.load_source(conn, o.stat, o.parsed, version)

        def refresh() -> None:
            with load.connect(url) as conn:
                keywords.refresh(conn)

        settings = Settings.from_env()

        def index() -> None:
            import psycopg

            ix = search_index(settings)
            try:
                with psycopg.connect(load.conninfo(reader_url())) as pg:
                    ix.update(pg)
            finally:
                ix.close()

        def mirror() -> None:
            ix = search_index(settings)
            try:
                site_mirror(settings).sync(url, ix)
            finally:
                ix.close()

        measure("load (one connection)", load_all, rows)
        measure("keywords", refresh, rows)
        measure("search index", index, rows)
        measure("site mirror", mirror, rows)
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
