"""The import graph of ``src/microcred`` has no cycle.

Every import the code runs counts: module-level and function-local alike (a lazy import is
still an arrow, only a later one). Imports under ``if TYPE_CHECKING:`` do not run and are left
out, and so is a module's import of its own parent packages (they are loaded before it). The
graph is built from the source (``ast``), so a cycle is found before any of it runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "microcred"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _targets(
    module: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]
) -> set[str]:
    """The project modules one import statement loads."""
    found: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in known:
                found.add(alias.name)
        return found
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    if prefix in known:
        found.add(prefix)
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        if candidate in known:  # ``from . import submodule``
            found.add(candidate)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports at run time."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _runtime_imports(tree):
            edges |= _targets(name, is_package, node, known)
        # a module's own packages are loaded before it (importing ``a.b.c`` runs ``a`` and
        # ``a.b`` first): ``from .. import x`` names them, but they are no arrow of its own
        ancestors = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
        graph[name] = edges - ancestors - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    """The reader sees the arrows it must (so an empty graph cannot pass the next test)."""
    graph = import_graph()
    assert "microcred.verify._pipeline" in graph
    assert "microcred.verify._jwt" in graph["microcred.verify._pipeline"]
    assert "microcred.status" in graph["microcred.verify._body"]
    assert "microcred.jose" in graph["microcred.verify._jwt"]
    # a function-local import counts
    assert "microcred.baking" in graph["microcred._input"]


def test_a_cycle_would_be_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_package() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_jose_and_status_do_not_import_verification() -> None:
    """The codecs and the status methods sit below the pipeline: it calls them, never the
    other way (status receives a callback)."""
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith(("microcred.jose", "microcred.status", "microcred.proofs")):
            assert not {t for t in targets if t.startswith("microcred.verify")}, name
