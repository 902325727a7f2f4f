"""Jurisdictions: the unit words that end a place's name (省, 自治区, 县, 街道 …) and the
administrative level each gives. The vocabulary is data (`data/places.yaml`)."""

from __future__ import annotations

import re
from functools import cache

from .chars import HAN
from .rules import load_yaml

LEVELS = ("national", "province", "city", "county", "district", "township", "subdistrict")
# Characters a place name is written with; masked names (xx县, ××区) count as names.
PLACE_CHAR = f"[{HAN}xX×*＊]"


@cache
def _data() -> dict:
    return load_yaml("places.yaml")


@cache
def units() -> tuple[str, ...]:
    """Unit words, longest first (自治区 before 区)."""
    return tuple(sorted(_data()["units"], key=len, reverse=True))


def national_issuers() -> tuple[str, ...]:
    return tuple(_data()["national_issuers"])


def national_place() -> str:
    return _data()["national_place"]


@cache
def offices() -> dict[str, str]:
    return dict(_data()["offices"])


@cache
def organs() -> tuple[str, ...]:
    return tuple(sorted(_data()["organs"], key=len, reverse=True))


@cache
def _not_places() -> tuple[str, ...]:
    return tuple(_data()["not_places"])


def unit_of(place: str) -> str | None:
    """The unit word a place name ends with: `宁夏回族自治区` → `自治区`."""
    return next((u for u in units() if place.endswith(u)), None)


def unit_level(unit: str) -> str | None:
    """`县` → county, `自治区` → province."""
    return _data()["units"].get(unit)


def level_of(place: str | None) -> str | None:
    """Level of the government of `place`: `广东省` → province, `××区` → district; None for the
    four municipalities (provinces by rank, cities by name) and for what is not a place."""
    if not place:
        return None
    if place in national_issuers() or place == national_place():
        return "national"
    if place in _data()["municipalities"]:
        return None
    unit = unit_of(place)
    return _data()["units"][unit] if unit else None


@cache
def _place_pattern() -> re.Pattern:
    unit = "|".join(map(re.escape, units()))
    # A chain of names each ending in a unit: 北京市海淀区, ××省××市××县.
    return re.compile(rf"(?:{PLACE_CHAR}{{1,10}}?(?:{unit}))+?")


def place_prefix(text: str, follow: re.Pattern) -> str | None:
    """The longest place a text begins with, when what comes after it matches `follow`:
    `桃源镇2024年…` → `桃源镇`, `北京市海淀区教育局…` → `北京市海淀区`. A unit character
    inside a word such as 城乡, 社区 or 乡村 ends no place."""
    for place in reversed(_candidates(text)):
        if follow.match(text, len(place)):
            return place
    return None


_NAME_RUN = re.compile(f"{PLACE_CHAR}{{2,24}}")


def _candidates(text: str) -> list[str]:
    """Every prefix of `text` that ends in a unit word, shortest first."""
    run = _NAME_RUN.match(text)
    if not run:
        return []
    found = []
    for i in range(2, run.end() + 1):
        unit = unit_of(text[:i])
        if unit is None or i == len(unit):
            continue
        at = i - len(unit)
        if text[:i].endswith(_not_places()):
            continue
        if text.startswith(_not_places(), at) and not text.startswith(organs(), i):
            continue  # 乡村, 市场 (but 市政府 is the city's government)
        found.append(text[:i])
    return found


def bare_unit(text: str) -> str | None:
    """A unit word standing for the issuer's own government at the start of a name: `县林业局`,
    `市发展改革委`, `区委办` (not `市场监管局`, `县域经济`)."""
    for unit in units():
        if not text.startswith(unit):
            continue
        rest = text[len(unit) :]
        if rest.startswith(organs()):
            return unit
        if text.startswith(_not_places()):
            return None
        return unit if rest else None
    return None


@cache
def department_suffixes() -> tuple[str, ...]:
    """The words a department's name ends with, longest first."""
    return tuple(sorted(load_yaml("organisations.yaml")["departments"], key=len, reverse=True))


@cache
def org_suffixes() -> tuple[str, ...]:
    """Words an organisation's name ends with (`data/organisations.yaml`), longest first."""
    return tuple(sorted(load_yaml("organisations.yaml")["suffixes"], key=len, reverse=True))


def is_org_name(text: str) -> bool:
    """`县林业局`, `××镇人民政府`, `应急管理办公室`: a name that ends as organisations do."""
    return len(text) >= 2 and text.endswith(org_suffixes())


def is_signature(line: str) -> bool:
    """A line that is only an organisation's name, as a report is signed: `××县林业局`."""
    return len(line) <= 32 and not re.search(r"[\s，。；：！？、]", line) and is_org_name(line)


def names_an_issuer(text: str) -> bool:
    """Whether `text` names a body or a jurisdiction at all (`林业局…`, `××县…`, `国务院…`)."""
    return any(w in text for w in (*org_suffixes(), *units(), *national_issuers()))
