"""The skeleton of a text and its fingerprints: what text reuse compares (huibao.text.reuse).

1. **Skeleton.** Each text is reduced to the characters that carry its wording, with a map back
   to the clean text: punctuation and spaces dropped, a run of digits or a masked figure
   (`356.8`, `**`, `xx.x`) written as one symbol, a place name (`data/place_names.txt`, or any
   name ending in a unit word such as 镇, 县, 街道) as another, Latin letters folded to lower case.
   `全县地区生产总值完成356.8亿元，同比增长5.6%` and `全市地区生产总值完成1,024亿元…` differ only
   in what the symbols stand for.
2. **Fingerprints** by winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003): the hashes of
   every `K`-character gram of the skeleton, of which each window of `W` consecutive grams keeps
   its smallest. Every run of at least `K + W - 1` skeleton characters two texts share yields a
   fingerprint both keep; most runs of `K` do.

`prepared(text)` makes both once and keeps them for the texts compared most recently.
"""

from __future__ import annotations

import re
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np

from .chars import HAN, HAN_RANGES
from .masks import MASK
from .numerals import NUMERAL_CHARS
from .places import units
from .rules import load_lines

K = 8  # characters of a gram
W = 12  # grams of a window: every shared run of K + W - 1 = 19 skeleton characters is seen
REPEATS = 3  # a fingerprint a text holds more often than this seeds nothing in it
NAME, FIGURE = "\ue010", "\ue011"  # the skeleton's symbols (private-use characters)


@dataclass(frozen=True, slots=True, eq=False)
class Skeleton:
    """`text[i]` stands for `clean[starts[i]:end(i)]`: one character, or for a symbol (NAME,
    FIGURE) the span of the name or figure it replaced. Kept compact (a process keeps the
    skeletons of the reports it compares most): offsets as int arrays, the ends of the
    symbols' spans only, and the paragraph breaks as the i of each character a break precedes."""

    text: str
    starts: Sequence[int]
    symbols: Sequence[int] = ()  # the i of every symbol, ascending
    symbol_ends: Sequence[int] = ()  # where the span of each ends in the clean text
    paragraphs: Sequence[int] = ()  # the i of every character a paragraph break precedes

    def end(self, i: int) -> int:
        k = bisect_left(self.symbols, i)
        if k < len(self.symbols) and self.symbols[k] == i:
            return self.symbol_ends[k]
        return self.starts[i] + 1

    @property
    def ends(self) -> list[int]:
        return [self.end(i) for i in range(len(self.text))]

    def symbols_between(self, i: int, j: int) -> Sequence[int]:
        """The i of the symbols in text[i:j]."""
        return self.symbols[bisect_left(self.symbols, i) : bisect_left(self.symbols, j)]


@cache
def _symbols() -> tuple[tuple[re.Pattern, str], ...]:
    """The patterns of figures and of names the list lacks, each with its symbol: the span of
    group 1, or of the match. Each is its own pass: an alternation of them is several times
    slower."""
    unit = "|".join(map(re.escape, units()))
    digit = f"[{NUMERAL_CHARS}]"
    numeral = f"{digit}+"
    figures = (
        r"(\d+(?:[.,，]\d+)*(?:\s*[%％‰])?)",
        rf"({MASK.pattern}(?:\s*[%％‰])?)",
        # ordinals (第十四届, 第五次) and the numerals of point markers (三是, 四、, （二）): a copy
        # that adds or drops a point renumbers the others
        rf"第({numeral})",
        # not inside a run of Chinese (looked at from the first numeral: see MASK)
        rf"({digit}(?<![{HAN}]{digit}){digit}*)(?:是|、)",
        rf"[（(]({numeral})[）)]",
    )
    # a name the list lacks (桃源镇, 青山县) only where a run of Chinese starts: inside a run,
    # any two characters before 市 or 区 (推进城市, 全面推进城区) would pass for one
    unlisted = rf"(?<![{HAN}\dxX*＊])((?:[{HAN}]{{2,3}}|[xX×*＊]{{1,4}})(?:{unit}))"
    return (*((re.compile(f), FIGURE) for f in figures), (re.compile(unlisted), NAME))


@cache
def _place_names() -> tuple[np.ndarray, dict[int, np.ndarray], dict[int, np.ndarray]]:
    """The listed place names: which code points begin one (a table over the BMP), by length
    the hashes of their code points, and by length the hashes of every name's first that many
    code points (all sorted). Made with a step per character position, not per name: every
    process that makes skeletons makes these."""
    names = [name for name in load_lines("place_names.txt") if name]
    lengths = np.array([len(name) for name in names])
    codes = codes_of("".join(names)).astype(np.uint64)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    initial = np.zeros(0x10000, dtype=bool)
    first = codes[starts]
    initial[first[first < 0x10000].astype(np.int64)] = True
    by_length: dict[int, np.ndarray] = {}
    prefixes: dict[int, np.ndarray] = {}
    h = np.zeros(len(names), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, int(lengths.max(initial=0)) + 1):
            long = lengths >= n  # the names with an n-th code point
            h[long] = h[long] * _MULTIPLIER + codes[starts[long] + n - 1]
            prefixes[n] = np.unique(h[long])
            if (lengths == n).any():
                by_length[n] = np.unique(h[lengths == n])
    return initial, by_length, prefixes


def _windows(codes: np.ndarray, n: int) -> np.ndarray:
    """A polynomial hash (mod 2**64) of every `n` consecutive code points."""
    count = len(codes) - n + 1
    h = np.zeros(max(count, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * _MULTIPLIER + codes[j : j + count]
    return h


def _listed_names(codes: np.ndarray) -> list[tuple[int, int]]:
    """Spans of the listed place names, leftmost and longest first, not overlapping (what a
    regex of the names would match, found with a few array passes instead of one regex step
    per character): at each place a name may begin, the hash of the next n code points grows
    one code point at a time while it is the start of some name."""
    initial, names, prefixes = _place_names()
    bmp = codes < 0x10000
    begins = np.flatnonzero(bmp & initial[np.where(bmp, codes, 0)])  # where a name may start
    wide = codes.astype(np.uint64)
    found: list[tuple[int, int]] = []
    h = np.zeros(len(begins), dtype=np.uint64)
    n = 0
    with np.errstate(over="ignore"):
        while len(begins) and n < len(prefixes):
            n += 1
            keep = begins <= len(wide) - n  # the places with n code points left
            begins, h = begins[keep], h[keep] * _MULTIPLIER + wide[begins[keep] + n - 1]
            if n in names:
                found += [(int(i), -n) for i in begins[sorted_isin(h, names[n], True)]]
            alive = sorted_isin(h, prefixes[n], True)
            begins, h = begins[alive], h[alive]
    spans, reach = [], 0
    for start, neg in sorted(found):
        if start >= reach:
            spans.append((start, start - neg))
            reach = start - neg
    return spans


_KEPT = (*HAN_RANGES, (ord("a"), ord("z")))  # Chinese, Latin letters


def skeleton(text: str) -> Skeleton:
    """The skeleton of a clean text (see the module's docstring)."""
    if not text:
        return Skeleton("", array("i"))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    newlines = np.cumsum(codes == ord("\n"))  # before symbols overwrite any of them
    upper = (codes >= ord("A")) & (codes <= ord("Z"))
    codes[upper] += 32  # Latin letters folded to lower case
    keep = np.zeros(len(codes), dtype=bool)
    for low, high in _KEPT:
        keep |= (codes >= low) & (codes <= high)
    ends = np.zeros(len(codes), dtype=np.int64)  # of the spans symbols replace
    spans = [(m.span(1), symbol) for pattern, symbol in _symbols() for m in pattern.finditer(text)]
    spans += [(span, NAME) for span in _listed_names(codes)]
    for (start, end), symbol in spans:  # in this order: a name wins over a figure
        keep[start:end] = False
        keep[start] = True
        codes[start] = ord(symbol)
        ends[start] = end
    at = np.flatnonzero(keep)
    kept, spans_end = codes[at], ends[at]
    symbols = np.flatnonzero(spans_end)
    after = at + 1
    after[symbols] = spans_end[symbols]
    # a break before character i: a newline between the end of i - 1 and the start of i
    breaks = np.flatnonzero(newlines[at[1:] - 1] > newlines[after[:-1] - 1]) + 1
    text = kept.tobytes().decode("utf-32-le")
    return Skeleton(text, _ints(at), _ints(symbols), _ints(after[symbols]), _ints(breaks))


def _ints(values: np.ndarray) -> array:
    out = array("i")
    out.frombytes(values.astype(np.int32).tobytes())
    return out


_MULTIPLIER = np.uint64(0x100000001B3)


def gram_hashes(skel: str, k: int = K) -> np.ndarray:
    """A 64-bit hash of every `k`-character gram of a skeleton (uint64, one per start)."""
    return code_gram_hashes(codes_of(skel), k)


def codes_of(text: str) -> np.ndarray:
    """The code points of a text (uint32)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def code_gram_hashes(codes: np.ndarray, k: int = K) -> np.ndarray:
    """`gram_hashes` of code points."""
    if len(codes) < k:
        return np.empty(0, np.uint64)
    h = _windows(codes.astype(np.uint64), k)
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(29)  # mixed, so that windows do not favour small code points
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return h


def fingerprints(skel: str, k: int = K, w: int = W) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, positions) of the winnowed fingerprints of a skeleton: int64 hashes of the
    grams each window keeps (its rightmost smallest), and where those grams start."""
    return _winnow(gram_hashes(skel, k), w)


def _winnow(h: np.ndarray, w: int = W) -> tuple[np.ndarray, np.ndarray]:
    grams = len(h)
    if not grams:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if grams <= w:
        picked = np.array([grams - 1 - int(np.argmin(h[::-1]))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(h, w)
        rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1)
        picked = np.unique(np.arange(len(windows)) + rightmost)
    return h[picked].view(np.int64), picked.astype(np.int64)


@cache
def set_phrases() -> np.ndarray:
    """The hashes of every gram of the set phrases (`data/set_phrases.txt`): boilerplate in any
    collection, however small."""
    grams = [gram_hashes(skeleton(p).text) for p in load_lines("set_phrases.txt")]
    return np.unique(np.concatenate(grams).view(np.int64))  # sorted as int64


def boilerplate_mask(skel: str, boilerplate: np.ndarray) -> np.ndarray:
    """Which characters of a skeleton lie in a gram that is boilerplate (a sorted array)."""
    return mask_between(skel, 0, len(skel), boilerplate)


def mask_between(skel: str, a0: int, a1: int, boilerplate: np.ndarray) -> np.ndarray:
    """`boilerplate_mask` of characters a0 … a1 - 1 only (indexed from a0): the grams that
    reach them."""
    lo = max(0, a0 - K + 1)
    grams = gram_hashes(skel[lo : a1 + K - 1]).view(np.int64)
    starts = np.flatnonzero(sorted_isin(grams, boilerplate)) + (lo - a0)
    return covered(starts, a1 - a0)


def covered(starts: np.ndarray, n: int) -> np.ndarray:
    """Which of n characters lie in a gram that starts at one of `starts` (some may start
    before the first)."""
    edges = np.bincount(np.maximum(starts, 0), minlength=n + 1) - np.bincount(
        np.minimum(starts + K, n), minlength=n + 1
    )
    return np.cumsum(edges[:n]) > 0


class Prepared(NamedTuple):
    """What comparing a text needs of it, made once."""

    skeleton: Skeleton
    hashes: np.ndarray  # winnowed fingerprints (int64)
    positions: np.ndarray  # where each starts in the skeleton
    few: np.ndarray  # the distinct fingerprints found at most `REPEATS` times


CACHE_CHARS = 5_000_000  # characters of text whose preparation a process keeps (about 50 MB)


class _Kept:
    """The preparations of the texts compared most recently, up to `CACHE_CHARS` characters of
    text: a report is compared with up to 50 others, and a report many copy from with many
    reports (one process loading a corpus meets the same candidates again and again)."""

    def __init__(self, chars: int) -> None:
        self.chars, self.held = chars, 0
        self.items: OrderedDict[str, Prepared] = OrderedDict()

    def get(self, text: str) -> Prepared:
        found = self.items.get(text)
        if found is not None:
            self.items.move_to_end(text)
            return found
        made = self.items[text] = prepare(text)
        self.held += len(text)
        while self.held > self.chars and len(self.items) > 1:
            old, _ = self.items.popitem(last=False)
            self.held -= len(old)
        return made


_KEPT_PREPARED = _Kept(CACHE_CHARS)


def prepare(text: str) -> Prepared:
    """The skeleton and fingerprints of a text, made now (a text met once: a parser process
    fingerprinting what it loads)."""
    skel = skeleton(text)
    hashes, positions = _winnow(gram_hashes(skel.text))
    return Prepared(skel, hashes, positions, _few(hashes))


def prepared(text: str) -> Prepared:
    """The skeleton and fingerprints of a text, made once while it is among those compared
    most recently."""
    return _KEPT_PREPARED.get(text)


def sorted_isin(values: np.ndarray, table: np.ndarray, lasting: bool = False) -> np.ndarray:
    """`np.isin(values, table)` for a sorted `table` of 64-bit integers, without sorting
    `values` (a table is not changed once asked about). Many values against a small table: a
    bitmap of the table's slots rules most out in one step, binary search settles the rest
    (searching for values that come in no order costs ten times the bitmap's step). A
    `lasting` table (one of the process's own, such as the names list's) keeps its bitmap."""
    if not len(table):
        return np.zeros(len(values), bool)
    # the bitmaps of the last few tables: one is asked about again and again (the boilerplate);
    # the deque is copied before it is searched (another thread may add to it)
    recent = tuple(_BITMAPS)
    kept = _LASTING.get(id(table)) or next((k for k in recent if k[0] is table), None)
    if kept is not None:
        _, seen, bits = kept
    elif lasting or len(values) >= 8 * len(table):
        bits = min(max((len(table) * 16).bit_length(), 10), 24)  # 1 in 16 slots taken, or fewer
        seen = np.zeros(1 << bits, bool)
        seen[_slots(table, bits)] = True
        if lasting:
            _LASTING[id(table)] = (table, seen, bits)  # (the table kept: its id stays its own)
        else:
            _BITMAPS.appendleft((table, seen, bits))
    else:
        return _searched(values, table)
    out = seen[_slots(values, bits)]
    maybe = np.flatnonzero(out)
    out[maybe] = _searched(values[maybe], table)
    return out


_BITMAPS: deque[tuple[np.ndarray, np.ndarray, int]] = deque(maxlen=4)
_LASTING: dict[int, tuple[np.ndarray, np.ndarray, int]] = {}
_MIX = np.uint64(0x9E3779B97F4A7C15)  # multiplicative hashing: any keys spread over the slots


def _slots(values: np.ndarray, bits: int) -> np.ndarray:
    keys = values.view(np.uint64) if values.dtype.itemsize == 8 else values.astype(np.uint64)
    with np.errstate(over="ignore"):
        return (keys * _MIX) >> np.uint64(64 - bits)


def _searched(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


def _few(hashes: np.ndarray) -> np.ndarray:
    """The distinct hashes that occur at most `REPEATS` times."""
    values, counts = np.unique(hashes, return_counts=True)
    return values[counts <= REPEATS]


# Packed skeletons (stored with each report). A tag byte, then zlib of: a header (uint32: the
# characters, symbols and paragraph breaks, the bytes of a code point and of a start's gap),
# the paragraph breaks, the code points (2 bytes each unless one needs more), the gaps between
# starts (mostly 1), the symbols and their ends (uint32). What sifting reads, the outline,
# comes first: it is all that is inflated. Rows without the tag (a zlib stream starts with
# 0x78) are the first format: header (n, symbols, paragraphs), then every part as uint32 in the
# order of Skeleton's fields.
_PACKED = b"\x02"
_HEADER = 5 * 4
_WIDTHS = {1: np.uint8, 2: np.uint16, 4: np.uint32}


def pack(skel: Skeleton) -> bytes:
    """A skeleton as compact bytes (what `unpack` reads): a report's skeleton is stored with it,
    so that comparing it again needs neither its text's patterns nor its names list."""
    codes = _narrow(codes_of(skel.text))
    gaps = _narrow(np.diff(np.asarray(skel.starts, dtype=np.int64), prepend=0))
    parts = [
        np.array([len(codes), len(skel.symbols), len(skel.paragraphs), codes.itemsize,
                  gaps.itemsize], dtype=np.uint32),
        np.asarray(skel.paragraphs, dtype=np.uint32),
        codes,
        gaps,
        np.asarray(skel.symbols, dtype=np.uint32),
        np.asarray(skel.symbol_ends, dtype=np.uint32),
    ]  # fmt: skip
    return _PACKED + zlib.compress(b"".join(x.tobytes() for x in parts), 1)


def _narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in the fewest bytes of 1, 2 and 4 that hold them all."""
    top = int(values.max()) if len(values) else 0
    return values.astype(np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.uint32)


def unpack(data: bytes) -> Skeleton:
    """The skeleton `pack` made."""
    if not data.startswith(_PACKED):
        return _unpack_first(data)
    raw = zlib.decompress(memoryview(data)[1:])
    n, symbols, paragraphs, width, gap = np.frombuffer(raw, np.uint32, 5).tolist()
    at = _HEADER + 4 * paragraphs
    breaks = np.frombuffer(raw, np.uint32, paragraphs, _HEADER)
    codes = np.frombuffer(raw, _WIDTHS[width], n, at)
    at += width * n
    starts = np.cumsum(np.frombuffer(raw, _WIDTHS[gap], n, at), dtype=np.int64)
    at += gap * n
    marks = np.frombuffer(raw, np.uint32, 2 * symbols, at)
    return Skeleton(
        codes.astype(np.uint32).tobytes().decode("utf-32-le"), _ints(starts),
        _ints(marks[:symbols]), _ints(marks[symbols:]), _ints(breaks),
    )  # fmt: skip


Outline = tuple[np.ndarray, np.ndarray]  # what `outline` gives


def unpack_outline(data: bytes) -> Outline:
    """The outline of the skeleton `pack` made, without inflating the rest of it."""
    if not data.startswith(_PACKED):
        raw, at = _unpacked(data)
        return raw[at[0] : at[1]], raw[at[4] : at[5]].astype(np.int64)
    inflate = zlib.decompressobj()
    head = inflate.decompress(memoryview(data)[1:], _HEADER)
    n, _, paragraphs, width, _ = np.frombuffer(head, np.uint32).tolist()
    size = 4 * paragraphs + width * n
    body = inflate.decompress(inflate.unconsumed_tail, size) if size else b""
    breaks = np.frombuffer(body, np.uint32, paragraphs).astype(np.int64)
    return np.frombuffer(body, _WIDTHS[width], n, 4 * paragraphs), breaks


def outline(skel: Skeleton) -> Outline:
    """A skeleton's code points and the i of each character a paragraph break precedes: what
    sifting pairs of reports needs of it (huibao.text.reuse_pairs)."""
    return codes_of(skel.text), np.asarray(skel.paragraphs, dtype=np.int64)


def _unpack_first(data: bytes) -> Skeleton:
    """A skeleton packed in the first format."""
    raw, at = _unpacked(data)
    text = raw[at[0] : at[1]].tobytes().decode("utf-32-le")
    starts = np.cumsum(raw[at[1] : at[2]].astype(np.int64))
    return Skeleton(
        text, _ints(starts), _ints(raw[at[2] : at[3]]), _ints(raw[at[3] : at[4]]),
        _ints(raw[at[4] : at[5]]),
    )  # fmt: skip


def _unpacked(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The first format inflated, and where its parts start."""
    raw = np.frombuffer(zlib.decompress(data), dtype=np.uint32)
    n, symbols, paragraphs = (int(x) for x in raw[:3])
    return raw, np.cumsum([3, n, n, symbols, symbols, paragraphs])
