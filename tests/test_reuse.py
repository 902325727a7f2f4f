"""Text reuse, the pure core: which passages two clean texts share, where, and what the copy
changed (`huibao.text.reuse`)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bench.reuse_truth import generate, score
from conftest import SHARED
from huibao.text import reuse
from huibao.text import skeleton as skeletons
from huibao.text.reuse import compare
from huibao.text.skeleton import FIGURE, NAME, fingerprints, skeleton

ORIGINAL = (
    "一、上半年工作情况\n"
    "今年以来，青山县坚持以项目建设为抓手，全力推动经济高质量发展。上半年全县地区生产总值完成"
    "156.8亿元，同比增长6.5%；规模以上工业增加值增长8.2%，固定资产投资完成42.3亿元。\n"
    "二是狠抓招商引资不放松。围绕新材料、绿色食品两大主导产业开展精准招商，新签约项目12个，"
    "总投资86亿元，其中亿元以上项目9个，落地开工项目7个。\n"
    "三是持续优化营商环境。深化“放管服”改革，推行“一窗受理、集成服务”，企业开办时间压缩至1个"
    "工作日以内，群众满意度持续提升。\n"
)
# the copy: names and figures changed, a word edited, its own text around it
COPY = (
    "绿水县2024年上半年工作总结\n"
    "上半年，在县委的坚强领导下，全县上下凝心聚力、攻坚克难，各项工作取得新的成效。\n"
    "今年以来，绿水县坚持以项目建设为抓手，全力推动经济高质量发展。上半年全县地区生产总值完成"
    "98.1亿元，同比增长5.9%；规模以上工业增加值增长7.4%，固定资产投资完成30.6亿元。\n"
    "二是狠抓招商引资不放松。围绕新材料、绿色食品两大主导产业开展精准招商，新签约项目8个，"
    "总投资41亿元，其中亿元以上项目5个，落地开工项目6个。\n"
    "此外，我们还抓好了防汛抗旱和森林防火工作，确保了全县安全稳定。\n"
)


def passage_text(text: str, p_start: int, p_end: int) -> str:
    return text[p_start:p_end]


class TestSkeleton:
    def test_names_and_figures_become_one_symbol_each(self):
        skel = skeleton("青山县完成156.8亿元，增长**%，广州市第十四届")
        assert skel.text == f"{NAME}完成{FIGURE}亿元增长{FIGURE}{NAME}第{FIGURE}届"

    def test_every_skeleton_character_maps_back_to_the_text(self):
        text = "桃源镇GDP完成12.5亿元。"
        skel = skeleton(text)
        assert [text[s:e] for s, e in zip(skel.starts, skel.ends, strict=True)] == [
            "桃源镇", "G", "D", "P", "完", "成", "12.5", "亿", "元",
        ]  # fmt: skip
        assert skel.text[1:4] == "gdp"  # Latin folded to lower case

    def test_an_unlisted_name_counts_only_where_a_run_of_chinese_starts(self):
        # 推进城市 is not a place: two characters before 市 inside a run stay words
        assert NAME not in skeleton("全面推进城市更新").text
        assert skeleton("，桃源镇").text == NAME
        assert skeleton("2024年地区生产总值").text == f"{FIGURE}年地区生产总值"


class TestFingerprints:
    def test_every_shared_run_of_k_plus_w_minus_1_characters_yields_a_common_fingerprint(self):
        rng = random.Random(3)
        alphabet = "发展改革建设推进完善加强服务保障创新产业项目经济社会"
        for _ in range(50):
            run = "".join(rng.choice(alphabet) for _ in range(skeletons.K + skeletons.W - 1))
            a = "".join(rng.choice("一二三四五") for _ in range(30)) + run
            b = run + "".join(rng.choice("六七八九十") for _ in range(40))
            assert set(fingerprints(a)[0].tolist()) & set(fingerprints(b)[0].tolist())

    def test_a_text_shorter_than_a_gram_has_none(self):
        assert len(fingerprints("短文本")[0]) == 0


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
@pytest.mark.parametrize("values,table", [(50, 20), (20_000, 300), (20_000, 0)])
def test_membership_in_a_sorted_table_is_numpys_isin(dtype, values, table):
    """Both ways (binary search alone; a bitmap first, for many values against few), on keys
    of every size, negative ones included."""
    rng = np.random.default_rng(values + table)
    info = np.iinfo(dtype)
    v = rng.integers(info.min, info.max, values, dtype=dtype, endpoint=True)
    t = np.unique(
        np.r_[
            rng.choice(v, table // 2),
            rng.integers(info.min, info.max, table - table // 2, dtype=dtype),
        ]
    )
    got = skeletons.sorted_isin(v, t)
    assert got.tolist() == np.isin(v, t).tolist()
    assert got.sum() >= min(table // 2, 1)


class TestCompare:
    def test_a_passage_copied_with_names_and_figures_changed_is_found_with_its_offsets(self):
        found = compare(ORIGINAL, COPY)
        assert len(found) == 1
        p = found[0]
        a, b = ORIGINAL[p.a_start : p.a_end], COPY[p.b_start : p.b_end]
        assert a.startswith("今年以来，青山县") and a.endswith("落地开工项目7个。")
        assert b.startswith("今年以来，绿水县") and b.endswith("落地开工项目6个。")
        kinds = {(s["kind"], s["a"], s["b"]) for s in p.substitutions}
        assert ("name", "青山县", "绿水县") in kinds
        assert ("figure", "156.8", "98.1") in kinds
        assert p.similarity == 1.0  # the same words: only names and figures differ

    def test_the_result_is_the_same_either_way_round(self):
        ab = compare(ORIGINAL, COPY)[0]
        ba = compare(COPY, ORIGINAL)[0]
        assert (ab.a_start, ab.a_end, ab.b_start, ab.b_end) == (
            ba.b_start, ba.b_end, ba.a_start, ba.a_end,
        )  # fmt: skip

    def test_an_edited_word_is_a_text_substitution_inside_the_passage(self):
        edited = COPY.replace("开展精准招商", "实施精准招商")
        p = compare(ORIGINAL, edited)[0]
        assert {"kind": "text", "a": "开展", "b": "实施"} in p.substitutions
        assert p.similarity < 1.0

    def test_sentences_the_copy_swapped_are_two_passages(self):
        first = "围绕新材料、绿色食品两大主导产业开展精准招商，全年新签约项目十二个。"
        second = "深化放管服改革，推行一窗受理集成服务，企业开办时间压缩至一个工作日以内。"
        a = f"一、工作情况\n{first}{second}\n"
        b = f"二、主要做法\n{second}{first}\n"
        found = compare(a, b)
        assert sorted(a[p.a_start : p.a_end] for p in found) == sorted([first, second])

    def test_two_texts_sharing_only_set_phrases_share_no_passage(self):
        a = "我们坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神，扎实推进水利建设。"
        b = "全县坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神，着力抓好教育事业。"
        assert compare(a, b) == []

    def test_a_passage_shorter_than_the_minimum_is_not_reported(self):
        assert compare("甲。加快推进农村公路建设工程。乙", "丙。加快推进农村公路建设工程。丁") == []

    def test_boilerplate_given_by_the_caller_starts_no_passage(self):
        hashes = fingerprints(skeleton(ORIGINAL).text)[0]
        assert compare(ORIGINAL, COPY, boilerplate=hashes.tolist()) == []

    def test_unrelated_texts_share_nothing(self):
        assert (
            compare(
                ORIGINAL, "我局认真落实安全生产责任制，开展隐患排查整治行动，消除隐患三百余处。"
            )
            == []
        )


def test_shared_share_counts_each_character_once():
    assert reuse.shared_share(100, [(0, 30), (20, 50), (90, 100)]) == 0.6
    assert reuse.shared_share(0, []) == 0.0


@pytest.mark.skipif(not (SHARED / "corpus-national").is_dir(), reason="no shared corpus")
def test_generated_ground_truth_is_found_with_its_boundaries():
    """Passages of real reports pasted into others, disguised (bench/reuse_truth.py)."""
    from huibao.text import parse_path

    files = (
        sorted((SHARED / "corpus-national").glob("*.txt"))[::3]
        + sorted((SHARED / "corpus-provincial").glob("*.txt"))[::5]
    )
    texts = [parse_path(f, keywords=False).documents[0].text for f in files]
    rng = random.Random(20261203)
    total = None
    for _ in range(12):
        i, j = rng.sample(range(len(texts)), 2)
        truth = generate(rng, texts[i], texts[j], 8)
        s = score(truth, compare(truth.source, truth.target), compare(texts[i], texts[j]))
        if total is None:
            total = s
        else:
            total.add(s)
    assert total.gold >= 60
    assert total.recall >= 0.95 and total.precision >= 0.95, (total.recall, total.precision)
