"""Ground truth for text reuse, generated from real reports.

Passages of 30 to 2,000 characters are taken from a source report, changed as copiers change
them (place names and figures substituted, sentences swapped, a word edited here and there)
and pasted into a target report at paragraph breaks. What was pasted where is known exactly,
so a finder can be scored: a pasted passage is found when a passage reported between the two
texts starts and ends within `TOLERANCE` characters of it in both. Passages the two reports
shared before anything was pasted (set phrases both use) are neither right nor wrong.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from huibao.text import reuse
from huibao.text import skeleton as skeletons
from huibao.text.rules import load_lines

TOLERANCE = 5
MIN_PASSAGE, MAX_PASSAGE = 30, 2000
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_EDITS = [("加强", "强化"), ("推进", "推动"), ("持续", "不断"), ("全面", "全力"), ("切实", "扎实"),
          ("进一步", "更好地"), ("积极", "主动"), ("加快", "加速")]  # fmt: skip


@dataclass
class Truth:
    source: str
    target: str  # the target with the passages pasted in
    passages: list[tuple[int, int, int, int]] = field(default_factory=list)  # a0, a1, b0, b1
    inserted: list[tuple[int, int]] = field(default_factory=list)  # spans pasted into target
    # every run pasted, the ones under MIN_PASSAGE characters too (found, they are not wrong)
    runs: list[tuple[int, int, int, int]] = field(default_factory=list)


def _names() -> list[str]:
    return [n for n in load_lines("place_names.txt") if len(n) >= 3]


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _passage(rng: random.Random, text: str, sentences: list[tuple[int, int]]) -> tuple[int, int]:
    """Whole sentences of `text`, about a log-uniform length of 30 to 2,000 characters."""
    want = math.exp(rng.uniform(math.log(MIN_PASSAGE), math.log(MAX_PASSAGE)))
    for _ in range(50):
        i = rng.randrange(len(sentences))
        start = sentences[i][0]
        while text[start] in "\n ":
            start += 1
        j = i
        while j + 1 < len(sentences) and sentences[j][1] - start < want:
            j += 1
        end = sentences[j][1]
        if MIN_PASSAGE <= end - start <= MAX_PASSAGE and "\n" not in text[start:end]:
            return start, end
    return sentences[0]


def _disguise(rng: random.Random, piece: str, names: list[str]) -> str:
    """Names and figures swapped, and now and then a word edited, away from the ends."""
    for name in {m for m in names if m in piece}:
        piece = piece.replace(name, rng.choice(names))
    piece = _NUMBER.sub(lambda m: str(round(float(m.group(0)) * rng.uniform(0.5, 1.5), 1)), piece)
    if len(piece) > 60 and rng.random() < 0.5:
        for old, new in _EDITS:
            at = piece.find(old, 15, len(piece) - 15)
            if at >= 0:
                piece = piece[:at] + new + piece[at + len(old) :]
                break
    return piece


def generate(rng: random.Random, source: str, target: str, n: int) -> Truth:
    """`target` with `n` passages of `source` pasted into it, each disguised; a passage of four
    sentences or more has two of them (passages on their own) swapped in one case out of three."""
    names = _names()
    sentences = _sentences(source)
    breaks = [m.end() for m in re.finditer("\n", target)]
    if not sentences or not breaks:
        return Truth(source, target)
    pieces = []  # (position in target, [(a0, a1, text), …])
    taken: list[tuple[int, int]] = []
    spots = rng.sample(breaks, min(n, len(breaks)))  # one passage a paragraph break
    for at in spots:
        for _ in range(20):  # passages that do not touch one another in the source
            a0, a1 = _passage(rng, source, sentences)
            if not any(a0 <= e and s <= a1 for s, e in taken):
                break
        taken.append((a0, a1))
        parts = [(s, e) for s, e in _sentences(source[a0:a1])]
        runs = [[(a0 + s, a0 + e) for s, e in parts]]
        # two sentences swapped (a phrase moved within a passage is an edit of it)
        long = [k for k in range(1, len(parts) - 2) if _long(parts[k]) and _long(parts[k + 1])]
        if len(parts) >= 4 and long and rng.random() < 1 / 3:
            k = rng.choice(long)
            order = [*parts[:k], parts[k + 1], parts[k], *parts[k + 2 :]]
            runs = _runs(a0, order)
        pieces.append((at, runs))
    pieces.sort(key=lambda p: p[0])
    out, last, passages, inserted = [], 0, [], []
    length = 0
    for at, runs in pieces:
        out.append(target[last:at])
        length += at - last
        last = at
        start = length
        for run in runs:
            text = "".join(_disguise(rng, source[s:e], names) for s, e in run)
            passages.append((run[0][0], run[-1][1], length, length + len(text)))
            out.append(text)
            length += len(text)
        out.append("\n")
        length += 1
        inserted.append((start, length))
    out.append(target[last:])
    gold = [
        p for p in passages if p[1] - p[0] >= MIN_PASSAGE and _own(source, p) >= reuse.MIN_CHARS
    ]
    return Truth(source, "".join(out), gold, inserted, passages)


def _own(source: str, passage: tuple[int, int, int, int]) -> int:
    """Skeleton characters of a source passage outside set phrases: a passage made of set
    phrases (现在，我代表国务院向大会作政府工作报告) is boilerplate, not a copy."""
    skel = _skeleton(source)
    mask = skeletons.boilerplate_mask(skel.text, skeletons.set_phrases())
    return sum(
        1 for i, at in enumerate(skel.starts) if passage[0] <= at < passage[1] and not mask[i]
    )


_skeletons: dict[int, skeletons.Skeleton] = {}


def _skeleton(text: str) -> skeletons.Skeleton:
    key = id(text)
    if key not in _skeletons:
        _skeletons[key] = skeletons.skeleton(text)
    return _skeletons[key]


def _long(sentence: tuple[int, int]) -> bool:
    return sentence[1] - sentence[0] >= MIN_PASSAGE


def _runs(a0: int, order: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Sentences in their new order, grouped into runs that keep the source's order: each run is
    one passage of the truth."""
    runs: list[list[tuple[int, int]]] = []
    for s, e in order:
        if runs and runs[-1][-1][1] == a0 + s:
            runs[-1].append((a0 + s, a0 + e))
        else:
            runs.append([(a0 + s, a0 + e)])
    return runs


def map_offset(truth: Truth, offset: int) -> int:
    """An offset of the original target, in the target with the passages pasted in."""
    shift = 0
    for start, end in truth.inserted:
        if start - shift <= offset:
            shift += end - start
    return offset + shift


@dataclass
class Score:
    found: int = 0
    gold: int = 0
    right: int = 0
    reported: int = 0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.gold += other.gold
        self.right += other.right
        self.reported += other.reported

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.reported if self.reported else 1.0


def score(truth: Truth, found: list, before: list) -> Score:
    """`found`: passages reported between source and pasted target; `before`: between source and
    the original target (mapped into the pasted one, they are neither right nor wrong)."""

    def close(p, g) -> bool:
        return all(
            abs(x - y) <= TOLERANCE
            for x, y in zip((p.a_start, p.a_end, p.b_start, p.b_end), g, strict=True)
        )

    shared_before = [(map_offset(truth, p.b_start), map_offset(truth, p.b_end)) for p in before]
    s = Score(gold=len(truth.passages))
    s.found = sum(1 for g in truth.passages if any(close(p, g) for p in found))
    for p in found:
        if any(close(p, g) for g in truth.runs):
            s.right += 1
            s.reported += 1
        elif not any(p.b_start < e and s0 < p.b_end for s0, e in shared_before):
            s.reported += 1
    return s
