"""Tagging measured against the hand-made gold (`tests/gold/`, rules in docs/annotation.md):
indicators, topics and keywords, by the same functions `tools/quality.py` prints."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, SHARED
from tools.quality import GOLD, indicator_scores, keyword_scores, topic_scores

pytestmark = pytest.mark.skipif(
    not (SHARED / "corpus-national").is_dir(), reason="the shared corpora are not available"
)


def test_indicator_mentions_match_the_gold():
    score = indicator_scores()
    assert score["gold"] >= 200
    assert score["p"] >= 0.95, score["extras"]
    assert score["r"] >= 0.85, score["misses"]


def test_every_indicator_gold_mention_is_written_in_its_report():
    from huibao.text import parse_path

    for path in sorted((GOLD / "indicators").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = "".join(d.text for d in parse_path(SHARED / gold["corpus"] / gold["file"]).documents)
        for m in gold["mentions"]:
            assert m["text"] in text, (gold["file"], m["text"])


def test_topics_match_the_gold():
    score = topic_scores()
    assert score["sections"] >= 60
    assert score["r"] >= 0.8 and score["p"] >= 0.8, (score["r"], score["p"])


def test_keywords_are_whole_words_that_name_a_subject():
    score = keyword_scores()
    assert not score["unjudged"], f"judge these keywords in {GOLD / 'keywords.json'}"
    assert score["terms"] >= 200
    assert len(score["bad"]) <= 0.05 * score["terms"], score["bad"]


def test_the_quality_command_prints_every_figure():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "tools/quality.py"], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    assert out.returncode == 0, out.stderr
    for figure in ("split_f1=", "indicators_p=", "indicators_r=", "topics_r=", "keywords_bad="):
        assert figure in out.stdout
