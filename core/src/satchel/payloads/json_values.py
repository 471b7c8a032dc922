"""JSON values: what a result, or the instructions stored beside a payload, may be."""

from __future__ import annotations

from typing import Any

_JSON_SCALARS = (str, int, float, bool, type(None))


def is_json_value(obj: Any, _depth: int = 0) -> bool:
    """Whether `obj` can be stored as a JSON value (results, instructions)."""
    kind = type(obj)
    if kind in _JSON_SCALARS:
        return True
    if _depth < 32:  # walk small, plain containers; anything else asks json itself
        if kind is list or kind is tuple:
            return all(is_json_value(value, _depth + 1) for value in obj)
        if kind is dict:
            return all(type(key) in _JSON_SCALARS for key in obj) and all(
                is_json_value(value, _depth + 1) for value in obj.values()
            )
    import json

    try:
        json.dumps(obj)
    except (TypeError, ValueError, RecursionError):
        return False
    return True
