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
    if isinstance(growth, str):  # "*" or "-*"
        growth_key = growth
    else:
        growth_key = _figure(growth, False)
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


# --- the shared tool ------------------------------------------------------------------------

SETS = [
    ("gold", "corpus"),
    ("gold-national", "corpus-national"),
    ("gold-provincial", "corpus-provincial"),
]


def parse_scores() -> list[str]:
    tool = SHARED / "tools" / "evaluate_parse.py"
    cmd = [sys.executable, "-m", "huibao.cli", "parse", "--json", "{file}"]
    lines = []
    for gold, corpus in SETS:
        proc = subprocess.run(
            [sys.executable, str(tool), "--gold", str(SHARED / gold),
             "--corpus", str(SHARED / corpus), "--", *cmd],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        lines.append(f"{gold}: {proc.stdout.strip().splitlines()[-1]}")
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
    if verbose:
        for f, k in ind["misses"]:
            print(f"   missed  {f} {k}")
        for f, k in ind["extras"]:
            print(f"   extra   {f} {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
