"""Data read from a plain file (no schema) turned into the type a hint asks for.

Sequences become the hinted `list`, `tuple`, `set` or `frozenset` (recursively, following the
hint's arguments: `list[tuple[int, int]]`), JSON arrays inside sets become tuples (hashable),
strings and lists of ints become `bytes` or `bytearray`, str keys become ints, floats or bools
when the hint says `dict[int, ...]`. Anything else is left as read; a wrong shape (a mapping
under a `list` hint) is an `UnpackingError`.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from satchel import UnpackingError
from satchel.payloads import tuple_items
from satchel_builtins._files import describe
from satchel_builtins._ordering import ordered

_SEQUENCES = (list, tuple, set, frozenset)
_BOOLS = {"true": True, "false": False, "True": True, "False": False}


class ShapeError(Exception):
    """What was read does not fit the hint (the message says where)."""


def coerce(value: Any, hint: Any, where: str) -> Any:
    """`value` as `hint` asks; raises `ShapeError` when it cannot be."""
    origin = get_origin(hint) or hint
    args = get_args(hint)
    if origin is typing.Annotated:
        return coerce(value, args[0], where)
    if origin in (typing.Union, types.UnionType):
        return _union(value, args, where)
    if origin in _SEQUENCES:
        return _sequence(value, hint, origin, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise ShapeError(f"{where} is {describe(value)}, not a mapping (dict)")
        key_hint, value_hint = args if len(args) == 2 else (None, None)
        return {
            _key(name, key_hint, where): coerce(item, value_hint, f"{where}[{name!r}]")
            for name, item in value.items()
        }
    if origin in (bytes, bytearray):
        return origin(_raw(value, origin, where))
    return value


def _union(value: Any, members: tuple[Any, ...], where: str) -> Any:
    problems = []
    for member in members:
        if member is type(None) and value is None:
            return None
        try:
            return coerce(value, member, where)
        except ShapeError as error:
            problems.append(str(error))
    raise ShapeError("; ".join(problems))


def _sequence(value: Any, hint: Any, origin: type, where: str) -> Any:
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ShapeError(f"{where} is {describe(value)}, not a sequence ({origin.__name__})")
    items = list(value) if isinstance(value, (list, tuple)) else ordered(value)
    fixed = tuple_items(hint)  # tuple[int, int] and tuple[()]; None for any length
    args = get_args(hint)
    if fixed is not None:
        if len(fixed) != len(items):
            raise ShapeError(f"{where} has {len(items)} items, the hint asks for {len(fixed)}")
        items = [coerce(item, arg, f"{where}[{i}]") for i, (item, arg) in enumerate(zip(items, fixed))]
    elif args:
        items = [coerce(item, args[0], f"{where}[{i}]") for i, item in enumerate(items)]
    if origin in (set, frozenset):
        items = [_hashable(item) for item in items]
        try:
            return origin(items)
        except TypeError as error:
            raise ShapeError(f"{where}: its items cannot be in a {origin.__name__} ({error})") from None
    return origin(items)


def _hashable(value: Any) -> Any:
    """JSON arrays (lists) as tuples, so that they can be set items or dict keys."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


def _key(name: Any, hint: Any, where: str) -> Any:
    """A key read from a file as the hint's key type (JSON keys are always strings)."""
    if isinstance(name, str) and hint in (int, float, bool):
        try:
            return _BOOLS[name] if hint is bool else hint(name)
        except (KeyError, ValueError):
            raise ShapeError(f"{where} has key {name!r}, which is not a {hint.__name__}") from None
    if hint is not None:
        return _hashable(coerce(name, hint, f"{where} key {name!r}"))
    return name


def _raw(value: Any, origin: type, where: str) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, list) and all(type(item) is int and 0 <= item < 256 for item in value):
        return bytes(value)
    raise ShapeError(
        f"{where} is {describe(value)}; {origin.__name__} is read from a string (UTF-8) or a "
        "list of ints from 0 to 255"
    )


def shape_error(error: ShapeError, key: str, file_name: str, hint: Any) -> UnpackingError:
    """The `UnpackingError` for a file whose content does not fit the hint."""
    return UnpackingError(f"{key!r}: {file_name} does not fit hint {hint!r}: {error}")
