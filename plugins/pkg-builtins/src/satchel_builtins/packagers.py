"""Packagers for Python's builtin types (the ``builtins`` entry point: every public class here).

Each takes its type exactly (`bool` is not an `int`; OrderedDict, IntEnum or a str subclass go to
the pickling default, so their type survives).

- int, float, bool, str, None: `result` (default) or `object`; a str also as `path` (the file or
  folder it names, see `satchel.payloads`).
- dict, list, tuple, set, frozenset, bytes, bytearray: `result` (default, a JSON value), `file`
  (`file_format`: json, yaml, jsonl or txt; restored exactly, type included) or `object`.

Previews (recorded when packed, for pages): a container's JSON text and a scalar's, a str's text
(as `path`: the file's size and first text, or the folder's file list), bytes' size only; each
capped (`satchel.payloads.previews`).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, ClassVar

from satchel import Artifact, DefaultPackager, PackingError, SatchelWarning, UnpackingError
from satchel_builtins import _files
from satchel_builtins._coerce import ShapeError, coerce, shape_error
from satchel_builtins._results import check_int, to_result
from satchel_builtins._schema import decode, encode


class _ScalarPackager(DefaultPackager):
    """Scalars are logged as results (their own JSON value) unless asked otherwise."""

    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj: Any, key: str) -> Any:
        """The value itself."""
        return obj

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """The value as JSON text (a scalar packed as an artifact: `object`)."""
        from satchel.payloads import json_preview

        return json_preview(obj)


class IntPackager(_ScalarPackager):
    """`int` (exactly): a result, or an object."""

    PACKABLE_OBJECT_TYPE = int

    def pack_result(self, obj: int, key: str) -> int:
        """The int, unless it has more digits than Python writes as text."""
        return check_int(obj, key, key)


class FloatPackager(_ScalarPackager):
    """`float`: a result (NaN and infinities stay floats), or an object."""

    PACKABLE_OBJECT_TYPE = float


class BoolPackager(_ScalarPackager):
    """`bool`: a result, or an object."""

    PACKABLE_OBJECT_TYPE = bool


class NoneTypePackager(_ScalarPackager):
    """`None`: a result (null), or an object."""

    PACKABLE_OBJECT_TYPE = type(None)


class StrPackager(_ScalarPackager):
    """`str`: a result, an object, or (artifact type `path`) the file or folder it names.

    Under hint `str`, a plain path unpacks to itself and a `path` artifact to a local path (its
    folder extracted).
    """

    PACKABLE_OBJECT_TYPE = str
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "path"

    def pack_path(self, obj: str, key: str, archive_format: str = "zip") -> tuple[Path, dict[str, Any]]:
        """Store the file as it is, or the folder as an archive (`archive_format`, zip default)."""
        from satchel import payloads

        return payloads.pack_path(self, obj, key, archive_format)

    def unpack_path(
        self, item: Artifact, is_dir: bool = False, archive_format: str | None = None, name: str | None = None
    ) -> str:
        """The local path of the file (under its own name), or of the folder extracted anew."""
        from satchel import payloads

        return payloads.unpack_path(self, item, is_dir, archive_format, name)

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """As `path`, the file or folder it names; otherwise its first characters."""
        from satchel import payloads

        if artifact_type == "path":
            return payloads.path_preview(obj)
        return payloads.text_preview(obj)


class _CollectionPackager(DefaultPackager):
    """Containers: a JSON value as result, or a file restored exactly from a compact schema."""

    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"
    #: How a jsonl file lays this type out when it is read without a schema.
    _JSONL_LAYOUT: ClassVar[str] = "array"

    def pack_result(self, obj: Any, key: str) -> Any:
        """A JSON value (tuples and sets as lists, bytes as text; see `satchel_builtins._results`).

        Items of other types are logged as they would be on their own (`result_of`): numpy
        scalars as the equal Python scalars, say.
        """
        return to_result(obj, key, self.result_of)

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """The container as JSON text, encoded only up to the first 4 KB."""
        from satchel.payloads import json_preview

        return {**json_preview(obj), "items": len(obj)}

    def pack_file(self, obj: Any, key: str, file_format: str = "json") -> tuple[Path, dict[str, Any]]:
        """Write a json, yaml, jsonl or txt file; the instructions hold what it cannot say."""
        if file_format not in _files.FILE_FORMATS:
            raise PackingError(
                f"{self._name()} packing {key!r} ({type(obj).__name__}) as 'file': unknown "
                f"file_format {file_format!r}; use one of {', '.join(_files.FILE_FORMATS)}"
            )
        native, schema, encoder = encode(obj, file_format, key)
        if encoder.lost:
            found = "; ".join(
                f"{name} at {', '.join(paths[:3])}{' ...' if len(paths) > 3 else ''}"
                for name, paths in encoder.lost.items()
            )
            warnings.warn(
                f"{key!r} as {file_format}: subclasses of builtins are written as their builtin "
                f"base and come back as it ({found}); log {key!r} with artifact type 'object' "
                "to keep their types",
                SatchelWarning,
                stacklevel=2,
            )
        path = self.staging_path(key, _files.FILE_FORMATS[file_format])
        _files.write(native, path, file_format, _layout(schema), has_sets=encoder.wrote_set)
        return path, {"file_format": file_format, "schema": schema}

    def unpack_file(
        self, item: Artifact, file_format: str | None = None, schema: dict[str, Any] | None = None
    ) -> Any:
        """Read the file back: exactly, from its schema, or (a plain file) as the hint asks."""
        path = item.local_path()
        name = Path(path).name
        file_format = file_format or _files.format_of(path)
        if file_format is None:
            return self._unknown_format(item, path)
        hint = self.type_hint if self.type_hint is not None else self.PACKABLE_OBJECT_TYPE
        if schema is not None:
            native = _files.read(path, file_format, _layout(schema), item.key, ours=True)
            try:
                obj = decode(native, schema)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
                raise UnpackingError(
                    f"{item.key!r}: {name} does not match the schema recorded when it was packed "
                    f"({type(error).__name__}: {error}); was the file changed?"
                ) from None
            origin = self.hinted_class if self.type_hint is not None else self.PACKABLE_OBJECT_TYPE
            if origin is None or isinstance(obj, origin):
                return obj
            native = obj  # a sibling's object (a list) under this hint (a tuple): convert it
        else:
            native = _files.read(path, file_format, self._JSONL_LAYOUT, item.key)
        try:
            return coerce(native, hint, name)
        except ShapeError as error:
            raise shape_error(error, item.key, name, hint) from None

    def _unknown_format(self, item: Artifact, path: str) -> Any:
        raise UnpackingError(
            f"{item.key!r}: cannot tell the format of {Path(path).name} from its suffix; "
            f"{type(self).__name__} reads {', '.join(sorted(_files.SUFFIXES))}"
        )


def _layout(schema: dict[str, Any]) -> str:
    """How a jsonl file lays out the top-level value this schema describes."""
    kind = schema.get("t")
    if kind == "dict" and not schema.get("p"):
        return "object"
    if kind in ("bytes", "bytearray"):
        return "value"
    return "array"


class DictPackager(_CollectionPackager):
    """`dict`: a result (JSON object), a file (any keys, restored exactly) or an object.

    As jsonl, one ``{"key": value}`` object per line.
    """

    PACKABLE_OBJECT_TYPE = dict
    _JSONL_LAYOUT = "object"


class ListPackager(_CollectionPackager):
    """`list`: a result, a file (as jsonl, one item per line) or an object."""

    PACKABLE_OBJECT_TYPE = list


class TuplePackager(_CollectionPackager):
    """`tuple`: a result (a list), a file (a list, restored as a tuple) or an object."""

    PACKABLE_OBJECT_TYPE = tuple


class SetPackager(_CollectionPackager):
    """`set`: a result (a sorted list), a file (a sorted list, restored as a set) or an object."""

    PACKABLE_OBJECT_TYPE = set


class FrozensetPackager(_CollectionPackager):
    """`frozenset`: like `set`, restored as a frozenset."""

    PACKABLE_OBJECT_TYPE = frozenset


class _BinaryPackager(_CollectionPackager):
    """bytes-like: as a result, their UTF-8 text (``\\xNN`` for undecodable bytes).

    As json or jsonl (one line) a JSON string: the UTF-8 text, or base64 when the bytes are not
    UTF-8; as yaml ``!!binary``; as txt a ``b'...'`` literal. A plain file whose suffix is none of
    .json, .yaml, .jsonl, .txt is read as raw bytes.
    """

    _JSONL_LAYOUT = "value"

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """Their size only: bytes are not text to show."""
        return {"type": "bytes", "size": len(obj)}

    def _unknown_format(self, item: Artifact, path: str) -> Any:
        kind = self.hinted_class
        kind = kind if kind in (bytes, bytearray) else self.PACKABLE_OBJECT_TYPE
        with open(path, "rb") as handle:
            return kind(handle.read())


class BytesPackager(_BinaryPackager):
    """`bytes`: a result (its text), a file or an object."""

    PACKABLE_OBJECT_TYPE = bytes


class BytearrayPackager(_BinaryPackager):
    """`bytearray`: like `bytes`, restored as a bytearray."""

    PACKABLE_OBJECT_TYPE = bytearray
