"""The one error a reader raises for a file that is not a report."""

from __future__ import annotations


class Rejected(Exception):
    """The file cannot be read as a report. `str(exc)` is the reason shown to users."""
