"""The packagers a run uses: the installed ones, collected once per process, plus its project's
custom packagers, collected for each run (a mandatory one that fails stops the run)."""

from __future__ import annotations

import threading

from satchel.discovery.loading import PluginStatus
from satchel.packaging.collecting import (
    CUSTOM_PRIORITY,
    REQUIRED_FIX,
    collect_custom,
    collect_installed,
    collection_error,
)
from satchel.packaging.registry import Registry

PROJECT_FIX = (
    "Fix or install them, or stop requiring them: remove_custom_packager(...), then "
    "add_custom_packager(..., is_mandatory=False) on the project (an optional one warns and is skipped)."
)
_INSTALLED: Registry | None = None
_LOCK = threading.Lock()


def installed_registry() -> Registry:
    """The installed packagers, collected on first use (a mandatory failure raises every time)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED is None:
            registry = Registry()
            statuses, failures = collect_installed(registry)
            if failures:
                raise collection_error(failures, statuses, REQUIRED_FIX)
            _INSTALLED = registry
        return _INSTALLED


def registry_for(custom: list[tuple[str, bool]]) -> Registry:
    """The installed packagers plus these custom ones (`(path, is_mandatory)`), for one run."""
    base = installed_registry()
    if not custom:
        return base
    registry = base.extended()
    statuses: list[PluginStatus] = []
    failures = []
    for path, mandatory in custom:
        status = collect_custom(registry, path, CUSTOM_PRIORITY, mandatory)
        statuses.append(status)
        if status.status != "loaded" and mandatory:
            failures.append(status)
    if failures:
        raise collection_error(failures, statuses, PROJECT_FIX)
    return registry


def forget_installed() -> None:
    """Collect the installed packagers again on next use (after installing a plugin, in tests)."""
    global _INSTALLED
    with _LOCK:
        _INSTALLED = None
