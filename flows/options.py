"""The options every flow's tasks share.

Nothing is cached (a run's inputs are files on disk). Tasks that talk to Postgres wait out an
outage; those that may run for hours have a bound. No bound on tasks submitted to threads
(the keyword refresh, the index build): Prefect cannot interrupt a thread blocked in Postgres,
and it warns on every run.
"""

from prefect.cache_policies import NONE

BASE = dict(cache_policy=NONE)
DB = dict(BASE, retries=4, retry_delay_seconds=[2, 10, 30, 60])
LONG = dict(DB, timeout_seconds=6 * 3600)
