"""Document metadata, section roles, topics, masks and keywords on small inline examples."""

from __future__ import annotations

import pytest

from huibao.text import parse_text
from huibao.text.masks import find_masks
from huibao.text.meta import find_admin_level, find_kind, find_org, find_period, find_year
from huibao.text.tokens import is_term


class TestMetadata:
    @pytest.mark.parametrize(
        ("title", "year", "period"),
        [
            ("自然资源局2023年上半年工作总结和下步工作计划", 2023, "H1"),
            ("乡村振兴站2023年第三季度工作总结（镇乡）", 2023, "Q3"),
            ("2026年北京市政府工作报告", 2026, "FY"),
            ("xx县2022年下半年工作计划", 2022, "H2"),
            ("二〇二三年工作总结", 2023, "FY"),
        ],
    )
    def test_year_and_period_come_from_the_title(self, title, year, period):
        assert find_year(title, "") == year
        assert find_period(title, "") == period

    def test_without_a_title_the_opening_of_the_text_decides(self):
        head = "现将上半年重点工作完成情况汇报如下。一、工作进展\n2022年上半年，全县地区生产总值预计实现**亿元。"
        assert find_period(None, head) == "H1"
        assert find_year(None, head) == 2022

    def test_year_is_none_when_the_text_does_not_say(self):
        assert find_year(None, "现将上半年工作汇报如下。一、工作进展情况。") is None

    @pytest.mark.parametrize(
        ("title", "text", "level"),
        [
            ("2023年上半年工作总结（镇乡）", "", "township"),
            ("应急管理办公室2023年上半年工作总结（街道）", "", "subdistrict"),
            ("市发展改革委2023年上半年工作总结", "", "city"),
            ("桃源镇2024年上半年工作总结", "在县委、县政府的领导下，全镇…", "township"),
            (None, "今年以来，我县在县委县政府领导下，全县经济运行平稳，全省排名第三。", "county"),
            (
                None,
                "召开区委常委会会议，制定我区发展规划，经济总量居全市首位，打造全省一流环境。",
                "district",
            ),
            (
                "林业局2023年上半年工作总结",
                "在自治区党委、政府的坚强领导下，自治区林业局…全区完成造林。",
                "province",
            ),
            ("2026年广西壮族自治区政府工作报告", "", "province"),
            (
                "2026年北京市政府工作报告",
                "",
                None,
            ),  # a municipality: province by rank, city by name
        ],
    )
    def test_admin_level_from_title_and_self_reference(self, title, text, level):
        assert find_admin_level(title, text) == level

    @pytest.mark.parametrize(
        ("title", "org"),
        [
            ("自然资源局2023年上半年工作总结和下步工作计划", "自然资源局"),
            ("市发展改革委2023年上半年工作总结及下半年工作打算", "市发展改革委"),
            ("应急管理办公室2023年上半年工作总结（街道）", "应急管理办公室"),
            ("xx县农业农村局2023年工作总结", "xx县农业农村局"),
            ("2023年上半年工作总结和下半年工作思路（镇乡）", None),
            ("2026年北京市政府工作报告", "北京市人民政府"),
            ("2026年四川省人民政府工作报告", "四川省人民政府"),
            ("政府工作报告", None),
        ],
    )
    def test_org_is_the_issuing_body_as_the_title_names_it(self, title, org):
        assert find_org(title) == org

    @pytest.mark.parametrize(
        ("title", "head", "kind"),
        [
            ("林业局2023年上半年工作总结", "", "工作总结"),
            ("关于xx工作的督查汇报", "", "督查汇报"),
            ("2026年政府工作报告", "", "政府工作报告"),
            ("xx局2024年下半年工作计划", "", "工作计划"),
            (None, "现将上半年重点工作完成情况汇报如下。", "工作汇报"),
        ],
    )
    def test_kind_of_report(self, title, head, kind):
        assert find_kind(title, head) == kind


def meta(text: str) -> dict:
    d = parse_text(text).documents[0]
    return dict(
        title=d.title, display_title=d.display_title, year=d.year, period=d.period,
        level=d.admin_level, org=d.org, place=d.place, kind=d.kind,
    )  # fmt: skip


SUBTITLED = (
    "政府工作报告\n——2024年1月8日在××市××区第十八届人民代表大会第四次会议上\n"
    "××区人民政府区长 ×××\n各位代表：\n现在，我代表区人民政府，向大会报告工作，请予审议。\n"
    "一、2023年工作回顾\n过去一年，在自治区党委、政府和市委的坚强领导下，全区经济平稳。"
    "自治区党委、自治区人民政府出台政策，全区各族群众受益。\n"
    "二、2024年工作安排\n2024年是关键之年。全区要做好工作。\n"
)


class TestIssuerAndYear:
    """The issuer's own lines decide who wrote a report and when; what it mentions does not."""

    def test_a_report_delivered_to_a_congress_is_dated_by_its_subtitle(self):
        m = meta(SUBTITLED)
        assert (m["year"], m["period"], m["kind"]) == (2024, "FY", "政府工作报告")

    def test_a_district_in_an_autonomous_region_is_a_district(self):
        m = meta(SUBTITLED)
        assert (m["level"], m["place"], m["org"]) == ("district", "××市××区", "××市××区人民政府")

    def test_a_generic_title_is_no_title_but_the_display_title_names_the_report(self):
        m = meta(SUBTITLED)
        assert m["title"] is None
        assert m["display_title"] == "××市××区2024年政府工作报告"

    def test_the_year_a_review_part_names_is_not_the_reports_year(self):
        text = (
            "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n"
            "一、2014年工作回顾\n2014年是全面深化改革的开局之年。过去一年成效显著。\n"
            "二、今年工作总体部署\n今年要做好工作。"
        )
        m = meta(text)
        assert (m["year"], m["period"], m["level"], m["org"]) == (2015, "FY", "national", "国务院")
        assert m["display_title"] == "国务院2015年政府工作报告"

    def test_a_delivered_reports_year_is_the_year_its_plans_name(self):
        text = (
            "各位代表：\n现在，我代表县人民政府，向大会报告工作，请予审议。\n"
            "一、过去五年工作回顾\n2019年以来，全县经济总量翻番，2023年达到新高。\n"
            "二、2024年主要任务\n今年要做好工作。"
        )
        assert meta(text)["year"] == 2024

    def test_a_sentence_naming_this_year_counts_only_in_the_plans(self):
        text = (
            "各位代表：\n现在，我代表国务院，向大会报告过去五年的工作，请予审议。\n"
            "一、过去五年工作回顾\n2002年是不平凡的一年。五年来成效显著。\n"
            "二、对今年政府工作的建议\n2003年是全面贯彻落实党的十六大精神的开局之年。"
        )
        assert meta(text)["year"] == 2003

    def test_a_signature_date_dates_a_report_without_a_dated_title(self):
        text = "各位领导：\n现将工作汇报如下。\n一、工作情况\n全镇完成任务。\n××镇人民政府\n2023年7月10日"
        m = meta(text)
        assert (m["year"], m["kind"], m["level"], m["org"]) == (
            2023,
            "工作汇报",
            "township",
            "××镇人民政府",
        )

    def test_a_banner_in_an_autonomous_region_is_a_county(self):
        text = (
            "政府工作报告\n——2024年1月10日在××旗第十七届人民代表大会第三次会议上\n"
            "××旗人民政府旗长 ×××\n各位代表：\n现在，我代表旗人民政府，向大会报告工作。\n"
            "一、2023年工作回顾\n在自治区党委、政府的坚强领导下，全区各族干部群众团结奋斗。\n"
            "二、2024年重点工作\n今年要做好工作。"
        )
        m = meta(text)
        assert (m["level"], m["place"], m["year"]) == ("county", "××旗", 2024)

    def test_a_government_naming_only_its_level_gets_that_level(self):
        text = (
            "各位代表：\n现在，我代表区人民政府，向大会报告工作，请予审议。\n"
            "一、2023年工作回顾\n在市委的领导下，全市经济平稳。\n二、2024年重点工作\n正文。"
        )
        m = meta(text)
        assert (m["level"], m["year"], m["org"]) == ("district", 2024, "区人民政府")

    def test_self_reference_decides_the_level_when_no_line_names_the_issuer(self):
        text = (
            "今年以来，在自治区党委、政府和市委的坚强领导下，我县坚持稳中求进，"
            "县委、县政府召开会议，全县经济运行平稳。\n一、工作情况\n全县完成任务。"
        )
        assert meta(text)["level"] == "county"

    def test_a_spaced_title_is_joined_up(self):
        text = "××县人民政府工作报告\n"
        assert meta("××县 2024 年 工 作 总 结\n一、工作情况\n正文。")["year"] == 2024
        assert (
            meta("政 府 工 作 报 告\n——2024年1月8日在××县第十八届人民代表大会上\n各位代表：")[
                "kind"
            ]
            == "政府工作报告"
        )
        assert (
            meta(text + "各位代表：\n现在，我代表县人民政府向大会报告工作。")["level"] == "county"
        )

    def test_a_title_broken_over_two_lines_is_one_title(self):
        text = "××镇2024年上半年\n工作总结\n一、工作情况\n正文。"
        m = meta(text)
        assert (m["title"], m["period"], m["level"]) == (
            "××镇2024年上半年工作总结",
            "H1",
            "township",
        )

    @pytest.mark.parametrize(
        ("title", "kind"),
        [("××县2024年上半年经济运行情况", "情况汇报"), ("关于乡村振兴工作的汇报材料", "工作汇报")],
    )
    def test_a_briefing_titled_by_its_subject_keeps_its_title(self, title, kind):
        m = meta(f"{title}\n今年以来，全县经济运行平稳。\n一、主要工作\n正文。")
        assert (m["title"], m["kind"]) == (title, kind)

    def test_a_report_opening_with_its_subtitle_has_no_title(self):
        text = (
            "——2023年3月5日在第十四届全国人民代表大会第一次会议上\n各位代表：\n现在，我代表国务院。"
        )
        m = meta(text)
        assert (m["title"], m["year"], m["level"], m["place"]) == (None, 2023, "national", "全国")


def roles(text: str) -> list[str]:
    doc = parse_text(text).documents[0]
    return [s.role for s in doc.sections if s.level == 1]


class TestRoles:
    @pytest.mark.parametrize(
        ("heading", "role"),
        [
            ("一、基本情况", "overview"),
            ("一、上半年主要工作开展情况", "progress"),
            ("一、重点工作目标任务完成情况", "progress"),
            ("二、工作亮点", "highlights"),
            ("二、当前存在的问题和困难", "problems"),
            ("三、下步工作打算", "plans"),
            ("三、下阶段工作总体思路和主要举措", "plans"),
        ],
    )
    def test_heading_names_the_role(self, heading, role):
        assert roles(f"{heading}\n正文内容。")[0] == role

    def test_metaphorical_headings_are_read_by_their_cues_and_position(self):
        text = (
            "一、靶向发力、精准施策，攻坚克难抓落实\n完成了项目建设，实现产值增长。\n"
            "二、刀刃向内、自我革命，立足当前寻不足\n一是干部年龄偏大。二是经济发展仍有差距。\n"
            "三、夯基赋能、补短强弱，求真务实谋发展\n下一步，我们将加快发展，确保完成任务。"
        )
        assert roles(text) == ["progress", "problems", "plans"]

    def test_mixed_heading_takes_the_role_its_body_is_about(self):
        text = (
            "一、上半年工作情况\n完成了任务。\n"
            "二、下半年工作打算及争创亮点\n一是千方百计稳定增长。将加快推进，力争完成，确保实现，持续推动。"
        )
        assert roles(text) == ["progress", "plans"]

    def test_a_summary_without_plans_keeps_uncued_sections_as_progress(self):
        text = (
            "乡村振兴站2023年第三季度工作总结（镇乡）\n三季度以来，扎实推进各项工作，成效明显。\n"
            "一、防返贫监测\n开展监测，确保不返贫，持续跟踪。\n二、帮扶政策落实\n制定帮扶措施，确保收入稳定增加，继续推进。"
        )
        assert roles(text) == ["progress", "progress"]

    def test_government_report_plans_for_its_own_year(self):
        text = (
            "2026年北京市政府工作报告\n各位代表：现在，我代表市人民政府向大会报告工作，请予审议。\n"
            "一、2025年工作回顾\n过去一年成效显著。\n二、“十五五”时期主要目标任务\n今后五年。\n"
            "三、2026年主要工作\n今年要做好以下工作。"
        )
        assert roles(text) == ["progress", "plans", "plans"]

    @pytest.mark.parametrize(
        ("heading", "role"),
        [
            ("一、2023年经济运行情况", "overview"),
            ("一、发展现状", "overview"),
            ("一、工作开展情况", "progress"),
            ("三、2024年目标任务", "plans"),
            ("三、“十五五”时期的主要任务", "plans"),
            ("四、全面加强政府自身建设", "plans"),
        ],
    )
    def test_situation_parts_are_overview_and_task_parts_are_plans(self, heading, role):
        assert roles(f"{heading}\n正文内容。")[0] == role

    def test_an_explicit_cue_outranks_the_year(self):
        text = (
            "2025年政府工作报告\n各位代表：现在，我代表市人民政府向大会报告工作。\n"
            "一、2025年以来工作回顾\n成效显著。\n二、2025年重点工作\n今年要做好工作。"
        )
        assert roles(text) == ["progress", "plans"]

    def test_lower_sections_inherit_the_role(self):
        doc = parse_text(
            "二、存在的问题\n（一）耕保压力大。正文。\n（二）资金不足。正文。"
        ).documents[0]
        assert {s.role for s in doc.sections if s.level == 2} == {"problems"}


class TestTopics:
    def test_topics_with_their_evidence(self):
        doc = parse_text(
            "一、工作情况\n（一）招商引资成果丰硕。贯通运用一把手招商、驻点招商机制，集中签约项目*个，"
            "总投资额达22亿元。"
        ).documents[0]
        section = doc.sections[-1]
        assert section.topics[0] == "attracting_investment"
        assert "招商引资" in section.topic_evidence["attracting_investment"]

    def test_party_building_and_discipline_language_is_not_industry(self):
        text = (
            "三、加强党的建设\n（三）加强党的组织体系建设。推进企业党建和两新组织党建工作，"
            "非公企业党组织覆盖率达到95%，选派党建指导员进驻企业，严格落实八项规定，深化正风肃纪，"
            "持续整治形式主义、官僚主义。"
        )
        doc = parse_text(text).documents[0]
        point = next(s for s in doc.sections if s.heading.startswith("加强党的组织体系建设"))
        assert "party_building" in point.topics and "industry" not in point.topics
        assert point.topic_evidence["party_building"]

    def test_a_short_section_gets_the_topic_it_names_once(self):
        text = "四、政府自身建设\n（一）旗帜鲜明讲政治\n坚持把政治建设摆在首位，提高政治判断力。\n"
        doc = parse_text(text).documents[0]
        assert doc.sections[-1].topics == ["party_building"]

    def test_a_section_can_have_several_topics(self):
        doc = parse_text(
            "一、工作\n（一）坚决维护社会大局稳定。抓好信访稳定，化解信访积案，排查矛盾纠纷；"
            "抓好安全生产，开展隐患排查，防范重大事故隐患。"
        ).documents[0]
        assert {"governance", "safety"} <= set(doc.sections[-1].topics)


class TestMasks:
    @pytest.mark.parametrize(
        ("text", "token", "kind"),
        [
            ("预计实现**亿元", "**", "figure"),
            ("同比增长*%", "*", "figure"),
            ("耕地数量为xx.xxx万亩", "xx.xxx", "figure"),
            ("截至x月xx日", "x", "figure"),
            ("xxxx年新增", "xxxx", "figure"),
            ("xx市自然资源局", "xx", "name"),
        ],
    )
    def test_masked_figures_and_names_are_found(self, text, token, kind):
        masks = list(find_masks(text))
        assert masks[0].token == token and masks[0].kind == kind

    def test_latin_words_and_multiplication_are_not_masks(self):
        assert list(find_masks("Linux系统和3x3矩阵，Xbox")) == []

    def test_masked_ratio_counts_figures_only(self):
        doc = parse_text(
            "一、情况\n完成投资**亿元，增长12.5%，新增企业5家，xx市排名第一。"
        ).documents[0]
        assert doc.masked_count == 1 and doc.figure_count == 2
        assert doc.masked_ratio == pytest.approx(1 / 3, abs=1e-3)


class TestKeywords:
    @pytest.mark.parametrize("token", ["xx", "**", "x.xx", "2023", "工作", "推进", "万亩", "亿元"])
    def test_masks_numbers_and_stop_words_are_never_keywords(self, token):
        assert not is_term(token)

    @pytest.mark.parametrize("token", ["招商引资", "乡村振兴", "高标准农田", "GDP"])
    def test_genre_terms_are_keywords(self, token):
        assert is_term(token)

    def test_genre_dictionary_keeps_terms_whole(self):
        from huibao.text.tokens import tokenize

        assert "高标准农田" in tokenize("新增高标准农田1200亩")
        assert "规上工业增加值" in tokenize("规上工业增加值同比增长")


class TestSlogans:
    def test_quoted_formulas_are_counted_normalised(self):
        from huibao.text.slogans import find_slogans

        text = "坚决拥护“两个确立”，树牢“四个意识”，做到“两个维护”。坚决拥护“两个确立”。"
        assert find_slogans(text) == {"两个确立": 2, "四个意识": 1, "两个维护": 1}

    def test_a_quoted_number_takes_the_descriptor_that_follows(self):
        from huibao.text.slogans import find_slogans

        text = "推行“1234”防返（致）贫工作法（“1”是确保一条底线、“2”是做到“两不放过”）。"
        found = find_slogans(text)
        assert found["1234防返贫工作法"] == 1
        assert not any(s.startswith(("1是", "2是")) for s in found)

    def test_known_formulas_count_without_quotes(self):
        from huibao.text.slogans import find_slogans

        assert find_slogans("统筹划定三区三线，严格落实八项规定。") == {
            "三区三线": 1,
            "八项规定": 1,
        }

    def test_quoted_sentences_are_not_slogans(self):
        from huibao.text.slogans import find_slogans

        assert find_slogans("他说：“我们要把这项工作做好，让群众满意。”") == {}

    def test_numbered_formula_quoted_once_is_also_counted_bare(self):
        from huibao.text.slogans import find_slogans, numbered_formulas

        doc = "抓好“三落实一巩固”。……继续推进三落实一巩固。"
        assert find_slogans(doc, numbered_formulas(doc))["三落实一巩固"] == 2


class TestIndicators:
    def test_masked_amount_and_growth_are_flagged(self):
        from huibao.text.indicators import find_indicators

        (m,) = find_indicators("全县地区生产总值预计实现**亿元，同比增长*%；")
        assert (m.key, m.unit, m.direction) == ("gdp", "亿元", "up")
        assert m.value is None and m.value_masked and m.growth is None and m.growth_masked

    def test_values_units_and_falls_are_read(self):
        from huibao.text.indicators import find_indicators

        text = "全年地区生产总值完成356.8亿元，同比增长5.6%；规上工业增加值同比下降2.3%。"
        gdp, industry = find_indicators(text)
        assert (gdp.value, gdp.unit, gdp.growth, gdp.masked) == (356.8, "亿元", 5.6, False)
        assert (industry.key, industry.growth, industry.direction) == (
            "industrial_value_added",
            -2.3,
            "down",
        )

    def test_a_name_without_a_figure_is_no_mention(self):
        from huibao.text.indicators import find_indicators

        (m,) = find_indicators("固定资产投资缺少大项目支撑；社会消费品零售总额增长4.8%。")
        assert (m.key, m.growth) == ("retail_sales", 4.8)

    @pytest.mark.parametrize(
        "text",
        [
            "单位国内生产总值能耗下降2.5%左右。",
            "亿元国内生产总值生产安全事故死亡率控制在0.6人以下。",
            "财政赤字占国内生产总值的比重降到1.5%左右。",
            "人均地区生产总值从9万元提高到11万元。",
            "预计大湾区经济总量突破15万亿元。",
            "对共建“一带一路”国家进出口增长38%。",
            "社会物流总费用与地区生产总值的比率降至13.6%左右，制造业贷款余额、科技贷款余额均增长11.7%。",
        ],
    )
    def test_an_indicator_that_is_not_the_subject_is_no_mention(self, text):
        from huibao.text.indicators import find_indicators

        assert find_indicators(text) == []

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "国内生产总值达到63.6万亿元，比上年增长7.4%，在世界名列前茅。",
                [("gdp", 63.6, "万亿元", 7.4)],
            ),
            (
                "实际使用外资1126.6亿元、增长11.3%，新设外资企业3.6万家、增长38.7%。",
                [("foreign_investment", 1126.6, "亿元", 11.3)],
            ),
            (
                "外贸进出口总额突破5000亿美元，其中出口2662亿美元，增长6.8%。",
                [("foreign_trade", 5000, "亿美元", None)],
            ),
            (
                "全省生产总值从2020年的3.68万亿元增长到2025年的4.93万亿元。",
                [("gdp", 4.93, "万亿元", None)],
            ),
            ("进出口总额接连突破8万亿元、9万亿元。", [("foreign_trade", 9, "万亿元", None)]),
            (
                "城镇居民人均可支配收入和农村居民人均纯收入年均分别增长8.8%、9.9%。",
                [("urban_income", None, None, 8.8), ("rural_income", None, None, 9.9)],
            ),
            (
                "城乡居民人均可支配收入分别达6.9万元、3.4万元，增长4.2%、5.3%。",
                [("urban_income", 6.9, "万元", 4.2), ("rural_income", 3.4, "万元", 5.3)],
            ),
            (
                "城镇居民人均可支配收入17175元，农村居民人均纯收入5153元，实际增长9.8%和8.5%。",
                [("urban_income", 17175, "元", 9.8), ("rural_income", 5153, "元", 8.5)],
            ),
            (
                "规上工业增加值、规上服务业营收分别增长6.5%和7%。",
                [("industrial_value_added", None, None, 6.5)],
            ),
            (
                "城镇调查失业率平均为5.2%，居民消费价格涨幅回落到2.6%。",
                [("unemployment_rate", 5.2, "%", None), ("cpi", None, None, 2.6)],
            ),
            ("今年经济增长预期目标定为7.5%左右。", [("gdp", None, None, 7.5)]),
            ("1-6月，全镇完成地区生产总值**亿元，同比增长8%。", [("gdp", None, "亿元", 8.0)]),
        ],
    )
    def test_figures_go_to_their_subjects(self, text, expected):
        from huibao.text.indicators import find_indicators

        got = [(m.key, m.value, m.unit, m.growth) for m in find_indicators(text)]
        assert got == expected

    def test_goals_are_told_from_results(self):
        from huibao.text.indicators import find_indicators

        result, goal = find_indicators("地区生产总值增长5.4%。今年地区生产总值增长5%左右。")
        assert (result.target, goal.target) == (False, True)

    def test_a_masked_fall_is_a_masked_figure_going_down(self):
        from huibao.text.indicators import find_indicators

        (m,) = find_indicators("规上工业增加值预计实现**亿元，同比下降**%。")
        assert (m.value, m.value_masked, m.growth, m.growth_masked, m.direction) == (
            None, True, None, True, "down",
        )  # fmt: skip


class TestMixedRoles:
    def test_problems_and_plans_section_is_split_where_the_plans_begin(self):
        doc = parse_text(
            "一、工作情况\n完成了任务。\n二、存在问题及下步打算\n（一）存在问题。一是人才不足；二是资金紧张。\n"
            "（二）下步打算。下一步，我们将加大投入，确保完成任务，力争突破，持续推进，加快发展。"
        ).documents[0]
        mixed = next(s for s in doc.sections if s.heading == "存在问题及下步打算")
        assert mixed.role_split is not None
        assert doc.text[mixed.role_split :].startswith("（二）下步打算")
        roles = {s.heading: s.role for s in doc.sections if s.level == 2}
        assert roles == {"存在问题": "problems", "下步打算": "plans"}
