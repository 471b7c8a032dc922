"""Loading packager classes and validating them before they are used.

pluggy defines the hooks and validates each packager's implementations against them (unknown
parameters); satchel adds what pluggy does not check (misspelled hook names, `**kwargs`,
keyword-only parameters, the class attributes) and never dispatches through pluggy.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any

import pluggy

from satchel import hookspecs
from satchel.default_packager import DefaultPackager
from satchel.packager import Packager
from satchel.type_hints import TypeSpec, resolve_dotted

HOOK_NAMES = ("is_packable", "pack", "unpack", "clear")
#: Each hook's parameters, in order: satchel calls the chosen implementation directly, by position.
_HOOK_PARAMETERS = {
    hook: tuple(inspect.signature(getattr(hookspecs, hook)).parameters) for hook in HOOK_NAMES
}
_BASE_NAMES = frozenset(dir(DefaultPackager))
_BASE_CLASSES = frozenset(DefaultPackager.__mro__)
_BASE_HOOKS = [
    vars(base)[hook] for base in (Packager, DefaultPackager) for hook in HOOK_NAMES if hook in vars(base)
]


class CollectionProblem(Exception):  # noqa: N818 - internal: becomes a warning or an error
    """Why one plugin or packager class could not be collected (becomes a warning or error)."""


class _PluginManager(pluggy.PluginManager):
    """Methods of a `Packager` named after a hook are its implementations, markers or not."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if Packager in type(plugin).__mro__:  # (not isinstance: an ABC check per attribute is slow)
            return {} if name in HOOK_NAMES else None  # its other attributes are not hooks
        return super().parse_hookimpl_opts(plugin, name)


def new_plugin_manager() -> pluggy.PluginManager:
    """A pluggy manager holding satchel's hook specifications."""
    manager = _PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


@dataclass
class PackagerRecord:
    """A collected packager: its instance, bound hooks, priority and declared type."""

    cls: type[Packager]
    instance: Packager
    priority: int
    order: int
    spec: TypeSpec
    plugin: PluginStatus | None = None
    resolved: TypeSpec | None = None

    def __post_init__(self) -> None:
        self.name = f"{self.cls.__module__}.{self.cls.__qualname__}"
        self.is_packable = self.instance.is_packable
        self.pack = self.instance.pack
        self.unpack = self.instance.unpack
        self.artifact_types = tuple(self.cls.get_supported_artifact_types())
        self.pack_subclasses = bool(self.cls.PACK_SUBCLASSES)

    def describe(self) -> dict[str, Any]:
        """What `satchel plugins --json` shows for one packager."""
        return {
            "class": self.name,
            "priority": self.priority,
            "type": str(self.spec),
            "pack_subclasses": self.pack_subclasses,
            "artifact_types": list(self.artifact_types),
            "default_artifact_type": self.cls.DEFAULT_PACKING_ARTIFACT_TYPE,
        }


@dataclass
class PluginStatus:
    """One source of packagers (an entry point, or an item given to `collect_packagers`)."""

    name: str
    value: str
    distribution: str | None = None
    version: str | None = None
    mandatory: bool = False
    status: str = "loaded"
    reason: str | None = None
    packagers: list[PackagerRecord] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        """What `satchel plugins --json` shows for one plugin."""
        return {
            "name": self.name,
            "value": self.value,
            "distribution": self.distribution,
            "version": self.version,
            "mandatory": self.mandatory,
            "status": self.status,
            "reason": self.reason,
            "packagers": [record.describe() for record in self.packagers],
        }


def load_classes(target: Any) -> list[type[Packager]]:
    """The packager classes `target` names.

    `target` is a class, `"module"` or `"pkg.mod.*"` (every public `Packager` subclass defined
    in that module), `"module:Class"` or `"pkg.mod.Class"`.
    """
    if isinstance(target, type):
        return [target]
    if not isinstance(target, str) or not target.strip():
        raise CollectionProblem(f"{target!r} is not a packager class or a dotted path")
    text = target.strip()
    module_name, colon, attribute = text.partition(":")
    if text.endswith(".*"):
        return _module_classes(_import(text[:-2]))
    if colon:
        obj: Any = _import(module_name.strip())
        for part in attribute.strip().split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise CollectionProblem(f"{module_name} has no attribute {attribute!r}") from None
        return [obj]
    try:
        module = importlib.import_module(text)
    except ImportError as error:
        if "." not in text or (error.name and not text.startswith(error.name)):
            raise CollectionProblem(f"cannot import {text!r}: {error}") from error
        import_error = error
    else:
        return _module_classes(module)
    try:
        return [resolve_dotted(text, import_modules=True)]
    except LookupError as error:
        raise CollectionProblem(
            f"{text!r} is neither an importable module ({_describe(import_error)}) nor a class "
            f"in one ({error})"
        ) from error
    except Exception as error:  # the plugin's module raised while importing
        raise CollectionProblem(f"importing {text!r} failed: {_describe(error)}") from error


def _import(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except Exception as error:  # a plugin's import may fail in any way: isolate it
        raise CollectionProblem(f"cannot import {module_name!r}: {_describe(error)}") from error


def _module_classes(module: Any) -> list[type[Packager]]:
    classes = [
        value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and Packager in value.__mro__  # (not issubclass: the ABC check walks every subclass)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    ]
    if not classes:
        raise CollectionProblem(f"module {module.__name__!r} defines no public Packager subclass")
    return classes


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def check_class(cls: Any, default_priority: int) -> tuple[int, TypeSpec]:
    """Validate a packager class; return its priority and declared type spec."""
    if not (isinstance(cls, type) and Packager in cls.__mro__):
        raise CollectionProblem(f"{cls!r} is not a satchel.Packager subclass")
    name = f"{cls.__module__}.{cls.__qualname__}"
    declared = cls.__dict__.get("PACKABLE_OBJECT_TYPE")
    if declared is None:
        raise CollectionProblem(
            f"{name} sets no PACKABLE_OBJECT_TYPE of its own; set it to the type it packs "
            "(a class or a dotted string), so it cannot silently take every object"
        )
    try:
        spec = TypeSpec.parse(declared)
    except ValueError as error:
        raise CollectionProblem(f"{name}.PACKABLE_OBJECT_TYPE: {error}") from None
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise CollectionProblem(f"{name} does not implement {missing}")
    priority = cls.PRIORITY if cls.PRIORITY is not None else default_priority
    if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 10:
        raise CollectionProblem(f"{name}.PRIORITY must be an int from 1 to 10, got {priority!r}")
    _check_hooks(cls, name)
    return priority, spec


def _check_hooks(cls: type, name: str) -> None:
    import difflib  # only needed here, once per collected class

    for hook in HOOK_NAMES:
        function = inspect.getattr_static(cls, hook)
        if function in _BASE_HOOKS:  # inherited from satchel's bases: known to be right
            continue
        if isinstance(function, (staticmethod, classmethod)):
            raise CollectionProblem(f"{name}.{hook} must be a plain method")
        parameters = list(inspect.signature(function).parameters.values())
        for parameter in parameters:
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                raise CollectionProblem(
                    f"{name}.{hook} takes {parameter}: hooks take named parameters only "
                    f"(see satchel.hookspecs.{hook})"
                )
            if parameter.kind is parameter.KEYWORD_ONLY:
                raise CollectionProblem(
                    f"{name}.{hook} has keyword-only parameter {parameter.name!r}; "
                    f"see satchel.hookspecs.{hook}"
                )
        names = tuple(parameter.name for parameter in parameters[1:])  # after self
        expected = _HOOK_PARAMETERS[hook]
        unknown_required = [
            p.name for p in parameters[1:] if p.name not in expected and p.default is p.empty
        ]
        if names != expected and not unknown_required:  # pluggy reports unknown required ones
            raise CollectionProblem(
                f"{name}.{hook}{inspect.signature(function)} must take (self, "
                f"{', '.join(expected)}) in this order: satchel calls hooks with every argument, "
                f"by position (see satchel.hookspecs.{hook})"
            )
    own = {attribute for klass in cls.__mro__ if klass not in _BASE_CLASSES for attribute in vars(klass)}
    for attribute in sorted(own):
        if attribute.startswith("_") or attribute in _BASE_NAMES:
            continue
        value = getattr(cls, attribute, None)
        if not callable(value):
            continue
        marked = getattr(value, hookspecs.PROJECT_NAME + "_impl", None) is not None
        guess = difflib.get_close_matches(attribute, HOOK_NAMES, n=1, cutoff=0.85)
        prefix = attribute.split("_", 1)[0]
        if attribute.startswith(("pack_", "unpack_")):
            continue
        if "_" in attribute and prefix not in ("pack", "unpack"):
            near = difflib.get_close_matches(prefix, ("pack", "unpack"), n=1, cutoff=0.85)
            if near:
                guess = [near[0] + attribute[len(prefix) :]]
        if marked or guess:
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise CollectionProblem(
                f"{name}.{attribute} is not a satchel hook{hint}; hooks are "
                f"{', '.join(HOOK_NAMES)} and pack_<type>/unpack_<type>"
            )


def register(manager: pluggy.PluginManager, instance: Packager, name: str) -> None:
    """Register with pluggy, which checks each hook's parameters against its spec."""
    try:
        manager.register(instance, name=name)
        manager.check_pending()
    except (pluggy.PluginValidationError, ValueError) as error:
        if manager.is_registered(instance):
            manager.unregister(instance)
        message = str(error).replace("\n", " ")
        raise CollectionProblem(f"{name}: {message}") from None
