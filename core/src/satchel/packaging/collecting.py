"""Collecting packagers into a registry: installed plugins (entry points) and custom ones, with
the environment's policy (`SATCHEL_DISABLE_PLUGINS`, `SATCHEL_REQUIRE`) and failure isolation.

An optional plugin that fails is skipped with a `SatchelPluginWarning`; the failures of
mandatory ones are gathered into one `PackagerCollectionError`.
"""

from __future__ import annotations

import warnings
from typing import Any

from satchel.discovery.entry_points import find_entry_points
from satchel.discovery.loading import LoadProblem, PluginStatus, load_objects, names_from_env
from satchel.errors import PackagerCollectionError, SatchelPluginWarning
from satchel.packaging.packager import Packager
from satchel.packaging.records import PackagerRecord
from satchel.packaging.registry import Registry
from satchel.packaging.validation import check_class
from satchel.packaging.versions import distribution_of

GROUP = "satchel.packagers"
INSTALLED_PRIORITY = 5
CUSTOM_PRIORITY = 3


def collect_installed(registry: Registry) -> tuple[list[PluginStatus], list[PluginStatus]]:
    """Collect every installed `satchel.packagers` entry point: `(statuses, mandatory failures)`."""
    disabled = names_from_env("SATCHEL_DISABLE_PLUGINS")
    required = names_from_env("SATCHEL_REQUIRE")
    statuses: list[PluginStatus] = []
    found = set()
    for entry_point in find_entry_points(GROUP):
        found.add(entry_point.name)
        status = PluginStatus.of(entry_point, mandatory=entry_point.name in required)
        statuses.append(status)
        if entry_point.name in disabled:
            status.status, status.reason = "disabled", "listed in SATCHEL_DISABLE_PLUGINS"
            if status.mandatory:
                status.reason += " and in SATCHEL_REQUIRE; remove it from one of them"
        else:
            load(registry, status, entry_point.value, INSTALLED_PRIORITY)
    for name in sorted(required - found):
        status = PluginStatus(name, "", mandatory=True)
        status.fail(
            f"no installed distribution has a {GROUP!r} entry point called {name!r}"
            f"{_guess(name, found)}; install the plugin or remove it from SATCHEL_REQUIRE "
            "(names are separated by commas; `satchel plugins` lists the installed ones)"
        )
        statuses.append(status)
    unknown = sorted(disabled - found)
    if unknown:  # a typo or a space-separated list would otherwise disable nothing, silently
        names = ", ".join(f"{name!r}{_guess(name, found)}" for name in unknown)
        warnings.warn(
            f"SATCHEL_DISABLE_PLUGINS names {names}, which no installed plugin is called, so "
            f"{'it disables' if len(unknown) == 1 else 'they disable'} nothing; names are "
            f"separated by commas (installed: {', '.join(sorted(found)) or 'none'})",
            SatchelPluginWarning,
            stacklevel=3,  # the code that made the manager
        )
    return statuses, [status for status in statuses if status.mandatory and status.status != "loaded"]


def _guess(name: str, found: set[str]) -> str:
    """` (did you mean ...?)` for a mistyped plugin name or a space-separated list of names."""
    import difflib  # only for a name no plugin has

    words = name.split()
    if len(words) > 1 and any(word in found for word in words):
        return f" (did you mean {','.join(words)!r}?)"
    close = difflib.get_close_matches(name, sorted(found), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def collect_custom(
    registry: Registry, item: type | str, default_priority: int, mandatory: bool
) -> PluginStatus:
    """Collect one custom item: a class, `"pkg.mod.Class"` or `"pkg.mod.*"`."""
    if isinstance(item, type):
        label = f"{item.__module__}.{item.__qualname__}"
    else:
        label = item if isinstance(item, str) else repr(item)
    status = PluginStatus(label, label, mandatory=mandatory)
    load(registry, status, item, default_priority)
    return status


def load(registry: Registry, status: PluginStatus, target: Any, default_priority: int) -> None:
    """Load the packagers `target` names into `registry`, all or none; record how it went."""
    try:
        records = []
        loaded = load_objects(target, _is_packager_class, "Packager subclass")
        for cls in loaded.objects:
            priority, spec = check_class(cls, default_priority, loaded.scanned)
            try:
                instance = cls()
            except Exception as error:
                raise LoadProblem(f"{cls.__qualname__}() failed: {error!r}") from error
            records.append(PackagerRecord(cls, instance, priority, spec, status))
        registry.add(records)
    except Exception as problem:  # isolate any plugin failure from the host
        status.fail(str(problem) if isinstance(problem, LoadProblem) else repr(problem))
        if status.distribution is None and isinstance(target, (str, type)):
            status.distribution, status.version = _distribution_of_target(target)
        if not status.mandatory:
            warnings.warn(
                f"satchel plugin {status.name!r} ({status.origin()}) was skipped: {status.reason}",
                SatchelPluginWarning,
                stacklevel=4,  # the code that made the manager or called collect_packagers
            )
        return
    status.status, status.reason, status.items = "loaded", None, records


#: How to stop requiring what failed, by where the requirement came from.
REQUIRED_FIX = "Fix or install them, or stop requiring them: remove them from SATCHEL_REQUIRE."
COLLECTED_FIX = (
    "Fix them, or stop requiring them: collect_packagers(..., mandatory=False) warns about a "
    "failure and skips it."
)


def collection_error(
    failures: list[PluginStatus], statuses: list[PluginStatus], fix: str
) -> PackagerCollectionError:
    """One error naming every failed mandatory plugin, its origin and the cause, ending with `fix`
    (how to stop requiring them where they were required: `REQUIRED_FIX`, `COLLECTED_FIX`)."""
    lines = [f"{len(failures)} mandatory packager plugin(s) could not be collected:"]
    for status in failures:
        lines.append(f"  - {status.name} ({status.origin()}): {status.reason}")
    lines.append(fix)
    return PackagerCollectionError("\n".join(lines), plugins=statuses)


def _is_packager_class(value: Any) -> bool:
    # (not issubclass: the ABC check walks every subclass)
    return isinstance(value, type) and Packager in value.__mro__


def _distribution_of_target(target: Any) -> tuple[str | None, str | None]:
    module = target.__module__ if isinstance(target, type) else target.split(":")[0]
    try:
        found = distribution_of(module)
    except Exception:  # only used to enrich an error message
        found = None
    return found if found else (None, None)
