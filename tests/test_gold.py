"""The parser scored against every annotated set with the shared evaluation tool.

One threshold for every set, so that no change can fit one set and quietly break another:
split F1 ≥ 0.98, every document and title found, roles and metadata ≥ 0.95. The sets:
`../shared/gold` (seed reports), `../shared/gold-national` (22 State Council reports),
`../shared/gold-provincial` with the headings the guideline adds to it
(`tests/gold/provincial-amendments.json`), and the bundled samples (`tests/gold/samples`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES, SHARED
from tools import quality

TOOL = SHARED / "tools" / "evaluate_parse.py"
GOLD = quality.GOLD


def evaluate(gold: Path, corpus: Path) -> dict[str, str]:
    if not TOOL.exists() or not gold.is_dir() or not corpus.is_dir():
        pytest.skip(f"{gold} or the shared evaluation tool is not available")
    summary = quality.evaluate(gold, corpus)
    print(f"{gold.name}: {summary}")
    return dict(re.findall(r"(\w+)=([\d./]+)", summary))


def fraction(value: str) -> float:
    hit, total = value.split("/")
    return int(hit) / int(total) if int(total) else 1.0


def assert_meets_the_bar(score: dict[str, str]) -> None:
    assert float(score["split_f1"]) >= 0.98, score
    assert fraction(score["docs"]) == 1.0 and fraction(score["titles"]) == 1.0, score
    assert fraction(score["roles"]) >= 0.95 and fraction(score["meta"]) >= 0.95, score


def amended_provincial_gold(into: Path) -> Path:
    if not (SHARED / "gold-provincial").is_dir():
        pytest.skip("the shared provincial gold is not available")
    return quality.amended_provincial_gold(into)


def test_seed_reports():
    score = evaluate(SHARED / "gold", SHARED / "corpus")
    assert_meets_the_bar(score)
    assert fraction(score["topics_r"]) >= 0.8 and fraction(score["topics_p"]) >= 0.9


def test_national_reports_of_two_decades():
    assert_meets_the_bar(evaluate(SHARED / "gold-national", SHARED / "corpus-national"))


def test_provincial_reports_with_page_furniture(tmp_path):
    gold = amended_provincial_gold(tmp_path / "gold-provincial")
    assert_meets_the_bar(evaluate(gold, SHARED / "corpus-provincial"))


def test_bundled_samples(tmp_path):
    corpus = tmp_path / "samples"
    shutil.copytree(SAMPLES, corpus)
    assert_meets_the_bar(evaluate(GOLD / "samples", corpus))


def test_every_amendment_is_a_heading_the_shared_gold_lacks():
    """An amendment adds what the guideline requires; it never restates the shared gold."""
    source = SHARED / "gold-provincial"
    if not source.is_dir():
        pytest.skip("the shared provincial gold is not available")
    amendments = json.loads((GOLD / "provincial-amendments.json").read_text(encoding="utf-8"))
    for name, extra in amendments["files"].items():
        gold = json.loads((source / name.replace(".txt", ".json")).read_text(encoding="utf-8"))
        have = {(s["level"], s["heading"]) for d in gold["documents"] for s in d["sections"]}
        text = (SHARED / "corpus-provincial" / name).read_text(encoding="utf-8")
        for x in extra:
            assert (x["level"], x["heading"]) not in have, (name, x)
            assert x["heading"] in text, (name, x)
