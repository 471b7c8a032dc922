"""`satchel.get_or_create_project` and a project's custom packagers, persisted in the store."""

from __future__ import annotations

import os
import warnings

from satchel.errors import SatchelError, SatchelWarning
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.uris import check_name


class Project:
    """A project of the store: its name and its custom packagers."""

    def __init__(self, name: str, store: Store) -> None:
        self.name = name
        self._store = store

    def add_custom_packager(self, packager: str, is_mandatory: bool = False) -> None:
        """Collect `packager` (`"pkg.mod.Class"` or `"pkg.mod.*"`) for every run of the project.

        A mandatory one that cannot be collected stops a run before its function is called; an
        optional one warns. Adding one twice warns and changes nothing.
        """
        if not isinstance(packager, str) or not packager.strip():
            raise SatchelError(f"a custom packager is a dotted path ('pkg.mod.Class'), not {packager!r}")
        path = packager.strip()
        if not self._store.records.add_custom_packager(self.name, path, bool(is_mandatory)):
            warnings.warn(
                f"project {self.name!r} already has custom packager {path!r}; nothing changed "
                "(remove it first to change is_mandatory)",
                SatchelWarning,
                stacklevel=2,
            )

    def get_custom_packagers(self) -> list[tuple[str, bool]]:
        """`(packager, is_mandatory)` for each custom packager, in the order they were added."""
        return self._store.records.custom_packagers(self.name)

    def remove_custom_packager(self, packager: str) -> None:
        """Stop collecting `packager`; a packager the project does not have is a `SatchelError`."""
        if not self._store.records.remove_custom_packager(self.name, packager):
            have = ", ".join(path for path, _ in self.get_custom_packagers()) or "none"
            raise SatchelError(
                f"project {self.name!r} has no custom packager {packager!r} (it has: {have})"
            )

    def __repr__(self) -> str:
        return f"<satchel project {self.name!r}>"


def get_or_create_project(name: str, *, store: str | os.PathLike[str] | None = None) -> Project:
    """The project called `name`, created in the store if it does not exist yet."""
    check_name("project", name)
    opened = open_store(store)
    opened.records.ensure_project(name)
    return Project(name, opened)
