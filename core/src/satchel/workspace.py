"""The folders satchel creates for one manager or run, and the paths to clear when it ends."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from satchel.errors import ClearingError, SatchelWarning

if TYPE_CHECKING:
    from satchel.packager import Packager


class Workspace:
    """A folder satchel created (lazily) plus the clearing paths packagers registered in it.

    `clear()` hands each packager the paths it registered, never a path the user gave satchel
    (an input, or a path that was packed), then removes the folder itself.
    """

    def __init__(self, parent: str | Path | None = None) -> None:
        self._parent = Path(parent) if parent is not None else None
        self._root: Path | None = None
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._clearing: dict[int, tuple[Packager, list[Path]]] = {}
        self._protected: set[Path] = set()

    @property
    def root(self) -> Path:
        """The workspace folder, created on first use."""
        with self._lock:
            if self._root is None:
                if self._parent is not None:
                    self._parent.mkdir(parents=True, exist_ok=True)
                self._root = Path(tempfile.mkdtemp(prefix="satchel-", dir=self._parent))
            return self._root

    def new_folder(self, label: str) -> Path:
        """A fresh, empty folder inside the workspace."""
        folder = self.root / f"{next(self._counter):05d}-{label}"
        folder.mkdir()
        return folder

    def owns(self, path: str | Path) -> bool:
        """Whether `path` lies inside the workspace folder."""
        return self._root is not None and _is_within(Path(path), self._root)

    def protect(self, path: str | Path) -> None:
        """Never delete `path`, what it contains or what contains it (the user's own data)."""
        self._protected.add(_absolute(Path(path)))

    def register_clearing(self, packager: Packager, path: Path) -> None:
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
            root, self._root = self._root, None
        failures: list[str] = []
        for packager, paths in clearing.values():
            allowed = [str(path) for path in paths if not self._refuse(packager, path)]
            if not allowed:
                continue
            try:
                packager.clear(allowed)
            except Exception as error:  # a packager's failure must not stop the others
                failures.append(f"{type(packager).__qualname__}: {error}")
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
        if failures:
            raise ClearingError("clearing failed: " + "; ".join(failures))

    def _refuse(self, packager: Packager, path: Path) -> bool:
        for protected in self._protected:
            if _is_within(path, protected) or _is_within(protected, path):
                warnings.warn(
                    f"{type(packager).__qualname__} registered {path} for clearing, but it is "
                    f"(or holds) {protected}, which the user gave satchel; it was left in place",
                    SatchelWarning,
                    stacklevel=3,
                )
                return True
        return False


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = _absolute(path), _absolute(folder)
    return path == folder or folder in path.parents
