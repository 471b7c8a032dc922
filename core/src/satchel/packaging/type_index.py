"""Which packagers may take a type, in order: an index by declared type, cached per type.

The cost of choosing a packager does not grow with the number of installed packagers: the
candidates for `type(obj)` are found by walking its MRO once and cached.
"""

from __future__ import annotations

import sys
import threading
import warnings
from typing import TYPE_CHECKING, Any, get_args

from satchel.errors import SatchelPluginWarning
from satchel.packaging.type_hints import hint_origin

if TYPE_CHECKING:
    from satchel.packaging.records import PackagerRecord


class TypeIndex:
    """Collected packagers indexed by the class they declare (dotted names once resolvable)."""

    def __init__(self) -> None:
        self._by_origin: dict[type, list[PackagerRecord]] = {}
        self._pending: list[PackagerRecord] = []
        self._pending_modules: tuple[str, ...] = ()
        self._cache: dict[type, tuple[PackagerRecord, ...]] = {}
        self._modules_seen = -1
        self._lock = threading.RLock()  # resolving pending types may race between threads

    def add(self, record: PackagerRecord) -> None:
        """Index a packager (replacing any earlier one of the same class)."""
        with self._lock:
            self.remove(record.name)
            if not self._try_resolve(record):
                self._set_pending([*self._pending, record])
                self._modules_seen = -1
            self._cache.clear()

    def remove(self, name: str) -> None:
        """Forget the packager class called `name`."""
        with self._lock:
            for records in self._by_origin.values():
                records[:] = [record for record in records if record.name != name]
            self._set_pending([record for record in self._pending if record.name != name])
            self._cache.clear()

    @property
    def pending(self) -> list[PackagerRecord]:
        """Packagers whose declared type's module is not imported yet."""
        return list(self._pending)

    def candidates(self, cls: type) -> tuple[PackagerRecord, ...]:
        """Packagers for objects of exactly `cls`, best first (priority, then most recent)."""
        if self._pending_modules and len(sys.modules) != self._modules_seen:
            # look again only when something was imported since the last look
            self._modules_seen = len(sys.modules)
            if any(module in sys.modules for module in self._pending_modules):
                self._resolve_pending()
        found = self._cache.get(cls)
        if found is None:
            found = self._cache[cls] = self._compute(cls)
        return found

    def for_hint(self, hint: Any) -> list[PackagerRecord]:
        """Packagers that may unpack for one hint member, those of its exact shape first."""
        origin = hint_origin(hint)
        if origin is None:
            return []
        found = self.candidates(origin)
        shaped = [record for record in found if record.resolved and record.resolved.args]
        plain = [record for record in found if record not in shaped]
        if get_args(hint):
            return [record for record in shaped if record.resolved.matches(hint)] + plain
        return plain + shaped

    def _compute(self, cls: type) -> tuple[PackagerRecord, ...]:
        found: list[PackagerRecord] = []
        for depth, base in enumerate(cls.__mro__):
            for record in self._by_origin.get(base, ()):
                if depth == 0 or record.pack_subclasses:
                    found.append(record)
        found.sort(key=lambda record: (record.priority, -record.order))
        return tuple(found)

    def _try_resolve(self, record: PackagerRecord) -> bool:
        try:
            resolved = record.spec.resolve()
        except LookupError as error:
            warnings.warn(
                f"{record.name}.PACKABLE_OBJECT_TYPE {str(record.spec)!r} cannot be resolved "
                f"({error}); the packager is never chosen",
                SatchelPluginWarning,
                stacklevel=4,
            )
            return True  # unresolvable for good: stop trying
        if resolved is None:
            return False
        if not isinstance(resolved.origin, type):
            warnings.warn(
                f"{record.name}.PACKABLE_OBJECT_TYPE {str(record.spec)!r} names "
                f"{resolved.origin!r}, which is not a class; the packager is never chosen",
                SatchelPluginWarning,
                stacklevel=4,
            )
            return True  # unusable for good: stop trying
        record.resolved = resolved
        self._by_origin.setdefault(resolved.origin, []).append(record)
        return True

    def _set_pending(self, records: list[PackagerRecord]) -> None:
        """The packagers waiting for a module, and the top-level modules they wait for."""
        self._pending = records
        self._pending_modules = tuple(sorted({m for r in records for m in r.spec.modules()}))

    def _resolve_pending(self) -> None:
        with self._lock:
            still = [record for record in self._pending if not self._try_resolve(record)]
            if len(still) != len(self._pending):
                self._set_pending(still)
                self._cache.clear()
