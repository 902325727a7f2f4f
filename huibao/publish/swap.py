"""Files replaced atomically: written beside the file under a temporary name `.NAME.PID.tmp`,
then renamed over it, so that a reader never sees half a file. A temporary whose writer was
killed is known by its PID and removed by the next publish."""

from __future__ import annotations

import os
from pathlib import Path


def temporary(path: Path) -> Path:
    """This process's temporary name for `path`."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_text(path: Path, text: str) -> Path:
    tmp = temporary(path)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def remove_abandoned(output: Path) -> None:
    """Delete the temporaries of `output` and of its companions (`STEM.*`) left by killed
    processes."""
    for tmp in output.parent.glob(f".{output.stem}.*.tmp"):
        pid = tmp.name.removesuffix(".tmp").rpartition(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
