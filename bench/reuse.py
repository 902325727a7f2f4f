"""Text reuse: how well it finds copied passages, and what it costs an ingest.

    python bench/reuse.py [--chars 5000000] [--trials 40] [--runs 3] [--json bench/out/reuse.json]

1. accuracy: passages of real reports (../shared) pasted into others, disguised as copiers
   disguise them (bench/reuse_truth.py) → recall and precision of the passages of 30
   characters or more, boundaries within 5 characters in both texts
2. cost: the benchmark corpus (bench/corpus.py, whose reports copy from one another) ingested
   into a fresh embedded Postgres with HUIBAO_REUSE=0 and with it on, then 1 % new files into
   each → seconds of each run (the median of `--runs`, the two kinds alternating), and the
   share reuse adds (of the medians, and the median of each trial's ratio). Two clocks: the
   run's own seconds (from the flow's first step to its last, what `ingest_runs.seconds`
   records) and the wall time of the call. Prefect's flow-run heartbeat thread sleeps in whole
   seconds and the run's end waits for it, which rounds every run's wall time up to a whole
   second; the benchmark turns heartbeats off so that the wall time measures huibao, not that
   wait
3. detection alone, one process, on the loaded database: every report compared again (the
   full detection), then 1 % of them → seconds, and the storage of the reuse tables

    python bench/reuse.py --scale 2000000,4000000,8000000

4. only detection alone at several sizes of the corpus: all reports, then 1 % of them, each
   size ingested once (a full detection compares 1,000 reports at a time, as a run does)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def accuracy(trials: int, seed: int = 7) -> dict:
    from bench.reuse_truth import Score, generate, score
    from huibao.text import parse_path
    from huibao.text.reuse import compare

    files = sorted((SHARED / "corpus-national").glob("*.txt")) + sorted(
        (SHARED / "corpus-provincial").glob("*.txt")
    )
    if not files:
        return {"skipped": "no ../shared corpus"}
    texts = [parse_path(f, keywords=False).documents[0].text for f in files]
    rng = random.Random(seed)
    total, seconds = Score(), 0.0
    for _ in range(trials):
        i, j = rng.sample(range(len(texts)), 2)
        truth = generate(rng, texts[i], texts[j], 10)
        started = time.perf_counter()
        found = compare(truth.source, truth.target)
        seconds += time.perf_counter() - started
        total.add(score(truth, found, compare(texts[i], texts[j])))
    return {
        "pairs": trials, "passages": total.gold, "recall": round(total.recall, 3),
        "precision": round(total.precision, 3), "compare_ms": round(seconds / trials * 1000, 1),
    }  # fmt: skip


def ingest(paths: list[Path], reuse: bool) -> dict:
    """One ingest run: {"wall": seconds of the call, "own": the run's own seconds}."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from huibao.flows.ingest import ingest as flow

    os.environ["HUIBAO_REUSE"] = "1" if reuse else "0"
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        started = time.perf_counter()
        done = flow(paths=[str(p) for p in paths])
        wall = round(time.perf_counter() - started, 2)
    phases = ", ".join(f"{k} {v:.2f}" for k, v in done["phases"].items())
    print(f"    {wall} s ({done['seconds']} s its own); phases (s): {phases}", flush=True)
    return {"wall": wall, "own": done["seconds"]}


def detection(url: str, share: float, seed: int = 1) -> dict:
    """Compare `share` of the loaded reports again, in this one process."""
    from huibao.db import engine, reuse

    with engine.connect(url) as conn:
        ids = [r[0] for r in conn.execute("select id from documents order by id")]
        chosen = random.Random(seed).sample(ids, max(1, round(len(ids) * share)))
        conn.execute("delete from reuse_checks where document_id = any(%s)", (chosen,))
        conn.execute(
            "delete from reuse_passages where doc_a = any(%s) or doc_b = any(%s)", (chosen, chosen)
        )
        conn.commit()
        started = time.perf_counter()
        reports, passages = reuse.check_all(conn)
        compared = time.perf_counter() - started
        started = time.perf_counter()
        reuse.refresh_summaries(conn)
        summarised = time.perf_counter() - started
    return {
        "reports": reports, "passages": passages, "seconds": round(compared, 2),
        "ms_per_report": round(compared / max(reports, 1) * 1000, 1),
        "summaries_seconds": round(summarised, 2),
    }  # fmt: skip


def storage(url: str) -> dict:
    from huibao.db import engine

    with engine.connect(url) as conn:
        row = conn.execute(
            """
            select (select count(*) from documents), (select sum(char_count) from documents),
                   (select count(*) + coalesce(sum(cardinality(more)), 0) from reuse_fingerprints),
                   (select count(*) from reuse_passages),
                   (select count(distinct family_id) from reuse_passages),
                   pg_total_relation_size('reuse_fingerprints'),
                   pg_total_relation_size('reuse_passages'),
                   pg_total_relation_size('reuse_skeletons'),
                   pg_total_relation_size('documents') + pg_total_relation_size('sections')
            """
        ).fetchone()
    docs, chars, fps, passages, families, fp_bytes, passage_bytes, skeleton_bytes, text_bytes = row
    return {
        "documents": docs, "chars": int(chars), "fingerprints": fps, "passages": passages,
        "families": families, "fingerprints_per_report": round(fps / docs),
        "fingerprint_mb": round(fp_bytes / 1e6, 1), "passage_mb": round(passage_bytes / 1e6, 1),
        "skeleton_mb": round(skeleton_bytes / 1e6, 1),
        "reports_and_sections_mb": round(text_bytes / 1e6, 1),
        "bytes_per_report": round((fp_bytes + passage_bytes + skeleton_bytes) / docs),
    }  # fmt: skip


def scale(sizes: list[int], seed: int, repeats: int = 3) -> list[dict]:
    """Detection alone at several sizes of the benchmark corpus, each ingested once into a
    fresh database: every report compared again (in chunks, as a run compares them), then 1 %
    of them (the median of `repeats` different 1 %)."""
    from bench.run import corpus
    from huibao.db.engine import database_url, embedded

    rows = []
    with _prefect() as base:
        for chars in sizes:
            home = base / f"scale-{chars}"
            os.environ["HUIBAO_HOME"] = str(home)
            ingest([corpus(chars, seed)], reuse=True)
            url = database_url()
            full = detection(url, 1.0)
            some = [detection(url, 0.01, seed=i) for i in range(1, repeats + 1)]
            part = statistics.median(d["seconds"] for d in some)
            row = {
                "chars": chars, "reports": full["reports"], "detect_all": full["seconds"],
                "detect_1_percent": part, "reports_1_percent": some[0]["reports"],
                "share": round(part / full["seconds"], 4),
            }  # fmt: skip
            print("scale", row, flush=True)
            rows.append(row)
            embedded().stop()
            shutil.rmtree(home, ignore_errors=True)
    return rows


@contextlib.contextmanager
def _prefect() -> Iterator[Path]:
    """A Prefect server of the benchmark's own, and a folder for its databases."""
    from huibao.config import quiet_prefect
    from huibao.prefect_server import LocalPrefectServer

    base = Path(tempfile.mkdtemp(prefix="huibao-bench-reuse-"))
    os.environ.update(PREFECT_LOGGING_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    quiet_prefect(base)
    server = LocalPrefectServer(base / "prefect").start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield base
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--chars", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3, help="ingests of each kind (medians)")
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--scale", help="only detection alone at these corpus sizes (characters, comma-separated)"
    )
    args = ap.parse_args()
    if args.scale:
        rows = scale([int(x) for x in args.scale.split(",")], args.seed)
        for r in rows:
            print(
                f"{r['reports']:>6} reports: all {r['detect_all']:.2f} s, 1 % "
                f"({r['reports_1_percent']}) {r['detect_1_percent']:.3f} s = {r['share']:.1%}"
            )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(rows, indent=1))
        return 0

    result: dict = {"accuracy": accuracy(args.trials)}
    print("accuracy", result["accuracy"], flush=True)

    from bench.run import corpus
    from huibao.db.engine import database_url, embedded

    path = corpus(args.chars, args.seed)
    extra = corpus(max(args.chars // 100, 50_000), args.seed + 1)
    runs: dict = {"without": [], "with": []}
    with _prefect() as base:
        # the two kinds of run alternate (one first, then the other first), each into a fresh
        # database: the machine's drift touches both alike; medians are reported
        for trial in range(args.runs):
            for reuse in (False, True) if trial % 2 == 0 else (True, False):
                home = base / f"{trial}-{'with' if reuse else 'without'}"
                os.environ["HUIBAO_HOME"] = str(home)
                full = ingest([path], reuse)
                increment = ingest([path, extra], reuse)
                runs["with" if reuse else "without"].append((full, increment))
                print(f"  reuse={reuse}: full {full}, 1 % more {increment}", flush=True)
                if reuse and trial == args.runs - 1:
                    url = database_url()
                    result["storage"] = storage(url)
                    result["detect_all"] = detection(url, 1.0)
                    result["detect_1_percent"] = detection(url, 0.01)
                embedded().stop()
                shutil.rmtree(home, ignore_errors=True)
    median = {
        kind: {f"{run}_{clock}": statistics.median(r[i][clock] for r in done)
               for i, run in enumerate(("full", "increment")) for clock in ("own", "wall")}
        | {"runs": done}
        for kind, done in runs.items()
    }  # fmt: skip
    result["ingest"] = median
    w, wo = median["with"], median["without"]
    for i, run in enumerate(("full", "increment")):
        for clock in ("own", "wall"):
            key = f"{run}_{clock}"
            result[f"added_to_{key}"] = round(w[key] / wo[key] - 1, 3)
            # and the median of each trial's two runs' ratio (they ran one after the other)
            pairs = zip(runs["with"], runs["without"], strict=True)
            ratios = [a[i][clock] / b[i][clock] - 1 for a, b in pairs]
            result[f"added_to_{key}_paired"] = round(statistics.median(ratios), 3)
    result["increment_vs_full_detection"] = round(
        result["detect_1_percent"]["seconds"] / result["detect_all"]["seconds"], 4
    )
    for key in ("storage", "detect_all", "detect_1_percent"):
        print(key, result[key])
    for clock, name in (("own", "the runs' own time"), ("wall", "wall time")):
        print(
            f"{name}: reuse adds {result[f'added_to_full_{clock}']:.1%} to a full ingest "
            f"({wo[f'full_{clock}']} → {w[f'full_{clock}']} s) and "
            f"{result[f'added_to_increment_{clock}']:.1%} to a 1 % run "
            f"({wo[f'increment_{clock}']} → {w[f'increment_{clock}']} s); the median of the "
            f"trials' ratios: {result[f'added_to_full_{clock}_paired']:.1%} and "
            f"{result[f'added_to_increment_{clock}_paired']:.1%}"
        )
    print(f"detecting 1 % costs {result['increment_vs_full_detection']:.1%} of detecting all")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
