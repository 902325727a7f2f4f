"""Which pairs among many reports can share a passage, sifted for all of them at once
(`huibao.text.reuse_pairs`): every pair the aligner finds a passage in passes, and the pairs
that only share set phrases or short stock wording do not."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest
from test_reuse import COPY, ORIGINAL

from bench.reuse_truth import generate
from conftest import SHARED
from huibao.text import reuse
from huibao.text.reuse_pairs import Prints, TooManySeeds, pairs
from huibao.text.skeleton import outline, pack, prepared, set_phrases, unpack, unpack_outline

UNRELATED = "我局认真落实安全生产责任制，开展隐患排查整治行动，消除隐患三百余处。\n"
SHORT = "甲。加快推进农村公路建设工程。乙\n"  # a short phrase ORIGINAL's neighbours might share


def sift(texts: dict[int, str], new, partners: int = 50, most: int = 50, seeds=None):
    made = {i: prepared(t) for i, t in texts.items()}
    prints = Prints.join(Prints.of(i, p) for i, p in made.items())
    outlines = {i: outline(p.skeleton) for i, p in made.items()}
    return pairs(prints, outlines, new, set_phrases(), most, partners, seeds)


def aligned(texts: dict[int, str], pair, seeds):
    a, b = pair
    pa, pb = prepared(texts[a]), prepared(texts[b])
    return reuse.aligned(texts[a], pa.skeleton, texts[b], pb.skeleton, seeds, set_phrases())


class TestSifting:
    def test_a_copied_passage_passes_with_the_seeds_that_find_it(self):
        texts = {1: ORIGINAL, 2: COPY, 3: UNRELATED}
        found = sift(texts, [2])
        assert list(found) == [(1, 2)]
        passages = aligned(texts, (1, 2), found[(1, 2)])
        assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages] == [
            (p.a_start, p.a_end, p.b_start, p.b_end) for p in reuse.compare(ORIGINAL, COPY)
        ]

    def test_only_pairs_with_a_new_report_are_sifted(self):
        texts = {1: ORIGINAL, 2: COPY, 3: UNRELATED}
        assert sift(texts, [3]) == {}

    def test_a_pair_of_two_new_reports_is_given_once(self):
        texts = {1: ORIGINAL, 2: COPY}
        assert list(sift(texts, [1, 2])) == [(1, 2)]

    def test_reports_without_fingerprints_pair_nothing(self):
        assert sift({1: "二〇二四。", 2: "第二号。"}, [1, 2]) == {}
        assert pairs(Prints.join([]), {}, [1], set_phrases(), 50) == {}

    def test_a_phrase_shorter_than_a_passage_does_not_pass(self):
        texts = {1: SHORT, 2: "丙。加快推进农村公路建设工程。丁\n"}
        assert sift(texts, [2]) == {}

    def test_a_fingerprint_more_reports_hold_than_the_limit_pairs_nothing(self):
        texts = {i: f"第{i}号。{ORIGINAL}" for i in range(1, 5)}
        assert len(sift(texts, [1], most=3)) == 0
        assert len(sift(texts, [1], most=4)) == 3

    def test_more_seeds_than_one_call_may_hold_is_an_error_not_a_cut(self):
        texts = {1: ORIGINAL, 2: COPY, 3: UNRELATED}
        needed = sum(len(v) for v in sift(texts, [2]).values())
        assert sift(texts, [2], seeds=needed * 4) == sift(texts, [2])  # room enough: the same
        with pytest.raises(TooManySeeds):
            sift(texts, [2], seeds=needed // 2)

    def test_each_new_report_keeps_its_partners_sharing_most(self):
        longer = ORIGINAL + COPY
        texts = {1: longer, 2: ORIGINAL, 3: COPY, 4: longer[: len(longer) // 3]}
        assert len(sift(texts, [1], partners=1)) == 1
        assert len(sift(texts, [1], partners=3)) == 3


SKELETON_FIELDS = ("text", "starts", "symbols", "symbol_ends", "paragraphs")


@pytest.mark.parametrize(
    "text",
    [
        COPY,
        "",
        "abc",
        "𠀀𠀁是扩展B区的字，" + "。" * 300 + "\n句号之后隔了三百个字符",  # 4-byte codes, wide gaps
    ],
    ids=["report", "empty", "latin", "beyond-the-bmp"],
)
def test_a_skeleton_packed_and_unpacked_is_the_same(text):
    made = prepared(text).skeleton
    back = unpack(pack(made))
    for field in SKELETON_FIELDS:
        assert list(getattr(back, field)) == list(getattr(made, field))
    codes, paragraphs = unpack_outline(pack(made))
    assert codes.tolist() == outline(made)[0].tolist()
    assert paragraphs.tolist() == list(made.paragraphs)


def first_format(made) -> bytes:
    """A skeleton packed as the first format did (rows stored by earlier versions)."""
    n, starts = len(made.text), np.asarray(made.starts)
    return zlib.compress(np.concatenate([
        [n, len(made.symbols), len(made.paragraphs)], outline(made)[0], np.diff(starts, prepend=0),
        made.symbols, made.symbol_ends, made.paragraphs,
    ]).astype(np.uint32).tobytes())  # fmt: skip


def test_a_skeleton_stored_in_the_first_format_is_still_read():
    made = prepared(COPY).skeleton
    first = first_format(made)
    back = unpack(first)
    for field in SKELETON_FIELDS:
        assert list(getattr(back, field)) == list(getattr(made, field))
    codes, paragraphs = unpack_outline(first)
    assert codes.tolist() == outline(made)[0].tolist()
    assert paragraphs.tolist() == list(made.paragraphs)


@pytest.mark.skipif(not (SHARED / "corpus-national").is_dir(), reason="no shared corpus")
def test_every_pair_the_aligner_finds_a_passage_in_passes():
    """Real reports and copies of their passages pasted into others (bench/reuse_truth.py),
    sifted together: the pairs that pass hold every passage comparing all pairs finds."""
    from huibao.text import parse_path

    files = sorted((SHARED / "corpus-national").glob("*.txt"))[::2]
    texts = [parse_path(f, keywords=False).documents[0].text for f in files]
    rng = random.Random(3)
    for _ in range(4):
        i, j = rng.sample(range(len(texts)), 2)
        texts.append(generate(rng, texts[i], texts[j], 6).target)
    corpus = dict(enumerate(texts, start=1))
    found = sift(corpus, list(corpus), partners=len(corpus))
    everything = {
        (a, b)
        for a in corpus
        for b in corpus
        if a < b and reuse.compare(corpus[a], corpus[b], set_phrases())
    }
    assert len(everything) >= 10
    assert everything <= set(found)
    for (a, b), seeds in found.items():
        got = aligned(corpus, (a, b), seeds)
        want = reuse.compare(corpus[a], corpus[b], set_phrases())
        assert [(p.a_start, p.b_start) for p in got] == [(p.a_start, p.b_start) for p in want]
    assert np.mean([bool(aligned(corpus, k, s)) for k, s in found.items()]) > 0.3
