"""The packing or unpacking call in progress, so packager helpers know where to write and what to serve.

A context variable (not packager state) because one packager instance serves many managers, runs
and threads at once.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from satchel.errors import SatchelError

if TYPE_CHECKING:
    from satchel.packager import Packager
    from satchel.workspace import Workspace


@dataclass
class Call:
    """One `pack` or `unpack` call: its workspace, packager, key and the type hint served."""

    workspace: Workspace
    packager: Packager
    key: str
    type_hint: Any = None
    _folder: Path | None = field(default=None, repr=False)

    @property
    def folder(self) -> Path:
        """A fresh folder for this call alone, created on first use."""
        if self._folder is None:
            self._folder = self.workspace.new_folder(self.key)
        return self._folder


_current: contextvars.ContextVar[Call | None] = contextvars.ContextVar("satchel_call", default=None)


@contextmanager
def calling(call: Call) -> Iterator[Call]:
    """Make `call` the current one for the duration of a hook call."""
    token = _current.set(call)
    try:
        yield call
    finally:
        _current.reset(token)


def current_call(what: str) -> Call:
    """The call in progress; `what` names the helper used outside one, for the error."""
    call = _current.get()
    if call is None:
        raise SatchelError(
            f"{what} can only be used while satchel is packing or unpacking "
            "(inside a packager's pack/unpack); use a PackagersManager to call the packager"
        )
    return call
