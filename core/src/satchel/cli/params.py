"""`--param k=v`, `--input k=PATH|URI` and `--returns HINT` of `satchel run`, converted by the
function's type hints."""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from satchel.errors import SatchelError

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def pairs(option: str, items: list[str]) -> dict[str, str]:
    """`k=v` items as a dict; a malformed or repeated one is an error naming it."""
    found: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise SatchelError(f"{option} {item!r}: use {option} NAME=VALUE")
        if key in found:
            raise SatchelError(f"{option} {key!r} is given twice")
        found[key] = value
    return found


def convert_params(function: Callable[..., Any], given: dict[str, str]) -> dict[str, Any]:
    """Each `--param` converted by the function's type hint for it (JSON, then text, if none)."""
    signature = inspect.signature(function)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # an annotation that does not resolve: convert without it
        hints = {}
    converted = {}
    for key, text in given.items():
        if key not in signature.parameters and not accepts_any:
            names = ", ".join(signature.parameters) or "none"
            raise SatchelError(
                f"--param {key}: {function.__name__} has no parameter {key!r} (it has: {names})"
            )
        converted[key] = convert(key, text, hints.get(key))
    return converted


def convert(key: str, text: str, hint: Any) -> Any:
    """`text` as a value of `hint` (int, float, bool, str, Path, lists and dicts as JSON)."""
    members = _members(hint)
    if not members:
        try:
            return json.loads(text)
        except ValueError:
            return text
    problems = []
    for member in members:
        try:
            return _convert_one(text, member)
        except (ValueError, TypeError) as error:
            problems.append(str(error))
    expected = " or ".join(_name(member) for member in members)
    raise SatchelError(f"--param {key}={text}: {key} takes {expected}; {'; '.join(problems)}")


def _members(hint: Any) -> list[Any]:
    if hint is None or hint is Any or hint is inspect.Parameter.empty:
        return []
    if typing.get_origin(hint) in (Union, types.UnionType):
        return [member for member in typing.get_args(hint) if member is not type(None)]
    return [hint]


def _convert_one(text: str, hint: Any) -> Any:
    origin = typing.get_origin(hint) or hint
    if origin is bool:
        lowered = text.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"{text!r} is not a bool (true/false, 1/0, yes/no)")
    if origin is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not an int") from None
    if origin is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a float") from None
    if origin is str:
        return text
    if isinstance(origin, type) and issubclass(origin, Path):
        return text  # recorded as text; the function gets it as given
    if origin in (list, dict, tuple):
        try:
            value = json.loads(text)
        except ValueError as error:
            raise ValueError(f"{text!r} is not JSON ({error})") from None
        expected = list if origin in (list, tuple) else dict
        if not isinstance(value, expected):
            raise ValueError(f"{text!r} is not a JSON {'array' if expected is list else 'object'}")
        return value
    try:
        return json.loads(text)
    except ValueError:
        return text


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint)


def log_hint(text: str) -> Any:
    """A `--returns` value: a log hint string, or a JSON object for a dict hint."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except ValueError as error:
            raise SatchelError(f"--returns {text!r} is not a JSON object: {error}") from None
    if stripped.lower() == "none":
        return None
    return stripped
