"""numpy scalars and arrays as JSON values (the `result` artifact type).

A scalar becomes the equal Python scalar (`.item()`). Where that is not a JSON value, a
documented text form is used instead:

- datetime64: ISO 8601 at the value's own unit (`"2024-05-01T12:00:00.123456789"`), `"NaT"`;
- timedelta64: numpy's text (`"5 seconds"`), `"NaT"`;
- complex: numpy's shortest text, which `complex()` reads back (`"(1+2j)"`);
- bytes: decoded as latin-1 (one character per byte, nothing lost);
- structured (record) scalars: a dict of their fields;
- long double: the nearest float, with a `SatchelWarning` when that changes the value.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from satchel import PackingError, SatchelWarning
from satchel.payloads import is_json_value


def scalar_to_json(value: np.generic, key: str) -> Any:
    """The JSON value a numpy scalar logs as (see the module docstring)."""
    return array_to_json(np.asarray(value), key)


def array_to_json(array: np.ndarray, key: str) -> Any:
    """Nested lists of JSON values (a bare value for a 0-D array)."""
    converted = _convert(array, key)
    if not is_json_value(converted):
        raise PackingError(
            f"{key!r}: this {array.dtype} array holds values that are not JSON values, so it "
            "cannot be logged as a result; log it as a file (npy) or an object"
        )
    return converted


def _convert(array: np.ndarray, key: str) -> Any:
    dtype = array.dtype
    kind = dtype.kind
    if dtype.names is not None:
        if array.ndim == 0:
            return {name: _convert(array[name], key) for name in dtype.names}
        return [_convert(item, key) for item in array]
    if kind == "M":
        return np.datetime_as_string(array).tolist()
    if kind == "m":
        return array.astype(str).tolist()
    if kind == "c":
        return array.astype(str).tolist()
    if kind == "S":
        return _map(array.tolist(), lambda item: item.decode("latin-1"))
    if kind == "V":
        return _map(array.tolist(), lambda item: bytes(item).decode("latin-1"))
    if kind == "f" and dtype.itemsize > 8:
        return _long_floats(array, key)
    return array.tolist()


def _long_floats(array: np.ndarray, key: str) -> Any:
    as_float = array.astype(np.float64)
    same = (as_float == array) | (np.isnan(as_float) & np.isnan(array))
    if not bool(np.all(same)):
        warnings.warn(
            f"{key!r}: a {array.dtype} result is logged as float64, which does not hold all of its "
            "precision; log it as a file (npy) or an object to keep it",
            SatchelWarning,
            stacklevel=6,
        )
    return as_float.tolist()


def _map(value: Any, function: Any) -> Any:
    if isinstance(value, list):
        return [_map(item, function) for item in value]
    return function(value)
