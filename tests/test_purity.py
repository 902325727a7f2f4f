"""The text core stays pure: importing and running it loads no Prefect and no database code."""

from __future__ import annotations

import subprocess
import sys


def test_text_core_imports_no_orchestration_or_database_modules():
    code = (
        "import sys; from huibao.text import parse_text; "
        "parse_text('一、工作情况\\n（一）招商引资。正文。', keywords=True); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('prefect', 'sqlalchemy', 'sqlmodel', 'psycopg', 'alembic', 'datasette')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
