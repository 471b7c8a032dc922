"""Type hints reduced to what selection needs, and `TypeSpec`: a packager's declared type.

A declared type may be a class, a dotted string resolved only once its top-level module is
imported (so collecting packagers never imports numpy or pandas), or a generic shape such as
``"dict[str, numpy.ndarray]"``.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from satchel.discovery.loading import resolve_dotted

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

    def modules(self) -> set[str]:
        """Top-level modules that must be imported before this spec can be resolved."""
        found = set()
        if isinstance(self.origin, str) and "." in self.origin:
            found.add(self.origin.partition(".")[0])
        for arg in self.args:
            found |= arg.modules()
        return found

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
        origin = self.origin if isinstance(self.origin, str) else qualified_name(self.origin)
        if not self.args:
            return origin
        return f"{origin}[{', '.join(map(str, self.args))}]"


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
    """Turn a string hint into a real one: the function's globals, a dotted path, builtins."""
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if not isinstance(hint, str):
        return hint
    text = hint.strip()
    if text == "None":  # `int | None`: builtins' None is a value, not a type
        return type(None)
    if namespace is not None:
        try:
            return eval(text, dict(namespace))  # the user's own annotation, in its own globals
        except Exception:  # not resolvable there: fall back to a dotted path, then builtins
            pass
    members = _split_union(text)
    if len(members) > 1:
        return Union[tuple(resolve_hint(member) for member in members)]  # noqa: UP007
    try:
        spec = TypeSpec.parse(text).resolve(import_modules=True)
    except (LookupError, ValueError) as error:
        raise ValueError(f"cannot resolve type hint {hint!r}: {error}") from None
    if spec is None:
        raise ValueError(f"cannot resolve type hint {hint!r}: it names no type")
    return _as_hint(spec)


def _split_union(text: str) -> list[str]:
    members, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            members.append(text[start:index].strip())
            start = index + 1
    members.append(text[start:].strip())
    return members


def _as_hint(spec: TypeSpec) -> Any:
    if not spec.args:
        return spec.origin
    args = tuple(_as_hint(arg) for arg in spec.args)
    return spec.origin[args if len(args) > 1 else args[0]]  # type: ignore[index]


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
