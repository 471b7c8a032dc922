"""Collecting packagers into a registry: installed plugins (entry points) and custom ones, with
the environment's policy (`SATCHEL_DISABLE_PLUGINS`, `SATCHEL_REQUIRE`) and failure isolation.

An optional plugin that fails is skipped with a `SatchelPluginWarning`; the failures of
mandatory ones are gathered into one `PackagerCollectionError`.

An installed plugin whose checked declarations are in the declarations cache (`declarations`)
is not imported here: its records are made from the cache, and `_Deferred` imports it when the
type index first offers one of them. A failure then (an import error, or classes that no
longer match what was cached) is handled as it would have been here: the plugin is reported
failed, warned about (optional) or raised (mandatory, at every use), and the cache discarded.
"""

from __future__ import annotations

import sys
import threading
import warnings
from typing import Any

from satchel.discovery.entry_points import EntryPoint, scan_installed
from satchel.discovery.loading import LoadProblem, PluginStatus, load_objects, names_from_env
from satchel.errors import PackagerCollectionError, SatchelPluginWarning
from satchel.packaging.declarations import Declaration, DeclarationsCache
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.packager import Packager
from satchel.packaging.records import PackagerRecord
from satchel.packaging.registry import Registry
from satchel.packaging.type_hints import TypeSpec
from satchel.packaging.validation import check_class, new_plugin_manager, register
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
    installed = scan_installed()
    cache = DeclarationsCache(installed.fingerprint)
    entry_points = installed.entry_points(GROUP, cache.distributions)
    cache.remember_distributions(installed.read)
    cached: list[PackagerRecord] = []  # from the cache, added together (in order) to the registry
    for entry_point in entry_points:
        found.add(entry_point.name)
        status = PluginStatus.of(entry_point, mandatory=entry_point.name in required)
        statuses.append(status)
        if entry_point.name in disabled:
            status.status, status.reason = "disabled", "listed in SATCHEL_DISABLE_PLUGINS"
            if status.mandatory:
                status.reason += " and in SATCHEL_REQUIRE; remove it from one of them"
        else:
            _collect_installed_one(registry, status, entry_point, cache, statuses, cached)
    registry.add(cached)
    cache.save()
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


def _collect_installed_one(
    registry: Registry,
    status: PluginStatus,
    entry_point: EntryPoint,
    cache: DeclarationsCache,
    statuses: list[PluginStatus],
    cached: list[PackagerRecord],
) -> None:
    """Collect one installed entry point from the cache (its records join `cached`, not imported
    yet), or by importing it (after adding `cached` to the registry, so the order is kept)."""
    ep = entry_point
    key = cache.plugin_key(ep.distribution, ep.version, ep.name, ep.value)
    declarations = cache.get(key)
    try:
        deferred = _Deferred(status, ep.value, declarations, cache, statuses) if declarations else None
    except ValueError:  # a declared type that does not parse: a damaged cache
        deferred = None
    if deferred is not None:
        cached.extend(deferred.records)
        status.status, status.reason, status.items = "loaded", None, deferred.records
        return
    registry.add(cached)
    cached.clear()
    before = set(sys.modules)
    load(registry, status, ep.value, INSTALLED_PRIORITY, stacklevel=5)
    if status.status == "loaded" and all(_cacheable(record) for record in status.items):
        files = _source_files(ep.value, status.items, set(sys.modules) - before)
        cache.put(key, [record.declaration() for record in status.items], files)


def _cacheable(record: PackagerRecord) -> bool:
    """Whether a record can be rebuilt from its declaration: its type reads back from its text."""
    if record.cls in (Packager, DefaultPackager):
        return False
    text = str(record.spec)
    try:
        again = TypeSpec.parse(text)
        return again == record.spec or (again.resolve() or again) == (record.spec.resolve() or record.spec)
    except (ValueError, LookupError):
        return False


def _source_files(target: str, records: list[PackagerRecord], imported: set[str]) -> set[str]:
    """The files an entry point's packagers come from: the modules it names, those imported for
    it in its own top-level package, and those defining its classes and their bases."""
    dotted = target.strip().removesuffix(".*").replace(":", ".")
    parts = dotted.split(".")
    names = {".".join(parts[: index + 1]) for index in range(len(parts))}
    names |= {name for name in imported if name == parts[0] or name.startswith(parts[0] + ".")}
    for record in records:
        names |= {klass.__module__ for klass in record.cls.__mro__}
    files = set()
    for name in names:
        top = name.partition(".")[0]
        if top == "satchel" or top in sys.stdlib_module_names or top == "builtins":
            continue  # satchel's and Python's own files change with their versions (the key)
        path = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(path, str):
            files.add(path)
    return files


class _Deferred:
    """An installed plugin collected from the declarations cache, imported when first needed."""

    def __init__(
        self,
        status: PluginStatus,
        target: str,
        declarations: list[Declaration],
        cache: DeclarationsCache,
        statuses: list[PluginStatus],
    ) -> None:
        self.status, self.target, self.cache, self.statuses = status, target, cache, statuses
        self.declarations = declarations
        self.records = [PackagerRecord.declared(item, status, self.load) for item in declarations]
        self.done: bool | None = None
        self.error: PackagerCollectionError | None = None
        self._lock = threading.Lock()

    def load(self) -> bool:
        """Import the plugin and bind its records (True), or record its failure (False).

        A mandatory plugin that fails raises `PackagerCollectionError`, now and at every later
        use, as collection would have. Imports outside the lock: a plugin's import may pack.
        """
        if self.done is None:
            try:
                loaded = _checked(self.target, INSTALLED_PRIORITY)
                manager = new_plugin_manager()
                for record in loaded:
                    register(manager, record.instance, record.name)
                found = [record.declaration() for record in loaded]
                if found != self.declarations:
                    raise LoadProblem(
                        "its packagers no longer match what collection cached for it "
                        f"({_changes(self.declarations, found)}); the declarations cache is "
                        "discarded and the next start collects it again"
                    )
            except Exception as problem:  # isolate any plugin failure from the host
                self._failed(problem)
            else:
                with self._lock:
                    if self.done is None:
                        for record, real in zip(self.records, loaded):
                            record.spec = real.spec  # the class itself, where it was one
                            record.bind(real.cls, real.instance)
                        self.done = True
        if self.error is not None:
            raise self.error
        return bool(self.done)

    def _failed(self, problem: Exception) -> None:
        with self._lock:
            if self.done is not None:
                return
            self.done = False
            status = self.status
            status.fail(str(problem) if isinstance(problem, LoadProblem) else repr(problem))
            self.cache.discard()
            if status.mandatory:  # its records stay, to raise at every use
                self.error = collection_error([status], self.statuses, REQUIRED_FIX)
                return
            for record in self.records:
                record.failed = True
        warnings.warn(
            f"satchel plugin {status.name!r} ({status.origin()}) was skipped: {status.reason}",
            SatchelPluginWarning,
            stacklevel=2,
        )


def _changes(cached: list[Declaration], found: list[Declaration]) -> str:
    """What differs between the cached declarations and the imported classes, in a few words."""
    before = {item.name: item for item in cached}
    now = {item.name: item for item in found}
    words = [f"{name} is gone" for name in before if name not in now]
    words += [f"{name} is new" for name in now if name not in before]
    words += [f"{name} changed" for name in now if name in before and now[name] != before[name]]
    return ", ".join(words) or "their order changed"


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


def load(
    registry: Registry, status: PluginStatus, target: Any, default_priority: int, stacklevel: int = 4
) -> None:
    """Load the packagers `target` names into `registry`, all or none; record how it went.

    `stacklevel` makes a warning point at the code that made the manager or called
    `collect_packagers` (4 when that code calls the function that calls this one).
    """
    try:
        records = _checked(target, default_priority, status)
        registry.add(records)
    except Exception as problem:  # isolate any plugin failure from the host
        status.fail(str(problem) if isinstance(problem, LoadProblem) else repr(problem))
        if status.distribution is None and isinstance(target, (str, type)):
            status.distribution, status.version = _distribution_of_target(target)
        if not status.mandatory:
            warnings.warn(
                f"satchel plugin {status.name!r} ({status.origin()}) was skipped: {status.reason}",
                SatchelPluginWarning,
                stacklevel=stacklevel,
            )
        return
    status.status, status.reason, status.items = "loaded", None, records


def _checked(target: Any, default_priority: int, status: PluginStatus | None = None) -> list[PackagerRecord]:
    """The checked records of the packagers `target` names (raises on the first problem)."""
    records = []
    loaded = load_objects(target, _is_packager_class, "Packager subclass")
    for cls in loaded.objects:
        priority, spec = check_class(cls, default_priority, loaded.scanned)
        try:
            instance = cls()
        except Exception as error:
            raise LoadProblem(f"{cls.__qualname__}() failed: {error!r}") from error
        records.append(PackagerRecord(cls, instance, priority, spec, status))
    return records


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
