"""A total, deterministic order for any builtin value, so sets are written the same way every time.

Set iteration order depends on hashing (randomised for strings across processes), and `<` is
only a partial order for sets and raises between unrelated types. `order_key` sorts numbers
numerically, strings and bytes lexically, and anything else by type then content.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def order_key(value: Any) -> tuple[Any, ...]:
    """A key that compares any two builtin values without raising (NaN sorts after numbers)."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, (int, float)):  # NaNs: those with the sign bit set first
        return (2, 1, math.copysign(1.0, value)) if value != value else (2, 0, value)
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, (bytes, bytearray)):
        return (4, bytes(value))
    if isinstance(value, (tuple, list)):
        return (5, tuple(order_key(item) for item in value))
    if isinstance(value, (set, frozenset)):
        return (6, tuple(sorted(order_key(item) for item in value)))
    if isinstance(value, dict):
        return (7, tuple(sorted((order_key(k), order_key(v)) for k, v in value.items())))
    kind = type(value)
    return (8, f"{kind.__module__}.{kind.__qualname__}", repr(value))


def ordered(values: Iterable[Any]) -> list[Any]:
    """The items of a set (or any iterable) in `order_key` order."""
    values = list(values)
    kinds = set(map(type, values))
    # the same order, without a key per item: one type with a total order (NaN aside)
    if kinds in ({int}, {str}, {bytes}) or (kinds in ({float}, {int, float}) and not _has_nan(values)):
        return sorted(values)
    return sorted(values, key=order_key)


def _has_nan(values: list[Any]) -> bool:
    return any(value != value for value in values)
