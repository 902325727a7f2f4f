"""A generator of bad and odd report files, one kind per entry, each with what huibao must do.

    python -m tests.bad_corpus OUT_DIR       # writes every kind into OUT_DIR (to try by hand)
    python -m tests.bad_corpus --markdown    # the table of kinds in docs/reliability.md

Every kind says the status its file must end with in the `sources` table (`loaded`, `partial`,
`rejected`) and a pattern its recorded reason must match, so the same table drives the tests
and documents the behaviour (docs/reliability.md lists it).
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPORT = (
    "xx县自然资源局2024年上半年工作总结\n"
    "今年以来，我局在县委县政府的坚强领导下，扎实推进各项工作。\n"
    "一、工作开展情况\n"
    "（一）耕地保护。新建高标准农田**万亩，完成年度任务的xx%。\n"
    "（二）招商引资。签约项目12个，总投资35亿元，同比增长8.5%。\n"
    "二、存在的问题\n"
    "一是要素保障不足；二是项目落地偏慢。\n"
    "三、下步打算\n"
    "下一步，我局将持续推进乡村振兴，优化营商环境。\n"
)


def report(n: int = 0) -> str:
    """A small, well-formed report; `n` makes its content (and so its sha256) unique."""
    return REPORT.replace("签约项目12个", f"签约项目{12 + n}个")


@dataclass(frozen=True)
class Kind:
    name: str
    what: str  # one line for the docs
    make: Callable[[Path], Path]  # writes the file(s) into a folder; returns the path to check
    status: str  # loaded | partial | rejected
    reason: str = ""  # regular expression the recorded reason must match (search)
    documents: int | None = None  # documents expected when it loads


def _write(folder: Path, name: str | bytes, data: bytes | str, encoding: str = "utf-8") -> Path:
    raw = data.encode(encoding) if isinstance(data, str) else data
    if isinstance(name, bytes):
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
    else:
        path = folder / name
    path.write_bytes(raw)
    return path


_LONG_WORD = "iVBORw0KGgo" + "AAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ" * 125


def _deep_path(folder: Path) -> Path:
    """A report 12 folders down, each named with 78 Chinese characters (234 bytes: Linux
    allows 255 a name and 4 096 a path), all different so that Postgres cannot compress the
    path below its index limit."""
    chars = [chr(0x4E00 + (i * 7919) % 20000) for i in range(12 * 78)]
    deep = folder.joinpath(*["".join(chars[i * 78 : (i + 1) * 78]) for i in range(12)])
    deep.mkdir(parents=True)
    return _write(deep, "deep.txt", report(21))


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        # 300 MB of zeros compress to about 300 kB
        with z.open("word/document.xml", "w") as member:
            block = b"0" * (1 << 20)
            for _ in range(300):
                member.write(block)
    return buf.getvalue()


def _pdf(encrypt: str | None = None, text: bool = True) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    if text:
        c.setFont("STSong-Light", 12)
        y = 780
        for line in REPORT.splitlines():
            c.drawString(72, y, line)
            y -= 20
    else:  # a scan: an image-like page with no text layer
        c.rect(72, 72, 450, 700, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _symlink_loop(folder: Path) -> Path:
    a, b = folder / "loop-a.txt", folder / "loop-b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


def _unreadable(folder: Path) -> Path:
    path = _write(folder, "no-permission.txt", report(5))
    path.chmod(0)
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def _compilation_with_empty_report(folder: Path) -> Path:
    text = (
        "2024年上半年工作总结汇编\n目录\n"
        "xx镇2024年上半年工作总结\nxx乡2024年上半年工作总结\n"
        + report(30).replace("xx县自然资源局", "xx镇")
        + "xx乡2024年上半年工作总结\n\n\n"
        + report(31).replace("xx县自然资源局", "xx街道")
    )
    return _write(folder, "compilation-empty-member.txt", text)


def _many_sections() -> str:
    lines = ["xx县2024年工作总结"]
    for i in range(1, 6001):
        lines += [f"{i}.第{i}项工作", "完成。"]
    return "\n".join(lines) + "\n"


HEADINGS_ONLY = "xx县2024年工作总结\n一、工作情况\n二、存在问题\n三、下步打算\n"
OUT_OF_ORDER = report(20).replace("二、存在的问题", "__A__").replace("三、下步打算", "二、下步打算")
OUT_OF_ORDER = OUT_OF_ORDER.replace("__A__", "三、存在的问题")
DUPLICATES = report(21).replace("二、存在的问题", "一、存在的问题")

# A few stray controls (NUL, BEL, ESC) in an otherwise normal report, as copy-paste leaves them.
CONTROLS = (
    report(11).replace("扎实", "扎\x00实", 1).replace("各项工作", "各项\x07工作", 1)
    + "（三）其他工作。"
    + "坚持稳中求进工作总基调，统筹发展和安全，各项工作取得新成效。" * 12
    + "\x1b\n"
)

KINDS: list[Kind] = [
    Kind("empty", "an empty file", lambda d: _write(d, "empty.txt", b""), "rejected", "no text"),
    Kind(
        "whitespace",
        "spaces, tabs, full-width spaces and newlines only",
        lambda d: _write(d, "blank.txt", " \t\n\u3000\r\n  \n"),
        "rejected",
        "no text",
    ),
    Kind(
        "binary",
        "random binary data named .txt",
        lambda d: _write(d, "binary.txt", bytes(range(256)) * 40),
        "rejected",
        "binary|not text",
    ),
    Kind(
        "image",
        "a PNG image renamed .txt",
        lambda d: _write(d, "photo.txt", _png()),
        "rejected",
        "PNG image",
    ),
    Kind(
        "truncated_utf8",
        "UTF-8 cut inside its last character",
        lambda d: _write(d, "truncated.txt", report(1).encode()[:-2]),
        "partial",
        "ends inside a UTF-8 character",
        1,
    ),
    Kind(
        "mixed_encodings",
        "UTF-8 and GB18030 lines in one file",
        lambda d: _write(
            d,
            "mixed.txt",
            report(2).split("二、")[0].encode()
            + ("二、" + report(2).split("二、")[1]).encode("gb18030"),
        ),
        "partial",
        "mixed encodings",
        1,
    ),
    Kind(
        "utf16_no_bom",
        "UTF-16-LE without a byte-order mark",
        lambda d: _write(d, "utf16.txt", report(3), "utf-16-le"),
        "loaded",
        documents=1,
    ),
    Kind("gbk", "GBK (GB18030) text", lambda d: _write(d, "gbk.txt", report(4), "gbk"), "loaded"),
    Kind(
        "huge_file",
        "a 50 MB file (over the default 30 MB limit)",
        lambda d: _write(d, "huge.txt", (report(6) * 200_000).encode()[: 50 * 1024 * 1024]),
        "rejected",
        r"over the .* MB limit.*HUIBAO_MAX_FILE_BYTES",
    ),
    Kind(
        "long_line",
        "one 5 MB line",
        lambda d: _write(d, "one-line.txt", report(7).replace("\n", "") * 12_000),
        "partial",
        r"line of over 20000 characters was cut.*HUIBAO_MAX_LINE_CHARS",
        1,
    ),
    Kind(
        "no_headings",
        "prose without any heading",
        lambda d: _write(
            d, "no-headings.txt", "今年以来，我镇扎实推进乡村振兴，新建高标准农田1200亩。\n" * 5
        ),
        "loaded",
        documents=1,
    ),
    Kind(
        "headings_only",
        "headings with no text under them",
        lambda d: _write(d, "headings-only.txt", HEADINGS_ONLY),
        "loaded",
        documents=1,
    ),
    Kind(
        "out_of_order",
        "三、 before 二、",
        lambda d: _write(d, "out-of-order.txt", OUT_OF_ORDER),
        "loaded",
        documents=1,
    ),
    Kind(
        "duplicate_numbering",
        "two headings numbered 一、",
        lambda d: _write(d, "duplicate-numbers.txt", DUPLICATES),
        "loaded",
        documents=1,
    ),
    Kind(
        "too_many_sections",
        "6 000 numbered headings (over the 5 000 section limit)",
        lambda d: _write(d, "many-sections.txt", _many_sections()),
        "partial",
        r"only the first 5000 became sections.*HUIBAO_MAX_SECTIONS",
        1,
    ),
    Kind(
        "long_latin_word",
        "a 4 000-letter word without a space (a pasted image or URL run-on)",
        lambda d: _write(d, "long-word.txt", report(20).replace("签约", "签约" + _LONG_WORD)),
        "loaded",
        documents=1,
    ),
    Kind(
        "deep_path",
        "a path of about 3 000 bytes (deep folders with long Chinese names)",
        _deep_path,
        "loaded",
        documents=1,
    ),
    Kind(
        "compilation_empty_member",
        "a compilation in which one report is only a title",
        _compilation_with_empty_report,
        "loaded",
    ),
    Kind(
        "corrupt_docx",
        "a .docx that is not a valid zip",
        lambda d: _write(d, "corrupt.docx", b"PK\x03\x04" + os.urandom(2000)),
        "rejected",
        "corrupt|not a valid",
    ),
    Kind(
        "docx_zip_bomb",
        "a .docx that unzips to 300 MB",
        lambda d: _write(d, "bomb.docx", _docx_bomb()),
        "rejected",
        "zip bomb",
    ),
    Kind(
        "docx_without_text",
        "a .docx with no paragraphs",
        lambda d: _write(d, "blank.docx", _docx("")),
        "rejected",
        "no text",
    ),
    Kind(
        "encrypted_pdf",
        "a password-protected PDF",
        lambda d: _write(d, "locked.pdf", _pdf(encrypt="secret")),
        "rejected",
        "password",
    ),
    Kind(
        "scanned_pdf",
        "a PDF with no text layer",
        lambda d: _write(d, "scan.pdf", _pdf(text=False)),
        "rejected",
        "OCR",
    ),
    Kind(
        "legacy_doc",
        "a Word 97 .doc",
        lambda d: _write(d, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)),
        "rejected",
        r"\.doc.*convert",
    ),
    Kind(
        "zip_archive",
        "a .zip of reports",
        lambda d: _write(d, "reports.zip", _zip_of_reports()),
        "rejected",
        "zip archive",
    ),
    Kind(
        "symlink_loop",
        "two symlinks pointing at each other",
        _symlink_loop,
        "rejected",
        "symbolic links",
    ),
    Kind("fifo", "a named pipe called .txt", _fifo, "rejected", "not a regular file"),
    Kind(
        "unreadable",
        "a file without read permission (rejected; root can read it, so there it loads)",
        _unreadable,
        "rejected" if os.geteuid() else "loaded",
        "Permission denied" if os.geteuid() else "",
    ),
    Kind(
        "name_with_spaces",
        "a file name with spaces",
        lambda d: _write(d, "my report  2024 .txt", report(8)),
        "loaded",
        documents=1,
    ),
    Kind(
        "chinese_name",
        "a Chinese file name",
        lambda d: _write(d, "县自然资源局上半年工作总结.txt", report(9)),
        "loaded",
        documents=1,
    ),
    Kind(
        "non_utf8_name",
        "a file name in GBK bytes (from a Windows zip)",
        lambda d: _write(d, "工作总结.txt".encode("gbk"), report(10)),
        "loaded",
        documents=1,
    ),
    Kind(
        "control_characters",
        "control characters and NUL bytes inside the text",
        lambda d: _write(d, "controls.txt", CONTROLS),
        "loaded",
        documents=1,
    ),
    Kind(
        "script",
        "<script> and HTML in the text",
        lambda d: _write(
            d,
            "script.txt",
            report(12).replace(
                "签约项目", "<script>alert('x')</script><img src=x onerror=alert(1)>签约项目"
            ),
        ),
        "loaded",
        documents=1,
    ),
    Kind(
        "bom_only",
        "a UTF-8 byte-order mark and nothing else",
        lambda d: _write(d, "bom.txt", b"\xef\xbb\xbf"),
        "rejected",
        "no text",
    ),
    Kind(
        "unsupported_suffix",
        "a spreadsheet",
        lambda d: _write(d, "table.xlsx", _zip_of_reports(41)),
        "rejected",
        "unsupported|zip",
    ),
]


def _zip_of_reports(n: int = 40) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", report(n))
    return buf.getvalue()


def generate(folder: Path) -> dict[str, Path]:
    """Write every kind into `folder` (one file or link each); returns kind name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    return {kind.name: kind.make(folder) for kind in KINDS}


def markdown() -> str:
    """The kinds as a table for docs/reliability.md."""
    rows = ["| kind | file | outcome | recorded reason matches |", "|---|---|---|---|"]
    for k in KINDS:
        reason = f"`{k.reason}`".replace("|", "\\|") if k.reason else ""
        rows.append(f"| {k.name} | {k.what} | {k.status} | {reason} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:
        print(markdown())
    else:
        for name, path in generate(Path(sys.argv[1])).items():
            print(f"{name:28} {os.fsencode(path)!r}")
