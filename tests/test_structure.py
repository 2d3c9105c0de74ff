"""The shape of the code: no import cycles among readaloud's modules, no module over 450 lines,
and the CLI modules hold no batch, job or exit-code logic."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "readaloud"
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of readaloud that `name` imports, anywhere in the file (lazy imports count too),
    except under `if TYPE_CHECKING:`. `from pkg import sub` points at pkg.sub when it is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if _is_package(path) else name.rpartition(".")[0]
    edges: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.Import):
            edges |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in modules:
                    edges.add(sub)
                elif target in modules:
                    edges.add(target)
                elif node.level:  # a relative import of nothing: fails when it runs
                    edges.add(f"<unresolved {target} in {name}>")
    edges.discard(name)
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_the_import_graph_sees_real_edges():
    graph = import_graph()
    assert "readaloud.cli.common" in graph["readaloud.cli.convert_cmd"]
    assert "readaloud.errors" in graph["readaloud.cli.common"]


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_relative_import_names_a_module():
    graph = import_graph()
    unresolved = sorted(e for edges in graph.values() for e in edges if e.startswith("<"))
    assert unresolved == []


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def test_no_module_over_450_lines():
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_cli_modules_hold_no_batch_job_or_exit_code_logic():
    """The commands parse flags and call the API: no threads, no pipeline internals, and the
    only exit codes are the API's (`exit_code(outcomes)`) or an error's own."""
    graph = import_graph()
    for name, path in _modules().items():
        if not name.startswith("readaloud.cli"):
            continue
        internals = {
            m for m in graph[name] if m.startswith(("readaloud.pipeline", "readaloud.synth"))
        }
        assert internals == set(), f"{name} reaches past the API: {internals}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.startswith(("concurrent", "threading")) for n in names), name
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.exit":
                assert not isinstance(node.args[0], ast.Constant), f"{name}: {ast.unparse(node)}"


# Declared but imported by a dependency that does not declare it (the code cannot import it
# itself without pretending); the test checks the reason still holds.
NOT_IMPORTED_ON_PURPOSE = {
    "lxml-html-clean": ("justext.core", "lxml.html.clean"),
}


def _dist_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_imported():
    import tomllib
    from importlib.metadata import packages_distributions

    pyproject = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {_dist_name(r) for r in pyproject["project"]["dependencies"]}
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    by_module = packages_distributions()
    used = {d.lower().replace("_", "-") for m in imported for d in by_module.get(m, [])}
    unused = declared - used - set(NOT_IMPORTED_ON_PURPOSE)
    assert unused == set(), f"declared in pyproject.toml but never imported: {sorted(unused)}"
    for importer, module in NOT_IMPORTED_ON_PURPOSE.values():
        source = Path(importlib.util.find_spec(importer).origin).read_text(encoding="utf-8")
        assert module in source, f"{importer} no longer imports {module}"
