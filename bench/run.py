"""huibao's benchmark: one run, one machine, every step measured against the same corpus.

    python bench/run.py --chars 20000000 --json bench/out/result.json [--search-sections 1000000]

Steps, in order:
  1. generate the synthetic corpus (bench/corpus.py; cached under bench/out/ by size and seed)
  2. jieba:   raw `jieba.cut` on the corpus text, one core         → jieba_rate (chars/s);
              timed again after step 6, and the faster of the two is the reference
  3. parse:   read + clean + split + tag, no database, all cores  → parse_rate
  4. ingest:  the `ingest` flow into a fresh embedded Postgres    → ingest_rate, full_seconds
  5. no-op:   the same flow again over the unchanged corpus       → noop_seconds
  6. publish: bring the search index and the site mirror up to date (each ingest already
              did), copy the mirror, swap it in                   → publish_rate (sections/s);
              then once more with --rebuild (the mirror made again from every row), for comparison
  6b. increment: new files worth 1 % of the corpus, ingested and published (the everyday run)
  7. search:  Datasette's search box over the corpus's sections replicated to
              --search-sections (default 1,000,000)              → search_p50_ms, search_p95_ms
Peak resident memory of huibao's processes (the parser workers included, Postgres excluded) is
sampled during each step. A Prefect server is started first, so no step pays for its start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


class PeakMemory:
    """Samples the resident memory of this process and its children, every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                procs = [self.proc]
            for p in procs:
                try:
                    if "postgres" not in p.name():
                        total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return round(self.peak / 1e6, 1)


def corpus(chars: int, seed: int) -> Path:
    from bench.corpus import generate

    path = OUT / f"corpus-v2-{chars}-{seed}"  # v2: reports copy from one another
    done = path / ".done"
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        generate(chars, path, seed)
        done.write_text("ok")
    return path


def texts(path: Path):
    from huibao.text.read import read_path

    for f in sorted(path.iterdir()):
        if not f.name.startswith("."):
            yield read_path(f).text


def step_jieba(path: Path, limit: int) -> dict:
    import jieba

    jieba.initialize()
    sample = []
    size = 0
    for t in texts(path):
        sample.append(t)
        size += len(t)
        if size >= limit:
            break
    started = time.perf_counter()
    for t in sample:
        jieba.lcut(t)
    seconds = time.perf_counter() - started
    return {"chars": size, "seconds": round(seconds, 2), "rate": round(size / seconds)}


def step_parse(path: Path, workers: int) -> dict:
    from huibao.files import discover
    from huibao.parallel import parse_files
    from huibao.text import Limits

    stats = [s for s in discover([path]) if hasattr(s, "size")]
    started = time.perf_counter()
    chars = sections = 0
    for outcome in parse_files(stats, workers, frozenset(), Limits()):
        if outcome.parsed:
            chars += outcome.parsed.raw_chars
            sections += sum(len(d.sections) for d in outcome.parsed.documents)
    seconds = time.perf_counter() - started
    return {
        "chars": chars,
        "sections": sections,
        "seconds": round(seconds, 2),
        "rate": round(chars / seconds),
    }


def step_ingest(paths: list[Path], workers: int) -> dict:
    from huibao.flows.ingest import ingest

    started = time.perf_counter()
    result = ingest(paths=[str(p) for p in paths], workers=workers)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "chars": result["chars_loaded"],
        "documents": result["documents_loaded"],
        "sections": result["sections_loaded"],
        "files": result["files_seen"],
        "rejected": result["files_rejected"],
        "unchanged": result["files_unchanged"],
        "rate": round(result["chars_loaded"] / seconds) if seconds else 0,
        "phases": result.get("phases", {}),
    }


def step_publish(home: Path, rebuild: bool = False) -> dict:
    from huibao.db.engine import reader_url
    from huibao.publish.publish import publish

    result = publish(reader_url(), home / "huibao.db", rebuild=rebuild)
    return {
        "seconds": round(result.seconds, 2),
        "sections": result.rows.get("sections", 0),
        "indexed": sum(result.indexed.values()),
        "mb": round(result.bytes / 1e6, 1),
        "rate": round(result.sections_per_second),
        "phases": result.phases,
    }


def step_increment(path: Path, home: Path, args: argparse.Namespace, workers: int) -> dict:
    """The everyday case: new files worth 1 % of the corpus, ingested and then published."""
    extra = corpus(max(args.chars // 100, 50_000), args.seed + 1)
    ingested = step_ingest([path, extra], workers)
    published = step_publish(home)
    return {
        "new_files": ingested["files"] - ingested["unchanged"],
        "chars": ingested["chars"],
        "ingest_seconds": ingested["seconds"],
        "ingest_phases": ingested["phases"],
        "publish_seconds": published["seconds"],
        "publish_phases": published["phases"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--chars", type=int, default=20_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--workers", type=int, help="parser processes (default: as `huibao ingest` chooses)"
    )
    ap.add_argument("--search-sections", type=int, default=1_000_000)
    ap.add_argument(
        "--jieba-sample", type=int, default=3_000_000, help="characters timed for jieba"
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="huibao-bench-"))
    os.environ.update(HUIBAO_HOME=str(home), PREFECT_LOGGING_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    from huibao.config import quiet_prefect
    from huibao.prefect_server import LocalPrefectServer

    quiet_prefect(home)
    server = LocalPrefectServer(home / "prefect").start()
    os.environ["PREFECT_API_URL"] = server.api_url
    cores = os.cpu_count() or 1
    results: dict = {"cores": cores, "workers": args.workers or cores, "machine": _machine()}
    steps: dict = {}
    try:
        with PeakMemory() as mem:
            path = corpus(args.chars, args.seed)
        files = sum(1 for _ in path.iterdir()) - 1
        steps["corpus"] = {"files": files, "chars_target": args.chars, "peak_rss_mb": mem.mb}
        for name, fn in (
            ("jieba", lambda: step_jieba(path, args.jieba_sample)),
            ("parse", lambda: step_parse(path, args.workers or cores)),
            ("ingest", lambda: step_ingest([path], args.workers)),
            ("noop", lambda: step_ingest([path], args.workers)),
            ("publish", lambda: step_publish(home)),
            ("rebuild", lambda: step_publish(home, rebuild=True)),
            ("increment", lambda: step_increment(path, home, args, args.workers)),
            ("jieba_again", lambda: step_jieba(path, args.jieba_sample)),
        ):
            with PeakMemory() as mem:
                steps[name] = fn()
            steps[name]["peak_rss_mb"] = mem.mb
            print(f"  {name:8} {steps[name]}", flush=True)
        if args.search_sections:
            from bench.search import run as search_run

            with PeakMemory() as mem:
                steps["search"] = search_run(args.search_sections, like_check=False, workdir=home)
            steps["search"]["peak_rss_mb"] = mem.mb
            steps["search"].pop("per_query", None)
            print(f"  search   {steps['search']}", flush=True)
    finally:
        server.stop()
        from huibao.db.engine import embedded

        embedded().stop()
        shutil.rmtree(home, ignore_errors=True)

    results.update(
        # the faster of two timings, first and last: a slow moment of a shared machine must not
        # lower the reference and flatter the ratios
        jieba_rate=max(steps["jieba"]["rate"], steps["jieba_again"]["rate"]),
        parse_rate=steps["parse"]["rate"],
        ingest_rate=steps["ingest"]["rate"],
        full_seconds=steps["ingest"]["seconds"],
        noop_seconds=steps["noop"]["seconds"],
        publish_rate=steps["publish"]["rate"],
        search_p50_ms=steps.get("search", {}).get("search_p50_ms"),
        search_p95_ms=steps.get("search", {}).get("search_p95_ms"),
        peak_rss_mb=max(s.get("peak_rss_mb", 0) for s in steps.values()),
        steps=steps,
    )
    cores, jieba = results["cores"], results["jieba_rate"]
    results["ratios"] = {
        "parse_vs_cores_x_jieba": round(results["parse_rate"] / (cores * jieba), 2),
        "ingest_vs_cores_x_jieba": round(results["ingest_rate"] / (cores * jieba), 2),
        "noop_vs_full": round(results["noop_seconds"] / results["full_seconds"], 4),
    }
    _print_table(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


def _machine() -> str:
    import psutil

    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"
    )


def _print_table(r: dict) -> None:
    s = r["steps"]
    rows = [
        ("jieba.cut, 1 core", f"{r['jieba_rate']:,} chars/s",
         f"reference (faster of {s['jieba']['rate']:,} and {s['jieba_again']['rate']:,})",
         s["jieba"]["peak_rss_mb"]),
        (f"parse, {r['workers']} workers", f"{r['parse_rate']:,} chars/s",
         f"{r['ratios']['parse_vs_cores_x_jieba']} × cores × jieba (≥ 0.8)", s["parse"]["peak_rss_mb"]),
        ("ingest into Postgres", f"{r['ingest_rate']:,} chars/s",
         f"{r['ratios']['ingest_vs_cores_x_jieba']} × cores × jieba (≥ 0.7)", s["ingest"]["peak_rss_mb"]),
        ("full run", f"{r['full_seconds']} s", f"{s['ingest']['chars']:,} chars, {s['ingest']['sections']:,} sections", s["ingest"]["peak_rss_mb"]),
        ("no-op re-run", f"{r['noop_seconds']} s", f"{r['ratios']['noop_vs_full']:.2%} of full (≤ 2%)", s["noop"]["peak_rss_mb"]),
        ("publish", f"{r['publish_rate']:,} sections/s", f"{s['publish']['seconds']} s (≥ 50,000/s)", s["publish"]["peak_rss_mb"]),
        ("publish --rebuild", f"{s['rebuild']['rate']:,} sections/s", f"{s['rebuild']['seconds']} s (every row copied again)", s["rebuild"]["peak_rss_mb"]),
        ("1 % new files", f"ingest {s['increment']['ingest_seconds']} s, publish {s['increment']['publish_seconds']} s",
         f"{s['increment']['new_files']} files, {s['increment']['chars']:,} chars", s["increment"]["peak_rss_mb"]),
    ]  # fmt: skip
    if "search" in s:
        rows.append((f"search, {s['search']['sections']:,} sections",
                     f"p50 {r['search_p50_ms']} ms, p95 {r['search_p95_ms']} ms", "p95 ≤ 100 ms",
                     s["search"]["peak_rss_mb"]))  # fmt: skip
    print(f"\n{r['machine']}")
    print(f"{'step':28} {'result':34} {'against target':42} peak RSS")
    for name, value, target, mb in rows:
        print(f"{name:28} {value:34} {target:42} {mb} MB")


if __name__ == "__main__":
    sys.exit(main())
