"""Serve a published file with Datasette: immutable, read-only, with time limits."""

from __future__ import annotations

from pathlib import Path

SETTINGS = {
    "sql_time_limit_ms": "3000",
    "max_returned_rows": "2000",
    "default_page_size": "50",
    "facet_time_limit_ms": "500",
    "allow_download": "off",  # the raw file is large; rows can be exported as CSV/JSON
    "default_cache_ttl": "0",  # a new publish must show at once
    "suggest_facets": "off",  # facet suggestions re-run every search; configured facets stay
}


def _metadata_file(path: Path) -> Path:
    """The metadata written by `huibao publish` next to the file, or a fresh one."""
    from huibao.publish.publish import metadata_path
    from huibao.publish.site import write_metadata

    meta = metadata_path(path)
    if not meta.exists():
        import tempfile

        meta = Path(tempfile.mkdtemp(prefix="huibao-meta-")) / meta.name
        write_metadata(meta, path.stem, path)
    return meta


def datasette_args(path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The `datasette serve` arguments huibao uses: immutable (read-only) file, time limits."""
    args = ["serve", "--immutable", str(path), "--metadata", str(_metadata_file(path))]
    args += ["--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def make_datasette(path: Path):
    """A Datasette instance configured like `huibao serve` (for tests and embedding)."""
    import json

    from datasette.app import Datasette

    from huibao.datasette.reload import adopt

    metadata = json.loads(_metadata_file(path).read_text(encoding="utf-8"))
    ds = Datasette(immutables=[str(path)], metadata=metadata, settings=typed_settings())
    adopt(ds)  # as the startup hook does before `datasette serve` takes its first request
    return ds


def typed_settings() -> dict:
    """`SETTINGS` as Python values, for a Datasette made in code."""
    return {k: _typed(v) for k, v in SETTINGS.items()}


def _typed(value: str):
    if value in ("on", "off"):
        return value == "on"
    return int(value) if value.isdigit() else value


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    from datasette.cli import cli

    print(f"serve: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    cli.main(datasette_args(path, host, port), prog_name="datasette", standalone_mode=False)
    return 0
