"""Document metadata: year, period, administrative level, issuing organisation, kind of report.

Read from the title first, then from how the text speaks of itself: `全县`, `我区`, `镇党委`,
`自治区林业局`. Fields stay None when the text does not say.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .numerals import parse_chinese_numeral
from .titles import REPORT_KINDS


@dataclass(slots=True)
class DocumentMeta:
    year: int | None
    period: str | None
    admin_level: str | None
    org: str | None
    kind: str | None


def document_meta(title: str | None, text: str) -> DocumentMeta:
    head = text[:3000]
    return DocumentMeta(
        year=find_year(title, head),
        period=find_period(title, head),
        admin_level=find_admin_level(title, text),
        org=find_org(title),
        kind=find_kind(title, head),
    )


# --- year -----------------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CN_YEAR = re.compile(r"([二〇零一三四五六七八九]{4})年")
_PERIOD_AFTER_YEAR = re.compile(
    r"((?:19|20)\d\d)\s*年\s*(?:上半年|下半年|全年|度|第?[一二三四1-4]季度|[1１一]\s*[-—至~～]\s*\d{1,2}\s*月|工作|以来|是)"
)


def find_year(title: str | None, head: str) -> int | None:
    """The year a report is about: from its title, else the first `2022年上半年`-like phrase."""
    if title:
        m = _YEAR.search(title)
        if m:
            return int(m.group(1))
        m = _CN_YEAR.search(title)
        if m:
            return _cn_year(m.group(1))
    m = _PERIOD_AFTER_YEAR.search(head)
    if m:
        return int(m.group(1))
    return None


def _cn_year(token: str) -> int | None:
    digits = [parse_chinese_numeral(ch) for ch in token]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


# --- period ---------------------------------------------------------------------------------

_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_PERIODS = [
    (re.compile(r"上半年|1\s*[-—至~～]\s*6\s*月|一至六月|半年"), "H1"),
    (re.compile(r"下半年|7\s*[-—至~～]\s*12\s*月"), "H2"),
    (re.compile(r"全年|年度|年终|政府工作报告|年工作(总结|报告|汇报)|一年来|过去一年"), "FY"),
]


def find_period(title: str | None, head: str) -> str | None:
    """H1, H2, Q1–Q4 or FY. The title decides; else the opening of the text.

    In `上半年工作总结和下半年工作计划` the report covers the first half: the first period named
    is the one reported on.
    """
    for source in (title or "", head[:600]):
        found = _first_period(source)
        if found:
            return found
    return None


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

# How a report speaks of its own jurisdiction: 我县/本县 (weight 3), its own organs 县委/县政府
# (2) and 全县 (1) unless it ranks against the wider area (居全市首位, 全省一流). "区" means an
# autonomous region when the text names 自治区 as its own level (自治区林业局, 全区 in 广西).
_UNITS = {
    "province": "省",
    "city": "市",
    "county": "县",
    "district": "区",
    "township": "镇|乡",
    "subdistrict": "街道",
}
_ORGANS = "党委|党工委|委(?!员)|政府|人民政府|人大|政协|办事处"
_COMPARE_BEFORE = re.compile(r"(居|率先|位居|领跑|走在|列|排名|在)$")
_COMPARE_AFTER = re.compile(
    r"^(首位|第[一二三四五六七八九十]|前列|一流|排名|率先|领先|之最|唯一|最|前\d|前[一二三四五六七八九十])"
)
_TITLE_NOTE = {"镇": "township", "乡": "township", "镇乡": "township", "街道": "subdistrict"}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# A title that opens with a place names the issuer's level: 桃源镇2024年…, 市发展改革委…
# (not 市场, 乡村, 区域, 县域, 市政, 市民 …, which are words, not places)
_TITLE_PLACE = re.compile(
    r"^[\u4e00-\u9fa5xX*]{0,8}?(自治区|省|市|县|区|旗|镇|乡|街道)(?![场村域政民级情镇])(?=[\u4e00-\u9fa5\d])"
)
_PLACE_LEVEL = {"自治区": "province", "省": "province", "市": "city", "县": "county", "区": "district",
                "旗": "county", "镇": "township", "乡": "township", "街道": "subdistrict"}  # fmt: skip
_LEVEL_ORDER = ["subdistrict", "township", "district", "county", "city", "province"]


def _level_scores(text: str) -> Counter:
    scores: Counter[str] = Counter()
    for level, unit in _UNITS.items():
        guard = "(?<![自治省市])" if level == "district" else "(?<!省)" if level == "city" else ""
        scores[level] += 3 * len(re.findall(rf"(?:我|本)(?:{unit})", text))
        scores[level] += 2 * len(re.findall(rf"{guard}(?:{unit})(?:{_ORGANS})", text))
        for m in re.finditer(rf"全(?:{unit})", text):
            before = text[max(0, m.start() - 2) : m.start()]
            after = text[m.end() : m.end() + 3]
            if not (_COMPARE_BEFORE.search(before) or _COMPARE_AFTER.match(after)):
                scores[level] += 1
    return scores


def find_admin_level(title: str | None, text: str) -> str | None:
    if title:
        note = re.search(r"[（(]([^（）()]{1,6})[）)]\s*$", title)
        if note:
            for key in ("镇乡", "街道", "镇", "乡"):
                if key in note.group(1):
                    return _TITLE_NOTE[key]
        if any(m in title for m in _MUNICIPALITIES) or re.search(
            r"(省|自治区)(人民)?政府工作报告", title
        ):
            return "province"
    body = text[:20000]
    scores = _level_scores(body)
    if re.search(r"自治区(?:党委|政府|人民政府|[\u4e00-\u9fa5]{0,8}(?:厅|局|委))|全区各族", body):
        # 全区 / 区委 refer to the autonomous region itself
        scores["province"] += scores.pop("district", 0) + 3
    if title:
        title_scores = _level_scores(title)
        for level, n in title_scores.items():
            scores[level] += 5 * n
        place = _TITLE_PLACE.match(title)
        if place:
            scores[_PLACE_LEVEL[place.group(1)]] += 6
    scores = Counter({k: v for k, v in scores.items() if v > 0})
    if not scores:
        return None
    best = max(scores.values())
    # ties go to the more local level: reports mention the levels above them, rarely below
    return next(level for level in _LEVEL_ORDER if scores.get(level) == best)


# --- issuing organisation -------------------------------------------------------------------

_ORG_SUFFIX = re.compile(
    r"(局|委员会|委|办公室|办|站|中心|所|院|厅|部|处|科|队|协会|公司|学校|医院|支行|分行|集团|馆|台|社)$"
)
_BEFORE_YEAR = re.compile(
    r"^(?P<org>.+?)(?:(?:19|20)\d\d\s*年|[xX*]{4}年|上半年|下半年|全年|年度|第?[一二三四]季度|工作)"
)
_PLACE_PREFIX = re.compile(
    r"^(?:[\u4e00-\u9fa5xX*]{1,8}?(?:省|自治区|市|州|盟|县|区|旗)|[省市县区])"
)


def find_org(title: str | None) -> str | None:
    """`市发展改革委2023年…` → `发展改革委`; None for a government as a whole."""
    if not title:
        return None
    m = _BEFORE_YEAR.match(title)
    if not m:
        return None
    org = m.group("org").strip()
    if "政府" in org or not _ORG_SUFFIX.search(org):
        return None
    stripped = _PLACE_PREFIX.sub("", org, count=1)
    return stripped if stripped and _ORG_SUFFIX.search(stripped) and len(stripped) >= 2 else org


# --- kind -----------------------------------------------------------------------------------

_KIND_IN_TEXT = [
    (re.compile(r"汇报如下|作(?:以|如下)?汇报|汇报工作"), "工作汇报"),
    (re.compile(r"总结如下"), "工作总结"),
    (re.compile(r"报告(?:如下|工作)"), "工作报告"),
]


def find_kind(title: str | None, head: str) -> str | None:
    if title:
        if "督查" in title:
            return "督查汇报" if "汇报" in title else "督查报告"
        positions = [(title.find(k), -len(k), k) for k in REPORT_KINDS if k in title]
        if positions:
            kind = min(positions)[2]
            return (
                kind
                if kind.startswith(("工作", "政府", "述职", "督查", "调研", "自查", "情况"))
                else "工作" + kind
            )
    for pattern, kind in _KIND_IN_TEXT:
        if pattern.search(head[:800]):
            return kind
    return None
