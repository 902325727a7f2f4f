"""Topics of a section (multi-label), with the matched terms kept as evidence.

Terms of the taxonomy (`data/topics.yaml`) are matched longest-first, so `招商引资` counts for
attracting investment rather than as `投资`. Heading matches weigh three times a body match and
longer terms more than two-character ones; a topic is kept when it scores well both in absolute
terms and relative to the section's main topic.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from .rules import load_yaml, trie_pattern

HEADING_WEIGHT = 3.0
# A topic needs a score of one point per 100 characters of its section, at least one solid term
# (a short section names its topic once) and at most 3 (a long one mentions everything).
MIN_SCORE = 3.0
MIN_SCORE_SHORT = 1.0
CHARS_PER_POINT = 100
RELATIVE = 0.35
MAX_TOPICS = 5


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    zh: str
    en: str


@cache
def taxonomy() -> tuple[Topic, ...]:
    return tuple(Topic(k, v["zh"], v["en"]) for k, v in load_yaml("topics.yaml")["topics"].items())


@cache
def _matcher() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    owners: dict[str, list[str]] = defaultdict(list)
    for key, spec in load_yaml("topics.yaml")["topics"].items():
        for term in spec["terms"]:
            owners[term].append(key)
    return trie_pattern(owners), {t: tuple(o) for t, o in owners.items()}


@cache
def _weights() -> dict[str, float]:
    data = load_yaml("topics.yaml")
    weak, factor = frozenset(data["weak_terms"]), data["weak_weight"]
    return {term: _weight(term) * (factor if term in weak else 1.0) for term in _matcher()[1]}


def term_hits(text: str) -> Counter:
    pattern, _ = _matcher()
    return Counter(pattern.findall(text))


def _weight(term: str) -> float:
    return min(len(term), 4) / 2


def section_topics(heading: str, body: str) -> tuple[list[str], dict[str, list[str]]]:
    """(topics, evidence) for a section: topic keys best first, and the terms behind each."""
    return topics_from_hits(term_hits(heading), term_hits(body), len(heading) + len(body))


def topics_from_hits(
    heading_hits: Mapping[str, int], body_hits: Mapping[str, int], size: int
) -> tuple[list[str], dict[str, list[str]]]:
    """Like `section_topics`, from term counts already made (`size`: characters of text)."""
    # Plain dicts and stable sorts by count: the order of Counter.most_common, at a fraction
    # of the cost (this runs for every section).
    _, owners = _matcher()
    weights = _weights()
    scores: dict[str, float] = {}
    evidence: dict[str, dict[str, int]] = {}
    for hits, factor in ((heading_hits, HEADING_WEIGHT), (body_hits, 1.0)):
        for term, n in hits.items():
            weight = n * factor * weights[term]
            for topic in owners[term]:
                scores[topic] = scores.get(topic, 0) + weight
                terms = evidence.setdefault(topic, {})
                terms[term] = terms.get(term, 0) + n
    if not scores:
        return [], {}
    top = max(scores.values())
    ranked = sorted(scores.items(), key=_count, reverse=True)
    floor = min(MIN_SCORE, max(MIN_SCORE_SHORT, size / CHARS_PER_POINT))
    chosen = [t for t, s in ranked if s >= floor and s >= RELATIVE * top][:MAX_TOPICS]
    return chosen, {
        t: [term for term, _ in sorted(evidence[t].items(), key=_count, reverse=True)]
        for t in chosen
    }


_count = itemgetter(1)
