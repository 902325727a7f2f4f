"""Document metadata: year, period, administrative level, issuer, place, kind, display title.

The issuer's own lines decide (`issuer.py`): its title, the subtitle's congress and date, the
speaker's office line, `我代表…`, the signature. The text's self-reference (`全县`, `我区`,
`镇党委`) decides the level only when those are silent. Fields stay None when the text does
not say.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .issuer import Issuer, find_issuer
from .model import Section
from .numerals import ONE_TO_TEN
from .places import PLACE_CHAR, bare_unit, national_place, organs, unit_level, units
from .roles import heading_roles
from .rules import load_yaml
from .titles import is_generic_title, title_kind
from .years import FIVE_YEAR_PLAN, YEAR, first_year, plan_start


@dataclass(slots=True)
class DocumentMeta:
    year: int | None
    period: str | None
    admin_level: str | None
    org: str | None
    kind: str | None
    place: str | None = None
    display_title: str | None = None


def document_meta(title: str | None, text: str, sections: Sequence[Section] = ()) -> DocumentMeta:
    head = text[:3000]
    issuer = find_issuer(title, text)
    kind = find_kind(title, head)
    year = find_year(title, head, kind=kind, issuer=issuer, sections=sections, text=text)
    period = find_period(title, head, kind)
    level = find_admin_level(title, text, issuer)
    place = issuer.place
    return DocumentMeta(
        year=year,
        period=period,
        admin_level=level,
        org=issuer.org,
        kind=kind,
        place=place,
        display_title=display_title(title, place, issuer.org, year, period, kind),
    )


# --- kind -----------------------------------------------------------------------------------


@cache
def _kind_cues() -> tuple[re.Pattern, list[tuple[re.Pattern, str]]]:
    data = load_yaml("kinds.yaml")
    congress = re.compile("|".join(data["congress_report_cues"]))
    opening = [(re.compile(c["pattern"]), c["kind"]) for c in data["opening_cues"]]
    return congress, opening


def find_kind(title: str | None, head: str) -> str | None:
    """The kind the title names; else how the opening speaks of itself (`向大会报告工作` is a
    政府工作报告, `汇报如下` a 工作汇报)."""
    if title:
        kind = title_kind(title)
        if kind:
            return kind
    congress, opening = _kind_cues()
    if congress.search(head[:1500]):
        return "政府工作报告"
    for pattern, kind in opening:
        if pattern.search(head[:800]):
            return kind
    return None


# --- year -----------------------------------------------------------------------------------

_PERIOD_AFTER_YEAR = re.compile(
    r"((?:19|20)\d\d)\s*年\s*(?:上半年|下半年|全年|度|第?[一二三四1-4]季度|[1１一]\s*[-—至~～]\s*\d{1,2}\s*月|工作|以来|是)"
)
_YEAR_IS = re.compile(r"(?:^|(?<=[。！？\n]))\s*((?:19|20)\d\d)年是")


def find_year(
    title: str | None,
    head: str,
    *,
    kind: str | None = None,
    issuer: Issuer | None = None,
    sections: Sequence[Section] = (),
    text: str = "",
) -> int | None:
    """The year a report speaks for.

    The title's year; else the date of its subtitle or signature; for a report delivered to a
    congress, the year it was delivered, read from its parts (`2024年主要任务`, or the year
    after the one `2023年工作回顾` reviews); else the first `2022年上半年`-like phrase. The
    year a 回顾 part reviews is never a delivered report's year.
    """
    year = first_year(title or "")
    if year:
        return year
    if issuer and issuer.date_year:
        return issuer.date_year
    if kind == "政府工作报告":
        return _delivered_year(sections, text or head)
    m = _PERIOD_AFTER_YEAR.search(head)
    return int(m.group(1)) if m else None


def _delivered_year(sections: Sequence[Section], text: str) -> int | None:
    """The year a government work report was delivered, from how its parts are laid out:
    reports review the past year (or years), then plan the year they are delivered in. A part
    that plans and names a year gives it; else the year after the one its review part names;
    else a `××年是…` sentence among the plans; else the first year of the five-year plan its
    plans part sets out."""
    top = [s for s in sections if s.level <= 1 and s.kind in ("heading", "part") and s.heading]
    plans_from = None  # where the first part that plans begins
    reviewed: int | None = None
    for k, s in enumerate(top):
        role = _heading_role(s.heading)
        years = [int(y) for y in YEAR.findall(s.heading)]
        if role == "plans":
            if years:
                return years[-1]
            plans_from = s.start if plans_from is None else plans_from
        elif years and plans_from is None and (role == "progress" or k == 0):
            reviewed = reviewed or years[-1]
    if reviewed:
        return reviewed + 1
    if plans_from is not None:
        m = _YEAR_IS.search(text, plans_from)
        if m:
            return int(m.group(1))
    for s in top:
        if _heading_role(s.heading) == "plans":
            m = FIVE_YEAR_PLAN.search(s.heading)
            if m:
                return plan_start(m.group(1))
    return None


def _heading_role(heading: str) -> str | None:
    cues = heading_roles(heading)
    return cues[-1] if cues else None


# --- period ---------------------------------------------------------------------------------

_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_PERIODS = [
    (re.compile(r"上半年|1\s*[-—至~～]\s*6\s*月|一至六月|半年"), "H1"),
    (re.compile(r"下半年|7\s*[-—至~～]\s*12\s*月"), "H2"),
    (re.compile(r"全年|年度|年终|政府工作报告|年工作(总结|报告|汇报)|一年来|过去一年"), "FY"),
]


def find_period(title: str | None, head: str, kind: str | None = None) -> str | None:
    """H1, H2, Q1–Q4 or FY. The title decides; every 政府工作报告 is FY; else the opening.

    In `上半年工作总结和下半年工作计划` the report covers the first half: the first period named
    is the one reported on.
    """
    found = _first_period(title or "")
    if found:
        return found
    if kind == "政府工作报告":
        return "FY"
    return _first_period(head[:600])


def _first_period(text: str) -> str | None:
    best: tuple[int, str] | None = None
    m = _QUARTER.search(text)
    if m:
        q = {"一": 1, "二": 2, "三": 3, "四": 4}.get(m.group(1)) or int(m.group(1))
        best = (m.start(), f"Q{q}")
    for pattern, period in _PERIODS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), period)
    return best[1] if best else None


# --- administrative level -------------------------------------------------------------------

_LEVEL_ORDER = ["subdistrict", "township", "district", "county", "city", "province"]
_COMPARE_BEFORE = re.compile(r"(居|率先|位居|领跑|走在|列|排名|在)$")
_COMPARE_AFTER = re.compile(
    rf"^(首位|第[{ONE_TO_TEN}]|前列|一流|排名|率先|领先|之最|唯一|最|前\d|前[{ONE_TO_TEN}])"
)


def find_admin_level(title: str | None, text: str, issuer: Issuer | None = None) -> str | None:
    """The issuer's own level: stated by its own lines (title, subtitle, office line,
    self-reference); else its name as the text writes it in full (`自治区林业局` for a title's
    `林业局`); else how the text speaks of its own jurisdiction (`我县`, `县委`, `全县`)."""
    issuer = issuer or find_issuer(title, text)
    if issuer.known:
        return issuer.level
    body = text[:20000]
    if issuer.org:
        level = _level_of_named_org(issuer.org, body)
        if level:
            return level
    return _level_from_self_reference(body, title)


def _level_of_named_org(org: str, text: str) -> str | None:
    """`林业局` written in the text as `自治区林业局` (or `××县林业局`): that unit's level."""
    if bare_unit(org) or len(org) < 2:
        return None
    unit_words = "|".join(map(re.escape, units()))
    found: Counter[str] = Counter()
    for m in re.finditer(rf"(?:{PLACE_CHAR}{{0,8}}?)({unit_words}){re.escape(org)}", text):
        level = unit_level(m.group(1))
        if level:
            found[level] += 1
    return found.most_common(1)[0][0] if found else None


@cache
def _unit_words() -> dict[str, str]:
    """Level → alternation of its unit words (县|旗 …), for self-reference patterns."""
    by_level: dict[str, list[str]] = {}
    for unit in units():
        if len(unit) == 1 or unit == "街道":
            by_level.setdefault(unit_level(unit), []).append(unit)
    return {level: "|".join(words) for level, words in by_level.items()}


def _level_scores(text: str) -> Counter:
    """How often the text speaks of a level as its own: 我县/本县 (3), its organs 县委/县政府
    (2), 全县 (1) unless it ranks against the wider area (居全市首位, 全省一流)."""
    organ = "|".join(map(re.escape, organs()))
    scores: Counter[str] = Counter()
    for level, unit in _unit_words().items():
        # 自治区党委 and 省市 lists are not a district's or a city's own organs
        guard = "(?<![自治省市])" if level == "district" else "(?<!省)" if level == "city" else ""
        scores[level] += 3 * len(re.findall(rf"(?:我|本)(?:{unit})", text))
        scores[level] += 2 * len(re.findall(rf"{guard}(?:{unit})(?:{organ})", text))
        for m in re.finditer(rf"全(?:{unit})", text):
            before = text[max(0, m.start() - 2) : m.start()]
            after = text[m.end() : m.end() + 3]
            if not (_COMPARE_BEFORE.search(before) or _COMPARE_AFTER.match(after)):
                scores[level] += 1
    return scores


_REGION_SELF = re.compile(r"自治区(?:党委|政府|人民政府|人大)")
_DISTRICT_ORGANS = re.compile(r"(?<![自治省市])区(?:委|政府|人民政府|人大|政协)")


def _level_from_self_reference(text: str, title: str | None) -> str | None:
    scores = _level_scores(text)
    # 全区/我区 belong to an autonomous region when it names its own organs and no district's
    if _REGION_SELF.search(text) and not _DISTRICT_ORGANS.search(text):
        scores["province"] += scores.pop("district", 0)
    if title:
        for level, n in _level_scores(title).items():
            scores[level] += 5 * n
    scores = Counter({k: v for k, v in scores.items() if v > 0})
    if not scores:
        return None
    best = max(scores.values())
    # ties go to the more local level: reports mention the levels above them, rarely below
    return next(level for level in _LEVEL_ORDER if scores.get(level) == best)


# --- issuing organisation -------------------------------------------------------------------


def find_org(title: str | None, text: str = "") -> str | None:
    """The issuing body as the report names it: `县林业局2023年…` → `县林业局`,
    `广东省2026年政府工作报告` → `广东省人民政府`; None when it names none."""
    return find_issuer(title, text).org


# --- display title --------------------------------------------------------------------------

_PERIOD_WORDS = {"H1": "上半年", "H2": "下半年", "Q1": "第一季度", "Q2": "第二季度",
                 "Q3": "第三季度", "Q4": "第四季度"}  # fmt: skip


def display_title(
    title: str | None,
    place: str | None,
    org: str | None,
    year: int | None,
    period: str | None,
    kind: str | None,
) -> str | None:
    """The title a reader can tell reports apart by: the report's own title, or, when it has
    none or only a generic one (`政府工作报告`), issuer + year + period + kind:
    `××区2024年政府工作报告`, `国务院2015年政府工作报告`, `××县2022年上半年工作汇报`."""
    if title and not is_generic_title(title):
        return title
    name = org if place == national_place() else (place or org)
    parts = [
        name or "",
        f"{year}年" if year else "",
        "" if kind == "政府工作报告" else _PERIOD_WORDS.get(period or "", ""),
        kind or (title or ""),
    ]
    built = "".join(parts)
    return built or title
