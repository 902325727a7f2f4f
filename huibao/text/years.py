"""Years as reports write them: `2024年`, `二〇二四年`, and five-year plans (`“十四五”时期`)."""

from __future__ import annotations

import re

from .numerals import ONE_TO_NINE, YEAR_DIGITS, parse_chinese_numeral

YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
CN_YEAR = re.compile(rf"([{YEAR_DIGITS}]{{4}})年")
FIVE_YEAR_PLAN = re.compile(rf"“?十([{ONE_TO_NINE}])五”?")  # 十四五, 十五五: the Nth plan


def year_number(token: str) -> int | None:
    """`2024` → 2024, `二〇二四` → 2024; None when `token` is neither."""
    if token.isdigit():
        return int(token)
    digits = [parse_chinese_numeral(ch) for ch in token]
    return None if None in digits else int("".join(map(str, digits)))


def first_year(text: str) -> int | None:
    """The first year `text` names, in digits or in Chinese numerals."""
    m = YEAR.search(text)
    if m:
        return int(m.group(1))
    m = CN_YEAR.search(text)
    return year_number(m.group(1)) if m else None


def plan_start(numeral: str) -> int:
    """First year of the Nth five-year plan, N given by the numeral after 十: `四` → 2021."""
    n = 10 + (parse_chinese_numeral(numeral) or 0)
    return 1971 + 5 * (n - 4)  # 四五 began in 1971; 十五五 in 2026


def heading_years(heading: str) -> list[int]:
    """Years a heading names: `2024年…` → [2024]; a five-year plan `“十四五”时期` → [2021]."""
    years = [int(y) for y in YEAR.findall(heading)]
    years += [plan_start(m.group(1)) for m in FIVE_YEAR_PLAN.finditer(heading)]
    return years
