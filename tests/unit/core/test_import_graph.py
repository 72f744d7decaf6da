"""The packages of marketplace/ import one another in one direction only, and imports sit at the top
of their module (docs/architecture.md, "Packages and the direction of imports").

Read from the source with `ast`, without importing anything: a unit is a sub-package
(marketplace/orders/) or a top-level module (marketplace/templating.py); the app factory
(marketplace/__init__.py) is the one place allowed to import inside a function, because it is where
everything is put together.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "marketplace"
APP_FACTORY = PACKAGE / "__init__.py"
# Imports inside functions that remain on purpose, each with its reason (module path, imported module).
FUNCTION_IMPORTS_KEPT: dict[tuple[str, str], str] = {
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "marketplace" and len(parts) > 1 else None


def _imports(path: Path):
    """(imported module, line, inside a function?) for each import of marketplace code in the file."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function, type_checking) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                    package = package[:len(package) - (child.level - 1)]
                    base = ".".join(package + ([base] if base else []))
                found.append((base, child.lineno, in_function, type_checking))
                # `from marketplace import db`: the name may be a unit of its own
                if base == "marketplace":
                    found.extend((f"marketplace.{alias.name}", child.lineno, in_function, type_checking)
                                 for alias in child.names)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, True, type_checking)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit(child, in_function, True)
            else:
                visit(child, in_function, type_checking)

    visit(tree, False, False)
    return [(name, line, inside, checking) for name, line, inside, checking in found
            if name.startswith("marketplace")]


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def _unit_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _sources():
        if path == APP_FACTORY:
            continue
        source = _unit(_module_name(path))
        for name, _line, _inside, type_checking in _imports(path):
            target = _unit(name)
            if source and target and target != source and not type_checking:
                graph[source].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                strong(target)
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
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strong(node)
    return components


def test_the_packages_import_one_another_in_one_direction():
    graph = _unit_graph()
    cycles = _cycles(graph)
    described = [" ↔ ".join(c) + ": " + "; ".join(f"{a} → {sorted(graph[a] & set(c))}" for a in c)
                 for c in cycles]
    assert not cycles, "packages that import one another (move the shared piece down, or register a hook):\n" \
        + "\n".join(described)


def test_imports_sit_at_the_top_of_their_module():
    inside = {(str(path.relative_to(PACKAGE.parent)), name): line
              for path in _sources() if path != APP_FACTORY
              for name, line, in_function, _checking in _imports(path) if in_function}
    new = sorted(f"{path}:{line} imports {name}" for (path, name), line in inside.items()
                 if (path, name) not in FUNCTION_IMPORTS_KEPT)
    assert not new, "imports inside functions (put them at the top; a cycle means a piece belongs lower):\n" \
        + "\n".join(new)
    gone = sorted(f"{path} {name}" for path, name in FUNCTION_IMPORTS_KEPT if (path, name) not in inside)
    assert not gone, "FUNCTION_IMPORTS_KEPT names imports that are no longer there:\n" + "\n".join(gone)


def test_the_graph_sees_a_cycle_when_there_is_one():
    assert _cycles({"orders": {"messaging"}, "messaging": {"orders"}, "listings": set()}) == [["messaging", "orders"]]
    assert _cycles({"orders": {"messaging"}, "messaging": {"accounts"}}) == []
