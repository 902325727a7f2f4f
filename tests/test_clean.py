"""Cleaning: each rule on a small example, the traps around masks, and the undo property."""

from __future__ import annotations

import functools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huibao.text.clean import clean, restore_raw
from huibao.text.limits import Limits
from huibao.text.wrapping import columns


def cleaned(raw: str) -> str:
    return clean(raw).text


def rules(raw: str) -> set[str]:
    return {e.rule for e in clean(raw).edits}


class TestSiteNoise:
    def test_watermark_line_is_removed(self):
        raw = "一、工作情况\n【哒哒素材库】——每天更新材料1000多篇内部高质量素材\n正文。"
        assert cleaned(raw) == "一、工作情况\n正文。"
        assert "watermark" in rules(raw)

    @pytest.mark.parametrize(
        "line",
        [
            "欢迎加入“哒哒素材库svip会员”，9000万字材料，添加客服：cwk",
            "扫码关注公众号获取更多范文",
            "更多精品材料请加入会员群",
        ],
    )
    def test_advert_lines_are_removed(self, line):
        assert cleaned(f"正文。\n{line}\n结尾。") == "正文。\n结尾。"

    def test_paid_markers_are_removed_on_their_own_line_and_inline(self):
        assert cleaned("##paidbegin##\n正文。\n##paidend##") == "正文。"
        assert cleaned("正文##paidend##。") == "正文。"

    @pytest.mark.parametrize(
        "line", ["下载", "打印", "【字号：", "来源：北京日报", "时间：2026-02-02", ">", "首页"]
    )
    def test_page_furniture_is_removed(self, line):
        assert cleaned(f"{line}\n2026年政府工作报告") == "2026年政府工作报告"

    def test_photo_credit_is_removed(self):
        assert (
            cleaned("各位代表：\n殷勇同志作政府工作报告。本报记者 戴冰摄\n现在。")
            == "各位代表：\n现在。"
        )

    def test_a_sentence_mentioning_a_reporter_is_kept(self):
        assert cleaned("我们接受了记者采访。") == "我们接受了记者采访。"


class TestBrokenLines:
    def test_line_starting_with_comma_joins_previous_line(self):
        assert cleaned("积极运用监督执纪“四种形态”\n，切实抓好廉政建设。") == (
            "积极运用监督执纪“四种形态”，切实抓好廉政建设。"
        )

    def test_line_ending_mid_sentence_joins_next_line(self):
        raw = "新引进茶叶深加工项目，预计年底前\n建成投产。"
        assert cleaned(raw) == "新引进茶叶深加工项目，预计年底前建成投产。"

    def test_heading_is_never_joined_to_its_body(self):
        assert (
            cleaned("一、工作进展情况\n全面贯彻落实会议精神。")
            == "一、工作进展情况\n全面贯彻落实会议精神。"
        )

    def test_title_is_never_joined_to_the_next_line(self):
        raw = "林业局2023年上半年工作总结\n2023年上半年，全区林业系统…取得成效。"
        assert cleaned(raw).split("\n")[0] == "林业局2023年上半年工作总结"

    def test_unnumbered_heading_stands_alone(self):
        raw = "请予审议。\n“十四五”时期工作回顾\n“十四五”时期是极不平凡的五年。"
        assert cleaned(raw).split("\n") == [
            "请予审议。",
            "“十四五”时期工作回顾",
            "“十四五”时期是极不平凡的五年。",
        ]

    def test_fragment_after_a_broken_line_is_joined_even_when_short(self):
        raw = "“十五五”时期经济社会发展的\n主要目标\n是：地区生产总值年均增长5%左右。"
        assert cleaned(raw) == "“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右。"

    def test_body_line_with_heading_and_broken_body_is_joined(self):
        raw = "（二）整合资源要素，探索发展新模式。一是谋划xx\n等项目由乡统筹开展。"
        assert cleaned(raw) == "（二）整合资源要素，探索发展新模式。一是谋划xx等项目由乡统筹开展。"

    def test_blank_line_separates_paragraphs(self):
        assert cleaned("第一段没有句号\n\n第二段。") == "第一段没有句号\n第二段。"

    def test_table_rows_are_not_joined(self):
        assert cleaned("指标\t数值\n产值\t100") == "指标\t数值\n产值\t100"

    def test_signature_and_date_are_not_joined(self):
        assert (
            cleaned("以上汇报。\nxx县人民政府\n2023年7月10日")
            == "以上汇报。\nxx县人民政府\n2023年7月10日"
        )


def hard_wrapped(paragraphs: list[str], width: int, indent: str = "") -> str:
    """Paragraphs as a fixed-width page leaves them: `width` characters a line."""
    lines = []
    for p in paragraphs:
        pieces = [p[i : i + width] for i in range(0, len(p), width)]
        lines += [indent + pieces[0], *pieces[1:]]
    return "\n".join(lines)


# A report's paragraphs, long enough to show the width they were wrapped at.
REPORT = [
    "一、上半年工作开展情况",
    "今年以来，全县上下坚持稳中求进工作总基调，统筹推进稳增长、促改革、调结构、惠民生、防风险"
    "各项工作，经济运行总体平稳、稳中有进，主要指标好于预期，为完成全年目标任务打下了坚实基础。",
    "（一）坚持项目为王，扎实推进重点项目建设和招商引资工作，持续扩大有效投资规模",
    "全年谋划重点项目一百二十个，新开工项目四十五个，完成投资四十二亿元，同比增长百分之十二，"
    "新签约招商引资项目二十八个，协议引资八十六亿元，到位资金三十一亿元，项目建设取得明显成效。",
    "（二）坚持创新驱动，培育发展新质生产力",
    "新增高新技术企业十二家，科技型中小企业入库八十六家，研发投入强度提高零点三个百分点，"
    "坚持质量第一、效益优先，推动传统产业转型升级，新兴产业加快成长，产业结构持续优化。",
    "二、存在的问题",
    "虽然取得了一定成绩，但仍存在一些困难和问题：经济增长新动能不足，重大项目储备不够，"
    "民生领域还有不少短板，干部队伍能力作风与新形势新任务的要求还有差距，需要认真加以解决。",
]


class TestHardWrappedText:
    """A file wrapped at a fixed width (copied from a PDF or a fixed-width page) is read as
    its paragraphs: a line the width broke continues, whatever the next line begins with."""

    def test_paragraphs_wrapped_at_a_width_are_joined_again(self):
        assert cleaned(hard_wrapped(REPORT, 24)).split("\n") == REPORT

    def test_a_marker_the_width_put_at_a_line_start_is_text(self):
        # `坚持质量第` | `一、效益优先`: not a level-1 heading
        for width in (20, 24, 30):
            assert "\n一、效益优先" not in cleaned(hard_wrapped(REPORT, width))

    def test_a_heading_longer_than_the_width_is_one_heading(self):
        text = cleaned(hard_wrapped(REPORT, 20))
        assert REPORT[3] in text.split("\n")

    def test_a_heading_that_just_fills_the_width_keeps_its_own_line_when_paragraphs_are_indented(
        self,
    ):
        heading = "（一）坚持创新驱动，加快培育发展新质生产力"  # 20 characters, no full stop
        paragraphs = [*REPORT, heading, *REPORT[1:2], *REPORT[3:4]]
        wrapped = hard_wrapped(paragraphs, len(heading), indent="\u3000\u3000")
        assert cleaned(wrapped).split("\n") == paragraphs

    def test_lines_wrapped_by_display_width_are_joined_too(self):
        # a PDF fills a line's width: half-width digits take half a Chinese character's room
        paragraphs = [
            "一、上半年工作开展情况",
            "全年谋划重点项目120个，新开工项目45个，完成投资42.6亿元，同比增长12.3%，"
            "新签约招商引资项目28个，协议引资86亿元，到位资金31亿元，项目建设取得明显成效。",
            "（一）坚持项目为王，全年完成固定资产投资42.6亿元，工业投资18.2亿元，持续扩大有效投资",
            "新增高新技术企业12家，科技型中小企业入库86家，研发投入强度提高0.3个百分点，"
            "推动传统产业转型升级，新兴产业加快成长，产业结构持续优化，规上工业增加值增长9.8%。",
        ]
        lines = []
        for p in paragraphs:
            line = ""
            for ch in p:
                if columns(line + ch) > 40:
                    lines.append(line)
                    line = ""
                line += ch
            lines.append(line)
        assert cleaned("\n".join(lines)).split("\n") == paragraphs

    def test_a_double_spaced_wrapped_file_is_read_as_its_paragraphs(self):
        raw = hard_wrapped(REPORT, 24).replace("\n", "\n\n")
        assert cleaned(raw).split("\n") == REPORT

    def test_a_blank_line_after_a_full_line_ends_its_paragraph_in_a_single_spaced_file(self):
        heading = "（一）坚持创新驱动，加快培育发展新质生产力"  # 20 characters, no full stop
        raw = hard_wrapped([*REPORT, heading], len(heading)) + "\n\n" + REPORT[1]
        assert cleaned(raw).split("\n")[-2:] == [heading, REPORT[1]]

    def test_a_file_with_a_paragraph_per_line_is_not_taken_for_a_wrapped_one(self):
        # long heading lines without a full stop, one after another, of one length
        raw = "\n".join(REPORT[:2] + ["（一）" + "推进重点项目建设" * 3] * 6 + REPORT[2:])
        assert cleaned(raw).split("\n") == raw.split("\n")


class TestWidth:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("(三)做好安保工作", "（三）做好安保工作"),
            ("(1)完善制度", "（1）完善制度"),
            ("增长１２．５％", "增长12.5%"),
            ("精神,按照部署", "精神，按照部署"),
            ("１．加强领导", "1.加强领导"),
            ("Ｇ２２０国道", "G220国道"),
        ],
    )
    def test_width_is_normalised_where_it_matters(self, raw, expected):
        assert cleaned(raw) == expected

    def test_chinese_punctuation_is_kept(self):
        assert cleaned("加强“两个确立”，做到。") == "加强“两个确立”，做到。"

    def test_ratio_and_time_keep_ascii_colon(self):
        assert cleaned("按照x:x的比例收取") == "按照x:x的比例收取"


class TestCensoring:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("以D的二十大精神为指引", "以党的二十大精神为指引"),
            ("净化D员干部队伍", "净化党员干部队伍"),
            ("纵深推进全面从严管D治D", "纵深推进全面从严管党治党"),
            ("在自治区D委、政府的坚强领导下", "在自治区党委、政府的坚强领导下"),
            ("脱贫成果持续巩x", "脱贫成果持续巩固"),
            ("完成除险加x工程", "完成除险加固工程"),
            ("x定资产投资负增长", "固定资产投资负增长"),
            ("牢x树立发展理念", "牢固树立发展理念"),
        ],
    )
    def test_censored_character_is_restored_when_it_forms_a_word(self, raw, expected):
        assert cleaned(raw) == expected

    @pytest.mark.parametrize(
        "raw",
        [
            "截至x月xx日，办理登记xxxxx件",
            "耕地数量为xx.xxx万亩",
            "xxxx年新增补充耕地xxx余亩",
            "xx市自然资源局",
            "x街道认真贯彻落实",
            "在x办x个双季稻生产示范片",
            "发展3D打印产业",
            "D级危房改造",
            "xx电厂x×xxxxMW机组",
        ],
    )
    def test_masks_and_latin_text_are_never_touched(self, raw):
        assert cleaned(raw) == raw


class TestControlCharacters:
    def test_zero_width_and_control_characters_are_removed(self):
        assert cleaned("招商\u200b引资\x00工作。") == "招商引资工作。"


class TestLongLines:
    def test_a_very_long_line_is_broken_at_sentence_ends(self):
        raw = "这是一句话。" * 50
        out = clean(raw, limits=Limits(max_line_chars=40)).text
        assert all(len(line) <= 40 for line in out.split("\n"))
        assert out.replace("\n", "") == raw


class TestUndo:
    def test_edits_reproduce_the_raw_text_of_a_real_report(self, shared_corpus):
        for path in shared_corpus.glob("*.txt"):
            raw = path.read_text(encoding="utf-8")
            result = clean(raw)
            assert restore_raw(result.text, result.edits) == raw

    def test_every_edit_records_what_it_replaced(self):
        raw = "\xa0现将情况汇报如下。\n【哒哒素材库】广告\n(一)以D的二十大精神为指引"
        result = clean(raw)
        for e in result.edits:
            assert raw[e.raw_start : e.raw_end] == e.before
            assert result.text[e.clean_start : e.clean_end] == e.after

    def test_offsets_map_back_to_the_raw_text(self):
        raw = "【哒哒素材库】广告\n  一、工作进展情况\n全面贯彻落实。"
        result = clean(raw)
        pos = result.text.index("全面")
        assert raw[result.to_raw(pos) : result.to_raw(pos) + 2] == "全面"


_CHARS = "一二三是、。，：；“”（）()xX*D固党县工作推进 \t\n\r\u3000\xa00123456789１２％%#【】素材库"
_REPORT_ALPHABET = st.sampled_from([*_CHARS, "##paidbegin##", "\r\n", "（一）", "一、", "欢迎加入"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_REPORT_ALPHABET, max_size=80).map("".join))
def test_clean_text_with_recorded_edits_reproduces_the_raw_text(raw):
    result = clean(raw, limits=Limits(max_line_chars=30))
    assert restore_raw(result.text, result.edits) == raw
    positions = [(e.raw_start, e.raw_end) for e in result.edits]
    assert positions == sorted(positions)


class TestOffsetMap:
    def test_each_section_maps_back_to_its_place_in_the_raw_file(self, shared_corpus):
        from huibao.text import parse_path, to_json

        path = shared_corpus / "compilation-2023-nine-reports.txt"
        raw = path.read_text(encoding="utf-8")
        data = to_json(parse_path(path, keywords=False))
        nfkc = functools.partial(unicodedata.normalize, "NFKC")
        checked = 0
        for doc in data["documents"]:
            for s in doc["sections"]:
                if s["marker"]:
                    written = raw[s["raw_start"] : s["raw_start"] + len(s["marker"])]
                    assert nfkc(written) == nfkc(s["marker"])
                    checked += 1
        assert checked > 100

    def test_mapping_inside_a_replacement_points_at_its_start(self):
        result = clean("以D的二十大精神")
        assert result.to_raw(result.text.index("党")) == 1
        assert result.to_raw(len(result.text)) == len(result.raw)
