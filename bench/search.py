"""Chinese search in Datasette at scale: recall and precision against LIKE, and latency.

    python bench/search.py --sections 100000 [--json out.json]

Builds a published-like SQLite file whose `sections` are the shared corpus's (and the
provincial reports') sections replicated to the requested count, indexes them the way
`huibao publish` does, then runs the search box of the `sections` table through Datasette's own
client (the SQL Datasette runs, its row count included) for each query, and compares the rows
with a `LIKE '%q%'` scan.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "党建", "招商", "招商引资", "乡村振兴", "营商环境", "高标准农田", "疫情防控", "两个确立", "一把手",
    "安全生产", "固定资产投资", "不动产登记", "人居环境整治", "防返贫监测", "产业链供应链", "建设水平",
    "杨梅", "网格化", "信访", "新能源", "生态环境", "老旧小区改造", "高质量发展", "驻点招商", "林票",
    "基层治理", "重大事故隐患", "亚运会", "自然资源局", "街道", "耕地", "林", "GDP", "党的二十大",
    "千万工程", "应急管理办公室", "人工智能", "低空经济", "新质生产力", "粤港澳大湾区",
]  # fmt: skip


def corpus_sections(dirs: list[Path]) -> list[tuple[str, str]]:
    from huibao.text import parse_path

    out = []
    for d in dirs:
        for path in sorted(d.glob("*.txt")):
            for doc in parse_path(path, keywords=False).documents:
                out += [(s.heading, doc.text[s.body_start : s.body_end]) for s in doc.sections]
    return out


def build(path: Path, base: list[tuple[str, str]], n: int) -> float:
    from huibao.publish.search_index import FTS_OPTIONS, ORPHANS
    from huibao.text.fts import index_text

    db = sqlite3.connect(path)
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    db.execute(
        "create table sections (id integer primary key, document_id integer, heading text, body text)"
    )
    db.execute(f"create virtual table sections_fts using fts5({FTS_OPTIONS})")
    db.execute("insert into sections_fts(sections_fts, rank) values ('automerge', 0)")
    started = time.perf_counter()
    batch = []
    for i in range(1, n + 1):
        heading, body = base[(i - 1) % len(base)]
        batch.append((i, i // 20, heading, body))
        if len(batch) == 5000 or i == n:
            db.executemany("insert into sections values (?, ?, ?, ?)", batch)
            db.executemany(
                "insert into sections_fts(rowid, text) values (?, ?)",
                ((k, index_text(h + "\n" + b)) for k, _, h, b in batch),
            )
            batch = []
    db.execute("insert into sections_fts(sections_fts) values ('optimize')")
    from huibao.publish.site import SEARCH_INDEXES

    db.execute(SEARCH_INDEXES[0])  # as in a published file
    db.execute(ORPHANS)
    db.commit()
    db.close()
    return time.perf_counter() - started


def metadata() -> dict:
    return {
        "databases": {
            "bench": {"tables": {"sections": {"fts_table": "sections_fts", "fts_pk": "id"}}}
        }
    }


async def measure(path: Path, queries: list[str], like_check: bool) -> dict:
    from datasette.app import Datasette

    from huibao.serve import typed_settings

    # as `huibao serve` runs it, with a time limit high enough to measure slow queries
    settings = typed_settings() | {"sql_time_limit_ms": 20000}
    ds = Datasette(immutables=[str(path)], metadata=metadata(), settings=settings)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    latencies, warm, tp, fp, fn = [], [], 0, 0, 0
    per_query = {}
    await ds.client.get("/bench/sections.json?_size=1")  # open the database
    for q in queries:
        url = f"/bench/sections.json?_search={quote(q)}&_shape=objects&_col=id&_size=50"
        started = time.perf_counter()
        r = await ds.client.get(url)  # the first time anyone asks this
        elapsed = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        await ds.client.get(url)  # asked again (the row count is cached)
        again = (time.perf_counter() - started) * 1000
        assert r.status_code == 200, r.text[:300]
        data = r.json()
        latencies.append(elapsed)
        warm.append(again)
        per_query[q] = {
            "ms": round(elapsed, 1),
            "again_ms": round(again, 1),
            "rows": data.get("filtered_table_rows_count"),
        }
        if like_check:
            found = {
                row[0]
                for row in db.execute(
                    "select id from sections where id in (select rowid from sections_fts "
                    "where sections_fts match ?)",
                    (_match(q),),
                )
            }
            like = {
                row[0]
                for row in db.execute(
                    "select id from sections where heading || char(10) || body like ?", (f"%{q}%",)
                )
            }
            tp, fp, fn = tp + len(found & like), fp + len(found - like), fn + len(like - found)
    latencies.sort()
    warm.sort()
    result = {
        "queries": len(queries),
        "search_p50_ms": round(statistics.median(latencies), 1),
        "search_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "search_again_p50_ms": round(statistics.median(warm), 1),
        "search_again_p95_ms": round(warm[int(0.95 * (len(warm) - 1))], 1),
        "per_query": per_query,
    }
    if like_check:
        result["precision"] = round(tp / (tp + fp), 4) if tp + fp else 1.0
        result["recall"] = round(tp / (tp + fn), 4) if tp + fn else 1.0
    return result


def _match(q: str) -> str:
    from huibao.text.fts import match_expression

    return match_expression(q)


def run(sections: int, like_check: bool = True, workdir: Path | None = None) -> dict:
    shared = ROOT.parent / "shared"
    base = corpus_sections([shared / "corpus", shared / "corpus-provincial"])
    workdir = workdir or Path(tempfile.mkdtemp(prefix="huibao-search-"))
    path = workdir / "bench.db"
    path.unlink(missing_ok=True)
    build_seconds = build(path, base, sections)
    result = asyncio.run(measure(path, QUERIES, like_check))
    result.update(
        sections=sections,
        distinct_sections=len(base),
        index_build_seconds=round(build_seconds, 1),
        file_mb=round(path.stat().st_size / 1e6, 1),
    )
    path.unlink(missing_ok=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sections", type=int, default=100_000)
    ap.add_argument("--no-like", action="store_true", help="skip the LIKE comparison")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = run(args.sections, like_check=not args.no_like)
    print(
        f"sections={result['sections']} queries={result['queries']} "
        f"precision={result.get('precision')} recall={result.get('recall')} "
        f"p50={result['search_p50_ms']} ms p95={result['search_p95_ms']} ms "
        f"(asked again: p50={result['search_again_p50_ms']} p95={result['search_again_p95_ms']}) "
        f"(index built in {result['index_build_seconds']} s, {result['file_mb']} MB)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
