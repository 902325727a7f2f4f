"""Text reuse: the passages two reports share, found even when names and figures were changed.

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
3. **Passages.** Shared fingerprints are chained along their diagonals into candidate regions,
   each widened while the skeletons agree and aligned with an edit distance (RapidFuzz), which
   gives its boundaries in both clean texts, its similarity and the substitutions: names and
   figures the copy changed, and words it edited.

Nothing here touches a database: `compare(a, b)` is what `huibao reuse A B` prints, and
ingest stores `fingerprints(skeleton(text))` to find candidates among everything loaded.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np

from .chars import HAN, HAN_RANGES
from .masks import MASK
from .places import units
from .rules import load_lines

K = 8  # characters of a gram
W = 12  # grams of a window: every shared run of K + W - 1 = 19 skeleton characters is seen
MIN_CHARS = 20  # skeleton characters of the shortest passage reported (about 30 of text)
GAP = 40  # skeleton characters between two shared fingerprints of one passage, at most
DRIFT = 6  # how far the two texts may shift against each other inside a passage
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
    numeral = "[一二三四五六七八九十百零〇两]+"
    figures = (
        r"(\d+(?:[.,，]\d+)*(?:\s*[%％‰])?)",
        rf"({MASK.pattern}(?:\s*[%％‰])?)",
        # ordinals (第十四届, 第五次) and the numerals of point markers (三是, 四、, （二）): a copy
        # that adds or drops a point renumbers the others
        rf"第({numeral})",
        rf"(?<![{HAN}])({numeral})(?:是|、)",
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
    code points (all sorted)."""
    by_length: dict[int, list[int]] = {}
    prefixes: dict[int, list[int]] = {}
    initial = np.zeros(0x10000, dtype=bool)
    for name in load_lines("place_names.txt"):
        codes = np.frombuffer(name.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        for n in range(1, len(name) + 1):
            prefixes.setdefault(n, []).append(int(_windows(codes[:n], n)[0]))
        by_length.setdefault(len(name), []).append(prefixes[len(name)][-1])
        if ord(name[0]) < 0x10000:
            initial[ord(name[0])] = True

    def table(hashes: dict[int, list[int]]) -> dict[int, np.ndarray]:
        return {n: np.unique(np.array(h, dtype=np.uint64)) for n, h in hashes.items()}

    return initial, table(by_length), table(prefixes)


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
                found += [(int(i), -n) for i in begins[_sorted_isin(h, names[n])]]
            alive = _sorted_isin(h, prefixes[n])
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
    n = len(skel)
    if n < k:
        return np.empty(0, np.uint64)
    codes = np.frombuffer(skel.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = _windows(codes, k)
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
    return np.unique(np.concatenate(grams)).view(np.int64)


def boilerplate_mask(skel: str, boilerplate: np.ndarray) -> np.ndarray:
    """Which characters of a skeleton lie in a gram that is boilerplate (a sorted array)."""
    return _mask(gram_hashes(skel).view(np.int64), len(skel), boilerplate)


def _mask_between(skel: str, a0: int, a1: int, boilerplate: np.ndarray) -> np.ndarray:
    """`boilerplate_mask` of characters a0 … a1 - 1 only (indexed from a0): the grams that
    reach them."""
    lo = max(0, a0 - K + 1)
    grams = gram_hashes(skel[lo : a1 + K - 1]).view(np.int64)
    starts = np.flatnonzero(_sorted_isin(grams, boilerplate)) + (lo - a0)
    mask = np.zeros(a1 - a0, dtype=bool)
    for start in starts.tolist():
        mask[max(start, 0) : start + K] = True
    return mask


def _mask(grams: np.ndarray, length: int, boilerplate: np.ndarray) -> np.ndarray:
    starts = np.flatnonzero(_sorted_isin(grams, boilerplate))
    mask = np.zeros(length + 1, dtype=np.int32)
    np.add.at(mask, starts, 1)
    np.add.at(mask, starts + K, -1)
    return np.cumsum(mask[:-1]) > 0


@dataclass(slots=True)
class Passage:
    """A passage of text A found in text B: offsets into each clean text."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float  # 1.0: the same words, names and figures aside
    substitutions: list[dict] = field(default_factory=list)  # {"kind", "a", "b"}

    @property
    def chars(self) -> int:
        return self.a_end - self.a_start

    def as_dict(self) -> dict:
        return {
            "a_start": self.a_start, "a_end": self.a_end, "b_start": self.b_start,
            "b_end": self.b_end, "chars": self.chars, "similarity": self.similarity,
            "substitutions": self.substitutions,
        }  # fmt: skip


def compare(
    a: str, b: str, boilerplate: Boilerplate | Iterable[int] = (), min_chars: int = MIN_CHARS
) -> list[Passage]:
    """The passages clean text `a` shares with clean text `b`, in the order of `a`. Fingerprints
    in `boilerplate` (set phrases seen in very many reports) start no passage; a caller that
    compares one text with many makes `Boilerplate(...)` once."""
    if not isinstance(boilerplate, Boilerplate):
        boilerplate = Boilerplate(boilerplate)
    return passages(a, prepared(a), b, prepared(b), boilerplate.hashes, min_chars)


class Boilerplate:
    """The set phrases and the given fingerprints, as one sorted array."""

    __slots__ = ("hashes",)

    def __init__(self, extra: Iterable[int] = ()) -> None:
        self.hashes = np.union1d(set_phrases(), np.fromiter(extra, np.int64))


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
        skel = skeleton(text)
        hashes, positions = _winnow(gram_hashes(skel.text))
        made = self.items[text] = Prepared(skel, hashes, positions, _few(hashes))
        self.held += len(text)
        while self.held > self.chars and len(self.items) > 1:
            old, _ = self.items.popitem(last=False)
            self.held -= len(old)
        return made


_KEPT_PREPARED = _Kept(CACHE_CHARS)


def prepared(text: str) -> Prepared:
    """The skeleton and fingerprints of a text, made once while it is among those compared
    most recently."""
    return _KEPT_PREPARED.get(text)


def passages(
    a: str, pa: Prepared, b: str, pb: Prepared, boiler: np.ndarray, min_chars: int = MIN_CHARS
) -> list[Passage]:
    """`compare`, from what `prepared` made and a `Boilerplate`'s hashes."""
    seeds = _seeds(pa, pb, boiler)
    if not seeds:
        return []
    sa, sb = pa.skeleton, pb.skeleton
    regions = [_widen(sa, sb, r) for r in _chain(seeds)]
    found: list[Passage] = []
    for a0, a1, b0, b1 in _merge(regions):
        if min(a1 - a0, b1 - b0) < min_chars:
            continue  # it cannot hold `min_chars` shared characters (most regions: one seed)
        set_phrase = _mask_between(sa.text, a0, a1, boiler)
        passage = _align(a, sa, a0, a1, b, sb, b0, b1, set_phrase, min_chars)
        if passage is not None:
            found.append(passage)
    return _one_source_each(found)


def _one_source_each(found: list[Passage]) -> list[Passage]:
    """Each stretch of either text in one passage only, the longest: a phrase a report repeats
    (以习近平新时代中国特色社会主义思想为指导) matches every one of its repetitions, but the copy
    came from one of them."""
    kept: list[Passage] = []
    for p in sorted(found, key=lambda p: (-p.chars, p.a_start)):
        if not any(
            _overlap(p.a_start, p.a_end, q.a_start, q.a_end)
            or _overlap(p.b_start, p.b_end, q.b_start, q.b_end)
            for q in kept
        ):
            kept.append(p)
    return sorted(kept, key=lambda p: p.a_start)


def _overlap(s0: int, e0: int, s1: int, e1: int) -> bool:
    """Whether half of the shorter span lies in the other."""
    return min(e0, e1) - max(s0, s1) >= min(e0 - s0, e1 - s1) / 2


def _seeds(pa: Prepared, pb: Prepared, boilerplate: np.ndarray) -> list[tuple[int, int]]:
    """(position in A, position in B) of every fingerprint the two texts share. A fingerprint
    either text repeats more than `REPEATS` times (a table's rows, a phrase pasted over and over)
    says nothing about where a copy lies and would pair every place with every other: it seeds
    nothing, and widening still carries a passage across it."""
    common = np.intersect1d(pa.few, pb.few, assume_unique=True)
    if len(common):
        common = common[~_sorted_isin(common, boilerplate)]
    if not len(common):
        return []
    in_b = _sorted_isin(pb.hashes, common)
    where_b: dict[int, list[int]] = {}
    for h, p in zip(pb.hashes[in_b].tolist(), pb.positions[in_b].tolist(), strict=True):
        where_b.setdefault(h, []).append(p)
    in_a = _sorted_isin(pa.hashes, common)
    seeds = []
    for h, p in zip(pa.hashes[in_a].tolist(), pa.positions[in_a].tolist(), strict=True):
        seeds += [(p, q) for q in where_b[h]]
    seeds.sort()
    return seeds


def _sorted_isin(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """`np.isin(values, table)` for a sorted `table`, by binary search (no sort of `values`)."""
    if not len(table):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


def _few(hashes: np.ndarray) -> np.ndarray:
    """The distinct hashes that occur at most `REPEATS` times."""
    values, counts = np.unique(hashes, return_counts=True)
    return values[counts <= REPEATS]


def _chain(seeds: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Seeds joined into regions (a0, a1, b0, b1) of the skeletons: a seed extends a chain when
    it follows it closely in both texts on nearly the same diagonal."""
    chains: list[list[int]] = []  # [a0, a1, b0, b1, last_a, last_b, diagonal]
    for p, q in seeds:
        for c in reversed(chains[-8:]):
            if (
                0 <= p - c[4] <= GAP
                and 0 <= q - c[5] <= GAP + DRIFT
                and abs((q - p) - c[6]) <= DRIFT
            ):
                c[1], c[3] = max(c[1], p + K), max(c[3], q + K)
                c[4], c[5] = p, q
                break
        else:
            chains.append([p, p + K, q, q + K, p, q, q - p])
    return [(c[0], c[1], c[2], c[3]) for c in chains]


def _widen(
    sa: Skeleton, sb: Skeleton, region: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    """A region widened while the two skeletons agree just outside it, up to a paragraph break
    in either text (a copy begins and ends with its sentences: what agrees across a break is a
    set phrase both texts happen to use)."""
    a0, a1, b0, b1 = region
    x, y = sa.text, sb.text
    # back: not across the last break at or before a0 (or b0); ahead: not past the next one
    back = min(a0 - _break_before(sa, a0), b0 - _break_before(sb, b0))
    ahead = min(_break_after(sa, a1) - a1, _break_after(sb, b1) - b1)
    back = _agreeing_back(x, a0, y, b0, back)
    ahead = _agreeing_ahead(x, a1, y, b1, ahead)
    return a0 - back, a1 + ahead, b0 - back, b1 + ahead


def _break_before(s: Skeleton, i: int) -> int:
    """The last paragraph break at or before character i (0 when none)."""
    k = bisect_right(s.paragraphs, i)
    return s.paragraphs[k - 1] if k else 0


def _break_after(s: Skeleton, i: int) -> int:
    """The first paragraph break at or after character i (the length when none)."""
    k = bisect_left(s.paragraphs, i)
    return s.paragraphs[k] if k < len(s.paragraphs) else len(s.text)


def _agreeing_ahead(x: str, i: int, y: str, j: int, limit: int) -> int:
    """How many characters x[i:] and y[j:] share at their start, at most `limit`, compared a
    block at a time (mostly they differ within a few characters)."""
    done, block = 0, 8
    while done < limit:
        n = min(block, limit - done)
        if x[i + done : i + done + n] != y[j + done : j + done + n]:
            return done + next(k for k in range(n) if x[i + done + k] != y[j + done + k])
        done, block = done + n, block * 4
    return limit


def _agreeing_back(x: str, i: int, y: str, j: int, limit: int) -> int:
    """How many characters x[:i] and y[:j] share at their end, at most `limit`."""
    done, block = 0, 8
    while done < limit:
        n = min(block, limit - done)
        if x[i - done - n : i - done] != y[j - done - n : j - done]:
            return done + next(k for k in range(n) if x[i - done - 1 - k] != y[j - done - 1 - k])
        done, block = done + n, block * 4
    return limit


def _merge(regions: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Regions that overlap or nearly meet in both texts along nearly the same diagonal, as one
    (regions that meet across a diagonal, such as two sentences the copy swapped, stay apart)."""
    out: list[list[int]] = []
    for r in sorted(regions):
        for last in reversed(out[-8:]):
            same_diagonal = abs((r[2] - r[0]) - (last[2] - last[0])) <= DRIFT
            # a word edited between two regions on one diagonal, which widening could not cross
            if same_diagonal and r[0] <= last[1] + K and last[2] <= r[2] <= last[3] + K:
                last[1], last[3] = max(last[1], r[1]), max(last[3], r[3])
                break
        else:
            out.append(list(r))
    return [tuple(r) for r in out]


def _align(
    a: str, sa: Skeleton, a0: int, a1: int, b: str, sb: Skeleton, b0: int, b1: int,
    set_phrase: np.ndarray, min_chars: int,
) -> Passage | None:  # fmt: skip
    """The passage a region holds, trimmed to what the two texts share at its ends; none when
    fewer than `min_chars` of its shared skeleton characters are outside boilerplate."""
    from rapidfuzz.distance import Levenshtein

    x, y = sa.text[a0:a1], sb.text[b0:b1]
    ops = [op for op in Levenshtein.opcodes(x, y)]
    # trim what is not shared at either end
    while ops and ops[0].tag != "equal":
        ops.pop(0)
    while ops and ops[-1].tag != "equal":
        ops.pop()
    if not ops:
        return None
    xa0, xa1 = a0 + ops[0].src_start, a0 + ops[-1].src_end
    yb0, yb1 = b0 + ops[0].dest_start, b0 + ops[-1].dest_end
    same = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    own = sum(
        int((~set_phrase[op.src_start : op.src_end]).sum()) for op in ops if op.tag == "equal"
    )
    if own < min_chars:
        return None
    length = max(xa1 - xa0, yb1 - yb0)
    substitutions: list[dict] = []
    for op in ops:
        if op.tag == "equal":
            for ia in sa.symbols_between(a0 + op.src_start, a0 + op.src_end):
                ib = ia - (a0 + op.src_start) + b0 + op.dest_start
                wa = a[sa.starts[ia] : sa.end(ia)]
                wb = b[sb.starts[ib] : sb.end(ib)]
                if wa != wb:
                    kind = "name" if sa.text[ia] == NAME else "figure"
                    substitutions.append({"kind": kind, "a": wa, "b": wb})
        else:
            ia0, ia1 = a0 + op.src_start, a0 + op.src_end
            ib0, ib1 = b0 + op.dest_start, b0 + op.dest_end
            wa = a[sa.starts[ia0] : sa.end(ia1 - 1)] if ia1 > ia0 else ""
            wb = b[sb.starts[ib0] : sb.end(ib1 - 1)] if ib1 > ib0 else ""
            substitutions.append({"kind": "text", "a": wa, "b": wb})
    return Passage(
        a_start=sa.starts[xa0],
        a_end=_closed(a, sa.starts[xa0], sa.end(xa1 - 1)),
        b_start=sb.starts[yb0],
        b_end=_closed(b, sb.starts[yb0], sb.end(yb1 - 1)),
        similarity=round(same / length, 3),
        substitutions=substitutions,
    )


@dataclass(frozen=True, slots=True)
class Issuer:
    """What decides how two reports relate: who issued them and when."""

    year: int | None = None
    period: str | None = None
    admin_level: str | None = None
    org: str | None = None
    place: str | None = None


# how high a level stands (county and district, township and subdistrict are peers)
_RANK = {
    "national": 0, "province": 1, "city": 2, "county": 3, "district": 3,
    "township": 4, "subdistrict": 4,
}  # fmt: skip
_PERIOD_END = {"Q1": 1, "H1": 2, "Q2": 2, "Q3": 3, "H2": 4, "Q4": 4, "FY": 4}


def relation(a: Issuer, b: Issuer) -> str:
    """`self`: one issuer (the same body of the same place), in other years or periods;
    `vertical`: issuers of different levels (a county's text in a township's report);
    `horizontal`: peers, or issuers whose levels are unknown."""
    if (a.org or a.place) and (a.org, a.place) == (b.org, b.place):
        return "self"
    ra, rb = _RANK.get(a.admin_level or ""), _RANK.get(b.admin_level or "")
    if ra is not None and rb is not None and ra != rb:
        return "vertical"
    return "horizontal"


def earlier(a: Issuer, b: Issuer) -> int | None:
    """0 when `a` was written first, 1 when `b` was, None when their years and periods do not
    tell (a report is written after the period it reports on ends)."""
    if a.year is None or b.year is None:
        return None
    ka = (a.year, _PERIOD_END.get(a.period or ""))
    kb = (b.year, _PERIOD_END.get(b.period or ""))
    if ka[0] != kb[0]:
        return 0 if ka[0] < kb[0] else 1
    if ka[1] is None or kb[1] is None or ka[1] == kb[1]:
        return None
    return 0 if ka[1] < kb[1] else 1


_CLOSING = "。；！？!?;”’」』）)》"


def _closed(text: str, start: int, end: int) -> int:
    """A passage's end, with the punctuation that closes its last sentence, and without the
    start of a paragraph it only touches (the marker of the next point, 三是)."""
    cut = text.rfind("\n", start, end)
    if cut > start and end - cut <= K:
        end = cut
        while end > start and text[end - 1].isspace():
            end -= 1
    while end < len(text) and text[end] in _CLOSING:
        end += 1
    return end


_DIFF_TOKEN = re.compile(r"\d+(?:[.,，]\d+)*\s*[%％‰]?|[A-Za-z]+|.", re.S)


def diff(a: str, b: str) -> list[tuple[str, str, str]]:
    """Two versions of a passage as (tag, piece of a, piece of b): `equal` where they agree,
    `replace`, `delete` or `insert` where the copy changed them, a figure always whole (so
    that 356.8 → 212.4 is one change, not three digits)."""
    from rapidfuzz.distance import Levenshtein

    ta, tb = _DIFF_TOKEN.findall(a), _DIFF_TOKEN.findall(b)
    return [
        (op.tag, "".join(ta[op.src_start : op.src_end]), "".join(tb[op.dest_start : op.dest_end]))
        for op in Levenshtein.opcodes(ta, tb)
    ]


def shared_share(text_length: int, spans: Iterable[tuple[int, int]]) -> float:
    """The share of a text covered by `spans` (start, end), each character counted once."""
    covered = 0
    last = 0
    for start, end in sorted(spans):
        start = max(start, last)
        if end > start:
            covered += end - start
            last = end
    return round(covered / text_length, 4) if text_length else 0.0
