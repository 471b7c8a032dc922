"""Pickling under an allow-list, with the versions that matter recorded and checked on load."""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from satchel.errors import PackingError, SatchelWarning, UnpackingError
from satchel.packaging.artifact import PICKLE_ARTIFACT_TYPE, Artifact
from satchel.packaging.versions import distribution_of, python_version

ALLOWED_PICKLE_MODULES = ("cloudpickle", "pickle")
DEFAULT_PICKLE_MODULE = "cloudpickle"


def pickle_module(name: str, error: type[Exception] = PackingError) -> ModuleType:
    """The allowed pickle module called `name`; anything else is an `error`."""
    if name not in ALLOWED_PICKLE_MODULES:
        raise error(
            f"pickle_module {name!r} is not allowed; use one of {', '.join(ALLOWED_PICKLE_MODULES)}"
        )
    return importlib.import_module(name)


def _module_version(module: ModuleType) -> str:
    if module.__name__ == "pickle":
        return module.format_version
    return str(getattr(module, "__version__", "unknown"))


def dump(obj: Any, path: Path, module_name: str = DEFAULT_PICKLE_MODULE) -> dict[str, Any]:
    """Pickle `obj` into `path`; return the instructions that record how and with what."""
    module = pickle_module(module_name)
    with open(path, "wb") as handle:
        module.dump(obj, handle, protocol=5)
    object_module = type(obj).__module__
    found = distribution_of(object_module)
    return {
        "pickle_module": module_name,
        "pickle_module_version": _module_version(module),
        "python_version": python_version(),
        "object_module": object_module,
        "object_module_version": found[1] if found else None,
    }


def check_recorded_as_pickle(item: Artifact) -> None:
    """Raise unless `item` was recorded as artifact type `object`, the pickle `dump` writes.

    A plain file (no artifact type recorded) or a payload recorded as any other type (`file`,
    `path`, `dataset`, `result`, ...) was never a pickle, so it is never unpickled, whoever asks.
    """
    kind = getattr(item, "kind", None)
    if kind == PICKLE_ARTIFACT_TYPE:
        return
    key = getattr(item, "key", item)
    if kind is None:
        raise UnpackingError(
            f"{key!r} is a plain file (no artifact type recorded), so it is never unpickled (a pickle "
            f"can run any code): only payloads satchel recorded as {PICKLE_ARTIFACT_TYPE!r} are"
        )
    raise UnpackingError(
        f"{key!r} was recorded as {kind!r}, not as {PICKLE_ARTIFACT_TYPE!r} (a pickle), so it is "
        "never unpickled (a pickle can run any code)"
    )


def load(item: Artifact, path: str | Path, instructions: dict[str, Any]) -> Any:
    """Unpickle `path` of `item`: only a payload recorded as `object`, trusted and hash-verified,
    with an allowed pickle module."""
    check_recorded_as_pickle(item)
    module = pickle_module(instructions.get("pickle_module", DEFAULT_PICKLE_MODULE), UnpackingError)
    item.check_unpickling_allowed()
    with open(path, "rb") as handle:
        obj = module.load(handle)
    _warn_on_mismatch(item, module, instructions)  # after loading: the object's module is imported
    return obj


def _warn_on_mismatch(item: Artifact, module: ModuleType, instructions: dict[str, Any]) -> None:
    now: dict[str, Any] = {
        "pickle_module_version": _module_version(module),
        "python_version": python_version(),
    }
    object_module = instructions.get("object_module")
    if object_module and instructions.get("object_module_version"):
        top = object_module.partition(".")[0]
        if top in sys.modules:
            found = distribution_of(object_module)
            now["object_module_version"] = found[1] if found else None
    for name, current in now.items():
        recorded = instructions.get(name)
        if name == "python_version" and recorded and current:
            recorded, current = recorded.rsplit(".", 1)[0], current.rsplit(".", 1)[0]
        if recorded is not None and recorded != current:
            warnings.warn(
                f"artifact {item.key!r} was pickled with {name} {recorded}, this process has "
                f"{current}: unpickling may fail or give a different object",
                SatchelWarning,
                stacklevel=4,
            )
