"""Validating packager classes before they are used.

pluggy defines the hooks and validates each packager's implementations against them (unknown
parameters); satchel adds what pluggy does not check (misspelled hook names, `**kwargs`,
keyword-only parameters, the class attributes) and never dispatches through pluggy.
"""

from __future__ import annotations

import inspect
from typing import Any

import pluggy

from satchel import hookspecs
from satchel.discovery.loading import LoadProblem
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.packager import Packager
from satchel.packaging.type_hints import TypeSpec

HOOK_NAMES = ("is_packable", "pack", "unpack", "clear", "preview")
#: Hooks a packager may leave out (satchel's bases do not define them either).
OPTIONAL_HOOKS = frozenset({"preview"})
#: Each hook's parameters, in order: satchel calls the chosen implementation directly, by position.
_HOOK_PARAMETERS = {
    hook: tuple(inspect.signature(getattr(hookspecs, hook)).parameters) for hook in HOOK_NAMES
}
_BASE_NAMES = frozenset(dir(DefaultPackager))
_BASE_CLASSES = frozenset(DefaultPackager.__mro__)
_BASE_HOOKS = [
    vars(base)[hook] for base in (Packager, DefaultPackager) for hook in HOOK_NAMES if hook in vars(base)
]


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


def check_class(cls: Any, default_priority: int, scanned: str | None = None) -> tuple[int, TypeSpec]:
    """Validate a packager class; return its priority and declared type spec.

    `scanned` is the module whose public classes are being collected, when the class was not
    named itself: messages then say how to keep a helper base class out of collection.
    """
    if not (isinstance(cls, type) and Packager in cls.__mro__):
        raise LoadProblem(f"{cls!r} is not a satchel.Packager subclass")
    name = f"{cls.__module__}.{cls.__qualname__}"
    spec = _declared_type(cls, name, scanned)
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise LoadProblem(f"{name} does not implement {missing}")
    priority = cls.PRIORITY if cls.PRIORITY is not None else default_priority
    if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 10:
        raise LoadProblem(f"{name}.PRIORITY must be an int from 1 to 10, got {priority!r}")
    # attributes not from satchel's bases: only these can be wrong
    own = {attribute for klass in cls.__mro__ if klass not in _BASE_CLASSES for attribute in vars(klass)}
    _check_hooks(cls, name, own)
    _check_artifact_types(cls, name, own)
    return priority, spec


def _declared_type(cls: type, name: str, scanned: str | None) -> TypeSpec:
    """`PACKABLE_OBJECT_TYPE`, its own or inherited from any base but satchel's own two."""
    owner = next(klass for klass in cls.__mro__ if "PACKABLE_OBJECT_TYPE" in vars(klass))
    declared = vars(owner)["PACKABLE_OBJECT_TYPE"]
    if declared is None or (owner in (Packager, DefaultPackager) and cls is not DefaultPackager):
        message = (
            f"{name} sets no PACKABLE_OBJECT_TYPE and inherits none (satchel's own Packager and "
            "DefaultPackager do not count); set it to the type it packs (a class or a dotted "
            "string), so it cannot silently take every object"
        )
        if scanned is not None:
            message += (
                f". If {cls.__name__} is meant as a base for other packagers, not a packager "
                "itself, start its name with '_' (private classes are not collected), or give each "
                f"packager its own entry point (or collect_packagers item), '{scanned}:ClassName', "
                "instead of naming the whole module"
            )
        raise LoadProblem(message)
    try:
        return TypeSpec.parse(declared)
    except ValueError as error:
        raise LoadProblem(f"{name}.PACKABLE_OBJECT_TYPE: {error}") from None


def _check_hooks(cls: type, name: str, own: set[str]) -> None:
    for hook in HOOK_NAMES:
        function = inspect.getattr_static(cls, hook, None)
        if function is None and hook in OPTIONAL_HOOKS:
            continue
        if function in _BASE_HOOKS:  # inherited from satchel's bases: known to be right
            continue
        if isinstance(function, (staticmethod, classmethod)) or not callable(function):
            raise LoadProblem(f"{name}.{hook} must be a plain method")
        parameters = list(inspect.signature(function).parameters.values())
        for parameter in parameters:
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                raise LoadProblem(
                    f"{name}.{hook} takes {parameter}: hooks take named parameters only "
                    f"(see satchel.hookspecs.{hook})"
                )
            if parameter.kind is parameter.KEYWORD_ONLY:
                raise LoadProblem(
                    f"{name}.{hook} has keyword-only parameter {parameter.name!r}; "
                    f"see satchel.hookspecs.{hook}"
                )
        names = tuple(parameter.name for parameter in parameters[1:])  # after self
        expected = _HOOK_PARAMETERS[hook]
        unknown_required = [
            p.name for p in parameters[1:] if p.name not in expected and p.default is p.empty
        ]
        if names != expected and not unknown_required:  # pluggy reports unknown required ones
            raise LoadProblem(
                f"{name}.{hook}{inspect.signature(function)} must take (self, "
                f"{', '.join(expected)}) in this order: satchel calls hooks with every argument, "
                f"by position (see satchel.hookspecs.{hook})"
            )
    for attribute in sorted(own):
        if attribute.startswith("_") or attribute in _BASE_NAMES or attribute in HOOK_NAMES:
            continue
        value = getattr(cls, attribute, None)
        if not callable(value):
            continue
        marked = getattr(value, hookspecs.PROJECT_NAME + "_impl", None) is not None
        import difflib  # only for a class's own methods (not satchel's DefaultPackager's)

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
            raise LoadProblem(
                f"{name}.{attribute} is not a satchel hook{hint}; hooks are "
                f"{', '.join(HOOK_NAMES)} and pack_<type>/unpack_<type>"
            )


def _check_artifact_types(cls: type, name: str, own: set[str]) -> None:
    """Each `pack_<t>` has its `unpack_<t>` (but `result`), and the defaults are supported."""
    if DefaultPackager in cls.__mro__:  # dispatches to pack_<t> and unpack_<t>: pairs only
        methods = sorted(attribute for attribute in own if attribute.startswith(("pack_", "unpack_")))
        for method in methods:
            is_unpack = method.startswith("un")
            artifact_type = method.split("_", 1)[1]
            other = method[2:] if is_unpack else f"un{method}"
            if artifact_type == "result" or not callable(getattr(cls, method, None)):
                continue
            if callable(getattr(cls, other, None)):  # its own, or inherited (pack_object)
                continue
            raise LoadProblem(
                f"{name} has {method} but no {other}, so artifact type {artifact_type!r} could "
                f"{'never be packed' if is_unpack else 'be packed but never unpacked'}; add "
                f"{other} (only 'result' is pack-only), or, if {method} is a helper, rename it "
                "to start with '_'"
            )
    try:
        supported = list(cls.get_supported_artifact_types())
    except Exception as error:  # the packager's own classmethod
        raise LoadProblem(f"{name}.get_supported_artifact_types() failed: {error!r}") from error
    owner = cls.__name__
    packing = cls.DEFAULT_PACKING_ARTIFACT_TYPE
    if packing not in supported:
        raise LoadProblem(
            f"{name}.DEFAULT_PACKING_ARTIFACT_TYPE is {packing!r}, but {owner} supports only "
            f"{_listing(supported)}; set it to one of them{_how_to_support(cls, packing)}"
        )
    unpacking = cls.DEFAULT_UNPACKING_ARTIFACT_TYPE
    if unpacking == "result":
        raise LoadProblem(
            f"{name}.DEFAULT_UNPACKING_ARTIFACT_TYPE is 'result', but a result is a logged value, "
            f"never a file, so nothing is unpacked as one; set it to another type {owner} "
            f"supports: {_listing([t for t in supported if t != 'result'])}"
        )
    if unpacking not in supported:
        raise LoadProblem(
            f"{name}.DEFAULT_UNPACKING_ARTIFACT_TYPE is {unpacking!r}, but {owner} supports only "
            f"{_listing(supported)}; set it to one of them{_how_to_support(cls, unpacking)}"
        )


def _listing(types: list[str]) -> str:
    """`'a', 'b'` for messages."""
    return ", ".join(map(repr, types)) or "no artifact type"


def _how_to_support(cls: type, artifact_type: Any) -> str:
    """How a `DefaultPackager` subclass would support `artifact_type`."""
    if DefaultPackager not in cls.__mro__ or not isinstance(artifact_type, str):
        return ""
    if artifact_type == "result":
        return ", or define pack_result"
    return f", or add pack_{artifact_type} and unpack_{artifact_type}"


def register(manager: pluggy.PluginManager, instance: Packager, name: str) -> None:
    """Register with pluggy, which checks each hook's parameters against its spec."""
    try:
        manager.register(instance, name=name)
        manager.check_pending()
    except (pluggy.PluginValidationError, ValueError) as error:
        if manager.is_registered(instance):
            manager.unregister(instance)
        message = str(error).replace("\n", " ")
        raise LoadProblem(f"{name}: {message}") from None
