"""Hard-wrapped text: which lines a file's layout broke at a fixed width.

A text copied out of a PDF or a site's fixed-width page is wrapped: a paragraph runs over lines
of one width, in characters (a site) or in display columns (a PDF, where a half-width digit
takes half the room of a Chinese character), and only its last line is shorter. Such a line
ends wherever the width fell, mid-sentence and mid-heading, and the next line may begin with
what reads as a marker (`…坚持质量第` / `一、效益优先…`). A file with a paragraph per line has no
such width: its long lines end their sentences, at all lengths.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_CHARS = 20  # shorter lines (headings, names, dates) say nothing about a wrap width
MIN_LINES = 5  # lines ending mid-sentence at one width before a file counts as wrapped
SHARE = 0.35  # … and their share of the file's lines of at least MIN_CHARS
# how far short of the width a wrapped line may end: a character that may not begin a line
# (`。`, `）`) is pulled back onto the line before, one character or two columns; in columns,
# a Chinese character that does not fit leaves one empty
TOLERANCE = {"characters": 1, "columns": 3}
STRICT = {"characters": 0, "columns": 1}  # for a line that may as well end where it does


def columns(text: str) -> int:
    """Display width: two columns for a wide (Chinese, full-width) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_MEASURES: dict[str, Callable[[str], int]] = {"characters": len, "columns": columns}


@dataclass(frozen=True, slots=True)
class Wrap:
    """The width a file was wrapped at, in characters or in display columns."""

    measure: str
    width: int

    def reaches(self, line: str, strict: bool = False) -> bool:
        """Whether `line` (as the layout set it) reaches the width: within the tolerance, or
        `strict`ly, for a line that may as well end where it does (a heading)."""
        slack = (STRICT if strict else TOLERANCE)[self.measure]
        return len(line) >= MIN_CHARS and _MEASURES[self.measure](line) >= self.width - slack


def wrap_of(lines: Sequence[str], ended: Sequence[bool]) -> Wrap | None:
    """The width a file was wrapped at, from its lines as the layout set them and whether
    each ends a sentence: enough of its long lines end mid-sentence at one width, counted in
    whichever measure (characters or columns) more of them agree on. None for a file that is
    not wrapped."""
    long = [line for line in lines if len(line) >= MIN_CHARS]
    unended = [
        line for line, e in zip(lines, ended, strict=True) if len(line) >= MIN_CHARS and not e
    ]
    best: tuple[int, Wrap] | None = None
    for name, measure in _MEASURES.items():
        tolerance = TOLERANCE[name]
        broken = Counter(measure(line) for line in unended)

        def near(width: int, tolerance: int = tolerance, broken: Counter = broken) -> int:
            return sum(broken[width - k] for k in range(tolerance + 1))

        width = max(broken, key=lambda w: (near(w), w), default=0)
        agreeing = near(width)
        enough = agreeing >= MIN_LINES and agreeing >= SHARE * len(long)
        if enough and (best is None or agreeing > best[0]):
            best = (agreeing, Wrap(name, width))
    return best[1] if best else None
