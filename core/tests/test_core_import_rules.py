"""The layout's import rules, read from every module's source (README: "Layout and import rules").

Every `import` statement counts, at module level, inside functions and under `TYPE_CHECKING`:
a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import satchel

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core" / "src"
PLUGINS = sorted((ROOT / "plugins").glob("*/src/*"))

#: What each part of the core may import of satchel (besides itself). Each entry is a module or
#: a package prefix; `satchel` alone means the package's public names (its `__init__`).
ALLOWED = {
    "satchel._version": set(),
    "satchel.errors": set(),
    "satchel.hookspecs": set(),
    "satchel.payloads": {"satchel.errors"},
    "satchel.discovery": {"satchel.errors"},
    "satchel.packaging": {
        "satchel._version",
        "satchel.errors",
        "satchel.hookspecs",
        "satchel.payloads",
        "satchel.discovery",
    },
    "satchel.tracking": {
        "satchel._version",
        "satchel.errors",
        "satchel.payloads",
        "satchel.discovery",
        "satchel.packaging",
    },
    "satchel.testing": {
        "satchel._version",
        "satchel.backends",  # the record store kit checks backends through their public interface
        "satchel.errors",
        "satchel.payloads",
        "satchel.packaging",
    },
    "satchel.cli": {"*"},
    "satchel": {"*"},  # the package's __init__ and __main__: the public face
    "satchel.backends": {"satchel.tracking", "satchel.packaging"},  # the public face of the store interfaces
}
#: What a plugin distribution may import of satchel: the public names and the toolkit modules.
PUBLIC_MODULES = (
    "satchel.backends",
    "satchel.errors",
    "satchel.hookspecs",
    "satchel.payloads",
    "satchel.testing",
)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, name: str) -> list[tuple[str, int]]:
    """`(imported module, line)` for every satchel import in `path`; `from satchel import X` of a
    submodule X counts as importing `satchel.X`."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = _is_core_module(candidate)
                found.append((candidate if is_module else base, node.lineno))
    return [(module, line) for module, line in found if module.split(".")[0] == "satchel"]


def _is_core_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (CORE / relative).with_suffix(".py").exists() or (CORE / relative / "__init__.py").exists()


def _part(name: str) -> str:
    """The part of the core a module belongs to: the longest key of ALLOWED it starts with."""
    matches = [key for key in ALLOWED if name == key or name.startswith(key + ".")]
    return max(matches, key=len)


def _within(module: str, prefixes: set[str]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


CORE_MODULES = sorted(
    (module_name(path, CORE), path) for path in (CORE / "satchel").rglob("*.py")
)


@pytest.mark.parametrize("name,path", CORE_MODULES, ids=[name for name, _ in CORE_MODULES])
def test_each_core_module_imports_only_what_its_part_may(name, path):
    part = _part(name)
    allowed = ALLOWED[part]
    if "*" in allowed:
        return
    for module, line in imports(path, name):
        if _part(module) == part:
            continue  # within its own part
        assert _within(module, allowed), (
            f"{path.relative_to(ROOT)}:{line}: {name} ({part}) imports {module}; "
            f"{part} may import only {sorted(allowed) or 'nothing of satchel'}"
        )


def test_packaging_never_imports_the_command_line_tracking_or_testing():
    """The rule the README states, checked directly (it also follows from ALLOWED)."""
    for name, path in CORE_MODULES:
        if _part(name) != "satchel.packaging":
            continue
        for module, line in imports(path, name):
            assert not _within(module, {"satchel.cli", "satchel.tracking", "satchel.testing"}), (
                f"{path.relative_to(ROOT)}:{line}: packaging imports {module}"
            )


def test_the_core_has_no_import_cycle():
    """Not even one that exists only for type checking."""
    graph = {name: set() for name, _ in CORE_MODULES}
    for name, path in CORE_MODULES:
        for module, _ in imports(path, name):
            if module in graph and module != name:
                graph[name].add(module)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = [*trail[trail.index(target) :], target] if target in trail else [node, target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


PLUGIN_MODULES = sorted(
    (module_name(path, package.parent), path) for package in PLUGINS for path in package.rglob("*.py")
)


@pytest.mark.parametrize("name,path", PLUGIN_MODULES, ids=[name for name, _ in PLUGIN_MODULES])
def test_plugins_import_only_public_names_and_the_toolkit(name, path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "satchel":
            for alias in node.names:
                public = alias.name in satchel.__all__ or f"satchel.{alias.name}" in PUBLIC_MODULES
                assert public, (
                    f"{path.relative_to(ROOT)}:{node.lineno}: imports satchel.{alias.name}, which is "
                    f"not public; use satchel's public names or {', '.join(PUBLIC_MODULES)}"
                )
    for module, line in imports(path, name):
        if module == "satchel":
            continue
        assert _within(module, set(PUBLIC_MODULES)), (
            f"{path.relative_to(ROOT)}:{line}: {name} imports {module}, which is internal; "
            f"plugins use satchel's public names and {', '.join(PUBLIC_MODULES)}"
        )


def test_the_rules_see_real_imports():
    """The control: the reader finds the imports that exist, lazy and relative ones included."""
    found = {module for module, _ in imports(CORE / "satchel" / "cli" / "plugins.py", "satchel.cli.plugins")}
    assert "satchel.packaging.manager" in found  # imported inside a function
    assert "satchel.errors" in found
    names = dict(CORE_MODULES)
    assert "satchel.packaging.registry" in names and "satchel.payloads.archives" in names
    assert any(name.startswith("satchel_pandas") for name, _ in PLUGIN_MODULES)
