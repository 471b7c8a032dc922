"""What `satchel run` calls: `FILE.py:FUNC` (a script, imported without running its main guard)
or `module:FUNC` (imported from the path)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

from satchel.errors import SatchelError

#: The module name a script is imported under: tracking records such functions by file path.
SCRIPT_MODULE_PREFIX = "__satchel_script_"


def load_target(target: str) -> Callable[..., Any]:
    """The function `target` names; a `SatchelError` says what could not be found."""
    where, colon, name = target.rpartition(":")
    if not colon or not where or not name:
        raise SatchelError(f"cannot run {target!r}: give FILE.py:FUNCTION or module:FUNCTION")
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


def _import_script(path: str) -> Any:
    full = os.path.abspath(path)
    if not os.path.isfile(full):
        raise SatchelError(f"cannot run {path!r}: no such file")
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
    return module
