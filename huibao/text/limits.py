"""Size limits that protect a run from pathological files. Each one is reported when hit."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 30 * 1024 * 1024  # larger files are rejected, not read
    max_line_chars: int = 20_000  # longer lines are cut at sentence ends (a warning is recorded)
    max_sections: int = 5_000  # per document; deeper structure is kept as body text
    max_docx_unzipped_bytes: int = 200 * 1024 * 1024  # zip-bomb guard for .docx
    max_pdf_pages: int = 2_000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Read overrides such as HUIBAO_MAX_FILE_BYTES=1000000 from the environment."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f"HUIBAO_{f.name.upper()}")
            if raw:
                values[f.name] = int(raw)
        return cls(**values)
