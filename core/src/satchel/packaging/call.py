"""The packing or unpacking call in progress, so packager helpers know where to write and what to serve.

A context variable (not packager state) because one packager instance serves many calls, in many
threads, at once.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from pathlib import Path
from typing import Any

from satchel.errors import SatchelError
from satchel.packaging.workspace import Workspace


class _NoDefault:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no default>"


#: The `default` of `Packager.result_of` when none is given.
NO_DEFAULT: Any = _NoDefault()

#: How a `pack` call logs a value nested in the result being packed: `(value, key, default)` to
#: the JSON value, or `default` when the value would not be logged as a result on its own.
NestedResult = Callable[[Any, str, Any], Any]


class Call:
    """One `pack` or `unpack` call: its workspace, key, the type hint served and, while packing,
    how a value nested in a result is logged (through the manager's registry).

    While unpacking, also which packager reads the payload (`reader`, its dotted class name) and
    as what artifact type, so the checks made before unpickling know who asks.
    (A slotted class: one is made for every small result packed.)
    """

    __slots__ = (
        "_number",
        "artifact_type",
        "key",
        "nested_result",
        "reader",
        "type_hint",
        "workspace",
    )

    def __init__(
        self,
        workspace: Workspace,
        key: str,
        type_hint: Any = None,
        nested_result: NestedResult | None = None,
        reader: str | None = None,
        artifact_type: str | None = None,
    ) -> None:
        self.workspace = workspace
        self.key = key
        self.type_hint = type_hint
        self.nested_result = nested_result  # None while unpacking
        self.reader = reader
        self.artifact_type = artifact_type
        self._number: int | None = None

    def path(self, name: str) -> Path:
        """Where this call writes `name`: the same path for the same name within the call, a
        path no other call uses, in the workspace's folder (nothing is created)."""
        if self._number is None:
            self._number = self.workspace.call_number()
        return self.workspace.path(self._number, self.key, name)


#: The call in progress. Set it around a hook call with `token = CURRENT.set(call)` and
#: `CURRENT.reset(token)` in a `finally` (no context-manager object: this is on the path of
#: every small result).
CURRENT: contextvars.ContextVar[Call | None] = contextvars.ContextVar("satchel_call", default=None)


def current_call(what: str) -> Call:
    """The call in progress; `what` names the helper used outside one, for the error."""
    call = CURRENT.get()
    if call is None:
        raise SatchelError(
            f"{what} can only be used while satchel is packing or unpacking "
            "(inside a packager's pack/unpack); use a PackagersManager to call the packager"
        )
    return call
