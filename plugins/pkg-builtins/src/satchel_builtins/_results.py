"""Builtin values as JSON values, for the `result` artifact type (logged, never unpacked).

Tuples become lists, sets and frozensets sorted lists (`order_key` order), bytes their UTF-8 text
(undecodable bytes as ``\\xNN`` escapes), dict keys that JSON turns into strings (int, float,
bool, None) the strings json writes for them. NaN and infinities stay floats, as Python's json
writes them (a NaN keeps its sign bit, which JSON text cannot show).

An item (or key) of any other type is logged as it would be on its own, through the manager
(`Packager.result_of`): a numpy scalar as the equal Python scalar, say, without this module
knowing numpy. When no packager logs its type as a result, a subclass of a builtin (IntEnum,
OrderedDict, namedtuple, ...) becomes its builtin value, and anything else is a `PackingError`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from satchel import PackingError
from satchel_builtins._ordering import ordered
from satchel_builtins._schema import Path, describe_path, plain_scalars

_OBJECT_HINT = "log it with artifact type 'object' (pickled) instead"
#: The types converted here; a value of any other type is first offered to `nested`.
_OWN_TYPES = frozenset(
    {type(None), bool, int, float, str, bytes, bytearray, list, tuple, set, frozenset, dict}
)
#: What `nested` returns when no packager logs the value as a result.
_UNCLAIMED = object()

#: `Packager.result_of`: `(value, key, default)` to the JSON value the manager logs `value` as.
Nested = Callable[[Any, str, Any], Any]


def to_result(obj: Any, key: str, nested: Nested) -> Any:
    """The JSON value logged for `obj`; a `PackingError` names what JSON cannot hold."""
    if type(obj) in (list, tuple) and plain_scalars(obj, finite=False, utf8=False, max_bits=_max_bits()):
        return list(obj)
    if type(obj) is dict and set(map(type, obj)) <= {str} and plain_scalars(
        list(obj.values()), finite=False, utf8=False, max_bits=_max_bits()
    ):
        return dict(obj)
    try:
        return _Converter(key, nested).convert(obj, key)
    except RecursionError:
        raise PackingError(f"result {key!r} is nested too deeply for JSON; {_OBJECT_HINT}") from None


def _max_bits() -> int | None:
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    return 3 * limit if limit else None


def check_int(value: int, key: str, path: Path | str) -> int:
    """`value`, unless it has too many digits for Python to write it (`sys.get_int_max_str_digits`)."""
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if limit and value.bit_length() > 3 * limit:
        try:
            str(value)
        except ValueError:
            raise PackingError(
                f"result {key!r}: {describe_path(path)} is an int with more than {limit} digits, "
                f"too long for a JSON number; log {key!r} with artifact type 'file' or 'object'"
            ) from None
    return value


def _scalar(value: Any, key: str, path: Path | str) -> Any:
    """A scalar as its exact builtin value (a subclass, such as IntEnum, as its base value)."""
    if value is None or type(value) in (bool, str, float):
        return value
    if isinstance(value, int):
        return check_int(int.__int__(value), key, path)
    if isinstance(value, float):
        return float.__float__(value)
    return str.__getitem__(value, slice(None))


class _Converter:
    def __init__(self, key: str, nested: Nested) -> None:
        self.key = key
        self._nested = nested
        self.claimed = 0  # how many values a packager of the manager logged
        self._active: set[int] = set()

    def _claim(self, value: Any, path: Path | str) -> Any:
        """The JSON value the manager logs `value` as, or `_UNCLAIMED`."""
        out = self._nested(value, describe_path(path), _UNCLAIMED)
        if out is not _UNCLAIMED:
            self.claimed += 1
        return out

    def convert(self, value: Any, path: Path | str) -> Any:
        if type(value) not in _OWN_TYPES:
            claimed = self._claim(value, path)
            if claimed is not _UNCLAIMED:
                return claimed
        if value is None or isinstance(value, (bool, int, float, str)):
            return _scalar(value, self.key, path)
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).decode("utf-8", "backslashreplace")
        if not isinstance(value, (list, tuple, set, frozenset, dict)):
            kind = type(value)
            raise PackingError(
                f"result {self.key!r}: {describe_path(path)} is a {kind.__module__}."
                f"{kind.__qualname__}, which is not a JSON value; {_OBJECT_HINT}"
            )
        if id(value) in self._active:
            raise PackingError(f"result {self.key!r}: {describe_path(path)} contains itself; {_OBJECT_HINT}")
        self._active.add(id(value))
        try:
            if isinstance(value, dict):
                return self._dict(value, path)
            is_set = isinstance(value, (set, frozenset))
            items = ordered(value) if is_set else value
            if plain_scalars(items, finite=False, utf8=False, max_bits=_max_bits()):
                return list(items)
            claimed = self.claimed
            out = [
                self.convert(item, (path, ("element", position) if is_set else position))
                for position, item in enumerate(items)
            ]
            # a set's items a packager logged (numpy ints, say) sort by their logged values
            return ordered(out) if is_set and self.claimed != claimed else out
        finally:
            self._active.discard(id(value))

    def _dict(self, value: dict[Any, Any], path: Path | str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, item in value.items():
            text = self._key(name, path)
            if text in out:
                raise PackingError(
                    f"result {self.key!r}: at {describe_path(path)}, key {name!r} is written as "
                    f"{text!r} like another key; log it with artifact type 'file' (keys are "
                    "restored exactly) or 'object'"
                )
            out[text] = self.convert(item, (path, ("value", name)))
        return out

    def _key(self, name: Any, path: Path | str) -> str:
        if type(name) not in _OWN_TYPES:
            claimed = self._claim(name, (path, ("key", name)))
            if claimed is None or type(claimed) in (bool, int, float, str):
                return _key_text(claimed)
        if name is None or isinstance(name, (bool, int, float, str)):
            return _key_text(_scalar(name, self.key, (path, ("key", name))))
        kind = type(name)
        raise PackingError(
            f"result {self.key!r}: {describe_path((path, ('key', name)))} is a "
            f"{kind.__module__}.{kind.__qualname__}, which cannot be a JSON key; log it with "
            "artifact type 'file' (keys are restored exactly) or 'object'"
        )


def _key_text(value: Any) -> str:
    """The JSON object key json writes for a scalar (`1` as ``"1"``, None as ``"null"``)."""
    return value if isinstance(value, str) else next(iter(json.loads(json.dumps({value: 0}))))
