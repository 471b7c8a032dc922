"""Packing a frame or Series into one file and back, shared by both packagers.

Packing captures the schema, writes once straight into the staging path core gives, and warns
(`SatchelWarning`) naming everything the chosen format cannot hold. Unpacking reads once and, when
the artifact records a schema, returns the identical object; a plain file made outside satchel is
read with the library's defaults, its format told by its suffix.
"""

from __future__ import annotations

import warnings
from typing import Any

from satchel.errors import SatchelWarning, UnpackingError
from satchel_pandas.formats import FileFormat, format_of_path, get_format, guard_write
from satchel_pandas.schema import Schema, capture


def pack_file(packager: Any, obj: Any, key: str, file_format: str) -> tuple[Any, dict[str, Any], Schema]:
    """Write `obj` as `file_format`; return the path, the instructions and the schema."""
    from satchel.errors import PackingError

    fmt = get_format(file_format, key)
    fmt.require(PackingError, key)
    schema = capture(obj)
    path = packager.staging_path(key, fmt.suffix)
    written = guard_write(fmt, key, lambda: fmt.write(obj, path, schema), obj)
    losses = list(schema.losses)
    losses += [] if fmt.keeps_dictionaries else schema.dictionary_losses
    losses += [] if fmt.pickles_objects else schema.object_losses
    losses += written.losses
    if losses:
        warnings.warn(
            f"{key!r} ({type(obj).__name__}) packed as {fmt.name} loses information: " + "; ".join(losses),
            SatchelWarning,
            stacklevel=2,  # the packager method packing it (the message names the output by its key)
        )
    instructions: dict[str, Any] = {"file_format": fmt.name, "schema": schema.to_json()}
    if written.layout:
        instructions["layout"] = written.layout
    return path, instructions, schema


def unpack_file(
    item: Any,
    file_format: str | None,
    schema: dict[str, Any] | None,
    layout: dict[str, Any] | None,
    want: str,
) -> Any:
    """Read the artifact `item` back as a `want` ("DataFrame" or "Series")."""
    path = item.local_path()
    key = getattr(item, "key", path)
    fmt = format_of_path(path, key, file_format)
    fmt.require(UnpackingError, key)
    if fmt.name == "h5":  # PyTables unpickles attributes and object arrays: trusted payloads only
        item.check_unpickling_allowed()
    if schema is None:
        return _plain(fmt, path, key, want)
    recorded = Schema.from_json(schema)
    try:
        obj = fmt.read(path, recorded, layout or {})
    except UnpackingError:
        raise
    except Exception as error:
        raise UnpackingError(
            f"cannot read {key!r} back from {fmt.name} as recorded: {type(error).__name__}: {error}"
        ) from error
    return _as_wanted(obj, want, key, fmt)


def _plain(fmt: FileFormat, path: str, key: str, want: str) -> Any:
    try:
        frame = fmt.read_plain(path)
    except Exception as error:
        raise UnpackingError(
            f"cannot read {key!r} as a {fmt.name} file: {type(error).__name__}: {error}"
        ) from error
    return _as_wanted(frame, want, key, fmt)


def _as_wanted(obj: Any, want: str, key: str, fmt: FileFormat) -> Any:
    import pandas as pd

    if want == "DataFrame":
        return obj.to_frame() if isinstance(obj, pd.Series) else obj
    if isinstance(obj, pd.Series):
        return obj
    if obj.shape[1] != 1:
        raise UnpackingError(
            f"{key!r} ({fmt.name}) holds {obj.shape[1]} columns, and a Series needs exactly one: "
            "unpack it as a DataFrame (type hint pandas.DataFrame) and pick the column"
        )
    return obj.iloc[:, 0]
