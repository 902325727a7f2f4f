"""The parser scored against the hand-made gold with the shared evaluation tool."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

TOOL = SHARED / "tools" / "evaluate_parse.py"
HUIBAO = [sys.executable, "-m", "huibao.cli", "parse", "--json", "{file}"]


def evaluate(gold: str, corpus: str) -> dict[str, str]:
    if not TOOL.exists() or not (SHARED / gold).is_dir():
        pytest.skip("the shared gold and evaluation tool are not available")
    proc = subprocess.run(
        [sys.executable, str(TOOL), "--gold", str(SHARED / gold), "--corpus", str(SHARED / corpus), "--", *HUIBAO],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    return dict(re.findall(r"(\w+)=([\d./]+)", summary))


def fraction(value: str) -> float:
    hit, total = value.split("/")
    return int(hit) / int(total) if int(total) else 1.0


def test_shared_gold_structure_titles_roles_and_metadata():
    score = evaluate("gold", "corpus")
    assert float(score["split_f1"]) >= 0.98
    for key in ("docs", "titles", "roles", "meta"):
        assert fraction(score[key]) == 1.0, (key, score)
    assert fraction(score["topics_r"]) >= 0.8 and fraction(score["topics_p"]) >= 0.9


def test_provincial_reports_with_page_furniture():
    score = evaluate("gold-provincial", "corpus-provincial")
    assert float(score["split_f1"]) >= 0.98
    assert fraction(score["docs"]) >= 0.95 and fraction(score["titles"]) >= 0.95
    assert fraction(score["roles"]) >= 0.95 and fraction(score["meta"]) >= 0.95
