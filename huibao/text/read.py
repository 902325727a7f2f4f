"""Read a report file into text: detect its format and encoding, or refuse with a reason.

`read_bytes(data, name)` is the pure entry point; `read_path` adds the file system. A refusal is
a `Rejected` exception whose message says what is wrong and what to do about it.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .chars import is_common_han
from .limits import Limits
from .rejected import Rejected


@dataclass(slots=True)
class SourceText:
    text: str
    format: str  # txt | md | docx | pdf
    encoding: str | None  # for text formats
    sha256: str
    size: int
    warnings: list[str] = field(default_factory=list)


TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}

# Magic numbers of files that users rename or mix into report folders.
_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"BM", None),  # too short to trust alone
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf'\x1c", "7z archive"),
]

_ADVICE = {
    "ole": "a legacy Word .doc (or other OLE) file: save it as .docx, e.g. "
    "`libreoffice --headless --convert-to docx FILE`",
    "rtf": "an RTF file: save it as .docx or .txt",
    "zip": "a zip archive that is not a .docx: unpack it and ingest the files inside",
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if kind and data.startswith(magic):
            return kind
    return None


def read_path(path: str | os.PathLike, limits: Limits | None = None) -> SourceText:
    """Read one file. Raises `Rejected` with a reason for anything that is not a report."""
    limits = limits or Limits()
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise Rejected(f"cannot read file: {exc.strerror or exc}") from exc
    if size > limits.max_file_bytes:
        raise Rejected(
            f"file is {size / 1e6:.1f} MB, over the {limits.max_file_bytes / 1e6:.1f} MB limit "
            "(raise HUIBAO_MAX_FILE_BYTES to read it)"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise Rejected(f"cannot read file: {exc.strerror or exc}") from exc
    return read_bytes(data, p.name, limits)


def _decodes(data: bytes) -> bool:
    """Whether bytes read as text at all (a `.doc` that is really a text file)."""
    try:
        decode_text(data)
    except Rejected:
        return False
    return True


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> SourceText:
    """Turn the bytes of a file called `name` into text, choosing the reader by content first."""
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise Rejected(
            f"file is {len(data) / 1e6:.1f} MB, over the {limits.max_file_bytes / 1e6:.1f} MB "
            "limit (raise HUIBAO_MAX_FILE_BYTES to read it)"
        )
    digest = sha256_bytes(data)
    suffix = Path(name).suffix.lower()
    kind = sniff(data)

    # the content decides: a .docx renamed .doc (or a .txt named .doc) is read as what it is
    if kind == "ole" or (suffix == ".doc" and kind is None and not _decodes(data)):
        raise Rejected(f"unsupported format: {_ADVICE['ole']}")
    if suffix == ".docx" or kind == "zip":
        from .docx_text import docx_to_text, is_docx

        if kind != "zip":
            raise Rejected("not a valid .docx (it is not a zip package); re-save it in Word")
        if suffix != ".docx" and not is_docx(data):  # a .docx renamed is still read
            raise Rejected(f"unsupported format: {_ADVICE['zip']}")
        text, warnings = docx_to_text(data, limits)
        return _finish(text, "docx", None, digest, len(data), warnings, limits)
    if suffix == ".pdf" or kind == "pdf":
        from .pdf_text import pdf_to_text

        if kind != "pdf":
            raise Rejected("not a valid PDF (no %PDF header)")
        text, warnings = pdf_to_text(data, limits)
        return _finish(text, "pdf", None, digest, len(data), warnings, limits)
    if kind in _ADVICE:
        raise Rejected(f"unsupported format: {_ADVICE[kind]}")
    if kind:
        raise Rejected(f"not a text report: the content is a {kind}")
    if suffix and suffix not in TEXT_SUFFIXES and suffix != ".doc":
        raise Rejected(
            f"unsupported file type {suffix!r}: huibao reads .txt, .md, .docx and .pdf "
            "(with a text layer)"
        )
    text, encoding, warnings = decode_text(data)
    fmt = TEXT_SUFFIXES.get(suffix, "txt")
    return _finish(text, fmt, encoding, digest, len(data), warnings, limits)


def _finish(
    text: str,
    fmt: str,
    encoding: str | None,
    digest: str,
    size: int,
    warnings: list[str],
    limits: Limits,
) -> SourceText:
    if not text.strip():
        raise Rejected("the file holds no text (empty or whitespace only)")
    return SourceText(text, fmt, encoding, digest, size, warnings)


# ---------------------------------------------------------------------------------------------
# Encodings

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """Decode report text; returns (text, encoding name, warnings) or raises `Rejected`.

    Order: byte-order mark, strict UTF-8, UTF-16 without a mark (detected by its zero bytes),
    GB18030 (a superset of GBK and GB2312), then line-by-line for files that mix encodings.
    A decoding only counts when the result reads as text (see `looks_like_text`).
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise Rejected(f"the file starts with a {enc} byte-order mark but {exc}") from exc
            return _strip_bom(text), enc.replace("-sig", "-bom"), []

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        _require_text(text, "utf-8")
        return text, "utf-8", []

    # A UTF-8 file cut in the middle of its last character: keep what is whole.
    if utf8_error.start >= len(data) - 3 and utf8_error.reason == "unexpected end of data":
        text = data[: utf8_error.start].decode("utf-8")
        _require_text(text, "utf-8")
        dropped = len(data) - utf8_error.start
        return text, "utf-8", [f"file ends inside a UTF-8 character; {dropped} byte(s) dropped"]

    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16[0], utf16[1], []

    if b"\x00" in data:
        raise Rejected("binary data, not text (it contains zero bytes)")

    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _reads_as_chinese(text):
            return text, "gb18030", []

    mixed = _decode_lines_mixed(data)
    if mixed:
        return mixed
    raise Rejected(
        "no encoding fits: the bytes are neither UTF-8, UTF-16 nor GB18030/GBK text; "
        "save the file as UTF-8"
    )


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_zero = data[0::2].count(0)
    odd_zero = data[1::2].count(0)
    half = len(data) // 2
    # ASCII-heavy UTF-16 has zeros in one half; CJK-heavy text has few zeros but decodes cleanly.
    candidates = []
    if odd_zero > half * 0.2 and even_zero < half * 0.05:
        candidates.append("utf-16-le")
    elif even_zero > half * 0.2 and odd_zero < half * 0.05:
        candidates.append("utf-16-be")
    elif b"\x00" not in data:
        return None
    else:
        candidates += ["utf-16-le", "utf-16-be"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _reads_as_chinese(text):
            return text, enc
    return None


def _decode_lines_mixed(data: bytes) -> tuple[str, str, list[str]] | None:
    lines = data.split(b"\n")
    out, counts = [], {"utf-8": 0, "gb18030": 0}
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            if any(b > 0x7F for b in line):
                counts["utf-8"] += 1
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
                counts["gb18030"] += 1
            except UnicodeDecodeError:
                return None
    text = "\n".join(out)
    if not (counts["utf-8"] and counts["gb18030"]) or not looks_like_text(text):
        return None
    return (
        text,
        "mixed:utf-8+gb18030",
        [f"mixed encodings: {counts['utf-8']} UTF-8 and {counts['gb18030']} GB18030 lines"],
    )


def _require_text(text: str, encoding: str) -> None:
    if not looks_like_text(text):
        raise Rejected(f"decodes as {encoding} but is not text (control characters or binary)")


_ALLOWED_CONTROL = set("\t\n\r\x0c")


_SAMPLE = 200_000  # characters judged; a report shows its nature long before that


def looks_like_text(text: str, sample: int = _SAMPLE) -> bool:
    """True when at most 1 % of the characters are controls or unassigned code points."""
    return _few_controls(_char_counts(text, sample))


def _reads_as_chinese(text: str) -> bool:
    """Text (see `looks_like_text`) dominated by common ideographs, ASCII and CJK punctuation.
    Wrong decodings of Chinese produce rare CJK ideographs mixed with odd symbols."""
    counts = _char_counts(text, _SAMPLE)
    return _few_controls(counts) and _mostly_common(counts)


def _char_counts(text: str, sample: int) -> Counter:
    # Counted in C; each distinct character (a report has a few thousand) is judged once.
    return Counter(text[:sample])


def _few_controls(counts: Counter) -> bool:
    bad = sum(
        n
        for ch, n in counts.items()
        if (ord(ch) < 32 and ch not in _ALLOWED_CONTROL)
        or unicodedata.category(ch) in ("Cn", "Co", "Cs")
    )
    return bad <= counts.total() * 0.01


def _mostly_common(counts: Counter) -> bool:
    common = sum(
        n for ch, n in counts.items() if ch.isascii() or is_common_han(ch) or ch in _CJK_PUNCT
    )
    return common >= counts.total() * 0.9


_CJK_PUNCT = set(
    "，。、；：？！“”‘’（）《》【】—…·「」『』〔〕％＋－／０１２３４５６７８９\u3000\xa0"
)
