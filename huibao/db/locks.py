"""Every Postgres advisory lock huibao takes, in one place (keys must not collide).

Session locks die with the connection that holds them, even when its process is killed, which
is what the claims and the writer slots rely on."""

from __future__ import annotations

MIGRATIONS = 2_024_061_801  # transaction lock: one process migrates the schema at a time
CLAIMS = 48_151  # (CLAIMS, hashtext(run)), session lock: the run is alive and holds its claims
WRITER_SLOTS = 48_152  # (WRITER_SLOTS, k), session lock: the run holds writer slot k
INDEXES = 48_153  # transaction lock: one run at a time sets indexes aside or builds them
