"""Loading what a plugin names (a module, `module:Object`, `pkg.mod.Object`), failures isolated.

A plugin's import may fail in any way; every failure becomes a `LoadProblem` that the caller
turns into a warning (optional plugins) or an error (mandatory ones), never a crash of the host.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from satchel.discovery.entry_points import EntryPoint


class LoadProblem(Exception):  # noqa: N818 - internal: becomes a warning or an error
    """Why one plugin (or one object it names) could not be loaded."""


@dataclass
class PluginStatus:
    """One source of plugins (an entry point, or an item given in code) and how loading went.

    `status` is `loaded`, `failed` or `disabled`; `items` holds what it provided.
    """

    name: str
    value: str
    distribution: str | None = None
    version: str | None = None
    mandatory: bool = False
    status: str = "loaded"
    reason: str | None = None
    items: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, entry_point: EntryPoint, mandatory: bool) -> PluginStatus:
        """The status of an installed entry point, before it is loaded."""
        return cls(
            entry_point.name, entry_point.value, entry_point.distribution, entry_point.version, mandatory
        )

    def fail(self, reason: str) -> None:
        """Record that loading failed, and why."""
        self.status, self.reason, self.items = "failed", reason, []

    def origin(self) -> str:
        """Where the plugin comes from, for messages."""
        if self.distribution:
            return f"distribution {self.distribution} {self.version or ''}".rstrip()
        return "not from an installed distribution"


def names_from_env(variable: str) -> set[str]:
    """The comma-separated names in an environment variable (spaces around names ignored).

    Names are never split on spaces alone: `"builtins numpy"` is one (unknown) name, which the
    caller reports instead of ignoring.
    """
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


class Loaded(NamedTuple):
    """What a target named: its objects, and the module scanned for them (None: named one)."""

    objects: list[Any]
    scanned: str | None


def load_objects(target: Any, accept: Callable[[Any], bool], what: str) -> Loaded:
    """The objects `target` names.

    `target` is a class itself, `"module"` or `"pkg.mod.*"` (every public object of that module
    that `accept`s and is defined there, not imported into it), `"module:Name"` or
    `"pkg.mod.Name"`. `what` names the kind of object, for messages ("Packager subclass").
    """
    if isinstance(target, type):
        return Loaded([target], None)
    if not isinstance(target, str) or not target.strip():
        raise LoadProblem(f"{target!r} is not a class or a dotted path")
    text = target.strip()
    module_name, colon, attribute = text.partition(":")
    if text.endswith(".*"):
        module_name = text[:-2]
        return Loaded(module_objects(import_module(module_name), accept, what), module_name)
    if colon:
        obj: Any = import_module(module_name.strip())
        for part in attribute.strip().split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise LoadProblem(f"{module_name} has no attribute {attribute!r}") from None
        return Loaded([obj], None)
    try:
        module = importlib.import_module(text)
    except ImportError as error:
        if "." not in text or (error.name and not text.startswith(error.name)):
            raise LoadProblem(f"cannot import {text!r}: {error}") from error
        import_error = error
    except Exception as error:  # the plugin's module raised while importing
        raise LoadProblem(f"importing {text!r} failed: {describe(error)}") from error
    else:
        return Loaded(module_objects(module, accept, what), text)
    try:
        return Loaded([resolve_dotted(text, import_modules=True)], None)
    except LookupError as error:
        raise LoadProblem(
            f"{text!r} is neither an importable module ({describe(import_error)}) nor an "
            f"object in one ({error})"
        ) from error
    except Exception as error:  # the plugin's module raised while importing
        raise LoadProblem(f"importing {text!r} failed: {describe(error)}") from error


#: Builtin classes that no builtin name holds, by their `__qualname__`.
_UNNAMED_BUILTINS: dict[str, type] = {
    "NoneType": type(None),
    "ellipsis": type(...),
    "NotImplementedType": type(NotImplemented),
}


def resolve_dotted(name: str, *, import_modules: bool = False) -> Any:
    """The object named `name` (`numpy.ndarray`, `dict`); None if its module is not imported.

    Bare names are builtins (or `typing` names). Raises LookupError when the name cannot exist
    (module imported, attribute missing).
    """
    if "." not in name:
        if hasattr(builtins, name):
            return getattr(builtins, name)
        if name in _UNNAMED_BUILTINS:  # what `qualified_name` writes for type(None)
            return _UNNAMED_BUILTINS[name]
        if hasattr(typing, name):
            return getattr(typing, name)
        raise LookupError(f"{name!r} is not a builtin; use a dotted path such as 'pkg.mod.{name}'")
    parts = name.split(".")
    if parts[0] not in sys.modules and not import_modules:
        return None
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            target: Any = importlib.import_module(module_name)
        except ImportError:
            if split == 1:
                raise LookupError(f"cannot import {module_name!r} to resolve {name!r}") from None
            continue
        try:
            for attribute in parts[split:]:
                target = getattr(target, attribute)
        except AttributeError:
            continue
        return target
    raise LookupError(f"{name!r} names nothing importable")


def import_module(module_name: str) -> Any:
    """Import a plugin's module; any failure is a `LoadProblem` naming it."""
    try:
        return importlib.import_module(module_name)
    except Exception as error:  # a plugin's import may fail in any way: isolate it
        raise LoadProblem(f"cannot import {module_name!r}: {describe(error)}") from error


def module_objects(module: Any, accept: Callable[[Any], bool], what: str) -> list[Any]:
    """Every public object defined in `module` (not imported into it) that `accept`s."""
    found = [
        value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and accept(value)
    ]
    if not found:
        raise LoadProblem(f"module {module.__name__!r} defines no public {what}")
    return found


def describe(error: BaseException) -> str:
    """`Type: message` of an exception, for one-line reasons."""
    return f"{type(error).__name__}: {error}"
