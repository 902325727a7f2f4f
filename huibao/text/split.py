"""Split clean text into documents and each document into its heading tree.

A file may be a compilation: a collection title (`…汇编（9篇）`), then reports that each open
with a title (`林业局2023年上半年工作总结`) and restart their numbering. Within a report:

* `一、` is level 1, `（一）` level 2, then `1.`, `（1）`, `①`, each one deeper than the
  heading it sits under;
* `一是…` paragraphs are level-2 headings when they form the list of a level-1 section that has
  no `（一）` headings (right under the heading, or after one short lead-in sentence); otherwise
  they, like `一是` points inside a paragraph, are points one level deeper (at least 3);
* unnumbered short lines are level-1 headings in a report that has no `一、` headings, and parts
  (level 0) above the `一、` headings where it has;
* the text before the first heading is the preamble, a final `以上汇报…`/`各位代表！…` paragraph
  with any signature is the closing, `附件` starts an appendix, and `名词解释` a glossary whose
  entries become `Document.glossary` rather than sections. These parts have level 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import (
    HEADING_END,
    LABEL_MAX,
    POINT_RANK,
    Marker,
    continued_points,
    heading_span,
    inline_points,
    is_complete,
    line_marker,
)
from .limits import Limits
from .model import Document, Section
from .numerals import ONE_TO_TEN
from .places import is_signature
from .titles import (
    is_briefing_title,
    is_collection_title,
    is_date_line,
    is_strong_title,
    is_title,
)


@dataclass(slots=True)
class Split:
    collection_title: str | None
    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Paragraph:
    start: int
    end: int
    text: str


def split(text: str, limits: Limits | None = None) -> Split:
    """Documents of a clean text (one paragraph per line), each with its sections."""
    limits = limits or Limits()
    lines = _lines(text)
    warnings: list[str] = []
    begin = 0
    collection_title = None
    for i, line in enumerate(lines[:3]):
        if is_collection_title(line.text):
            collection_title, begin = line.text, i + 1
            break
    starts = _document_starts(lines, begin)
    documents = []
    for k, (first, title_line) in enumerate(starts):
        last = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        doc_lines = lines[first:last]
        if not doc_lines:
            continue
        doc_start = doc_lines[0].start
        doc_end = doc_lines[-1].end
        title = lines[title_line].text if title_line is not None else None
        doc = Document(title=title, start=doc_start, end=doc_end, text=text[doc_start:doc_end])
        rel = [_Paragraph(ln.start - doc_start, ln.end - doc_start, ln.text) for ln in doc_lines]
        skip = title_line - first + 1 if title_line is not None else 0
        builder = _TreeBuilder(doc, rel, skip, limits)
        doc.sections = builder.build()
        warnings.extend(builder.warnings)
        documents.append(doc)
    if not documents:
        documents.append(Document(title=None, start=0, end=len(text), text=text))
    return Split(collection_title, documents, warnings)


def _lines(text: str) -> list[_Paragraph]:
    out, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            out.append(_Paragraph(pos, pos + len(part), part))
        pos += len(part) + 1
    return out


# --- documents ------------------------------------------------------------------------------


def _is_body(line: str) -> bool:
    """A paragraph of running text, or a numbered heading: what ends a title block. A short
    line ending in a colon is a salutation or a label (`各位代表：`, `当前位置：`), not text."""
    if line_marker(line):
        return True
    if not is_complete(line):
        return False
    return len(line) > LABEL_MAX or not line.rstrip().endswith(("：", ":"))


def _document_starts(lines: list[_Paragraph], begin: int) -> list[tuple[int, int | None]]:
    """(first line, title line or None) of each document."""
    starts: list[tuple[int, int | None]] = []
    body_since_start = False  # has running text followed the current document's title?
    body_before_first = False
    after_appendix_label = False
    for i in range(begin, len(lines)):
        t = lines[i].text
        if _APPENDIX.match(t):
            after_appendix_label = True
            continue
        if is_title(t) or (not starts and not body_before_first and is_briefing_title(t)):
            if after_appendix_label:
                after_appendix_label = False
                continue
            if not starts:
                if not body_before_first:
                    starts.append((begin, i))
                    continue
                starts.append((begin, None))
            if not body_since_start:
                first, current = starts[-1]
                if current is None or _better_title(t, lines[current].text):
                    starts[-1] = (first, i)
                continue
            if is_strong_title(t) and _opens_report(lines, i + 1) and _has_substance(lines, i + 1):
                starts.append((i, i))
                body_since_start = False
            continue
        after_appendix_label = False
        if _is_body(t):
            if starts:
                body_since_start = True
            else:
                body_before_first = True
    if not starts:
        starts.append((begin, None))
    return starts


def _better_title(candidate: str, current: str) -> bool:
    return is_strong_title(candidate) and (
        not is_strong_title(current) or len(candidate) > len(current)
    )


MIN_DOCUMENT_CHARS = 300


def _has_substance(lines: list[_Paragraph], j: int) -> bool:
    """A report has headings or at least a few paragraphs before the next title; a title with a
    one-line teaser (related articles under a web page) is page furniture."""
    size = 0
    for line in lines[j:]:
        if is_title(line.text):
            break
        if line_marker(line.text):
            return True
        size += len(line.text)
        if size >= MIN_DOCUMENT_CHARS:
            return True
    return False


def _opens_report(lines: list[_Paragraph], j: int) -> bool:
    """After a title, a new report restarts its numbering (or has no numbering at all)."""
    for line in lines[j : j + 60]:
        if is_strong_title(line.text):
            break
        marker = line_marker(line.text)
        if marker and marker.kind in ("cn", "pcn", "part", "point", "num"):
            return marker.number == 1
    return True


# --- heading tree ---------------------------------------------------------------------------

_APPENDIX = re.compile(rf"^(附件|附录|附表)\s*[0-9{ONE_TO_TEN}]{{0,3}}\s*[:：]?$")
_GLOSSARY = re.compile(r"(名词解释|名词注释|名词注解|^注释$|^注解$|^释义$)")
_CLOSING = re.compile(
    r"^(以上(汇报|报告|是|就是)|特此(报告|汇报)|不妥之处|各位代表[！!，,]|同志们[！!，,]|汇报完毕|谢谢)"
)


@dataclass(slots=True)
class _Cand:
    line: int
    kind: str  # a marker kind, or plain | appendix | glossary | closing
    rank: float
    marker: Marker | None
    level: int = 0
    section_kind: str = "heading"

    @property
    def offset(self) -> int:
        """Where the marker starts in its line (0 unless it continues a paragraph's points)."""
        return self.marker.start if self.marker else 0


class _TreeBuilder:
    def __init__(self, doc: Document, lines: list[_Paragraph], skip: int, limits: Limits) -> None:
        self.doc = doc
        self.lines = lines
        self.skip = skip  # lines of the title block that are not part of any section
        self.limits = limits
        self.warnings: list[str] = []

    # 1. what each line is
    def _candidates(self) -> tuple[list[_Cand], int]:
        """Heading candidates in document order, and the first line of the closing."""
        lines = self.lines
        closing_at, closing_end = self._closing_range()
        cands: list[_Cand] = []
        in_glossary = False
        seen_body = False
        for i in range(self.skip, len(lines)):
            if closing_at <= i < closing_end:
                continue
            t = lines[i].text
            if _APPENDIX.match(t):
                in_glossary = i + 1 < len(lines) and bool(_GLOSSARY.search(lines[i + 1].text))
                cands.append(_Cand(i, "glossary" if in_glossary else "appendix", 0, None))
                continue
            if len(t) <= 40 and _GLOSSARY.search(t) and not line_marker(t):
                if not (
                    cands and cands[-1].kind in ("appendix", "glossary") and cands[-1].line == i - 1
                ):
                    cands.append(_Cand(i, "glossary", 0, None))
                else:
                    cands[-1].kind = "glossary"
                in_glossary = True
                continue
            if in_glossary:
                continue
            marker = line_marker(t)
            if marker:
                cands.append(_Cand(i, marker.kind, marker.rank, marker))
                if marker.kind == "point":
                    cands += [_Cand(i, "point", m.rank, m) for m in continued_points(t, marker)]
                seen_body = True
            elif seen_body and self._plain_heading(i):
                cands.append(_Cand(i, "plain", 1, None))
            elif _is_body(t):
                seen_body = True
        return cands, closing_at

    def _plain_heading(self, i: int) -> bool:
        lines = self.lines
        t = lines[i].text
        if len(t) > LABEL_MAX or is_complete(t) or re.search(r"[。！？；，]", t):
            return False
        if i + 1 >= len(lines) or is_date_line(t) or is_signature(t) or is_title(t):
            return False
        prev = lines[i - 1].text if i > 0 else ""
        nxt = lines[i + 1].text
        return (not prev or is_complete(prev) or bool(line_marker(prev))) and (
            is_complete(nxt) or bool(line_marker(nxt))
        )

    def _closing_range(self) -> tuple[int, int]:
        """Lines [first, end) of the closing part: final words and signature, before appendices.

        (len(lines), len(lines)) when there is none."""
        lines = self.lines
        end = len(lines)
        for i, line in enumerate(lines):  # appendices come after the closing
            if i >= self.skip and _APPENDIX.match(line.text):
                end = i
                break
        j = end
        while j - 1 >= self.skip and (
            is_date_line(lines[j - 1].text)
            or is_signature(lines[j - 1].text)
            or (
                len(lines[j - 1].text) <= LABEL_MAX
                and not is_complete(lines[j - 1].text)
                and not line_marker(lines[j - 1].text)
            )
        ):
            j -= 1
        if j - 1 >= self.skip and _CLOSING.match(lines[j - 1].text):
            return j - 1, end
        if self.skip < j < end:
            return j, end
        return len(lines), len(lines)

    # 2. levels
    def _assign_levels(self, cands: list[_Cand]) -> list[_Cand]:
        has_cn = any(c.kind == "cn" for c in cands)
        first_cn = next((k for k, c in enumerate(cands) if c.kind == "cn"), len(cands))
        heads = _point_run_heads(cands, "cn" if has_cn else "plain")
        kept: list[_Cand] = []
        stack: list[_Cand] = []
        for k, c in enumerate(cands):
            if c.kind in ("appendix", "glossary"):
                c.level, c.section_kind = 0, c.kind
                stack = []
                kept.append(c)
                continue
            if c.kind == "plain":
                if has_cn:
                    if k > first_cn:
                        continue
                    c.level, c.section_kind = 0, "part"
                    stack = []
                    kept.append(c)
                    continue
                c.rank = 1
            while stack and stack[-1].rank > c.rank:
                stack.pop()
            sibling = stack.pop() if stack and stack[-1].rank == c.rank else None
            parent = stack[-1] if stack else None
            number = c.marker.number if c.marker else 1
            if sibling is None and number != 1 and c.kind not in ("cn", "pcn", "part", "plain"):
                continue  # "3." out of nowhere: a number in the text, not a heading
            base = parent.level if parent else 0
            if c.kind != "point":
                c.level = sibling.level if sibling else base + 1
            elif id(c) in heads and parent is not None and parent.level == 1:
                c.level = 2
            else:
                c.level = max(3, base + 1)
                c.section_kind = "point"
            stack.append(c)
            kept.append(c)
        return kept

    # 3. sections with offsets
    def build(self) -> list[Section]:
        lines = self.lines
        cands, closing_at = self._candidates()
        cands = self._assign_levels(cands)
        if len(cands) > self.limits.max_sections:
            self.warnings.append(
                f"{len(cands)} headings in one document; only the first "
                f"{self.limits.max_sections} became sections (HUIBAO_MAX_SECTIONS)"
            )
            cands = cands[: self.limits.max_sections]

        sections: list[Section] = []
        text_end = len(self.doc.text)
        body_from = lines[self.skip].start if self.skip < len(lines) else text_end
        first_at = (
            lines[cands[0].line].start
            if cands
            else (lines[closing_at].start if closing_at < len(lines) else text_end)
        )
        if first_at > body_from:
            sections.append(
                Section(0, "", "", body_from, first_at, body_from, first_at, "preamble")
            )

        for c in cands:
            line = lines[c.line]
            if c.marker:
                marker_text = c.marker.text
                head_rel, body_rel = heading_span(
                    line.text, c.marker.end, c.section_kind == "point"
                )
                head_start = line.start + c.marker.end
            else:
                marker_text = ""
                head_rel = body_rel = len(line.text)
                head_start = line.start
            sections.append(
                Section(
                    level=c.level,
                    marker=marker_text,
                    heading=line.text[head_start - line.start : head_rel].strip(),
                    start=head_start,
                    end=text_end,
                    body_start=line.start + body_rel,
                    body_end=text_end,
                    kind=c.section_kind,
                    marker_start=line.start + c.offset,
                )
            )
        closing_start = lines[closing_at].start if closing_at < len(lines) else None
        appendix_from = next(
            (lines[c.line].start for c in cands if c.kind in ("appendix", "glossary")), None
        )
        if closing_start is not None:
            closing_end = (
                appendix_from if appendix_from and appendix_from > closing_start else text_end
            )
            sections.append(
                Section(
                    0, "", "", closing_start, closing_end, closing_start, closing_end, "closing"
                )
            )
            sections.sort(key=lambda s: s.start)
        self._close_spans(sections, text_end)
        self._add_inline_points(sections)
        self._link(sections)
        self._glossary()
        return sections

    def _close_spans(self, sections: list[Section], text_end: int) -> None:
        """A section ends where the next section of the same or a higher level begins."""
        for i, s in enumerate(sections):
            end = text_end
            for later in sections[i + 1 :]:
                if s.kind in ("preamble", "closing") or later.level == 0 or later.level <= s.level:
                    end = later.marker_start
                    break
            s.end = _rstrip_at(self.doc.text, s.start, end)
            # own text: up to the first child
            child = next(
                (x for x in sections[i + 1 :] if x.marker_start < s.end and x.start > s.start), None
            )
            own_end = child.marker_start if child else s.end
            if s.kind in ("preamble", "closing"):
                s.body_start = s.start
            s.body_end = _rstrip_at(self.doc.text, s.body_start, max(own_end, s.body_start))
            s.body_start = min(s.body_start, s.body_end)

    def _add_inline_points(self, sections: list[Section]) -> None:
        """Points `一是…二是…` inside the paragraphs of a section's own text. Each point runs to
        the next point, the last one to the end of the section's own text, so that paragraphs
        after the points stay in a section."""
        text = self.doc.text
        added: list[Section] = []
        for s in sections:
            if s.kind not in ("heading", "point") or s.level == 0:
                continue
            own_end = s.body_end
            found = []
            pos = s.body_start
            while pos < own_end:
                nl = text.find("\n", pos, own_end)
                para_end = own_end if nl == -1 else nl
                found += [(p, para_end) for p in inline_points(text, pos, para_end)]
                pos = para_end + 1
            if not found:
                continue
            for n, (p, para_end) in enumerate(found):
                nxt = found[n + 1][0] if n + 1 < len(found) else None
                stop = nxt.end - len(nxt.text) if nxt else own_end
                head_end = _point_heading_end(text, p.end, min(stop, para_end))
                end = _rstrip_at(text, p.end, stop)
                added.append(
                    Section(
                        level=max(3, s.level + 1),
                        marker=p.text,
                        heading=text[p.end : head_end].strip(),
                        start=p.end,
                        end=end,
                        body_start=min(head_end + 1, end),
                        body_end=end,
                        kind="point",
                    )
                )
            first_marker = found[0][0].end - len(found[0][0].text)
            s.body_end = _rstrip_at(text, s.body_start, first_marker)
        if added:
            sections.extend(added)
            sections.sort(key=lambda x: (x.marker_start, x.level))

    def _link(self, sections: list[Section]) -> None:
        """Parents and paths such as `2.3`; parts use P/A/G, the preamble 0, the closing C."""
        stack: list[int] = []
        counters: dict[tuple[int | None, int], int] = {}
        part_prefix = ""
        part_count = {"part": 0, "appendix": 0, "glossary": 0}
        for i, s in enumerate(sections):
            if s.kind == "preamble":
                s.path, s.parent = "0", None
                continue
            if s.kind == "closing":
                s.path, s.parent = "C", None
                stack = []
                continue
            if s.kind in part_count:
                part_count[s.kind] += 1
                letter = {"part": "P", "appendix": "A", "glossary": "G"}[s.kind]
                s.path = f"{letter}{part_count[s.kind]}"
                part_prefix = s.path + "."
                s.parent = None
                stack = [i]
                continue
            while stack and sections[stack[-1]].level >= s.level and sections[stack[-1]].level > 0:
                stack.pop()
            parent = stack[-1] if stack else None
            s.parent = parent
            key = (parent, s.level)
            counters[key] = counters.get(key, 0) + 1
            if parent is None:
                s.path = f"{counters[key]}"
            elif sections[parent].level == 0:
                s.path = f"{part_prefix}{counters[key]}"
            else:
                s.path = f"{sections[parent].path}.{counters[key]}"
            stack.append(i)

    def _glossary(self) -> None:
        """Entries `1.“四上”企业：…` after a glossary heading become (term, definition) pairs."""
        lines = self.lines
        in_glossary = False
        term, definition = None, []
        for line in lines[self.skip :]:
            t = line.text
            if len(t) <= 40 and _GLOSSARY.search(t) and not line_marker(t):
                in_glossary = True
                continue
            if not in_glossary:
                continue
            if is_title(t):
                break
            marker = line_marker(t)
            if marker and marker.kind in ("num", "pnum", "circled", "cn", "pcn"):
                if term:
                    self.doc.glossary.append((term, "".join(definition).strip()))
                rest = t[marker.end :]
                cut = next((k for k, ch in enumerate(rest) if ch in "：:"), None)
                if cut is None:
                    term, definition = rest.strip(), []
                else:
                    term, definition = rest[:cut].strip(), [rest[cut + 1 :]]
            elif term:
                definition.append(t)
        if term:
            self.doc.glossary.append((term, "".join(definition).strip()))


def _point_run_heads(cands: list[_Cand], top_kind: str) -> set[int]:
    """Ids of the point candidates that are level-2 headings.

    In a level-1 part without `（一）` lines, a run of paragraph-initial points counting up
    from one (`一是…` / `二是…`, `第一，…` / `第二，…`), each opening its own paragraph, holds
    the part's level-2 headings, however much text leads into it. Points inside a paragraph
    (`…。二是…`) are never headings, so a paragraph that opens with `一是` and goes on to
    `二是` holds points; so do parts with `（一）` lines.
    """
    heads: set[int] = set()
    parts: list[list[_Cand]] = []
    for c in cands:
        if c.kind == top_kind or c.kind in ("appendix", "glossary", "part"):
            parts.append([])
        elif parts:
            parts[-1].append(c)
    for part in parts:
        if any(c.kind == "pcn" for c in part):
            continue
        run: list[_Cand] = []
        for c in part:
            if c.kind != "point" or c.offset > 0:
                continue
            family = _point_family(c.marker)
            if (
                run
                and family == _point_family(run[-1].marker)
                and c.marker.number == run[-1].marker.number + 1
            ):
                run.append(c)
                continue
            if len(run) >= 2:
                heads.update(id(x) for x in run)
            run = [c] if family is not None and c.marker.number == 1 else []
        if len(run) >= 2:
            heads.update(id(x) for x in run)
    return heads


def _point_family(marker: Marker | None) -> str | None:
    """`一是`/`二是` are one series, `第一，`/`第二，` another, `一要`/`二要` a third."""
    if marker is None:
        return None
    return marker.text[0] if marker.text[0] in "第其" else marker.text[-1]


def _point_heading_end(text: str, begin: int, limit: int) -> int:
    for i in range(begin, limit):
        if text[i] in HEADING_END or text[i] == "；":
            return i
    return limit


def _rstrip_at(text: str, start: int, end: int) -> int:
    """Move `end` back over line breaks and spaces, not before `start`."""
    while end > start and text[end - 1] in "\n \t":
        end -= 1
    return end


__all__ = ["POINT_RANK", "Split", "split"]
