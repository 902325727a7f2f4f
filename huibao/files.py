"""Finding report files under the paths a user gives, without following symlink loops."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Word's owner files (~$report.docx), editor backups and OS clutter are never reports.
_SKIP_PREFIXES = ("~$", ".~lock", ".")
_SKIP_NAMES = {"Thumbs.db", "desktop.ini", ".DS_Store"}


@dataclass(frozen=True, slots=True)
class FileStat:
    path: str  # as stored and shown: always valid Unicode (see `display_path`)
    size: int
    mtime_ns: int
    os_path: str | None = None  # the name to open, when it differs from `path`

    @property
    def open_path(self) -> str:
        return self.os_path or self.path


def display_path(path: str) -> str:
    """A file name as text. Names from old Windows zips hold GBK bytes that are not UTF-8;
    Python keeps them as lone surrogates, which no database or web page accepts, so those
    bytes are written as `\\xNN` escapes (distinct names stay distinct)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


@dataclass(frozen=True, slots=True)
class Unreadable:
    path: str
    reason: str


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[FileStat | Unreadable]:
    """Every candidate file under `paths`, sorted within each folder, each once."""
    seen: set[str] = set()
    for root in paths:
        root = Path(root).absolute()
        if not root.exists() and not root.is_symlink():
            yield Unreadable(display_path(str(root)), "no such file or folder")
            continue
        if root.is_dir():
            yield from _walk(root, seen)
        else:
            item = _stat(root)
            if str(root) not in seen:
                seen.add(str(root))
                yield item


def _walk(root: Path, seen: set[str]) -> Iterator[FileStat | Unreadable]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(_SKIP_PREFIXES) or name in _SKIP_NAMES:
                continue
            path = os.path.join(folder, name)
            if path in seen:
                continue
            seen.add(path)
            yield _stat(Path(path))
    for err in errors:
        yield Unreadable(display_path(str(err.filename)), f"cannot list folder: {err.strerror}")


def _stat(path: Path) -> FileStat | Unreadable:
    try:
        st = path.stat()  # follows a symlink to a file; a loop raises ELOOP
    except OSError as exc:
        return Unreadable(display_path(str(path)), f"cannot open: {exc.strerror or exc}")
    if not path.is_file():
        return Unreadable(display_path(str(path)), "not a regular file")
    shown = display_path(str(path))
    return FileStat(shown, st.st_size, st.st_mtime_ns, None if shown == str(path) else str(path))


def discover_split(paths: Iterable[str | os.PathLike]) -> tuple[list[FileStat], list[Unreadable]]:
    """`discover`, as (the files found, the paths that cannot be read)."""
    stats: list[FileStat] = []
    unreadable: list[Unreadable] = []
    for item in discover(paths):
        (stats if isinstance(item, FileStat) else unreadable).append(item)
    return stats, unreadable


def folders_and_files(paths: Iterable[str | os.PathLike]) -> tuple[list[str], list[str]]:
    folders, files = [], []
    for p in paths:
        p = Path(p).absolute()
        (folders if p.is_dir() else files).append(display_path(str(p)))
    return folders, files
