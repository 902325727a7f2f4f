"""What counts as a Chinese character, in one place: the CJK Unified Ideographs, Extension A
and the Compatibility Ideographs (the planes beyond the BMP hold rare characters that reports
do not use and that would cost every pattern a surrogate-aware range)."""

from __future__ import annotations

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# the ranges inside a regex character class: f"[{HAN}]", f"[{HAN}xX]"
HAN = "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN_RANGES)


def is_han(ch: str) -> bool:
    """Whether `ch` (one character, or empty) is a Chinese character."""
    # spelled out: called per character in the cleaner's loops (a test holds it to HAN_RANGES)
    return bool(ch) and (
        "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"
    )


def is_common_han(ch: str) -> bool:
    """Whether `ch` is one of the 20,902 ideographs of Unicode 1.1 (U+4E00–U+9FA5), those GBK
    encodes: what a text decoded right is made of (a wrong decoding lands in rarer ranges)."""
    return "\u4e00" <= ch <= "\u9fa5"
