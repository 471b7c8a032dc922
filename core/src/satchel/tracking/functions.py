"""What identifies the function a run called (its import path and a hash of its source), and
loading a function back from its import path (`satchel run`, `satchel rerun`)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import marshal
import os
import sys
from collections.abc import Callable
from typing import Any

from satchel.errors import SatchelError

#: The module name a script is imported under: such functions are recorded by file path.
SCRIPT_MODULE_PREFIX = "__satchel_script_"


def load_function(target: str) -> Callable[..., Any]:
    """The function `target` (`FILE.py:FUNC` or `module:FUNC`) names; a `SatchelError` says what
    could not be found. A script is imported without running its main guard."""
    where, colon, name = target.rpartition(":")
    if not colon or not where or not name:
        raise SatchelError(f"cannot load {target!r}: give FILE.py:FUNCTION or module:FUNCTION")
    if where.endswith(".py") or os.sep in where or "/" in where:
        module = _import_script(where)
    else:
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())  # as `python -m` does: modules of the current folder
        try:
            module = importlib.import_module(where)
        except ImportError as error:
            raise SatchelError(f"cannot import module {where!r}: {error}") from error
    function: Any = module
    for part in name.split("."):
        function = getattr(function, part, None)
        if function is None:
            raise SatchelError(f"{where} has no function {name!r}")
    if not callable(function):
        raise SatchelError(f"{where}:{name} is a {type(function).__qualname__}, not a function")
    return function


_SCRIPTS: dict[tuple[str, int, int], Any] = {}


def _import_script(path: str) -> Any:
    """The script imported as a module: once per version of the file in this process (a rerun
    of several steps of one script, or a worker running many, executes its top level once)."""
    full = os.path.abspath(path)
    if not os.path.isfile(full):
        raise SatchelError(f"cannot load {path!r}: no such file")
    stat = os.stat(full)
    version = (full, stat.st_mtime_ns, stat.st_size)
    if version in _SCRIPTS:
        return _SCRIPTS[version]
    name = SCRIPT_MODULE_PREFIX + str(abs(hash(full)))
    spec = importlib.util.spec_from_file_location(name, full)
    if spec is None or spec.loader is None:
        raise SatchelError(f"cannot import {path!r} as a Python script")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    folder = os.path.dirname(full)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # as `python FILE.py` does: the script's own modules import
    spec.loader.exec_module(module)
    _SCRIPTS[version] = module
    return module


def unwrap(function: Callable[..., Any]) -> Callable[..., Any]:
    """The user's own function behind `satchel.handler` (and other `functools.wraps` wrappers)."""
    return inspect.unwrap(function)


def import_path(function: Callable[..., Any]) -> str:
    """`module:qualname`, or `/path/to/script.py:qualname` for a function defined in a script
    (the `__main__` module, or one imported from a file under a `__`-name, as `load_function` does)."""
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
