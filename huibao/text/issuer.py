"""Who issued a report, as the report's own lines name it.

The issuer speaks in its title (`广东省2026年政府工作报告`, `县林业局2023年…`, `…（镇乡）`), in
the subtitle that names the congress it was delivered to (`——2024年3月5日在××区第十八届人民
代表大会第四次会议上`), in the speaker's office line (`国务院总理 李强`), in its self-reference
(`我代表省人民政府`) and in its signature. These outrank every higher body a report mentions
(自治区党委, 省委, 市委): that a county works under the region does not make it the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .headings import line_marker
from .numerals import ONE_TO_TEN, YEAR_DIGITS
from .places import (
    PLACE_CHAR,
    bare_unit,
    department_suffixes,
    is_org_name,
    level_of,
    national_issuers,
    national_place,
    offices,
    organs,
    place_prefix,
    unit_level,
)
from .titles import is_date_line, report_kinds
from .years import year_number

# How many lines after the title the subtitle, office line and salutation may take.
HEAD_LINES = 12
TAIL_LINES = 4


@dataclass(slots=True)
class Issuer:
    org: str | None = None  # 国务院, 广东省人民政府, 县林业局
    place: str | None = None  # 广东省, 北京市海淀区, 全国
    level: str | None = None
    known: bool = False  # the issuer's own lines state its level (None for a municipality)
    date_year: int | None = None  # the year of the subtitle's or the signature's date


@dataclass(slots=True)
class _Clue:
    place: str | None = None
    level: str | None = None
    org: str | None = None
    known: bool = False


_YEAR_PREFIX = re.compile(rf"^(?:(?:19|20)\d\d|[xX*]{{4}}|[{YEAR_DIGITS}]{{4}})\s*年度?")
_BEFORE_YEAR = re.compile(
    rf"^(?P<org>.+?)(?:关于|(?:19|20)\d\d\s*年|[xX*]{{4}}年|[{YEAR_DIGITS}]{{4}}年|上半年|下半年|全年|年度|第?[一二三四]季度|工作)"
)
_TITLE_NOTE = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
_NOTE_LEVELS = (
    ("镇乡", "township"),
    ("街道", "subdistrict"),
    ("镇", "township"),
    ("乡", "township"),
)
_DATE = re.compile(
    rf"((?:19|20)\d\d|[{YEAR_DIGITS}]{{4}})\s*年\s*[\d{ONE_TO_TEN}]{{1,2}}\s*月"
    rf"(?:\s*[\d{ONE_TO_TEN}]{{1,3}}\s*日)?"
)
_CONGRESS = re.compile(r"在(?P<body>.{2,40}?)(?:人民代表大会|人大)")
_SELF = re.compile(r"我代表(?P<who>[^，,。、；：\s]{2,24}?)(?=[，,]|向|作|就|对|$)")
_SENTENCE_PUNCT = re.compile(r"[。，；！？：]")


def _follow(*words: str) -> re.Pattern:
    """What may stand after a place name in a given kind of line."""
    return re.compile("|".join([*map(re.escape, words), r"\Z"]))


_AFTER_PLACE_IN_TITLE = re.compile(
    rf"人民政府|政府|\d|[{YEAR_DIGITS}]{{4}}年|关于|上半年|下半年|全年|年度|第[一二三四]季度|"
    r"[（(]|\Z|" + PLACE_CHAR + "{1,12}?(?:" + "|".join(department_suffixes()) + ")"
)


def find_issuer(title: str | None, text: str) -> Issuer:
    """The issuer's org, place and level, and the year of the date it signed with.

    >>> i = find_issuer(None, "政府工作报告\\n——2024年1月8日在××区第十八届人民代表大会第四次会议上")
    >>> (i.place, i.level, i.org, i.date_year)
    ('××区', 'district', '××区人民政府', 2024)
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    head = _head(lines)
    tail = lines[-TAIL_LINES:] if len(lines) > TAIL_LINES else lines
    title_clue = _from_title(title)
    clues = [
        title_clue,
        _from_subtitle(head),
        _from_office_line(head),
        _from_self_reference(text[:2000]),
        _from_signature(tail),
    ]
    issuer = Issuer(date_year=_date_year(head) or _signature_year(tail))
    for clue in clues:
        if clue.known and not issuer.known:
            issuer.level, issuer.known = clue.level, True
        issuer.place = issuer.place or clue.place
    issuer.org = _org(clues, issuer.place)
    if issuer.place is None and issuer.level == "national":
        issuer.place = national_place()
    return issuer


def _head(lines: list[str]) -> list[str]:
    out = []
    for line in lines[:HEAD_LINES]:
        if line_marker(line):
            break
        out.append(line)
    return out


def _clue_of_name(name: str, follow: re.Pattern) -> _Clue:
    """What a name such as `北京市海淀区`, `国务院`, `县林业局` or `自治区人民政府` says."""
    if name.startswith(national_issuers()) or name.startswith(national_place()):
        return _Clue(place=national_place(), level="national", known=True)
    place = place_prefix(name, follow)
    if place:
        return _Clue(place=place, level=level_of(place), known=True)
    unit = bare_unit(name)
    if unit:
        return _Clue(level=unit_level(unit), known=True)
    return _Clue()


def _from_title(title: str | None) -> _Clue:
    if not title:
        return _Clue()
    note = _TITLE_NOTE.search(title)
    rest = _YEAR_PREFIX.sub("", title[: note.start()] if note else title.strip(), count=1)
    clue = _clue_of_name(rest, _AFTER_PLACE_IN_TITLE)
    if note:  # `（镇乡）`, `（街道）`: the compilation's note on who wrote it
        for word, level in _NOTE_LEVELS:
            if word in note.group(1):
                clue.level, clue.known = level, True
                break
    named = _named_issuer(rest)
    if named:
        clue.org = named
    elif clue.place and "政府工作报告" in rest:
        clue.org = _government(clue.place)
    return clue


def _named_issuer(title: str) -> str | None:
    """The body a title names before its year, period or kind: `县林业局2023年…工作总结` →
    `县林业局`, `四川省人民政府工作报告` → `四川省人民政府`."""
    ending = next((k for k in report_kinds() if title.endswith(k)), None)
    body = title[: -len(ending)] if ending else title
    if ending == "政府工作报告" and body.endswith("人民"):
        body += "政府"
    m = _BEFORE_YEAR.match(body)
    name = m.group("org") if m else body
    return name if is_org_name(name) else None


def _from_subtitle(head: list[str]) -> _Clue:
    for line in head:
        m = _CONGRESS.search(line)
        if m and (line.startswith(("——", "—", "-")) or _DATE.search(line)):
            body = m.group("body")
            if "全国" in body:
                return _Clue(place=national_place(), level="national", known=True)
            return _clue_of_name(body, re.compile(r"第|\d|[（(]|\Z"))
    return _Clue()


def _from_office_line(head: list[str]) -> _Clue:
    titles = sorted(offices(), key=len, reverse=True)
    for line in head:
        if len(line) > 30 or _SENTENCE_PUNCT.search(line):
            continue
        for office in titles:
            at = line.find(office)
            if at < 0 or line[at - 1 : at] == "副":
                continue
            who = line[:at].removesuffix("代")
            if not who:
                return _Clue(level=offices()[office], known=True)
            clue = _clue_of_name(who, _follow(*organs(), "代"))
            if clue.level is None and not clue.known:
                clue.level, clue.known = offices()[office], True
            return clue
    return _Clue()


def _from_self_reference(opening: str) -> _Clue:
    m = _SELF.search(opening)
    if not m:
        return _Clue()
    who = m.group("who")
    clue = _clue_of_name(who, _follow(*organs()))
    if is_org_name(who):
        clue.org = who
    return clue


def _from_signature(tail: list[str]) -> _Clue:
    for line in reversed(tail):
        if len(line) <= 30 and not _SENTENCE_PUNCT.search(line) and is_org_name(line):
            clue = _clue_of_name(line, _AFTER_PLACE_IN_TITLE)
            clue.org = line
            clue.known = False  # a signature may be a department's: the title and text decide
            return clue
    return _Clue()


def _government(place: str) -> str:
    return "国务院" if place == national_place() else f"{place}人民政府"


def _org(clues: list[_Clue], place: str | None) -> str | None:
    """The issuer's name: as its title, self-reference or signature gives it; a bare `省人民政府`
    takes the place the title names (`广东省人民政府`)."""
    for clue in clues:
        if clue.org:
            org = clue.org
            if place and bare_unit(org) and not org.startswith(place):
                unit = bare_unit(org)
                if place.endswith(unit):
                    org = place + org[len(unit) :]
            return org
    if place:
        for clue in clues[1:4]:  # a government's report: subtitle, office line, self-reference
            if clue.known:
                return _government(place)
    return None


def _date_year(head: list[str]) -> int | None:
    """The date of a subtitle (`——2024年3月5日在…会议上`) or of a date line under the title."""
    for line in head:
        if line.startswith(("——", "—")) or is_date_line(line) or _is_date_note(line):
            m = _DATE.search(line)
            if m:
                return year_number(m.group(1))
    return None


def _is_date_note(line: str) -> bool:
    """`（2024年1月8日）` or `2024年1月8日在××区第十八届人民代表大会…上` on a line of its own."""
    return len(line) <= 60 and bool(_DATE.search(line)) and not _SENTENCE_PUNCT.search(line)


def _signature_year(tail: list[str]) -> int | None:
    for line in reversed(tail):
        if is_date_line(line) or (len(line) <= 20 and _DATE.fullmatch(line)):
            m = _DATE.search(line)
            if m:
                return year_number(m.group(1))
    return None
