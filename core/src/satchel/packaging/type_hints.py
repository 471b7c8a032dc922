"""Type hints reduced to what selection needs, and `TypeSpec`: a packager's declared type.

A declared type may be a class, a dotted string resolved only once its top-level module is
imported (so collecting packagers never imports numpy or pandas), or a generic shape such as
``"dict[str, numpy.ndarray]"``.
"""

from __future__ import annotations

import builtins
import importlib
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from satchel.discovery.loading import resolve_dotted
from satchel.payloads.hints import tuple_items

_NAME = re.compile(r"\s*([A-Za-z_][\w.]*)\s*")


@dataclass(frozen=True)
class TypeSpec:
    """A declared type: `origin` (a class, or its dotted name until resolved) and shape `args`."""

    origin: type | str
    args: tuple[TypeSpec, ...] = ()

    @classmethod
    def parse(cls, declared: Any) -> TypeSpec:
        """Parse a class, a generic alias (`list[int]`) or a string (`"list[numpy.ndarray]"`)."""
        if isinstance(declared, str):
            spec, rest = _parse_text(declared, 0)
            if rest != len(declared):
                raise ValueError(f"cannot parse type {declared!r}")
            return spec
        origin = get_origin(declared)
        if origin is not None and isinstance(origin, type):
            return cls(origin, tuple(cls.parse(arg) for arg in get_args(declared)))
        if isinstance(declared, type):
            return cls(declared)
        raise ValueError(f"{declared!r} is not a class, a generic alias or a dotted string")

    def modules(self) -> frozenset[str]:
        """Top-level modules that must be imported before this spec can be resolved (worked out
        once: `explain` asks it of every pending packager)."""
        cached = self.__dict__.get("_modules")
        if cached is None:
            found = set()
            if isinstance(self.origin, str) and "." in self.origin:
                found.add(self.origin.partition(".")[0])
            for arg in self.args:
                found |= arg.modules()
            cached = frozenset(found)
            object.__setattr__(self, "_modules", cached)  # a frozen spec: its own memo
        return cached

    def resolve(self, *, import_modules: bool = False) -> TypeSpec | None:
        """This spec with classes for names; None while a module is not imported yet.

        Raises LookupError when the module is imported but the name does not exist in it.
        """
        origin = self.origin
        if isinstance(origin, str):
            origin = resolve_dotted(origin, import_modules=import_modules)
            if origin is None:
                return None
        args = []
        for arg in self.args:
            resolved = arg.resolve(import_modules=import_modules)
            if resolved is None:
                return None
            args.append(resolved)
        return TypeSpec(origin, tuple(args))

    def matches(self, hint: Any) -> bool:
        """Whether a resolved spec has exactly the shape of `hint` (`list[np.ndarray]`...)."""
        origin = get_origin(hint) or hint
        if origin is not self.origin:
            return False
        hint_args = get_args(hint)
        if len(hint_args) != len(self.args):
            return False
        return all(spec.matches(arg) for spec, arg in zip(self.args, hint_args))

    def __str__(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:
            origin = self.origin if isinstance(self.origin, str) else qualified_name(self.origin)
            text = f"{origin}[{', '.join(map(str, self.args))}]" if self.args else origin
            object.__setattr__(self, "_text", text)
        return text


def _parse_text(text: str, start: int) -> tuple[TypeSpec, int]:
    match = _NAME.match(text, start)
    if not match:
        raise ValueError(f"cannot parse type {text!r} at position {start}")
    position = match.end()
    args: list[TypeSpec] = []
    if position < len(text) and text[position] == "[":
        position += 1
        while True:
            arg, position = _parse_text(text, position)
            args.append(arg)
            while position < len(text) and text[position].isspace():
                position += 1
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            if position < len(text) and text[position] == "]":
                position += 1
                break
            raise ValueError(f"cannot parse type {text!r}: expected ',' or ']'")
        while position < len(text) and text[position].isspace():
            position += 1
    return TypeSpec(match.group(1), tuple(args)), position


def qualified_name(cls: type) -> str:
    """`module.qualname` of a class; builtins keep their bare name (`dict`, `str`)."""
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def object_type_name(cls: type) -> str:
    """`module.qualname` always, as recorded in `Artifact.object_type` (`builtins.dict`)."""
    return f"{cls.__module__}.{cls.__qualname__}"


def resolve_hint(hint: Any, namespace: dict[str, Any] | None = None) -> Any:
    """Turn a string hint into a real one, evaluated as Python evaluates an annotation.

    `namespace` (the function's globals) comes first; then builtins, then the names of `typing`
    (`Optional`, `Annotated`...); any other name is a module, imported when the hint uses it, and
    so are its submodules (`"numpy.ndarray"`, `"typing.Union[list, None]"`). Importing is done
    here, for unpacking, never for packagers' declared types (`TypeSpec`). Raises ValueError
    saying what failed when the hint names nothing or no type.
    """
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if not isinstance(hint, str):
        return hint
    text = hint.strip()
    if not text:
        raise ValueError(f"cannot resolve type hint {hint!r}: it is empty")
    if text.isidentifier():
        # Python 3.14 looks a bare name up in the builtins module itself, skipping the fallbacks
        # below; in parentheses the name is an expression, evaluated like any other.
        text = f"({text})"
    scope = {**(namespace or {}), "__builtins__": _Fallbacks()}

    def annotated() -> None: ...

    annotated.__annotations__ = {"hint": text}
    try:
        value = typing.get_type_hints(annotated, scope, include_extras=True)["hint"]
    except Exception as error:  # whatever the text does wrong; the user's own annotation
        where = ""
        if isinstance(error, NameError):
            where = " (not in the namespace given, a builtin, a typing name or an importable module)"
        raise ValueError(
            f"cannot resolve type hint {hint!r}: {type(error).__name__}: {error}{where}"
        ) from None
    if isinstance(value, (_Module, types.ModuleType)):
        raise ValueError(f"cannot resolve type hint {hint!r}: it names a module, not a type")
    if isinstance(value, (int, float, complex, str, bytes, list, dict, set)):  # `"3"`, `"[int]"`
        raise ValueError(f"cannot resolve type hint {hint!r}: it is the value {value!r}, not a type")
    return value


class _Fallbacks(dict):
    """The builtins of a hint's evaluation: Python's, then `typing`'s names, then modules."""

    def __init__(self) -> None:
        super().__init__(vars(builtins))

    def __missing__(self, name: str) -> Any:
        if name in typing.__all__:
            return getattr(typing, name)
        try:
            return _Module(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:  # the module exists; something it imports does not
                raise
        raise KeyError(name)


class _Module:
    """A module a hint names: its attributes, its submodules imported when a hint uses them."""

    __slots__ = ("_module",)

    def __init__(self, module: types.ModuleType) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module = self._module
        try:
            value = getattr(module, name)
        except AttributeError:
            submodule = f"{module.__name__}.{name}"
            try:
                value = importlib.import_module(submodule)
            except ModuleNotFoundError as error:
                if error.name != submodule:
                    raise
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}") from None
        return _Module(value) if isinstance(value, types.ModuleType) else value

    def __repr__(self) -> str:
        return f"<module {self._module.__name__!r}>"


def hint_members(hint: Any) -> list[Any]:
    """The alternatives a hint allows, in order: unions flattened, `Annotated[T, ...]` is T."""
    while get_origin(hint) is typing.Annotated:
        hint = get_args(hint)[0]
    if hint is None:
        return [type(None)]
    if get_origin(hint) in (Union, types.UnionType):
        members: list[Any] = []
        for arg in get_args(hint):
            members.extend(member for member in hint_members(arg) if member not in members)
        return members
    return [hint]


def is_any(hint: Any) -> bool:
    """Whether a hint member accepts anything (`Any`, `object`)."""
    return hint is Any or hint is object


def hint_origin(hint: Any) -> type | None:
    """The class a hint member stands for (`list` for `list[int]`), or None."""
    origin = get_origin(hint) or hint
    return origin if isinstance(origin, type) else None


def fits(obj: Any, hint: Any) -> bool:
    """Whether an unpacked object is what a hint member asks for.

    It is of the member's class (any object fits a member that is no class, such as `Any`), and a
    fixed-length tuple hint checks the length too: `tuple[int, int]` takes two items,
    `tuple[int, ...]` any number, `tuple[()]` none. Items are not checked.
    """
    origin = hint_origin(hint)
    if origin is None or is_any(hint):  # `Any` is a class from Python 3.11 on
        return True
    if not isinstance(obj, origin):
        return False
    items = tuple_items(hint)
    return items is None or len(obj) == len(items)
