"""Economic indicators: `地区生产总值预计实现**亿元，同比增长*%` → GDP, value masked, unit 亿元,
growth masked, direction up.

A mention is an indicator's name (`data/indicators.yaml`) followed, within its clause, by an
amount (number or mask, with a unit) and/or a growth rate with its direction. Masked figures
are flagged and never read as numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .masks import MASK
from .rules import load_yaml

_NUM = rf"(?:\d+(?:\.\d+)?|{MASK.pattern})"
_UNITS = (
    "万亿元|亿元|万元|元|亿美元|万美元|美元|万吨|吨|亿斤|万斤|万亩|亩|万人次|万人|人|万户|户|"
    "亿千瓦时|万千瓦时|千瓦时|亿度|万个|个(?!百分点)|家|项"
)
_AMOUNT = re.compile(
    rf"(?:预计)?(?:完成|实现|达到|达|为|突破|超过|超|累计完成|总量|约|近)?\s*(?P<value>{_NUM})\s*(?P<unit>{_UNITS})"
)
_GROWTH = re.compile(
    rf"(?:同比|比上年|比去年同期|年均|较上年|较去年同期)?\s*(?P<dir>增长|增加|增|提高|上升|下降|降低|减少|回落|下滑|降)"
    rf"\s*(?P<rate>{_NUM})\s*(?P<unit>%|％|个百分点|倍)"
)
_UP = ("增长", "增加", "增", "提高", "上升")


@dataclass(frozen=True, slots=True)
class IndicatorMention:
    key: str  # taxonomy key, e.g. gdp
    name: str  # as written
    start: int  # offsets in the text given to `find_indicators`
    end: int
    value: float | None
    unit: str | None
    value_masked: bool
    growth: float | None  # signed: negative when the text says it fell
    growth_unit: str | None  # % or 个百分点 or 倍
    growth_masked: bool
    direction: str | None  # up | down

    @property
    def masked(self) -> bool:
        return self.value_masked or self.growth_masked


@cache
def _names() -> tuple[re.Pattern, dict[str, str]]:
    owner = {}
    for key, spec in load_yaml("indicators.yaml").items():
        for name in spec["names"]:
            owner.setdefault(name, key)
    names = sorted(owner, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))), owner


def indicator_labels() -> dict[str, str]:
    return {key: spec["zh"] for key, spec in load_yaml("indicators.yaml").items()}


def find_indicators(text: str) -> list[IndicatorMention]:
    pattern, owner = _names()
    matches = list(pattern.finditer(text))
    out = []
    for k, m in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        clause_end = _clause_end(text, m.end(), stop)
        clause = text[m.end() : clause_end]
        amount = _AMOUNT.search(clause)
        if amount and amount.start() > 12:  # too far from the name to belong to it
            amount = None
        growth = _GROWTH.search(clause)
        if growth and growth.start() > 40:
            growth = None
        value, value_masked = _number(amount.group("value")) if amount else (None, False)
        rate, rate_masked = _number(growth.group("rate")) if growth else (None, False)
        direction = None
        if growth:
            direction = "up" if growth.group("dir") in _UP else "down"
            if rate is not None and direction == "down":
                rate = -rate
        end = m.end() + max(amount.end() if amount else 0, growth.end() if growth else 0)
        out.append(
            IndicatorMention(
                key=owner[m.group(0)],
                name=m.group(0),
                start=m.start(),
                end=end,
                value=value,
                unit=amount.group("unit") if amount else None,
                value_masked=value_masked,
                growth=rate,
                growth_unit=(growth.group("unit").replace("％", "%") if growth else None),
                growth_masked=rate_masked,
                direction=direction,
            )
        )
    return out


def _clause_end(text: str, begin: int, stop: int) -> int:
    for i in range(begin, min(stop, begin + 80)):
        if text[i] in "。；;\n":
            return i
    return min(stop, begin + 80)


def _number(token: str) -> tuple[float | None, bool]:
    if MASK.fullmatch(token):
        return None, True
    try:
        return float(token), False
    except ValueError:
        return None, True
