"""The house's shape, checked: no import cycle between modules, and every import points down the layers.

Imports are read with `ast` from every module of the package, those inside functions included (a command
imports what it needs when it runs, but that is still an arrow). A module may import from its own layer
(reports from the appendix model) as long as no cycle forms."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "auditor"

# From the bottom up: what each part of the package may import is below it or beside it.
LAYERS: list[set[str]] = [  # as drawn in docs/architecture.md ("The house")
    {"__init__", "errors", "limits", "words", "status", "workdays", "disjoint"},  # foundations
    {"files"},  # reading (YAML and JSON with lines), validation messages, writing outputs
    {"chronology", "synth", "records"},  # the case chronology; synthetic cases; an authority's records in
    {"rulebook"},
    {"engine"},  # matching, in durable-rules and the reference evaluator
    {"audit"},  # readings, verdicts, windows, wording, findings, what is not recorded, the rules' examples
    {"appendix"},  # the appendix model
    {"reports"},  # renderers and templates
    {"importing", "board"},  # a panel's table in; the board pack out
    {"batch", "trainer"},
    {"cli", "__main__"},  # the command line: nothing imports it
]
RANK = {part: rank for rank, layer in enumerate(LAYERS) for part in layer}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `name` imports (a name imported from a package counts as that module if it
    is one, else as the package)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_of_the_package_has_a_layer():
    assert {_part(m) for m in _graph()} <= set(RANK), {_part(m) for m in _graph()} - set(RANK)


def test_no_import_points_up_a_layer():
    upward = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets
                    if RANK[_part(b)] > RANK[_part(a)])
    assert upward == []


def test_nothing_outside_the_command_line_imports_it():
    importers = sorted(a for a, targets in _graph().items() for b in targets
                       if _part(b) == "cli" and _part(a) not in ("cli", "__main__"))
    assert importers == []


def test_no_import_cycle_between_modules():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_check_sees_a_cycle_and_an_upward_import(tmp_path, monkeypatch):
    """The checks above would fail on a house with a cycle or an arrow pointing up."""
    package = tmp_path / "auditor"
    (package / "engine").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "engine" / "__init__.py").write_text("")
    (package / "engine" / "a.py").write_text("from .b import x\nfrom ..audit import run\n")
    (package / "engine" / "b.py").write_text("from .a import y\n")
    (package / "audit.py").write_text("")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", package)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    graph = _graph()
    assert graph["auditor.engine.a"] == {"auditor.engine.b", "auditor.audit"}
    assert "auditor.engine.a" in graph["auditor.engine.b"]
    assert RANK[_part("auditor.audit")] > RANK[_part("auditor.engine.a")]


def test_every_package_is_installed():
    """pyproject lists the packages a plain `pip install .` copies: a folder left out works in an editable
    install and the suite, and is missing on a user's machine."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, found - listed
