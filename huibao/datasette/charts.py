"""Charts drawn on the server as SVG: no script, readable offline, every label escaped."""

from __future__ import annotations

from collections import defaultdict
from html import escape

CELL_W, CELL_H, LABEL_W, HEAD_H = 64, 22, 150, 28
PALETTE = ["#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d",
           "#a93226", "#1f618d", "#196f3d", "#6c3483", "#b9770e"]  # fmt: skip


def heatmap_svg(rows, row_key, col_key, value_key, columns, column_names) -> str:
    """Rows (e.g. topics) × columns (e.g. admin levels); darker = larger share of the column."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        table[r[row_key]][r[col_key]] = r[value_key]
    col_totals = {c: sum(table[t].get(c, 0) for t in table) or 1 for c in columns}
    ordered = sorted(table, key=lambda t: -sum(table[t].values()))
    width = LABEL_W + CELL_W * len(columns) + 10
    height = HEAD_H + CELL_H * len(ordered) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="topics by administrative level" font-size="12">'
    ]
    for k, c in enumerate(columns):
        x = LABEL_W + k * CELL_W + CELL_W / 2
        out.append(
            f'<text x="{x}" y="18" text-anchor="middle">{escape(column_names.get(c, c))}</text>'
        )
    for i, t in enumerate(ordered):
        y = HEAD_H + i * CELL_H
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(str(t))}</text>'
        )
        for k, c in enumerate(columns):
            n = table[t].get(c, 0)
            share = n / col_totals[c]
            shade = int(255 - min(1.0, share * 4) * 200)
            x = LABEL_W + k * CELL_W
            out.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="rgb({shade},{shade + (255 - shade) // 3},255)"><title>{escape(str(t))} · '
                f"{escape(column_names.get(c, c))}: {n}</title></rect>"
            )
            if n:
                color = "#fff" if shade < 140 else "#222"
                out.append(
                    f'<text x="{x + CELL_W / 2 - 1}" y="{y + 15}" text-anchor="middle" '
                    f'fill="{color}">{n}</text>'
                )
    out.append("</svg>")
    return "".join(out)


LABEL_CHARS = 16  # a longer label is cut, whole in its tooltip


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def slogan_bars_svg(rows) -> str:
    """Uses of the most frequent slogans, one bar per year, grouped by slogan."""
    by_slogan: dict[str, dict[int, int]] = defaultdict(dict)
    for r in rows:
        by_slogan[r["slogan"]][r["year"]] = r["uses"]
    years = sorted({r["year"] for r in rows})
    if not years:
        return '<p class="empty">No slogans with a year yet.</p>'
    slogans = sorted(by_slogan, key=lambda s: -sum(by_slogan[s].values()))
    top = max((v for d in by_slogan.values() for v in d.values()), default=1)
    bar_h, gap, plot_w = 12, 10, 420
    label_w = 12 * min(LABEL_CHARS, max(len(s) for s in slogans)) + 16  # 12 px a character
    group_h = bar_h * len(years) + gap
    height = 30 + group_h * len(slogans)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 60}" '
        f'height="{height}" role="img" aria-label="slogans by year" font-size="12">'
    ]
    for k, year in enumerate(years):
        color = PALETTE[k % len(PALETTE)]
        out.append(f'<rect x="{label_w + k * 70}" y="4" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{label_w + k * 70 + 14}" y="13">{year}</text>')
    for i, slogan in enumerate(slogans):
        y0 = 24 + i * group_h
        out.append(
            f'<text x="{label_w - 6}" y="{y0 + group_h / 2}" text-anchor="end">'
            f"<title>{escape(slogan)}</title>{escape(_shorten(slogan))}</text>"
        )
        for k, year in enumerate(years):
            n = by_slogan[slogan].get(year, 0)
            w = plot_w * n / top
            y = y0 + k * bar_h
            color = PALETTE[k % len(PALETTE)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{color}">'
                f"<title>{escape(slogan)} {year}: {n}</title></rect>"
            )
            if n:
                out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def family_bars_svg(rows, link) -> str:
    """The most-copied passages: one bar per family, as long as the reports it is found in;
    each bar links to the family's passages (`link(family_id)`)."""
    if not rows:
        return '<p class="empty">No passage is shared by two reports yet.</p>'
    top = max(r["reports"] for r in rows)
    bar_h, plot_w = 18, 360
    label_w = 12 * LABEL_CHARS + 16
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 90}" '
        f'height="{bar_h * len(rows) + 10}" role="img" aria-label="most-copied passages" '
        f'font-size="12">'
    ]
    for i, r in enumerate(rows):
        y = 4 + i * bar_h
        text = " ".join((r["text"] or "").split())
        w = plot_w * r["reports"] / top
        tip = escape(f"{text[:200]} — {r['reports']} reports, {r['passages']} passages")
        out.append(
            f'<a href="{escape(link(r["family_id"]))}"><title>{tip}</title>'
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(_shorten(text))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 4}" fill="{PALETTE[1]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{r["reports"]} 篇</text></a>'
        )
    out.append("</svg>")
    return "".join(out)
