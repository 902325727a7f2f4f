"""Where parsing spends its time: cProfile of read + clean + split + tag on one core.

    python bench/parse_profile.py [--chars 2000000] [--top 15]

Profiles `huibao.text` over a sample of the benchmark corpus (bench/corpus.py, same seed as
bench/run.py) and prints the time per pipeline stage (by module) and the busiest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Stages by the module their functions live in; the rest is Python and library overhead.
STAGES = {
    "huibao/text/read": "read and decode",
    "huibao/text/docx_text": "read and decode",
    "huibao/text/pdf_text": "read and decode",
    "huibao/text/clean": "clean",
    "huibao/text/split": "split and headings",
    "huibao/text/headings": "split and headings",
    "huibao/text/titles": "split and headings",
    "huibao/text/tokens": "segment (rjieba/jieba)",
    "rjieba": "segment (rjieba/jieba)",
    "jieba": "segment (rjieba/jieba)",
    "huibao/text/keywords": "keywords",
    "huibao/text/topics": "topics",
    "huibao/text/roles": "roles",
    "huibao/text/meta": "document metadata",
    "huibao/text/slogans": "slogans",
    "huibao/text/indicators": "indicators",
    "huibao/text/masks": "masks",
    "huibao/text/fts": "search tokens",
    "huibao/text/tag": "tag (glue)",
    "huibao/text/parse": "parse (glue)",
}


def stage_of(filename: str) -> str:
    for key, stage in STAGES.items():
        if key in filename:
            return stage
    if filename.startswith("~") or "<built-in" in filename:
        return "builtins (regex, str, …) called from above"
    return "other Python"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chars", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()

    from bench.corpus import generate
    from huibao.text import parse_source
    from huibao.text.read import read_path
    from huibao.text.tokens import warm_up

    folder = ROOT / "bench" / "out" / f"profile-{args.chars}-{args.seed}"
    if not folder.exists():
        generate(args.chars, folder, args.seed)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    warm_up()
    profile = cProfile.Profile()
    chars = 0
    started = time.perf_counter()
    profile.enable()
    for path in files:
        try:
            source = read_path(path)
        except Exception:
            continue
        chars += len(parse_source(source).source.text)
    profile.disable()
    seconds = time.perf_counter() - started

    stats = pstats.Stats(profile)
    by_stage: Counter = Counter()
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_stage[stage_of(filename)] += own
    total = sum(by_stage.values())
    print(f"{len(files)} files, {chars:,} characters in {seconds:.1f} s on one core (profiled)")
    print(f"\n{'stage':45} {'own time':>9} {'share':>7}")
    for stage, own in by_stage.most_common():
        print(f"{stage:45} {own:8.2f}s {own / total:7.1%}")
    print("\nbusiest functions (own time):")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
