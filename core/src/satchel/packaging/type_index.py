"""Which packagers may take a type, in order: an index by declared type, cached per type.

The cost of choosing a packager does not grow with the number of installed packagers: the
candidates for `type(obj)` are found by walking its MRO once and cached.

Threads: the index is one immutable `_State` (packagers by type, the pending ones and the
modules they wait for, how many modules were imported at the last look, and a per-type cache)
that is replaced whole, under the lock, by whoever changes it: collection, removal, or the
first reader to see that a module a pending packager waits for was imported. Readers take no
lock: they read `self._state` once and use only that snapshot. The cache of a state only ever
holds candidates computed from that same state, so a computation from an older state can never
be stored where a newer one is read, and a state that says "modules seen" has already resolved
what those modules made resolvable.

Packagers collected from the declarations cache are not imported yet: computing the candidates
for a type imports the plugins of those not imported (outside the lock), and leaves out any
whose plugin failed, before the answer is cached. Only imported packagers are ever returned.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, get_args

from satchel.errors import SatchelPluginWarning
from satchel.packaging.type_hints import hint_origin

if TYPE_CHECKING:
    from satchel.packaging.records import PackagerRecord

_ByOrigin = dict[type, tuple["PackagerRecord", ...]]


class _State:
    """One generation of the index; never changed once published, except for filling `cache`.

    `cache` is shared only by states with the very same `by_origin` (`seen` makes one), so every
    entry in it was computed from the packagers it is read with.
    """

    __slots__ = ("by_origin", "cache", "modules_seen", "pending", "pending_modules")

    def __init__(
        self,
        by_origin: _ByOrigin,
        pending: tuple[PackagerRecord, ...],
        modules_seen: int,
        *,
        pending_modules: frozenset[str] | None = None,
        cache: dict[type, tuple[PackagerRecord, ...]] | None = None,
    ) -> None:
        self.by_origin = by_origin
        self.pending = pending
        if pending_modules is None:  # the top-level modules the pending packagers wait for
            pending_modules = frozenset(m for r in pending for m in r.spec.modules())
        self.pending_modules = pending_modules
        self.modules_seen = modules_seen  # len(sys.modules) when pending was last checked
        self.cache = {} if cache is None else cache

    def seen(self, modules_seen: int) -> _State:
        """The same index, checked against `modules_seen` imported modules (the cache is kept)."""
        return _State(
            self.by_origin,
            self.pending,
            modules_seen,
            pending_modules=self.pending_modules,
            cache=self.cache,
        )

    def compute(self, cls: type) -> tuple[PackagerRecord, ...]:
        """Packagers for objects of exactly `cls`, best first, from this state's index."""
        found: list[PackagerRecord] = []
        for depth, base in enumerate(cls.__mro__):
            for record in self.by_origin.get(base, ()):
                if (depth == 0 or record.pack_subclasses) and not record.failed:
                    found.append(record)
        found.sort(key=lambda record: (record.priority, -record.order))
        return tuple(found)

    def without(self, name: str) -> tuple[_ByOrigin, tuple[PackagerRecord, ...]]:
        """Copies of the index and the pending packagers without the packager class `name`."""
        return _without(self.by_origin, self.pending, name)


def _without(
    by_origin: _ByOrigin, pending: Iterable[PackagerRecord], name: str
) -> tuple[_ByOrigin, tuple[PackagerRecord, ...]]:
    """Copies of an index and of pending packagers without the packager class `name`."""
    kept_by_origin = {}
    for origin, records in by_origin.items():
        kept = tuple(record for record in records if record.name != name)
        if kept:
            kept_by_origin[origin] = kept
    return kept_by_origin, tuple(record for record in pending if record.name != name)


class TypeIndex:
    """Collected packagers indexed by the class they declare (dotted names once resolvable)."""

    def __init__(self) -> None:
        self._state = _State({}, (), -1)
        self._names: set[str] = set()  # of the packagers indexed or pending (changed under the lock)
        # serializes the writers; readers never take it. Re-entrant: resolving a dotted type may
        # import a submodule, whose own import code may pack through this same index
        self._lock = threading.RLock()

    def add(self, record: PackagerRecord) -> None:
        """Index a packager (replacing any earlier one of the same class)."""
        self.add_all([record])

    def add_all(self, records: list[PackagerRecord]) -> None:
        """Index packagers in order (each replacing any earlier one of its class), as one change:
        collecting many plugins from the declarations cache adds them all at once."""
        if not records:
            return
        problems: list[str] = []
        unresolved: list[PackagerRecord] = []
        with self._lock:
            state = self._state
            by_origin, pending = state.by_origin, list(state.pending)
            modules: frozenset[str] | None = state.pending_modules
            waiting: set[str] = set()
            copied = False  # by_origin is still the published one: copy it before changing it
            modules_seen = state.modules_seen
            for record in records:
                if record.name in self._names:  # a replacement: what it waited for may be gone
                    by_origin, kept = _without(by_origin, pending, record.name)
                    pending, modules, copied = list(kept), None, True
                self._names.add(record.name)
                added: _ByOrigin = {}
                if self._try_resolve(record, added, problems, unresolved):
                    if added and not copied:
                        by_origin, copied = dict(by_origin), True
                    for origin, found in added.items():
                        by_origin[origin] = (*by_origin.get(origin, ()), *found)
                else:
                    pending.append(record)
                    waiting |= record.spec.modules()
                    modules_seen = -1  # look again at the next candidates() call
            if modules is not None and not waiting <= modules:
                modules = modules | waiting
            self._state = _State(by_origin, tuple(pending), modules_seen, pending_modules=modules)
        _warn(problems)
        self._load_unresolved(unresolved)

    def remove(self, name: str) -> None:
        """Forget the packager class called `name`."""
        with self._lock:
            state = self._state
            by_origin, pending = state.without(name)
            self._names.discard(name)
            self._state = _State(by_origin, pending, state.modules_seen)

    @property
    def pending(self) -> list[PackagerRecord]:
        """Packagers whose declared type's module is not imported yet."""
        return [record for record in self._state.pending if not record.failed]

    def candidates(self, cls: type) -> tuple[PackagerRecord, ...]:
        """Packagers for objects of exactly `cls`, best first (priority, then most recent)."""
        state = self._state  # one snapshot: everything below reads only this one
        if state.pending_modules and len(sys.modules) != state.modules_seen:
            state = self._look_again()  # something was imported since the last look
        found = state.cache.get(cls)
        if found is None:
            found = self._computed(state, cls)
        return found

    @staticmethod
    def _computed(state: _State, cls: type) -> tuple[PackagerRecord, ...]:
        """`state.compute(cls)`, with the plugins of candidates not imported yet imported first
        (a failed one left out), cached in `state`."""
        found = state.compute(cls)
        while not all(record.loaded for record in found):
            for record in found:
                if not record.load():  # its plugin failed (a mandatory one raised)
                    record.failed = True
            found = state.compute(cls)
        return state.cache.setdefault(cls, found)

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

    def _look_again(self) -> _State:
        """Resolve the pending packagers whose modules are imported now; the state to read.

        The count of imported modules is taken before looking, and published only with the
        result of the look, so no reader can skip a look that has not been done yet.
        """
        problems: list[str] = []
        unresolved: list[PackagerRecord] = []
        with self._lock:
            state = self._state  # perhaps already refreshed by another thread
            modules_seen = len(sys.modules)
            if state.pending_modules and modules_seen != state.modules_seen:
                state = self._resolved(state, modules_seen, problems, unresolved)
                self._state = state
        _warn(problems)
        if unresolved:
            self._load_unresolved(unresolved)
            state = self._state
        return state

    @classmethod
    def _resolved(
        cls, state: _State, modules_seen: int, problems: list[str], unresolved: list[PackagerRecord]
    ) -> _State:
        """`state` with the pending packagers that resolve now indexed, as of `modules_seen`."""
        if not any(module in sys.modules for module in state.pending_modules):
            return state.seen(modules_seen)  # nothing they wait for: the same index and cache
        by_origin = dict(state.by_origin)
        still = tuple(
            record
            for record in state.pending
            if not cls._try_resolve(record, by_origin, problems, unresolved)
        )
        if len(still) == len(state.pending):
            return state.seen(modules_seen)
        return _State(by_origin, still, modules_seen)  # a new generation, with a cache of its own

    def _load_unresolved(self, unresolved: list[PackagerRecord]) -> None:
        """Import the plugins of packagers whose cached type did not resolve, outside the lock:
        a plugin that changed fails as such; one that did not is indexed again with its real
        type (and warned about there if that cannot be resolved either)."""
        for record in unresolved:
            if record.load():
                self.add(record)
            else:
                record.failed = True

    @staticmethod
    def _try_resolve(
        record: PackagerRecord, by_origin: _ByOrigin, problems: list[str], unresolved: list[PackagerRecord]
    ) -> bool:
        """Index `record` in `by_origin` (an unpublished copy) if its type resolves; False if pending.

        A type that can never resolve is noted in `problems` (warned about once the lock is
        released) and the packager is dropped; for a packager whose plugin is not imported yet
        (its type read from the cache), it goes to `unresolved` instead, to import and check it.
        """
        try:
            resolved = record.spec.resolve()
        except LookupError as error:
            if not record.loaded:
                unresolved.append(record)
                return True
            problems.append(
                f"{record.name}.PACKABLE_OBJECT_TYPE {str(record.spec)!r} cannot be resolved "
                f"({error}); the packager is never chosen"
            )
            return True  # unresolvable for good: stop trying
        if resolved is None:
            return False
        if not isinstance(resolved.origin, type):
            if not record.loaded:
                unresolved.append(record)
                return True
            problems.append(
                f"{record.name}.PACKABLE_OBJECT_TYPE {str(record.spec)!r} names "
                f"{resolved.origin!r}, which is not a class; the packager is never chosen"
            )
            return True  # unusable for good: stop trying
        record.resolved = resolved
        by_origin[resolved.origin] = (*by_origin.get(resolved.origin, ()), record)
        return True


def _warn(problems: list[str]) -> None:
    """Warn about packagers that are never chosen (outside the lock: a warning may raise)."""
    for text in problems:
        # 1 here, 2 TypeIndex.add or _look_again, 3 Registry.add or candidates: 4 is their caller
        warnings.warn(text, SatchelPluginWarning, stacklevel=4)
