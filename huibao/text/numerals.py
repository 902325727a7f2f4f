"""Chinese numerals as used in heading markers: 一 … 十 … 九十九, 〇/零 included."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
NUMERAL_CHARS = "零〇一二两三四五六七八九十百"
ONE_TO_NINE = "一二三四五六七八九"
ONE_TO_TEN = ONE_TO_NINE + "十"  # an ordinal, a month or a day (第十, 十二月, 二十八日)
YEAR_DIGITS = "〇零" + ONE_TO_NINE  # a year in words (二〇二四年, 二零二四年)
_NAMES = "零一二三四五六七八九"


def parse_chinese_numeral(text: str) -> int | None:
    """`三` → 3, `十二` → 12, `二十` → 20, `一百零五` → 105; None when `text` is not a numeral."""
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + DIGITS[ch] if current and text[0] not in "十百" else DIGITS[ch]
    return total + current


def to_chinese_numeral(n: int) -> str:
    """3 → `三`, 12 → `十二`, 20 → `二十`, 105 → `一百零五` (1 ≤ n < 1000)."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _NAMES[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _NAMES[tens]) + "十"
    if ones:
        out += _NAMES[ones]
    return out
