"""Economic indicators: `全县地区生产总值预计实现**亿元，同比增长*%` → GDP, value masked, unit 亿元,
growth masked, direction up.

A mention is an indicator of the taxonomy as the subject of its clause, with its figures
(`docs/annotation.md`, "Indicators"):

    [scope] NAME [、 OTHER … 分别|均] [links] FIGURE(S) [qualifier] [，|、 [links] FIGURE(S) …]

Only words of where, when and aim may stand before the name (`全省`, `2022年上半年`, `预计`,
`提出`): any other word makes the name a modifier or a part (`单位国内生产总值能耗`,
`大湾区经济总量`). Only linking words may stand between the name and its figure (`同比`,
`达到`, `年均`): any other word means the figure has another subject (`亿元国内生产总值生产安全
事故死亡率0.6人`). Figures in the clauses that follow belong to the mention while those clauses
open with a link or a figure (`，比上年增长7.4%`). Lists are shared out in order: `A和B分别增长
x%、y%`, `A 17175元，B 5153元，实际增长9.8%和8.5%`; one subject with a list of amounts keeps the
last (`突破8万亿元、9万亿元`). Masked figures are flagged, never read as numbers. The vocabulary
and the grammar's words are data (`data/indicators.yaml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .chars import HAN
from .masks import MASK
from .rules import load_yaml


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
    target: bool = False  # the figure is a goal (预期目标, 左右, 以上, …), not a result

    @property
    def masked(self) -> bool:
        return self.value_masked or self.growth_masked


def indicator_labels() -> dict[str, str]:
    return {key: spec["zh"] for key, spec in _data()["indicators"].items()}


@cache
def _data() -> dict:
    return load_yaml("indicators.yaml")


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _Grammar:
    name: re.Pattern
    owner: dict[str, str]  # name → indicator key
    measure: dict[str, str]  # indicator key → amount | rate | price
    pairs: dict[str, list[str]]  # name → the two indicators it stands for before 分别
    scope: re.Pattern  # scope words, whole
    links: re.Pattern  # linking words, from a position
    figure: re.Pattern  # one figure or a list of them, from a position
    number: re.Pattern  # one number (or mask) with its unit, inside a list
    joiner: re.Pattern  # `、`, `和` … between the subjects of one figure
    other_subject: re.Pattern  # a subject outside the taxonomy, before 分别/均
    up: frozenset[str]
    target_cues: re.Pattern
    qualifier: re.Pattern  # 左右, 以上 … after a figure


@cache
def _grammar() -> _Grammar:
    data = _data()
    owner: dict[str, str] = {}
    for key, spec in data["indicators"].items():
        for name in spec["names"]:
            owner.setdefault(name, key)
    g = data["grammar"]
    num = rf"(?:\d+(?:\.\d+)?|{MASK.pattern})"
    ranged = rf"{num}(?:\s*%?\s*[-—～~至]\s*{num})?"  # 4.5%-5%: the first figure counts
    units = _alternation(map(re.escape, g["units"]))
    rates = _alternation(map(re.escape, g["growth_units"]))
    direction = _alternation(map(re.escape, [*g["up"], *g["down"]]))
    year = r"(?:(?:19|20)\d\d|[xX*]{4})年(?:底|末)?的?"
    links = rf"(?:{_alternation(g['links'])}|\s)*"
    figure = (
        # 从3.68万亿元增长到4.93万亿元 / 由1.4%提高到1.97%: the latest figure counts
        rf"(?:从|由)\s*(?:{year})?{num}\s*(?:{units}|%)\s*(?:{direction})?\s*(?:到|至)\s*"
        rf"(?:{year})?(?P<to>{num}\s*(?:{units}|%))"
        # 增长5.2% / 同比下降**% / 年均增速4.5%-5% / 提高到5.4万元 / 增长9.8%和8.5%
        rf"|(?P<dir>{direction})(?P<level>到|至)?\s*{links}"
        rf"(?P<rates>{ranged}\s*(?:{rates}|{units})(?:\s*(?:、|和|及)\s*{ranged}\s*(?:{rates}|{units}))*)"
        # 63.6万亿元 / 5.5% / 6.9万元、3.4万元
        rf"|(?P<values>{ranged}\s*(?:{units}|%)(?:\s*(?:、|和)\s*{ranged}\s*(?:{units}|%))*)"
    )
    names = _alternation(map(re.escape, owner))
    return _Grammar(
        name=re.compile(names),
        owner=owner,
        measure={key: spec["measure"] for key, spec in data["indicators"].items()},
        pairs=dict(data.get("pairs", {})),
        scope=re.compile(rf"(?:{_alternation(g['scope'])}|\s)*"),
        links=re.compile(links),
        figure=re.compile(figure),
        number=re.compile(
            rf"(?P<n>{num})(?:\s*%?\s*[-—～~至]\s*{num})?\s*(?P<u>{rates}|{units}|%)"
        ),
        joiner=re.compile(r"、|和|与|及|以及"),
        other_subject=re.compile(
            rf"[{HAN}A-Za-z“”]{{2,16}}?(?=(?:、|和|与|及)|{links}(?:分别|均))"
        ),
        up=frozenset(g["up"]),
        target_cues=re.compile(_alternation(map(re.escape, g["target_cues"]))),
        qualifier=re.compile("左右|以上|以内|以下|之内"),
    )


_CLAUSE_BREAK = "，,：:；;。！？\n"
_SENTENCE = re.compile(r"[^；;。！？\n]+")


def find_indicators(text: str) -> list[IndicatorMention]:
    """Every mention of an indicator in `text`, in order, with offsets into `text`."""
    out: list[IndicatorMention] = []
    for sentence in _SENTENCE.finditer(text):
        out += _Sentence(text, sentence.start(), sentence.end()).mentions()
    return out


@dataclass(slots=True)
class _Slot:
    """A subject of a figure: an indicator being read (key None: a subject outside the
    taxonomy, which takes its share of a list and is then dropped)."""

    key: str | None
    name: str
    start: int
    end: int = 0
    value: float | None = None
    unit: str | None = None
    value_masked: bool = False
    growth: float | None = None
    growth_unit: str | None = None
    growth_masked: bool = False
    direction: str | None = None
    target: bool = False

    def freeze(self) -> IndicatorMention:
        return IndicatorMention(
            self.key or "", self.name, self.start, self.end, self.value, self.unit,
            self.value_masked, self.growth, self.growth_unit, self.growth_masked,
            self.direction, self.target,
        )  # fmt: skip


@dataclass(slots=True)
class _Figures:
    """What one figure (or list) says: values or growth rates, in order."""

    kind: str  # value | growth
    numbers: list[tuple[str, str]]  # (number as written, unit)
    direction: str | None = None


class _Sentence:
    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.g = _grammar()
        self.read: list[_Slot] = []  # mentions read so far, in order

    def mentions(self) -> list[IndicatorMention]:
        pos = self.start
        while m := self.g.name.search(self.text, pos, self.end):
            pos = max(m.end(), self._mention(m))
        return [s.freeze() for s in self.read if s.key and (s.unit or s.growth_unit)]

    def _mention(self, m: re.Match) -> int:
        """Read the mention whose first name is `m`; returns where reading stopped."""
        text, g = self.text, self.g
        clause = m.start()
        while clause > self.start and text[clause - 1] not in _CLAUSE_BREAK:
            clause -= 1
        if not g.scope.fullmatch(text, clause, m.start()):
            return m.end()  # a modifier or a part: 单位国内生产总值能耗, 大湾区经济总量
        slots, at = self._subjects(m)
        links = g.links.match(text, at, self.end)
        figure = self._figure(links.end())
        if figure is None:
            return m.end()
        cue = g.target_cues.search(text, clause, figure.start())
        for slot in slots:
            slot.target = bool(cue)
        self.read += slots
        if not self._share(slots, self._figures(figure, slots[0].key), replace=True):
            return m.end()
        end = self._after_qualifier(figure.end(), slots)
        # figures in the clauses that follow, while they open with a link or a figure
        while end < self.end and text[end] in "，,、":
            links = g.links.match(text, end + 1, self.end)
            more = g.figure.match(text, links.end(), self.end)
            if more is None:
                break
            if not self._share(slots, self._figures(more, slots[0].key), replace=text[end] == "、"):
                break
            end = self._after_qualifier(more.end(), slots)
        for slot in slots:
            slot.end = max(slot.end, end)
        return end

    def _subjects(self, m: re.Match) -> tuple[list[_Slot], int]:
        """The subjects the figure will be shared among, and where they end: one name, a pair
        name before 分别 (`城乡居民人均可支配收入分别…`), or a list `A、B分别…` / `A和B均…`."""
        text, g = self.text, self.g
        first = _Slot(g.owner[m.group(0)], m.group(0), m.start())
        slots, at = [first], m.end()
        while (j := g.joiner.match(text, at, self.end)) is not None:
            scope = g.scope.match(text, j.end(), self.end)
            item = g.name.match(text, scope.end(), self.end)
            if item is not None:
                slots.append(_Slot(g.owner[item.group(0)], item.group(0), item.start()))
            elif (other := g.other_subject.match(text, j.end(), self.end)) is not None:
                slots.append(_Slot(None, other.group(0), other.start()))
                item = other
            else:
                break
            at = item.end()
        links = text[at : g.links.match(text, at, self.end).end()]
        if len(slots) > 1 and ("分别" in links or "均" in links):
            return slots, at
        pair = g.pairs.get(first.name)
        if pair and "分别" in text[m.end() : g.links.match(text, m.end(), self.end).end()]:
            return [_Slot(key, first.name, first.start) for key in pair], m.end()
        return [first], m.end()

    def _figure(self, at: int) -> re.Match | None:
        """The figure at `at`; else, once, the figure after the next `、` of the clause
        (`连续迈上4个万亿元台阶、达14.2万亿元`)."""
        text, g = self.text, self.g
        figure = g.figure.match(text, at, self.end)
        if figure is not None:
            return figure
        stop = at
        while stop < self.end and text[stop] not in _CLAUSE_BREAK and text[stop] != "、":
            stop += 1
        if stop < self.end and text[stop] == "、":
            links = g.links.match(text, stop + 1, self.end)
            return g.figure.match(text, links.end(), self.end)
        return None

    def _figures(self, figure: re.Match, key: str | None) -> _Figures:
        g = self.g
        measure = g.measure.get(key or "", "amount")
        if figure.group("to") is not None:
            n = g.number.match(figure.group("to"))
            kind = "growth" if n.group("u") == "%" and measure == "price" else "value"
            return _Figures(
                kind, [(n.group("n"), n.group("u"))], "up" if kind == "growth" else None
            )
        if figure.group("dir") is not None:
            numbers = [
                (n.group("n"), n.group("u")) for n in g.number.finditer(figure.group("rates"))
            ]
            level = figure.group("level") is not None  # 提高到5.4万元, 回落到2.6%: a level
            is_rate = numbers[0][1] in ("%", "个百分点", "倍")
            if not is_rate or (level and measure == "rate"):
                return _Figures("value", numbers)
            up = figure.group("dir") in g.up or level
            if not up:
                numbers = [("-" + n, u) for n, u in numbers]
            return _Figures("growth", numbers, "up" if up else "down")
        numbers = [(n.group("n"), n.group("u")) for n in g.number.finditer(figure.group("values"))]
        if numbers[0][1] == "%" and measure in ("amount", "price"):
            return _Figures("growth", numbers, "up")
        return _Figures("value", numbers)

    def _share(self, slots: list[_Slot], figures: _Figures, replace: bool) -> bool:
        """Give the figures to their subjects: one each in order, one to all (`均`), the last of
        a list of milestones to a single subject, or a list of rates to the mentions read just
        before that still lack one (`A 17175元，B 5153元，实际增长9.8%和8.5%`). False when the
        figures have no subject here (they belong to someone else)."""
        numbers = figures.numbers
        if len(numbers) == len(slots):
            pairs = list(zip(slots, numbers, strict=True))
        elif len(numbers) == 1:
            pairs = [(slot, numbers[0]) for slot in slots]
        elif len(slots) == 1 and figures.kind == "value":
            pairs = [(slots[0], numbers[-1])]
        elif len(slots) == 1 and figures.kind == "growth":
            earlier = [s for s in self.read if s.growth_unit is None and s.key]
            if len(earlier) < len(numbers) or earlier[-1] is not slots[0]:
                return False
            pairs = list(zip(earlier[-len(numbers) :], numbers, strict=True))
        else:
            return False
        for slot, (number, unit) in pairs:
            if figures.kind == "value":
                if slot.unit is not None and not replace:
                    return False
                slot.value, slot.value_masked = _number(number)
                slot.unit = unit
            else:
                if slot.growth_unit is not None:
                    return False
                slot.growth, slot.growth_masked = _number(number)
                slot.growth_unit = unit
                slot.direction = figures.direction
        return True

    def _after_qualifier(self, end: int, slots: list[_Slot]) -> int:
        """Skip `左右`, `以上`, `以内` after a figure (they make it a goal)."""
        q = self.g.qualifier.match(self.text, end, self.end)
        if q is None:
            return end
        for slot in slots:
            slot.target = True
        return q.end()


def _number(token: str) -> tuple[float | None, bool]:
    sign = -1.0 if token.startswith("-") else 1.0
    token = token.lstrip("-")
    if MASK.fullmatch(token):
        return None, True
    try:
        return sign * float(token), False
    except ValueError:
        return None, True
