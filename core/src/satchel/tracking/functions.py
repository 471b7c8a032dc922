"""What identifies the function a run called: its import path and a hash of its source."""

from __future__ import annotations

import inspect
import marshal
import os
import sys
from collections.abc import Callable
from typing import Any


def unwrap(function: Callable[..., Any]) -> Callable[..., Any]:
    """The user's own function behind `satchel.handler` (and other `functools.wraps` wrappers)."""
    return inspect.unwrap(function)


def import_path(function: Callable[..., Any]) -> str:
    """`module:qualname`, or `/path/to/script.py:qualname` for a function defined in a script
    (the `__main__` module, or one imported from a file under a `__`-name, as `satchel run` does)."""
    function = unwrap(function)
    module = getattr(function, "__module__", None) or "__main__"
    qualname = getattr(function, "__qualname__", None) or getattr(function, "__name__", repr(function))
    if module == "__main__" or module.startswith("__"):
        try:
            source = inspect.getsourcefile(function)
        except TypeError:
            source = None
        source = source or getattr(sys.modules.get("__main__"), "__file__", None)
        if source:
            return f"{os.path.abspath(source)}:{qualname}"
    return f"{module}:{qualname}"


def source_hash(function: Callable[..., Any]) -> str:
    """BLAKE3 of the function's source; of its bytecode where the source cannot be read.

    Cached by code object: the hash is of the code this process runs, read once.
    """
    function = unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return _source_hash(function)
    cached = _BY_CODE.get(code)
    if cached is None:
        cached = _BY_CODE[code] = _source_hash(function)
    return cached


_BY_CODE: dict[Any, str] = {}


def _source_hash(function: Callable[..., Any]) -> str:
    from blake3 import blake3

    try:
        data = inspect.getsource(function).encode("utf-8")
        prefix = "blake3:"
    except (OSError, TypeError):
        code = getattr(function, "__code__", None) or getattr(type(function).__call__, "__code__", None)
        data = marshal.dumps(code) if code is not None else repr(function).encode()
        prefix = "blake3:code:"  # says it was not the source, so it never matches a source hash
    return prefix + blake3(data).hexdigest()


def type_hints(function: Callable[..., Any]) -> dict[str, Any]:
    """The function's annotations, as written (strings under `from __future__ import annotations`)."""
    return dict(getattr(unwrap(function), "__annotations__", {}) or {})


def namespace(function: Callable[..., Any]) -> dict[str, Any]:
    """Where the function's string annotations are resolved: its globals."""
    return getattr(unwrap(function), "__globals__", {}) or {}
