"""Section roles: overview, progress, highlights, problems, plans.

Every level-1 section (and every part) gets a role; deeper sections inherit it. The heading
decides when it names its role (`存在的问题`, `下步打算`); its last cue wins, because Chinese
puts the head noun last (`重点工作目标任务完成情况` is progress). A heading that joins two roles
(`存在问题及下步打算`) is settled by its body. A heading that speaks in metaphor is settled by
its body and its position: reports run overview → progress → highlights → problems → plans.
"""

from __future__ import annotations

import re
from functools import cache

from .model import Document, Section
from .rules import load_yaml
from .years import heading_years

ROLES = ("overview", "progress", "highlights", "problems", "plans")
_ORDER = {role: i for i, role in enumerate(ROLES)}


@cache
def _cues():
    data = load_yaml("roles.yaml")
    heading = []
    for role, words in data["heading_cues"].items():
        heading += [(w, role) for w in words]
    heading.sort(key=lambda x: -len(x[0]))
    pattern = re.compile("|".join(re.escape(w) for w, _ in heading))
    lookup = dict(heading)
    body = {
        role: re.compile("|".join(map(re.escape, words)))
        for role, words in data["body_cues"].items()
    }
    joiners = tuple(data["mixed_joiners"])
    return pattern, lookup, body, joiners


@cache
def _cue_classes() -> tuple[frozenset[str], frozenset[str]]:
    data = load_yaml("roles.yaml")
    return frozenset(data["timeless_cues"]), frozenset(data["weak_cues"])


def heading_cues(heading: str) -> list[tuple[str, str]]:
    """(cue, role) of each role cue in a heading, in order; a weak cue (`情况`) only when it
    is the heading's one cue."""
    pattern, lookup, _, _ = _cues()
    found = [(m.group(0), lookup[m.group(0)]) for m in pattern.finditer(heading)]
    _, weak = _cue_classes()
    strong = [c for c in found if c[0] not in weak]
    return strong or found


def heading_roles(heading: str) -> list[str]:
    """The role of each role cue in a heading, in order."""
    return [role for _, role in heading_cues(heading)]


def names_its_time(heading: str) -> bool:
    """Whether a heading's cues say if its work is done or to do (回顾, 打算), not only what it
    is (主要工作, 重点任务)."""
    timeless, _ = _cue_classes()
    return any(cue not in timeless for cue, _ in heading_cues(heading))


def body_scores(text: str) -> dict[str, float]:
    """Cue hits per 1000 characters for progress, problems and plans."""
    _, _, body, _ = _cues()
    size = max(len(text), 200) / 1000
    return {role: len(p.findall(text)) / size for role, p in body.items()}


def _time_role(heading: str, doc: Document, plan_year: int | None) -> str | None:
    """In a government work report (given early in year Y): Y-1 is looked back on, Y planned."""
    if plan_year is None or doc.kind != "政府工作报告":
        return None
    years = heading_years(heading)
    if not years:
        return None
    return "plans" if years[-1] >= plan_year else "progress"


def _plan_year(doc: Document, top: list[Section]) -> int | None:
    """The year a government report plans for: its own year, else the latest in its headings."""
    if doc.year:
        return doc.year
    years = [y for s in top for y in heading_years(s.heading)]
    return max(years) if years else None


def assign_roles(doc: Document) -> None:
    """Set `role` on every section of `doc` in place."""
    sections = doc.sections
    top = [s for s in sections if s.kind == "part" or (s.level == 1 and s.kind == "heading")]
    previous: list[str] = []
    plan_year = _plan_year(doc, top)
    for s in top:
        s.role = _decide(s, doc, previous, is_first=not previous, plan_year=plan_year)
        previous.append(s.role)
    for s in sections:
        if s.kind == "preamble":
            s.role = "overview"
        elif s.kind in ("closing", "appendix", "glossary"):
            s.role = None
        elif s.role is None and s.parent is not None:
            s.role = _inherit(s, sections)


def _inherit(s: Section, sections: list[Section]) -> str | None:
    parent = sections[s.parent] if s.parent is not None else None
    if parent is None:
        return None
    if parent.role_split is not None:
        return "problems" if s.marker_start < parent.role_split else "plans"
    if parent.role is None and parent.parent is not None:
        parent.role = _inherit(parent, sections)
    return parent.role


def _decide(
    s: Section, doc: Document, previous: list[str], is_first: bool, plan_year: int | None
) -> str:
    text = doc.text[s.start : s.end]
    cues = heading_roles(s.heading)
    if not names_its_time(s.heading):
        time_role = _time_role(s.heading, doc, plan_year)
        if time_role:
            return time_role
    if cues:
        roles_named = list(dict.fromkeys(cues))
        if len(roles_named) == 1:
            return roles_named[0]
        _, _, _, joiners = _cues()
        if any(j in s.heading for j in joiners) or "，" in s.heading:
            if set(roles_named) == {"problems", "plans"}:
                split = _plans_start(doc, s)
                if split is not None:
                    s.role_split = split
                    problems, plans = split - s.body_start, s.end - split
                    return "plans" if plans >= problems else "problems"
            return _by_body(text, candidates=roles_named)
        return cues[-1]
    if s.heading == "" and doc.sections and s.kind == "part":
        return _by_body(text, candidates=["progress", "plans"])
    if any(r in ("problems", "plans") for r in previous):
        scores = body_scores(text)
        return "problems" if scores["problems"] > 2 * scores["plans"] + 3 else "plans"
    if is_first:
        return "progress"
    if not _expects_plans(doc):
        return _by_body(text, candidates=["progress", "problems"])
    return _by_body(text, candidates=["progress", "problems", "plans"])


_PLAN_WORDS = re.compile(r"计划|打算|思路|安排|要点|举措|下步|下一步|下阶段|下半年|明年|展望")


def _expects_plans(doc: Document) -> bool:
    """A titled summary that names no plans (`…第三季度工作总结`) has no plans section."""
    if doc.title is None or doc.kind == "政府工作报告":
        return True
    return bool(_PLAN_WORDS.search(doc.title))


_PLANS_OPENING = re.compile(
    r"(?:^|(?<=[。；！？\n]))\s*(?:下一步|下步|下阶段|今后|下半年|明年|为此|对此|"
    r"针对(?:以上|上述|这些|存在的)问题|我们将|我局将|我县将|我区将|我市将|我镇将)"
)


def _plans_start(doc: Document, s: Section) -> int | None:
    """Where a `存在问题及下步打算` section turns from problems to plans (doc offset): at the
    first child whose heading names plans, else at the first sentence that opens with 下一步,
    今后, 我们将 …"""
    for child in doc.sections:
        if s.start < child.start < s.end and child.level == s.level + 1:
            named = set(heading_roles(child.heading))
            if named == {"plans"}:
                return child.marker_start
    m = _PLANS_OPENING.search(doc.text, s.body_start, s.end)
    if m and m.start() > s.body_start:
        return m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
    return None


def _by_body(text: str, candidates: list[str]) -> str:
    scores = body_scores(text)
    scores.setdefault("overview", 0.0)
    scores.setdefault("highlights", 0.0)
    # plan cues are common in any text ("持续", "进一步"); weigh them down
    weights = {"progress": 1.0, "problems": 1.6, "plans": 0.8, "overview": 1.0, "highlights": 1.0}
    return max(candidates, key=lambda r: (scores.get(r, 0.0) * weights[r], -_ORDER[r]))
