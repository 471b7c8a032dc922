"""Pickling under an allow-list, with the versions that matter recorded and checked on load."""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from satchel.errors import PackingError, SatchelWarning, UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.versions import distribution_of, python_version

#: The artifact type whose payload is a pickle written by `dump`: the only one `load` ever reads.
PICKLE_ARTIFACT_TYPE = "object"
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


def load(item: Artifact, path: str | Path, instructions: dict[str, Any]) -> Any:
    """Unpickle `path` of `item`: only a trusted, hash-verified payload, only allowed modules."""
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
