"""Versions worth recording: Python's, and a module's distribution (looked up once per process)."""

from __future__ import annotations

import functools
import sys


def python_version() -> str:
    """The running Python's version, e.g. ``3.11.7``."""
    return sys.version.split()[0]


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    import importlib.metadata

    return importlib.metadata.packages_distributions()


@functools.cache
def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def distribution_of(module: str) -> tuple[str, str] | None:
    """`(distribution, version)` that installed `module`'s top-level package, or None."""
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names or top == "builtins":
        return None
    for name in _packages_distributions().get(top, []):
        version = installed_version(name)
        if version is not None:
            return name, version
    version = getattr(sys.modules.get(top), "__version__", None)
    return (top, str(version)) if isinstance(version, str) else None
