"""What a run tells the person watching it: a line as each step starts, and a bar while files are
parsed and loaded. Everything goes to stderr, and only when stderr is a terminal: a scheduled run,
a test or a pipe into another program sees none of it."""

from __future__ import annotations

import sys


class Report:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def step(self, text: str) -> None:
        if self.enabled:
            print(f"huibao: {text}…", file=sys.stderr, flush=True)

    def bar(self, total: int, description: str) -> Bar | None:
        return Bar(total, description) if self.enabled and total else None


class Bar:
    def __init__(self, total: int, description: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self.task = self.progress.add_task(description, total=total)
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()
