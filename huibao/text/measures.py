"""Units of measure, counters and magnitude words (`data/measures.yaml`), as the patterns that
read figures take them: longest first, so that an alternation prefers 平方公里 to 平方."""

from __future__ import annotations

import re
from functools import cache

from .rules import load_yaml


@cache
def measures() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in load_yaml("measures.yaml").items()}


def alternation(*lists: str) -> str:
    """A regex alternation of the words of the named lists, longest first."""
    words = {w for name in lists for w in measures()[name]}
    return "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w))))
