"""huibao's Datasette plugin package: hooks (in `plugin`), templates and metadata.

Datasette registers this package through the `datasette` entry point; the hooks are
re-exported here so that Datasette finds them and the package's `templates/` folder.
"""

from .plugin import (
    asgi_wrapper,
    extra_body_script,
    extra_css_urls,
    extra_js_urls,
    prepare_connection,
    prepare_jinja2_environment,
    register_routes,
    render_cell,
    startup,
)

__all__ = [
    "asgi_wrapper",
    "extra_body_script",
    "extra_css_urls",
    "extra_js_urls",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_routes",
    "render_cell",
    "startup",
]
