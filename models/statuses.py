"""The statuses a row can have, one place for each: the schema describes them from here and
the code compares with these names."""

from __future__ import annotations

from typing import Literal, get_args

SourceStatus = Literal["loaded", "partial", "rejected", "gone"]  # sources.status
PathStatus = Literal["present", "gone"]  # source_paths.status
RunStatus = Literal["running", "completed", "failed", "interrupted"]  # ingest_runs.status

SOURCE_STATUSES: tuple[str, ...] = get_args(SourceStatus)
PATH_STATUSES: tuple[str, ...] = get_args(PathStatus)
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)
LOADED: tuple[SourceStatus, ...] = ("loaded", "partial")  # a source whose reports are stored
