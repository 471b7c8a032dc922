"""The folders satchel creates for one manager or run, and the paths to clear when it ends."""

from __future__ import annotations

import atexit
import itertools
import os
import threading
import warnings
from pathlib import Path
from typing import Protocol

from satchel.errors import ClearingError, SatchelWarning
from satchel.packaging.tracing import traced_clear
from satchel.payloads.hashing import remove_payload


class Clearer(Protocol):
    """What registers paths for clearing and clears them: a `satchel.Packager`."""

    def clear(self, paths: list[str]) -> None:
        """Delete `paths`."""


_LIVE_ROOTS: set[Path] = set()


@atexit.register
def _remove_uncleared_roots() -> None:
    """A manager never cleared must not leave its folder behind when Python exits."""
    if _LIVE_ROOTS:
        import shutil

        for root in list(_LIVE_ROOTS):
            shutil.rmtree(root, ignore_errors=True)


#: Numbers of calls, unique in the process: the calls of workspaces that share a folder (the runs
#: of one process in a store's staging area) never write to the same path.
_NUMBERS = itertools.count()


class Workspace:
    """A folder satchel created (lazily), or one it is given to share, plus the clearing paths
    packagers registered.

    Each call writes in a folder of its own (`<number>-<key>/<name>`), so a payload keeps the
    name its packager gave it; in a shared folder (the runs of a process, whose payloads are
    moved into the store under their hash) it writes `<number>-<name>` instead, with no folder
    to create and remove: those cost more than a small run itself. `clear()` hands
    each packager the paths it registered, never a path the user gave satchel (an input, or a
    path that was packed), then removes the folder it created, or, in a shared one, what its
    calls wrote there.
    """

    def __init__(
        self, parent: str | Path | None = None, prefix: str = "satchel-", shared: Path | None = None
    ) -> None:
        self._parent = Path(parent) if parent is not None else None
        self._prefix = prefix
        self._root: Path | None = shared
        self._shared = shared is not None
        self._handed: list[Path] = []
        self._lock = threading.Lock()
        self._clearing: dict[int, tuple[Clearer, list[Path]]] = {}
        self._protected: set[Path] = set()
        self._traced = False

    def trace_clearing(self) -> None:
        """Print a trace line for each packager's `clear` (a registry that traces asks for it)."""
        self._traced = True

    @property
    def root(self) -> Path:
        """The workspace folder, created on first use."""
        with self._lock:
            if self._root is None:
                if self._parent is not None:
                    self._parent.mkdir(parents=True, exist_ok=True)
                import tempfile

                self._root = Path(tempfile.mkdtemp(prefix=self._prefix, dir=self._parent))
                _LIVE_ROOTS.add(self._root)
            return self._root

    @staticmethod
    def call_number() -> int:
        """A number for one call, unique in the process."""
        return next(_NUMBERS)

    def path(self, number: int, key: str, name: str) -> Path:
        """Where call `number` (packing or unpacking `key`) writes `name`; removed by `clear`."""
        if not self._shared:
            folder = self.root / f"{number:06d}-{key}"
            folder.mkdir(exist_ok=True)
            return folder / name
        path = self.root / f"{number:06d}-{name}"
        with self._lock:
            self._handed.append(path)
        return path

    def owns(self, path: str | Path) -> bool:
        """Whether `path` lies inside the workspace folder."""
        return self._root is not None and _is_within(Path(path), self._root)

    def protect(self, path: str | Path) -> None:
        """Never delete `path`, what it contains or what contains it (the user's own data)."""
        with self._lock:  # also its real path: a packager may register the resolved form
            self._protected.update({_absolute(Path(path)), Path(os.path.realpath(path))})

    def register_clearing(self, packager: Clearer, path: Path) -> None:
        """Record `path` to be cleared by `packager` when the workspace is cleared."""
        with self._lock:
            entry = self._clearing.setdefault(id(packager), (packager, []))
            entry[1].append(_absolute(path))

    def registered(self) -> list[Path]:
        """Every path registered for clearing and not cleared yet."""
        with self._lock:
            return [path for _, paths in self._clearing.values() for path in paths]

    def clear(self) -> None:
        """Clear every registered path through its packager's `clear` hook, then the folder."""
        with self._lock:
            clearing, self._clearing = self._clearing, {}
            handed, self._handed = self._handed, []
            root = self._root
            if not self._shared:
                self._root = None
            protected = list(self._protected)
        failures: list[str] = []
        for packager, paths in clearing.values():
            allowed = [str(path) for path in paths if not _refuse(packager, path, protected)]
            if not allowed:
                continue
            try:
                if self._traced:
                    traced_clear(packager, allowed)
                else:
                    packager.clear(allowed)
            except Exception as error:  # a packager's failure must not stop the others
                failures.append(f"{type(packager).__qualname__}: {error}")
        if root is not None and not self._shared:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
            _LIVE_ROOTS.discard(root)
        for path in handed if self._shared else ():  # most were moved into the store already
            try:
                remove_payload(path)
            except OSError:
                pass
        if failures:
            raise ClearingError("clearing failed: " + "; ".join(failures))


def _refuse(packager: Clearer, path: Path, protected_paths: list[Path]) -> bool:
    """Whether `path` is (or holds, or lies in) a path the user gave satchel; warns if so."""
    real = Path(os.path.realpath(path))
    for protected in protected_paths:
        if any(_is_within(form, protected) or _is_within(protected, form) for form in (path, real)):
            warnings.warn(
                f"{type(packager).__qualname__} registered {path} for clearing, but it is "
                f"(or holds) {protected}, which the user gave satchel; it was left in place",
                SatchelWarning,
                stacklevel=4,
            )
            return True
    return False


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = _absolute(path), _absolute(folder)
    return path == folder or folder in path.parents
