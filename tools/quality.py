"""How well huibao parses and tags, measured against the hand-made gold, in one command.

    python tools/quality.py            # or: make quality

prints, for every annotated set, the shared evaluation tool's summary line
(`../shared/tools/evaluate_parse.py`), then the tagging figures that tool does not measure:

* indicators_p / indicators_r: mentions of economic indicators (`tests/gold/indicators/`); a
  mention counts when indicator, value, unit and growth all match;
* topics_r / topics_p: topics of sections read by hand (`tests/gold/topics.json`);
* keywords_bad: of the top 10 keywords of 20 reports, how many are fragments or genre fillers
  (`tests/gold/keywords.json`).

The rules behind the gold are in docs/annotation.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "gold"


# --- indicators -----------------------------------------------------------------------------


def _figure(value, masked: bool, direction: str | None = None) -> str:
    """A figure as compared: rounded to 4 places, `*` for a mask (`-*` for a masked fall)."""
    if masked:
        return "-*" if direction == "down" else "*"
    return "" if value is None else f"{float(value):.4g}"


def gold_mention_key(m: dict) -> tuple:
    growth = m["growth"]
    growth_key = growth if isinstance(growth, str) else _figure(growth, False)  # "*" or "-*"
    value_key = "*" if m["value"] == "*" else _figure(m["value"], False)
    return (m["indicator"], value_key, m["unit"] or "", growth_key)


def predicted_mention_key(m) -> tuple:
    return (
        m.key,
        _figure(m.value, m.value_masked),
        m.unit or "",
        _figure(m.growth, m.growth_masked, m.direction),
    )


def indicator_scores(gold_dir: Path = GOLD / "indicators") -> dict:
    """Precision and recall of indicator mentions over the gold reports, and the differences."""
    from huibao.text import parse_path

    hit = n_gold = n_pred = 0
    misses: list[tuple[str, tuple]] = []
    extras: list[tuple[str, tuple]] = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        parsed = parse_path(SHARED / gold["corpus"] / gold["file"], keywords=False)
        want = Counter(gold_mention_key(m) for m in gold["mentions"])
        got = Counter(
            predicted_mention_key(m)
            for doc in parsed.documents
            for s in doc.sections
            for m in s.indicators
        )
        hit += sum((want & got).values())
        n_gold += sum(want.values())
        n_pred += sum(got.values())
        misses += [(gold["file"], k) for k in (want - got).elements()]
        extras += [(gold["file"], k) for k in (got - want).elements()]
    return {
        "hit": hit, "gold": n_gold, "pred": n_pred,
        "p": hit / n_pred if n_pred else 0.0, "r": hit / n_gold if n_gold else 0.0,
        "misses": misses, "extras": extras,
    }  # fmt: skip


# --- topics ---------------------------------------------------------------------------------


def topic_scores(gold_path: Path = GOLD / "topics.json") -> dict:
    """Recall of the required topics and precision of the predicted ones (a predicted topic is
    right when it is required or acceptable), over the sections of the topic gold."""
    from huibao.text import parse_path

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["sections"]
    parsed: dict[str, list] = {}
    required = hit = predicted = right = 0
    rows = []
    for g in gold:
        if g["file"] not in parsed:
            parsed[g["file"]] = [
                s for d in parse_path(SHARED / g["file"], keywords=False).documents
                for s in d.sections
            ]  # fmt: skip
        match = next(
            (s for s in parsed[g["file"]] if s.level == g["level"] and s.heading == g["heading"]),
            None,
        )
        got = set(match.topics) if match else set()
        want, allowed = set(g["topics"]), set(g["topics"]) | set(g.get("topics_also", []))
        required += len(want)
        hit += len(want & got)
        predicted += len(got)
        right += len(got & allowed)
        rows.append(
            (g["heading"], sorted(want), sorted(got), match.topic_evidence if match else {})
        )
    return {
        "r": hit / required if required else 0.0, "p": right / predicted if predicted else 0.0,
        "hit": hit, "required": required, "right": right, "predicted": predicted,
        "sections": len(gold), "rows": rows,
    }  # fmt: skip


# --- keywords -------------------------------------------------------------------------------

KEYWORD_CORPORA = ("corpus", "corpus-national", "corpus-provincial")


def keyword_scores(gold_path: Path = GOLD / "keywords.json", k: int = 10) -> dict:
    """The top `k` keywords of each report of the keyword gold, ranked as the database ranks
    them (tf × IDF over every section of the shared corpora), judged against the annotated list
    of terms: `bad` counts fragments and fillers, `unjudged` lists terms the list lacks."""
    from collections import Counter as Counts

    from huibao.text import parse_path
    from huibao.text.keywords import corpus_idf, top_keywords

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    documents = []
    for corpus in KEYWORD_CORPORA:
        for path in sorted((SHARED / corpus).glob("*.txt")):
            documents += [(path.name, d) for d in parse_path(path).documents]
    idf = corpus_idf(s.terms for _, d in documents for s in d.sections)
    judged = {t: kind for kind in ("good", "filler", "fragment") for t in gold[kind]}
    tops = {}
    for name, doc in documents:
        if name in gold["reports"] and name not in tops:
            counts: Counts = Counts()
            for s in doc.sections:
                counts.update(s.terms)
            tops[name] = [term for term, _ in top_keywords(counts, idf, k)]
    terms = [t for name in gold["reports"] for t in tops.get(name, [])]
    bad = [t for t in terms if judged.get(t) in ("filler", "fragment")]
    return {
        "terms": len(terms), "bad": bad, "unjudged": sorted({t for t in terms if t not in judged}),
        "tops": tops,
    }  # fmt: skip


# --- the shared tool ---------------------------------------------------------------------


def amended_provincial_gold(into: Path) -> Path:
    """The shared provincial gold with the headings the guideline adds to it
    (`tests/gold/provincial-amendments.json`), written as gold files under `into`."""
    amendments = json.loads((GOLD / "provincial-amendments.json").read_text(encoding="utf-8"))
    into.mkdir(parents=True, exist_ok=True)
    for path in (SHARED / "gold-provincial").glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        extra = amendments["files"].get(gold["file"], [])
        gold["documents"][0]["sections"] += [
            {k: v for k, v in x.items() if k != "why"} for x in extra
        ]
        (into / path.name).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return into


def evaluate(gold: Path, corpus: Path) -> str:
    """The shared tool's summary line for one gold set."""
    tool = SHARED / "tools" / "evaluate_parse.py"
    cmd = [sys.executable, "-m", "huibao.cli", "parse", "--json", "{file}"]
    proc = subprocess.run(
        [sys.executable, str(tool), "--gold", str(gold), "--corpus", str(corpus), "--", *cmd],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-2000:] + proc.stderr[-2000:])
    return proc.stdout.strip().splitlines()[-1]


def parse_scores() -> list[str]:
    import tempfile

    lines = []
    for gold, corpus in (("gold", "corpus"), ("gold-national", "corpus-national"),
                         ("gold-provincial", "corpus-provincial")):  # fmt: skip
        lines.append(f"{gold}: {evaluate(SHARED / gold, SHARED / corpus)}")
    with tempfile.TemporaryDirectory() as tmp:
        amended = amended_provincial_gold(Path(tmp) / "gold-provincial")
        line = evaluate(amended, SHARED / "corpus-provincial")
        lines.append(f"gold-provincial + tests/gold/provincial-amendments.json: {line}")
        samples = Path(tmp) / "samples"
        shutil.copytree(ROOT / "samples", samples)
        lines.append(f"tests/gold/samples: {evaluate(GOLD / 'samples', samples)}")
    return lines


def main() -> int:
    verbose = "-v" in sys.argv
    if not (SHARED / "tools" / "evaluate_parse.py").exists():
        print(f"the shared gold is not at {SHARED}: nothing to measure")
        return 1
    for line in parse_scores():
        print(line)
    ind = indicator_scores()
    print(
        f"indicators: indicators_p={ind['p']:.3f} indicators_r={ind['r']:.3f} "
        f"({ind['hit']} of {ind['pred']} found, {ind['hit']} of {ind['gold']} in the gold)"
    )
    top = topic_scores()
    print(
        f"topics: topics_r={top['r']:.3f} topics_p={top['p']:.3f} ({top['hit']} of "
        f"{top['required']} required found, {top['right']} of {top['predicted']} right, "
        f"{top['sections']} sections)"
    )
    kw = keyword_scores()
    print(
        f"keywords: keywords_bad={len(kw['bad'])}/{kw['terms']} (fragments and fillers among the "
        f"top 10 of {len(kw['tops'])} reports: {' '.join(kw['bad']) or 'none'}; "
        f"unjudged: {' '.join(kw['unjudged']) or 'none'})"
    )
    if verbose:
        for heading, want, got, evidence in top["rows"]:
            if set(want) - set(got) or set(got) - set(want):
                print(f"   {heading[:30]}: want {want} got {got} {evidence}")
        for f, k in ind["misses"]:
            print(f"   missed  {f} {k}")
        for f, k in ind["extras"]:
            print(f"   extra   {f} {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
