"""Which pairs among many reports can share a passage, found for all of them at once.

Aligning two reports (huibao.text.reuse) costs about a millisecond; a report shares some
fingerprint with hundreds of others (set phrases below the boilerplate limit, a sentence every
plan writes), and few of those pairs hold a passage. So pairs are sifted first, for every new
report at once, with array operations over all their skeletons:

1. **Seeds**: the occurrences of each fingerprint the new reports hold, paired across reports
   (a fingerprint held by more than `most` reports is boilerplate and pairs nothing).
2. **Runs**: seeds of one pair on one diagonal whose grams overlap are one stretch both texts
   share.
3. **Widening**: each run is widened while the two skeletons agree, not across a paragraph
   break, as the aligner does; a run alone on its diagonal that cannot reach `MIN_CHARS` by
   agreeing characters on either side is given up after a few characters.
4. **Passing**: a pair passes when one of its runs, or two runs close together on nearly one
   diagonal (a word edited between them), hold `MIN_CHARS` skeleton characters outside
   boilerplate in either text: the aligner's own test, which it then applies exactly.

Nothing here touches a database: the caller gives the occurrences and the skeletons.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .reuse import DRIFT, GAP, MIN_CHARS
from .skeleton import (
    REPEATS,
    K,
    Outline,
    Prepared,
    code_gram_hashes,
    covered,
    sorted_isin,
)

PARTNERS = 50  # reports aligned with a new one at most, those sharing most with it first
SEEDS = 4_000_000  # seeds one call sifts at most (about 230 bytes each at the peak)
_QUICK = (MIN_CHARS - K + 1) // 2  # what a run of one gram lacks on one side at least
_DENSE = 4  # runs a corpus character at least, for hashing the whole corpus to pay
_NEAR = 3  # runs apart in a pair's order by start that may still be one passage
_BREAK = np.uint32(1 << 31)  # a paragraph starts here (code points use 21 bits)


class TooManySeeds(Exception):
    """The reports asked for pair into more seeds than one call may hold: ask for fewer."""


@dataclass(frozen=True, slots=True)
class Prints:
    """Fingerprint occurrences of many reports: hash, report, where its gram starts in the
    report's skeleton (int64 arrays of one length)."""

    hashes: np.ndarray
    docs: np.ndarray
    positions: np.ndarray

    @classmethod
    def of(cls, doc: int, prepared: Prepared) -> Prints:
        n = len(prepared.hashes)
        return cls(prepared.hashes, np.full(n, doc, np.int64), prepared.positions)

    @classmethod
    def join(cls, parts: Iterable[Prints]) -> Prints:
        parts = list(parts)
        if not parts:
            return cls(*(np.empty(0, np.int64) for _ in range(3)))
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__slots__))


def pairs(
    prints: Prints,
    outlines: Mapping[int, Outline],
    new: Collection[int],
    boilerplate: np.ndarray,
    most: int,
    partners: int = PARTNERS,
    seeds: int | None = None,
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """The pairs (a, b), a < b, of reports with a new one among them that may share a passage,
    each with its seeds (position in a, position in b, ascending), at most `partners` for
    each new report. `prints`: the occurrences in the new reports and in every report holding
    one of their fingerprints; `outlines`: of all those reports' skeletons; `boilerplate`:
    sorted hashes that pair nothing (set phrases, and those more than `most` reports hold).
    Raises TooManySeeds when the new reports pair into more than `seeds` seeds."""
    ids = np.array(sorted(outlines), dtype=np.int64)
    new_at = np.searchsorted(ids, np.fromiter(new, np.int64))
    at = np.searchsorted(ids, prints.docs)  # reports by their index in `ids` from here on
    found = Prints(prints.hashes, at, prints.positions)
    da, pa, db, pb = _seeds(found, new_at, boilerplate, most, seeds)
    if not len(da):
        return {}
    corpus = _Corpus([outlines[i] for i in ids.tolist()], boilerplate)
    runs = _Runs.of(corpus, da, pa, db, pb)
    ahead, back, live = _widen(corpus, runs)
    held = _held(corpus, runs, ahead, back, live)
    # every seed of a pair chosen: the aligner chains them (a short stretch can join two)
    keep = sorted_isin(_pair_key(da, db), _best(runs, held, new_at, partners))
    da, pa, db, pb = ids[da[keep]], pa[keep], ids[db[keep]], pb[keep]
    order = np.lexsort((pb, pa, db, da))
    found: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b, p, q in zip(da[order].tolist(), db[order].tolist(), pa[order].tolist(),
                          pb[order].tolist(), strict=True):  # fmt: skip
        found.setdefault((a, b), []).append((p, q))
    return found


def _seeds(
    prints: Prints, new: np.ndarray, boilerplate: np.ndarray, most: int, limit: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(doc a, position in a, doc b, position in b), a < b, of every occurrence of a new
    report's fingerprint paired with each occurrence of it in another report (TooManySeeds
    when there would be more than `limit`)."""
    h, d, p = prints.hashes, prints.docs, prints.positions
    if not len(h):
        return (np.empty(0, np.int64),) * 4
    order = np.lexsort((p, d, h))
    h, d, p = h[order], d[order], p[order]
    # a fingerprint a report repeats more than REPEATS times says nothing about where a copy is
    same = np.r_[True, (h[1:] != h[:-1]) | (d[1:] != d[:-1])]
    run = np.cumsum(same) - 1
    keep = np.bincount(run)[run] <= REPEATS
    keep &= ~sorted_isin(h, boilerplate)
    h, d, p, first_of_doc = h[keep], d[keep], p[keep], same[keep]
    if not len(h):
        return (np.empty(0, np.int64),) * 4
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, len(h)])
    holders = np.add.reduceat(first_of_doc.astype(np.int64), starts)
    usable = (holders >= 2) & (holders <= most)
    group = np.repeat(np.arange(len(starts)), sizes)
    # each occurrence in a new report with every occurrence of its group
    is_new = np.isin(d, new)
    left = np.flatnonzero(is_new & usable[group])
    count = sizes[group[left]]
    if limit is not None and count.sum() > limit:
        raise TooManySeeds(int(count.sum()))
    i = np.repeat(left, count)
    j = starts[group[i]] + (np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count))
    # other reports only, and a pair of two new reports once
    ok = (d[i] != d[j]) & (~is_new[j] | (d[i] < d[j]))
    i, j = i[ok], j[ok]
    swap = d[i] > d[j]
    a, b = np.where(swap, j, i), np.where(swap, i, j)
    return d[a], p[a], d[b], p[b]


class _Corpus:
    """The skeletons side by side, each report's first character and each paragraph's
    flagged; made as needed: how many characters outside boilerplate come before each (in
    the reports asked for), and the hash of the `_QUICK` characters from each."""

    def __init__(self, outlines: list[Outline], boilerplate: np.ndarray) -> None:
        edge = np.full(_QUICK + 1, _BREAK, np.uint32)  # nothing agrees across it
        parts, offsets, at = [edge], [], len(edge)
        for text, paragraphs in outlines:
            codes = text.astype(np.uint32)  # a copy
            codes[paragraphs] |= _BREAK
            codes[:1] |= _BREAK
            parts += [codes, edge]
            offsets.append(at)
            at += len(codes) + len(edge)
        self.offsets = np.array([*offsets, at], dtype=np.int64)  # and where the last ends
        self.codes = np.concatenate(parts)
        self.boilerplate = boilerplate
        self.own = np.zeros(len(self.codes) + 1, np.int64)
        self._quick: np.ndarray | None = None

    def at(self, docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
        return self.offsets[docs] + positions

    def count_own(self, starts: np.ndarray, ends: np.ndarray) -> None:
        """Make `own` around the stretches starts … ends: own[j] - own[i] is the characters
        outside boilerplate in i … j - 1 when both lie in one (a stretch reaches GAP + DRIFT
        further, so that two runs near one another lie in one)."""
        if not len(starts):
            return
        reach = GAP + DRIFT + K
        lo = np.maximum(starts - reach, 0)
        hi = np.minimum(ends + reach, len(self.codes))
        order = np.argsort(lo, kind="stable")
        lo, hi = lo[order], np.maximum.accumulate(hi[order])
        # merged: a stretch starts where it does not overlap the ones before it
        first = np.r_[True, lo[1:] > hi[:-1]]
        lo, hi = lo[first], np.r_[hi[np.flatnonzero(first)[1:] - 1], hi[-1]]
        sizes = hi - lo
        if sizes.sum() * 2 > len(self.codes):  # most of it: all of it, in one go
            lo, sizes = np.array([0]), np.array([len(self.codes)])
        at = np.repeat(lo - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(sizes.sum())
        plain = self.codes[at] & ~_BREAK
        grams = code_gram_hashes(plain).view(np.int64)
        common = np.flatnonzero(sorted_isin(grams, self.boilerplate))
        before = np.r_[0, np.cumsum(~covered(common, len(plain)))]
        self.own[at] = before[:-1]
        self.own[at[-1] + 1] = before[-1]

    def own_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return self.own[end] - self.own[start]

    @property
    def quick(self) -> np.ndarray:
        if self._quick is None:
            self._quick = code_gram_hashes(self.codes & ~_BREAK, _QUICK)
            self.flags = np.r_[0, np.cumsum(self.codes & _BREAK != 0)]
        return self._quick

    def quick_ahead(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether the `_QUICK` characters from i and j agree, none starting a paragraph."""
        quick, f = self.quick, self.flags
        return (quick[i] == quick[j]) & (f[i + _QUICK] == f[i]) & (f[j + _QUICK] == f[j])

    def quick_back(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether the `_QUICK` characters before i and j agree, widening back from i and j
        (neither starts a paragraph, and only the first of them may)."""
        quick, f, q = self.quick, self.flags, _QUICK
        return (
            (quick[i - q] == quick[j - q])
            & (f[i + 1] == f[i - q + 1]) & (f[j + 1] == f[j - q + 1])
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Runs:
    """Stretches two reports share around their seeds, in the order of their pairs and then of
    their starts in a: the pair (doc a, doc b), where each starts in the corpus in both texts
    and in a's skeleton, and how long it is."""

    a: np.ndarray
    b: np.ndarray
    ia: np.ndarray
    ib: np.ndarray
    a0: np.ndarray
    length: np.ndarray
    near: tuple[np.ndarray, ...]  # k - 1: whether run i + k is near run i (`_near`)

    @classmethod
    def of(
        cls, corpus: _Corpus, da: np.ndarray, pa: np.ndarray, db: np.ndarray, pb: np.ndarray
    ) -> _Runs:
        ia, ib = corpus.at(da, pa), corpus.at(db, pb)
        # one sort by pair, start in a and start in b: (pair, a0, b0) as one integer, which no
        # two seeds share (an unstable sort is several times faster than a stable one)
        n = len(corpus.offsets)
        pair = da * n + db
        sa, sb = (max(int(x.max()).bit_length(), 1) for x in (pa, pb))
        if (n * n).bit_length() + sa + sb < 63:
            order = np.argsort(pair << (sa + sb) | pa << sb | pb)
        else:
            order = np.lexsort((pb, pa, pair))
        pair, ia, ib, a0 = pair[order], ia[order], ib[order], pa[order]
        diag = ib - ia
        # one run while the grams overlap or touch on one diagonal: all between agrees
        start = np.r_[True, (pair[1:] != pair[:-1]) | (diag[1:] != diag[:-1])
                      | (a0[1:] - a0[:-1] > K)]  # fmt: skip
        first = np.flatnonzero(start)
        last = np.r_[first[1:], len(pair)] - 1
        a, b, length = pair[first] // n, pair[first] % n, a0[last] + K - a0[first]
        ia, ib, a0 = ia[first], ib[first], a0[first]
        near = tuple(_near(a, b, a0, length, ib - ia, k) for k in range(1, _NEAR + 1))
        return cls(a, b, ia, ib, a0, length, near)


def _near(
    a: np.ndarray, b: np.ndarray, a0: np.ndarray, length: np.ndarray, diag: np.ndarray, k: int
) -> np.ndarray:
    """Whether run i + k (of the same pair) starts within GAP after run i ends, on nearly its
    diagonal (one passage with a word edited between them)."""
    same = (a[k:] == a[:-k]) & (b[k:] == b[:-k])
    close = a0[k:] - (a0[:-k] + length[:-k]) <= GAP
    return same & close & (np.abs(diag[k:] - diag[:-k]) <= DRIFT)


def _pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a << 32 | b


def _widen(corpus: _Corpus, runs: _Runs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How far each run's two texts agree after it and before it, and whether it was widened
    (a run alone on its diagonal that does not agree for half of what it lacks on either side
    is given up)."""
    ea, eb = runs.ia + runs.length, runs.ib + runs.length
    need = np.maximum((MIN_CHARS - runs.length + 1) // 2, 0)
    # most runs are a single gram: with many, hashes of the corpus check them in one step
    one = need == _QUICK if len(ea) * _DENSE >= len(corpus.codes) else np.zeros(len(ea), bool)
    live = np.zeros(len(ea), bool)
    if one.any():  # (hashing the corpus costs as much as many runs)
        ahead = corpus.quick_ahead(ea[one], eb[one])
        live[one] = ahead | corpus.quick_back(runs.ia[one], runs.ib[one])
    rest = np.flatnonzero(~one)
    reach = int(need[rest].max()) if len(rest) else 0
    live[rest] = _agreeing(corpus.codes, ea[rest], eb[rest], 1, reach) >= need[rest]
    live[rest] |= _agreeing(corpus.codes, runs.ia[rest], runs.ib[rest], -1, reach) >= need[rest]
    for k in range(1, _NEAR + 1):
        near = runs.near[k - 1]
        live[k:] |= near
        live[:-k] |= near
    go = np.flatnonzero(live)
    ahead = np.zeros(len(ea), np.int64)
    back = np.zeros(len(ea), np.int64)
    ahead[go] = _agreeing(corpus.codes, ea[go], eb[go], 1)
    back[go] = _agreeing(corpus.codes, runs.ia[go], runs.ib[go], -1)
    return ahead, back, live


def _agreeing(
    codes: np.ndarray, i: np.ndarray, j: np.ndarray, step: int, limit: int | None = None
) -> np.ndarray:
    """How many characters agree from i and j on (step 1) or before them (step -1), at most
    `limit`, as the aligner widens: ahead not into a new paragraph, back up to the first
    character of the paragraph, none when the run starts one."""
    out = np.zeros(len(i), np.int64)
    alive = np.arange(len(i))
    x, y = i.copy(), j.copy()
    if step < 0:
        alive = alive[(codes[x] | codes[y]) & _BREAK == 0]
        x, y = x - 1, y - 1
    n = 0
    while len(alive) and (limit is None or n < limit):
        cx, cy = codes[x[alive]], codes[y[alive]]
        same = (cx ^ cy) & ~_BREAK == 0
        starts = (cx | cy) & _BREAK != 0
        if step > 0:
            same &= ~starts
        else:  # the first character of a paragraph is taken, and ends the agreement
            out[alive[same & starts]] += 1
            same &= ~starts
        alive = alive[same]
        out[alive] += 1
        x[alive] += step
        y[alive] += step
        n += 1
    return out


def _held(
    corpus: _Corpus, runs: _Runs, ahead: np.ndarray, back: np.ndarray, live: np.ndarray
) -> np.ndarray:
    """Per run, the characters outside boilerplate it holds widened, alone or with one close
    before it (the larger of the two texts' counts); a run given up, or too short alone with
    none near it, holds none."""
    sa, sb = runs.ia - back, runs.ib - back
    ea, eb = runs.ia + runs.length + ahead, runs.ib + runs.length + ahead
    # a run counts when it is long enough alone, or with one near it
    near = np.zeros(len(sa), bool)
    for k in range(1, _NEAR + 1):
        joined = runs.near[k - 1]
        near[k:] |= joined
        near[:-k] |= joined
    counted = np.flatnonzero(live & ((ea - sa >= MIN_CHARS) | near))
    sa, sb, ea, eb = sa[counted], sb[counted], ea[counted], eb[counted]
    corpus.count_own(np.r_[sa, sb], np.r_[ea, eb])
    held = np.zeros(len(live), np.int64)
    held[counted] = np.maximum(corpus.own_between(sa, ea), corpus.own_between(sb, eb))
    # a run near one before it: the two together (both are counted)
    at = np.full(len(live), -1)
    at[counted] = np.arange(len(counted))
    for k in range(1, _NEAR + 1):
        first = np.flatnonzero(runs.near[k - 1])
        i, j = at[first], at[first + k]
        span = np.maximum(corpus.own_between(sa[i], ea[j]), corpus.own_between(sb[i], eb[j]))
        held[first + k] = np.maximum(held[first + k], span)
    return held


def _best(runs: _Runs, held: np.ndarray, new: np.ndarray, partners: int) -> np.ndarray:
    """The keys of the pairs whose best run holds MIN_CHARS, sorted, at most `partners` for
    each new report (those whose best run holds most first)."""
    key = _pair_key(runs.a, runs.b)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # runs come pair by pair
    best = np.maximum.reduceat(held, first)
    key, a, b = key[first], runs.a[first], runs.b[first]
    passing = best >= MIN_CHARS
    key, a, b, best = key[passing], a[passing], b[passing], best[passing]
    # each pair ranked among the pairs of each of its new reports
    side = np.r_[a, b]
    mine = np.isin(side, new)
    side, k2, h2 = side[mine], np.r_[key, key][mine], np.r_[best, best][mine]
    order = np.lexsort((k2, -h2, side))
    side, k2 = side[order], k2[order]
    start = np.flatnonzero(np.r_[True, side[1:] != side[:-1]])
    rank = np.arange(len(side)) - np.repeat(start, np.diff(np.r_[start, len(side)]))
    return np.unique(k2[rank < partners])
