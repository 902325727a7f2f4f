"""Where the cores go during one ingest: CPU used each second by huibao's main process, by its
parser processes and by Postgres, beside the run's phases.

    python bench/timeline.py [--chars 5000000] [--seed 7] [--every 1.0]

Ingests the benchmark corpus (bench/corpus.py) into a fresh embedded Postgres with the real
`ingest` flow, sampling CPU times every `--every` seconds, then prints one line per sample
(cores busy in each group) and the CPU seconds of each group over the whole run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu(proc) -> float:
    t = proc.cpu_times()
    return t.user + t.system


class Sampler:
    """Cumulative CPU seconds of three groups: this process, its children, Postgres (ended
    backends included: the postmaster holds their times)."""

    def __init__(self, every: float) -> None:
        import psutil

        self.psutil, self.every = psutil, every
        self.me = psutil.Process()
        self.samples: list[tuple[float, float, float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ended_children = 0.0
        self._live: dict[int, float] = {}

    def read(self) -> tuple[float, float, float]:
        psutil = self.psutil
        main = _cpu(self.me)
        children = 0.0
        live: dict[int, float] = {}
        for child in self.me.children(recursive=True):
            try:
                if "postgres" in child.name():
                    continue
                live[child.pid] = _cpu(child)
            except psutil.Error:
                pass
        # a child that ended since the last sample keeps the time it was last seen with
        self._ended_children += sum(v for pid, v in self._live.items() if pid not in live)
        self._live = live
        children = self._ended_children + sum(live.values())
        pg = 0.0
        for p in psutil.process_iter(["name"]):
            try:
                if p.info["name"] and "postgres" in p.info["name"]:
                    pg += _cpu(p)
                    parent = p.parent()
                    if parent is None or "postgres" not in parent.name():
                        t = p.cpu_times()
                        pg += t.children_user + t.children_system
            except psutil.Error:
                pass
        return main, children, pg

    def _run(self) -> None:
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, *self.read()))
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        time.sleep(0.5)  # backends of closed connections are reaped
        self.samples.append((self.samples[-1][0] + 0.5, *self.read()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chars", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--every", type=float, default=1.0)
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="huibao-timeline-"))
    os.environ.update(HUIBAO_HOME=str(home), PREFECT_LOGGING_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    from bench.run import corpus
    from huibao.config import quiet_prefect
    from huibao.db.engine import database_url, embedded
    from huibao.prefect_server import LocalPrefectServer

    quiet_prefect(home)
    server = LocalPrefectServer(home / "prefect").start()
    os.environ["PREFECT_API_URL"] = server.api_url
    path = corpus(args.chars, args.seed)
    try:
        database_url()  # the cluster is started before the clock
        from huibao.flows.ingest import ingest

        with Sampler(args.every) as sampler:
            result = ingest(paths=[str(path)])
    finally:
        server.stop()
        embedded().stop()
        shutil.rmtree(home, ignore_errors=True)

    print(f"{'t (s)':>6} {'main':>6} {'parsers':>8} {'postgres':>9}   cores busy")
    prev = sampler.samples[0]
    for s in sampler.samples[1:]:
        dt = s[0] - prev[0]
        busy = [(s[i] - prev[i]) / dt for i in (1, 2, 3)]
        bar = "".join(c * round(b * 10) for c, b in zip("mwp", busy, strict=True))
        print(f"{s[0]:6.1f} {busy[0]:6.2f} {busy[1]:8.2f} {busy[2]:9.2f}   {bar}")
        prev = s
    first, last = sampler.samples[0], sampler.samples[-1]
    totals = [last[i] - first[i] for i in (1, 2, 3)]
    chars = result["chars_loaded"]
    print(f"\nrun {result['seconds']} s, {chars:,} chars; phases (s): {result['phases']}")
    print(
        f"CPU seconds: main {totals[0]:.1f}, parsers {totals[1]:.1f}, postgres {totals[2]:.1f}, "
        f"all {sum(totals):.1f} ({sum(totals) / chars * 1e6:.2f} per million chars)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
