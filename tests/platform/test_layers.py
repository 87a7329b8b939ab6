"""The apps stand on one another in layers, and no module imports itself back.

Read from the source (every `import`, at module level or inside a function, except
under `if TYPE_CHECKING:`), so a lazy import that only dodges a cycle at load time
counts as the cycle it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: an app may import its own modules and those of the layers below it.
LAYERS = (("money", "outbox"), ("listings",), ("candidates",), ("alerts",), ("jobboard",))
APPS = {app: level for level, names in enumerate(LAYERS) for app in names}
# Every app's admin modules are the back office, composed over all the apps (they ask
# listings.access who may manage what): a layer of their own, under jobboard's wiring.
BACK_OFFICE = len(LAYERS) - 1 - 0.5


def layer_of(module: str) -> float:
    app, _, rest = module.partition(".")
    if rest.split(".")[0].startswith("admin") or module.startswith("jobboard.admin"):
        return BACK_OFFICE
    return APPS[app]


def is_view(module: str) -> bool:
    return module.rpartition(".")[2].endswith("views")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # historical snapshots; Django loads them apart from the code
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(module: str, path: Path, known: set[str]) -> set[str]:
    """First-party modules `module` imports (resolved to the longest known module name)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    resolved = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            resolved.add(name)
    return resolved


def import_graph() -> dict[str, set[str]]:
    sources = _sources()
    known = set(sources)
    return {module: _imported(module, path, known) for module, path in sources.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_module_imports_itself_back():
    graph = import_graph()
    # importing a module imports its packages' __init__ first; an __init__ that imports
    # its own submodules would close a loop Python forbids anyway, so drop those edges
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    assert _cycles(graph) == []


def test_apps_import_only_their_own_layer_and_below():
    wrong = []
    for module, targets in sorted(import_graph().items()):
        for target in sorted(targets):
            same_app = target.split(".")[0] == module.split(".")[0]
            if layer_of(target) > layer_of(module) or (
                not same_app and layer_of(target) == layer_of(module) != BACK_OFFICE
            ):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_only_pages_import_views():
    """Domain code (matching, emails, services) never reaches into a view module for a
    helper: what views and domain code share lives in a module of its own."""
    wrong = [
        f"{module} imports {target}"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if is_view(target) and not (is_view(module) or module.endswith("urls"))
    ]
    assert wrong == []


def test_the_graph_sees_lazy_imports():
    """The check itself: an import inside a function is an edge like any other."""
    graph = import_graph()
    assert "listings.models" in graph["listings.services"]
    assert any(targets for module, targets in graph.items() if module.startswith("alerts."))
