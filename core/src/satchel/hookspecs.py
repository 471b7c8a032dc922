"""The hooks a packager implements (four, and an optional fifth): the plugin author's manual.

A packager is a `satchel.Packager` subclass; its methods named after these hooks are its hook
implementations (no decorator needed). They are validated when the packager is collected: a hook
name that does not exist, a parameter the spec does not have, `**kwargs` or keyword-only
parameters are collection errors. Most authors subclass `satchel.DefaultPackager`, which
implements the four and dispatches to `pack_<artifact_type>` / `unpack_<artifact_type>`; there,
a `pack_<t>` without its `unpack_<t>` (or the reverse; `result` is pack-only) and a default
artifact type the packager does not support are collection errors too. `preview` is optional:
a packager without it records no preview.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT_NAME = "satchel"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def is_packable(obj: Any, artifact_type: str, configurations: dict[str, Any]) -> bool:
    """Whether this packager can pack `obj` as `artifact_type` with these configurations.

    Called only for packagers whose `PACKABLE_OBJECT_TYPE` matches `type(obj)`; the first
    candidate (by priority) that answers True packs the object.
    """


@hookspec
def pack(obj: Any, key: str, artifact_type: str, configurations: dict[str, Any]) -> Any:
    """Pack `obj` under `key`; must not change `obj`.

    For artifact type `result`, return the JSON-able value to log (an item of another type inside
    it: `self.result_of(item, key)`, what its own packager logs it as). Otherwise return
    `(path, instructions)`: the payload (a file or folder, ideally written under
    `self.staging_path(key, suffix)`) and a JSON-able dict handed back to `unpack`.
    """


@hookspec
def unpack(item: Any, artifact_type: str, instructions: dict[str, Any]) -> Any:
    """Turn the `satchel.Artifact` `item` (`item.local_path()`) back into an object.

    `instructions` are what `pack` returned for it (empty for a plain file made outside
    satchel); the type hint being served is `self.type_hint`. `artifact_type` is the type `item`
    was recorded as, or (a plain file, or a type this packager does not support) its
    `DEFAULT_UNPACKING_ARTIFACT_TYPE`, but never `object` unless `item` was recorded as `object`:
    nothing else is ever unpickled.
    """


@hookspec
def clear(paths: list[str]) -> None:
    """Delete the paths this packager registered with `add_future_clearing_path`.

    Called once when the run (or manager) that registered them ends, success or failure.
    """


@hookspec
def preview(obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
    """A small JSON-able summary of `obj` for pages, recorded with the artifact (optional hook).

    Called right after a successful `pack` of `obj` as `artifact_type` (never for `result`),
    while the object is still in memory, so that a page (satchel-ui) shows what was packed
    without reading the payload: nothing is unpickled or parsed to draw it. Return a dict with a
    `"type"` (`"table"`, `"array"`, `"json"`, `"text"`, `"files"`, ... what a page knows how to
    draw; see docs/writing-a-packager.md), or None for no preview; not implementing it means
    None too. Keep it small and cheap: the first rows or bytes, not the object. A preview is
    never worth failing a pack: one that raises, is not a dict of JSON values (NaN and infinity
    included: give None or a string) or is over 64 KB of JSON is dropped with a
    `SatchelPluginWarning` naming the packager, and the artifact is recorded without it.
    """
