"""The layers of docs/architecture.md: a module imports only from its own layer and those below
it, and no two modules import each other (directly or round a loop). Read from the source, so
imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# bottom to top; a module belongs to the layer of the longest prefix that names it
LAYERS = (
    ("text", ("huibao.text",)),
    ("ingest", ("huibao.config", "huibao.files", "huibao.progress", "huibao.parallel")),
    ("db", ("models", "huibao.db")),
    ("site", ("huibao.publish",)),
    ("datasette", ("huibao.datasette",)),
    ("run", ("flows", "huibao.cli", "huibao.prefect_server", "huibao")),
)
PACKAGES = ("huibao", "flows", "models")
ALIASES = {"huibao.flows": "flows", "huibao.models": "models"}  # as pyproject.toml maps them


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _canonical(name: str) -> str:
    for alias, real in ALIASES.items():
        if name == alias or name.startswith(alias + "."):
            return real + name[len(alias) :]
    return name


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules `name` imports (a package's own __init__ is not counted: a
    submodule reaches its package whatever it imports)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for target in map(_canonical, targets):
            if target in known and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def layer(name: str) -> int:
    best, level = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), i
    assert level is not None, f"{name} is in no layer: add it to LAYERS and docs/architecture.md"
    return level


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_module_imports_only_its_layer_and_those_below():
    upward = [
        f"{name} ({LAYERS[layer(name)][0]}) imports {target} ({LAYERS[layer(target)][0]})"
        for name, targets in graph().items()
        for target in sorted(targets)
        if layer(target) > layer(name)
    ]
    assert not upward, "\n".join(upward)


def test_no_modules_import_each_other():
    edges = graph()
    loops = set()

    def visit(node: str, trail: list[str]) -> None:
        for nxt in edges[node]:
            if nxt in trail:
                loop = trail[trail.index(nxt) :]
                start = loop.index(min(loop))
                loops.add(" → ".join(loop[start:] + loop[:start] + [min(loop)]))
            elif nxt not in done:
                visit(nxt, [*trail, nxt])
        done.add(node)

    done: set[str] = set()
    for name in sorted(edges):
        if name not in done:
            visit(name, [name])
    assert not loops, "\n".join(sorted(loops))


def test_the_layer_test_sees_an_upward_import(tmp_path):
    """The reader of imports finds an import made inside a function, relative or absolute."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from huibao.publish import publish\n    from . import x\n")
    known = {"huibao.publish": module, "huibao.publish.publish": module, "huibao.db.x": module}
    found = imports("huibao.db.m", module, known)
    assert found == {"huibao.publish", "huibao.publish.publish", "huibao.db.x"}
    assert layer("huibao.db.m") < layer("huibao.publish.publish")
