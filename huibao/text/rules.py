"""The rule data files of the text core, loaded once. All rules live in `huibao/text/data/`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


def data_path(name: str) -> Path:
    return DATA / name


@cache
def load_yaml(name: str):
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a text data file, `#` comments removed."""
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LineRule:
    rule: str
    pattern: re.Pattern


@cache
def drop_line_rules() -> tuple[LineRule, ...]:
    return tuple(
        LineRule(r["rule"], re.compile(r["pattern"], re.IGNORECASE))
        for r in load_yaml("cleaning.yaml")["drop_lines"]
    )


@cache
def drop_inline_rules() -> tuple[LineRule, ...]:
    return tuple(
        LineRule(r["rule"], re.compile(r["pattern"], re.IGNORECASE))
        for r in load_yaml("cleaning.yaml")["drop_inline"]
    )


@dataclass(frozen=True, slots=True)
class TrailerRule:
    rule: str
    start: re.Pattern  # a line that opens the block (multiline: `^` is a line start)
    confirm: re.Pattern  # must occur from there on, or the block is text


@cache
def drop_trailer_rules() -> tuple[TrailerRule, ...]:
    return tuple(
        TrailerRule(r["rule"], re.compile(r["start"], re.MULTILINE), re.compile(r["confirm"]))
        for r in load_yaml("cleaning.yaml").get("drop_trailers", [])
    )


@cache
def markdown_prefix() -> re.Pattern:
    return re.compile(load_yaml("cleaning.yaml")["markdown_prefix"])


@cache
def censor_rules() -> dict[str, tuple[str, frozenset[str]]]:
    """Mask letter -> (restored character, words that contain it)."""
    return {
        letter: (spec["char"], frozenset(spec["words"]))
        for letter, spec in load_yaml("censor.yaml").items()
    }


@cache
def rules_fingerprint() -> str:
    """A hash of every rule file and of the text core's code: the pipeline version's suffix."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*DATA.iterdir(), *here.glob("*.py")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def trie_pattern(words) -> re.Pattern:
    """A regex matching any of `words`, longest first, built as a trie (`招(?:商(?:引资)?)`):
    Python's regex engine walks it far faster than a flat alternation of hundreds of words."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(render(trie))
