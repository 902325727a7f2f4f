"""Text reuse: the passages two reports share, found even when names and figures were changed.

Each text becomes a skeleton with fingerprints (huibao.text.skeleton): names and figures one
symbol each, so that a copy with its names and figures changed still matches. Shared
fingerprints are chained along their diagonals into candidate regions, each widened while the
skeletons agree and aligned with an edit distance (RapidFuzz), which gives its boundaries in
both clean texts, its similarity and the substitutions: names and figures the copy changed, and
words it edited.

Nothing here touches a database: `compare(a, b)` is what `huibao reuse A B` prints, and
ingest stores the fingerprints of `prepared(text)` to find candidates among everything loaded.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .skeleton import (
    NAME,
    K,
    Prepared,
    Skeleton,
    mask_between,
    prepared,
    set_phrases,
    sorted_isin,
)

MIN_CHARS = 20  # skeleton characters of the shortest passage reported (about 30 of text)
GAP = 40  # skeleton characters between two shared fingerprints of one passage, at most
DRIFT = 6  # how far the two texts may shift against each other inside a passage


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


def passages(
    a: str, pa: Prepared, b: str, pb: Prepared, boiler: np.ndarray, min_chars: int = MIN_CHARS
) -> list[Passage]:
    """`compare`, from what `prepared` made and a `Boilerplate`'s hashes."""
    return aligned(a, pa.skeleton, b, pb.skeleton, _seeds(pa, pb, boiler), boiler, min_chars)


def aligned(
    a: str, sa: Skeleton, b: str, sb: Skeleton, seeds: list[tuple[int, int]],
    boiler: np.ndarray, min_chars: int = MIN_CHARS, mask_a: np.ndarray | None = None,
) -> list[Passage]:  # fmt: skip
    """The passages of two clean texts and their skeletons around `seeds` (position in a,
    position in b, ascending: the fingerprints they share outside `boiler`). `mask_a`:
    `boilerplate_mask(sa.text, boiler)`, when the caller aligns `a` with many."""
    if not seeds:
        return []
    regions = [_widen(sa, sb, r) for r in _chain(seeds)]
    found: list[Passage] = []
    for a0, a1, b0, b1 in _merge(regions):
        if min(a1 - a0, b1 - b0) < min_chars:
            continue  # it cannot hold `min_chars` shared characters (most regions: one seed)
        set_phrase = mask_a[a0:a1] if mask_a is not None else mask_between(sa.text, a0, a1, boiler)
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
        common = common[~sorted_isin(common, boilerplate)]
    if not len(common):
        return []
    in_b = sorted_isin(pb.hashes, common)
    where_b: dict[int, list[int]] = {}
    for h, p in zip(pb.hashes[in_b].tolist(), pb.positions[in_b].tolist(), strict=True):
        where_b.setdefault(h, []).append(p)
    in_a = sorted_isin(pa.hashes, common)
    seeds = []
    for h, p in zip(pa.hashes[in_a].tolist(), pa.positions[in_a].tolist(), strict=True):
        seeds += [(p, q) for q in where_b[h]]
    seeds.sort()
    return seeds


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
