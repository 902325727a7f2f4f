"""Serve a published file with Datasette: immutable, read-only, with time limits."""

from __future__ import annotations

from pathlib import Path

METADATA = Path(__file__).resolve().parent.parent / "datasette" / "metadata.yaml"
TEMPLATES = Path(__file__).resolve().parent.parent / "datasette" / "templates"

SETTINGS = {
    "sql_time_limit_ms": "3000",
    "max_returned_rows": "2000",
    "default_page_size": "50",
    "facet_time_limit_ms": "500",
    "allow_download": "off",  # the raw file is large; rows can be exported as CSV/JSON
    "default_cache_ttl": "300",
}


def datasette_args(path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The `datasette serve` arguments huibao uses (also used by docker-compose)."""
    args = ["serve", "--immutable", str(path), "--metadata", str(METADATA), "--host", host]
    args += ["--port", str(port)]
    if TEMPLATES.is_dir() and any(TEMPLATES.iterdir()):
        args += ["--template-dir", str(TEMPLATES)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def make_datasette(path: Path):
    """A Datasette instance configured like `huibao serve` (for tests and embedding)."""
    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return Datasette(
        immutables=[str(path)],
        metadata=metadata,
        settings={k: _typed(v) for k, v in SETTINGS.items()},
        template_dir=str(TEMPLATES) if TEMPLATES.is_dir() and any(TEMPLATES.iterdir()) else None,
    )


def _typed(value: str):
    if value in ("on", "off"):
        return value == "on"
    return int(value) if value.isdigit() else value


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    from datasette.cli import cli

    print(f"serve: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    cli.main(datasette_args(path, host, port), prog_name="datasette", standalone_mode=False)
    return 0
