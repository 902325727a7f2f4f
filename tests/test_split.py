"""Heading markers, document splitting and the heading tree, on small inline examples."""

from __future__ import annotations

import pytest

from huibao.text import parse_text
from huibao.text.headings import heading_span, inline_points, line_marker
from huibao.text.split import split


def outline(text: str, doc: int = 0) -> list[tuple[int, str, str]]:
    """(level, marker, heading) of the numbered sections of one document."""
    d = parse_text(text).documents[doc]
    return [(s.level, s.marker, s.heading) for s in d.sections if s.level > 0]


class TestMarkers:
    @pytest.mark.parametrize(
        ("line", "marker", "kind"),
        [
            ("一、工作进展情况", "一、", "cn"),
            ("十二、其他工作", "十二、", "cn"),
            ("（三）优化环境", "（三）", "pcn"),
            ("(三)优化环境", "(三)", "pcn"),
            ("1.加强领导", "1.", "num"),
            ("2、完善制度", "2、", "num"),
            ("（1）明确责任", "（1）", "pnum"),
            ("①压实责任", "①", "circled"),
            ("一是紧盯目标稳运行。", "一是", "point"),
            ("二要培育壮大新兴产业。", "二要", "point"),
            ("第一，坚持党的领导。", "第一", "point"),
            ("第二部分 主要任务", "第二部分", "part"),
        ],
    )
    def test_heading_markers_are_recognised(self, line, marker, kind):
        m = line_marker(line)
        assert m is not None and m.text == marker and m.kind == kind

    @pytest.mark.parametrize(
        "line",
        [
            "1.5万亩高标准农田已建成。",
            "5.5%左右的预期增长目标",
            "10、20个村",
            "一、二、三等奖",
            "2023年工作",
        ],
    )
    def test_numbers_in_text_are_not_markers(self, line):
        assert line_marker(line) is None

    def test_heading_runs_to_the_first_full_stop_or_colon(self):
        line = "（一）产业项目建设成果显著。坚持以招商引资为中心。"
        m = line_marker(line)
        end, body = heading_span(line, m.end)
        assert line[m.end : end] == "产业项目建设成果显著"
        assert line[body:] == "坚持以招商引资为中心。"
        assert heading_span("九是争创亮点：全年增速高于全国。", 2)[0] == 6

    def test_heading_without_punctuation_is_the_whole_line(self):
        line = "一、工作进展情况"
        assert heading_span(line, 2) == (len(line), len(line))

    def test_inline_points_must_count_up_from_one(self):
        assert [
            p.number for p in inline_points("存在不足。一是经济指标下滑。二是项目储备不足。")
        ] == [1, 2]
        assert inline_points("要统一思想。唯一是指一件事。") == []


class TestDocuments:
    def test_compilation_is_split_at_report_titles(self):
        text = (
            "2023年工作总结汇编（2篇）\n"
            "林业局2023年上半年工作总结\n今年以来，林业工作取得成效，全面完成各项任务。\n"
            "一、主要工作情况\n（一）造林绿化。完成造林。\n二、下半年工作打算\n（一）加强管护。做好工作。\n"
            "乡村振兴站2023年第三季度工作总结（镇乡）\n三季度以来，扎实推进各项工作，成效明显好。\n"
            "一、防返贫监测\n开展监测。\n二、帮扶政策落实\n落实政策。"
        )
        result = split(text)
        assert result.collection_title == "2023年工作总结汇编（2篇）"
        assert [d.title for d in result.documents] == [
            "林业局2023年上半年工作总结",
            "乡村振兴站2023年第三季度工作总结（镇乡）",
        ]

    def test_documents_tile_the_text_after_the_collection_title(self):
        text = "汇编（2篇）\n甲局2023年工作总结\n一、情况\n正文。\n乙局2023年工作总结\n一、情况\n正文。"
        result = split(text)
        assert result.documents[0].start == len("汇编（2篇）\n")
        assert result.documents[0].end + 1 == result.documents[1].start
        assert result.documents[-1].end == len(text)

    def test_title_that_continues_the_numbering_does_not_open_a_document(self):
        text = "一、上半年工作\n正文。\n2023年下半年工作计划\n二、下半年工作\n正文。"
        assert len(split(text).documents) == 1

    def test_repeated_title_in_the_page_header_gives_one_document(self):
        text = (
            "陕西省2026年政府工作报告\n政府信息公开\n陕西省2026年政府工作报告\n"
            "各位代表：现在，我代表省人民政府，向大会报告工作，请予审议。\n一、工作回顾\n过去一年，成效显著。"
        )
        docs = split(text).documents
        assert len(docs) == 1 and docs[0].title == "陕西省2026年政府工作报告"

    def test_title_followed_by_a_teaser_line_is_not_a_document(self):
        text = (
            "2026年四川省人民政府工作报告\n各位代表：现在，我代表省人民政府向大会报告工作。\n"
            "一、工作回顾\n过去一年，成效显著。\n2026年四川省人民政府工作报告\n各位代表：现在，我代表省人民政府。"
        )
        assert len(split(text).documents) == 1

    def test_file_without_title_is_one_untitled_document(self):
        docs = split("现将上半年工作汇报如下。\n一、工作进展\n正文。").documents
        assert len(docs) == 1 and docs[0].title is None


class TestHeadingTree:
    def test_levels_follow_the_conventional_hierarchy(self):
        text = "一、工作情况\n（一）产业发展。正文。\n1.工业。正文。\n（1）规上工业。正文。\n（二）民生。正文。\n二、问题\n正文。"
        assert outline(text) == [
            (1, "一、", "工作情况"),
            (2, "（一）", "产业发展"),
            (3, "1.", "工业"),
            (4, "（1）", "规上工业"),
            (2, "（二）", "民生"),
            (1, "二、", "问题"),
        ]

    def test_numbered_item_directly_under_level_one_is_level_two(self):
        assert outline("一、工作情况\n1.工业。正文。\n2.农业。正文。")[1:] == [
            (2, "1.", "工业"),
            (2, "2.", "农业"),
        ]

    def test_yishi_paragraphs_right_under_a_level_one_heading_are_level_two(self):
        text = (
            "二、存在问题\n一是经济发展新引擎培育还有差距。正文。\n二是招商引资成效有待加强。正文。"
        )
        assert outline(text) == [
            (1, "二、", "存在问题"),
            (2, "一是", "经济发展新引擎培育还有差距"),
            (2, "二是", "招商引资成效有待加强"),
        ]

    def test_yishi_paragraphs_after_one_short_lead_in_are_level_two(self):
        text = "三、下半年工作打算\n下半年，我们将全力以赴，完成全年任务。\n一是稳定经济增长。正文。\n二是扩大有效投资。正文。"
        assert [lvl for lvl, _, _ in outline(text)] == [1, 2, 2]

    def test_yishi_run_after_any_amount_of_lead_in_is_level_two(self):
        narrative = "过去一年，" + "我们坚持稳中求进，" * 40 + "取得显著成效。"
        text = (
            f"一、工作回顾\n{narrative}\n{narrative}\n一年来，主要做了以下工作。\n"
            "一是首都功能持续优化。正文。\n二是科技创新加快。正文。"
        )
        assert [lvl for lvl, _, _ in outline(text)] == [1, 2, 2]

    def test_run_items_may_head_several_paragraphs(self):
        text = (
            "一、工作回顾\n过去一年，成效显著。\n一是稳增长。面对压力，我们迎难而上。\n"
            "财政政策有力。正文。\n货币政策稳健。正文。\n二是促改革。正文。\n开放扩大。正文。"
        )
        assert outline(text)[1:] == [(2, "一是", "稳增长"), (2, "二是", "促改革")]

    @pytest.mark.parametrize(
        ("first", "second"),
        [("第一，", "第二，"), ("一要", "二要"), ("其一，", "其二，")],
    )
    def test_every_point_series_forms_runs(self, first, second):
        text = (
            f"三、今年任务\n今年要做好以下工作。\n{first}扩大内需。正文。\n{second}深化改革。正文。"
        )
        assert [(lvl, m) for lvl, m, _ in outline(text)][1:] == [
            (2, first.rstrip("，")),
            (2, second.rstrip("，")),
        ]

    def test_a_part_may_hold_two_runs(self):
        text = (
            "二、结构调整\n一要发展农业。正文。\n二要发展工业。正文。\n"
            "国有企业改革要抓好三件事。\n一是建立制度。正文。\n二是推进重组。正文。"
        )
        assert [lvl for lvl, _, _ in outline(text)] == [1, 2, 2, 2, 2]

    def test_bare_point_line_joins_the_text_on_the_next_line(self):
        text = "二、扩大内需\n一是\n发行长期国债。正文。\n二是\n扩大消费。正文。"
        assert outline(text)[1:] == [(2, "一是", "发行长期国债"), (2, "二是", "扩大消费")]

    def test_a_lone_paragraph_initial_point_is_not_a_heading(self):
        text = "一、工作情况\n一是要看到成绩。正文。\n同时也要看到不足。"
        assert [(lvl, m) for lvl, m, _ in outline(text)] == [(1, "一、"), (3, "一是")]

    def test_points_continuing_inside_the_paragraph_are_not_headings(self):
        text = "二、存在的问题\n一是产业链条不长；二是项目储备不足；三是干部队伍老化。"
        assert [(lvl, m) for lvl, m, _ in outline(text)] == [
            (1, "二、"),
            (3, "一是"),
            (3, "二是"),
            (3, "三是"),
        ]

    def test_a_run_item_keeps_its_level_when_its_paragraph_goes_on_to_the_next_point(self):
        text = "三、结构调整\n一是发展农业。正文。\n二是发展工业。正文。\n三是发展科技。正文。四是扩大开放。正文。"
        assert [(lvl, m) for lvl, m, _ in outline(text)][1:] == [
            (2, "一是"),
            (2, "二是"),
            (2, "三是"),
            (3, "四是"),
        ]

    def test_yishi_paragraphs_beside_pcn_headings_are_points(self):
        text = "一、工作情况\n一是抓学习。正文。\n（一）产业。正文。\n（二）民生。正文。"
        levels = [(lvl, m) for lvl, m, _ in outline(text)]
        assert (2, "（一）") in levels and (2, "一是") not in levels

    def test_points_inside_a_paragraph_are_level_three(self):
        text = "二、存在的问题\n虽然取得成绩，但仍存在问题。一是经济指标下滑。正文。二是项目储备不足。正文。"
        assert outline(text) == [
            (1, "二、", "存在的问题"),
            (3, "一是", "经济指标下滑"),
            (3, "二是", "项目储备不足"),
        ]

    def test_points_right_after_an_inline_heading_are_found(self):
        text = "一、工作情况\n（一）服务大局。一是加强规划管理。正文。二是推进集约用地。正文。"
        assert outline(text)[2:] == [(3, "一是", "加强规划管理"), (3, "二是", "推进集约用地")]

    def test_heading_broken_by_an_open_book_title_mark_is_one_heading(self):
        text = "一、工作回顾\n正文。\n三、关于《\n国民经济和社会发展第十一个五年规划纲要（草案）\n》的说明\n正文。"
        assert outline(text)[-1] == (
            1,
            "三、",
            "关于《国民经济和社会发展第十一个五年规划纲要（草案）》的说明",
        )

    def test_unnumbered_short_lines_are_level_one_without_yi_headings(self):
        text = (
            "2026年甘肃省政府工作报告\n各位代表：我代表省人民政府，向大会报告工作，请予审议。\n"
            "“十四五”时期工作回顾\n“十四五”时期是极不平凡的五年，成就显著。\n"
            "2026年重点工作\n今年是“十五五”开局之年，意义重大。\n（一）扩大内需\n正文。"
        )
        assert outline(text) == [
            (1, "", "“十四五”时期工作回顾"),
            (1, "", "2026年重点工作"),
            (2, "（一）", "扩大内需"),
        ]

    def test_preamble_and_closing_are_kept_as_parts(self):
        text = "尊敬的各位领导：\n现将工作汇报如下。\n一、工作情况\n正文。\n以上汇报，不妥之处请批评指正。"
        sections = parse_text(text).documents[0].sections
        assert sections[0].kind == "preamble" and sections[0].level == 0
        assert sections[-1].kind == "closing" and sections[-1].level == 0
        doc = parse_text(text).documents[0]
        assert doc.text[sections[-1].start : sections[-1].end] == "以上汇报，不妥之处请批评指正。"

    def test_appendix_restarts_numbering_under_its_own_part(self):
        text = (
            "一、工作回顾\n正文。\n二、今年工作\n正文。\n各位代表！让我们团结奋斗。\n"
            "附件1\n2026年省十件民生实事\n一、提高低保标准。正文。\n二、建设养老服务中心。正文。"
        )
        sections = parse_text(text).documents[0].sections
        kinds = [(s.level, s.kind, s.heading) for s in sections]
        assert (0, "closing", "") in kinds
        assert (0, "appendix", "附件1") in kinds
        assert [s.path for s in sections if s.level == 1] == ["1", "2", "A1.1", "A1.2"]

    def test_glossary_entries_become_terms_not_sections(self):
        text = (
            "一、工作回顾\n正文。\n名词解释\n1.“两重”：是指国家重大战略实施和重点领域安全能力建设。\n"
            "2.“两新”：是指大规模设备更新和消费品以旧换新。"
        )
        doc = parse_text(text).documents[0]
        assert [s.heading for s in doc.sections if s.level > 0] == ["工作回顾"]
        assert doc.glossary[0] == ("“两重”", "是指国家重大战略实施和重点领域安全能力建设。")

    def test_out_of_order_and_duplicate_numbers_do_not_break_the_tree(self):
        text = "三、问题\n正文。\n二、情况\n正文。\n二、情况\n正文。"
        assert [lvl for lvl, _, _ in outline(text)] == [1, 1, 1]


class TestOffsets:
    def test_every_section_slice_starts_with_its_heading(self, shared_corpus):
        from huibao.text import parse_path

        for path in shared_corpus.glob("*.txt"):
            for doc in parse_path(path, keywords=False).documents:
                for s in doc.sections:
                    assert doc.text[s.start : s.end].startswith(s.heading)
                    assert doc.text[s.marker_start : s.start].strip() == s.marker.strip()
                    assert s.start <= s.body_start <= s.body_end <= s.end

    def test_every_character_after_the_title_belongs_to_one_section(self, shared_corpus):
        """Own texts (heading + body) and markers of the sections tile the document: nothing
        is lost and nothing is counted twice."""
        from huibao.text import parse_path

        for path in shared_corpus.glob("*.txt"):
            for doc in parse_path(path, keywords=False).documents:
                owner = [0] * len(doc.text)
                for s in doc.sections:
                    for i in range(s.marker_start, s.body_end):
                        owner[i] += 1
                first = min(s.marker_start for s in doc.sections)
                for i in range(first, len(doc.text)):
                    assert owner[i] <= 1, (path.name, doc.text[i - 10 : i + 10])
                    if owner[i] == 0:
                        assert doc.text[i] in "\n \t", (path.name, doc.text[i - 10 : i + 10])

    def test_sections_are_in_document_order_with_parents_before_children(self):
        doc = parse_text("一、甲\n（一）乙。正文。\n（二）丙。正文。\n二、丁\n正文。").documents[0]
        starts = [s.marker_start for s in doc.sections]
        assert starts == sorted(starts)
        for s in doc.sections:
            if s.parent is not None:
                parent = doc.sections[s.parent]
                assert parent.level < s.level and parent.start <= s.start and s.end <= parent.end
