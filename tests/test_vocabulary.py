"""The vocabulary the text core shares, each defined once: Chinese characters, units of
measure, department suffixes."""

from __future__ import annotations

import re

import pytest

from huibao.text.chars import HAN, HAN_RANGES, is_common_han, is_han
from huibao.text.issuer import find_issuer
from huibao.text.masks import count_figures, find_masks
from huibao.text.tokens import _is_term


class TestChineseCharacters:
    @pytest.mark.parametrize("low, high", HAN_RANGES)
    def test_the_test_and_the_pattern_agree_at_every_edge(self, low, high):
        pattern = re.compile(f"[{HAN}]")
        for code in (low - 1, low, high, high + 1):
            ch = chr(code)
            inside = low <= code <= high or any(a <= code <= b for a, b in HAN_RANGES)
            assert is_han(ch) is inside and bool(pattern.match(ch)) is inside, hex(code)

    def test_extension_a_and_compatibility_ideographs_are_chinese(self):
        assert is_han("㐀") and is_han("豈") and is_han("中")
        assert not is_han("a") and not is_han("，") and not is_han("")

    def test_common_characters_are_those_gbk_encodes(self):
        assert is_common_han("中") and not is_common_han("㐀") and not is_common_han("\u9fa6")


class TestUnitsOfMeasure:
    def test_a_number_with_any_listed_unit_is_a_figure(self):
        assert count_figures("人均住房面积22.5平方米，新增床位3852张，装机10兆瓦") == 3

    def test_a_number_without_a_unit_is_not(self):
        assert count_figures("第3点，见附件2") == 0

    def test_a_masked_amount_in_a_listed_currency_is_a_masked_figure(self):
        assert [m.kind for m in find_masks("出口**美元")] == ["figure"]

    @pytest.mark.parametrize("token", ["场次", "万亩", "余场", "百克", "千瓦时"])
    def test_a_quantity_is_never_a_keyword(self, token):
        assert not _is_term(token)


class TestDepartments:
    @pytest.mark.parametrize(
        "title, place, level",
        [
            ("青山县林业局2024年工作总结", "青山县", "county"),
            ("青山县发展和改革委员会2024年工作总结", "青山县", "county"),
            ("青山县桃源镇2024年上半年工作总结", "青山县桃源镇", "township"),
        ],
    )
    def test_a_department_takes_its_governments_place_a_town_is_its_own(self, title, place, level):
        issuer = find_issuer(title, "正文。")
        assert (issuer.place, issuer.level) == (place, level)
