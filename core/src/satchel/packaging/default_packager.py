"""`DefaultPackager`: the convenient base (dispatch by artifact type) and the pickling fallback."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

from satchel.errors import PackingError, UnpackingError
from satchel.packaging import pickling
from satchel.packaging.packager import Packager
from satchel.payloads.json_values import is_json_value


class _Parameters(NamedTuple):
    required: tuple[str, ...]
    optional: tuple[str, ...]
    any_keyword: bool


@functools.cache
def _parameters(function: Callable[..., Any], skip: int) -> _Parameters:
    """The keyword parameters of `function` after its first `skip` positional ones."""
    required, optional, any_keyword = [], [], False
    for parameter in list(inspect.signature(function).parameters.values())[skip:]:
        if parameter.kind is parameter.VAR_KEYWORD:
            any_keyword = True
        elif parameter.kind is not parameter.VAR_POSITIONAL:
            (required if parameter.default is parameter.empty else optional).append(parameter.name)
    return _Parameters(tuple(required), tuple(optional), any_keyword)


@functools.cache
def _supported_artifact_types(cls: type[DefaultPackager]) -> tuple[str, ...]:
    names = dir(cls)
    types = {
        name[len("pack_") :]
        for name in names
        if name.startswith("pack_") and f"un{name}" in names and callable(getattr(cls, name))
    }
    defining = next(klass for klass in cls.__mro__ if "pack_result" in vars(klass))
    if defining is not DefaultPackager or cls is DefaultPackager:
        types.add("result")
    return tuple(sorted(types))


class DefaultPackager(Packager):
    """Packs by calling `pack_<artifact_type>(obj, key, **configurations)` and unpacks by
    calling `unpack_<artifact_type>(item, **instructions)`.

    Subclass it, set `PACKABLE_OBJECT_TYPE`, and add a pair of methods per artifact type.
    As the fallback itself it pickles anything (artifact type `object`).
    """

    PACKABLE_OBJECT_TYPE = object
    DEFAULT_PACKING_ARTIFACT_TYPE = "object"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "object"

    @classmethod
    def get_supported_artifact_types(cls) -> list[str]:
        """Types with both `pack_<type>` and `unpack_<type>`, plus `result` where defined."""
        return list(_supported_artifact_types(cls))

    # -- hooks -----------------------------------------------------------------------------

    def is_packable(self, obj: Any, artifact_type: str, configurations: dict[str, Any]) -> bool:
        """Supported artifact type; as the fallback, `result` only for JSON values."""
        if artifact_type not in _supported_artifact_types(type(self)):
            return False
        if artifact_type == "result" and type(self) is DefaultPackager:
            return is_json_value(obj)
        return True

    def pack(self, obj: Any, key: str, artifact_type: str, configurations: dict[str, Any]) -> Any:
        """Validate the configurations, then call `pack_<artifact_type>`."""
        method = getattr(self, f"pack_{artifact_type}", None)
        if method is None or artifact_type not in _supported_artifact_types(type(self)):
            raise PackingError(
                f"{self._name()} cannot pack {key!r} as {artifact_type!r}; it supports "
                f"{', '.join(self.get_supported_artifact_types())}"
            )
        accepted = _parameters(getattr(type(self), f"pack_{artifact_type}"), 3)
        if (configurations or accepted.required) and not accepted.any_keyword:
            unknown = sorted(set(configurations) - set(accepted.required) - set(accepted.optional))
            missing = [name for name in accepted.required if name not in configurations]
            if unknown or missing:
                names = ", ".join(accepted.required + accepted.optional) or "none"
                problem = (
                    f"unknown configuration {', '.join(map(repr, unknown))}"
                    if unknown
                    else f"missing required configuration {', '.join(map(repr, missing))}"
                )
                raise PackingError(
                    f"{self._name()} packing {key!r} as {artifact_type!r}: {problem}; "
                    f"accepted: {names}"
                )
        return method(obj, key, **configurations)

    def unpack(self, item: Any, artifact_type: str, instructions: dict[str, Any]) -> Any:
        """Call `unpack_<artifact_type>` with the instructions it accepts."""
        method = getattr(self, f"unpack_{artifact_type}", None)
        if method is None:
            raise UnpackingError(
                f"{self._name()} cannot unpack {artifact_type!r} artifacts; it supports "
                f"{', '.join(self.get_supported_artifact_types())}"
            )
        accepted = _parameters(getattr(type(self), f"unpack_{artifact_type}"), 2)
        if accepted.any_keyword:
            kwargs = dict(instructions)
        else:
            names = set(accepted.required) | set(accepted.optional)
            kwargs = {name: value for name, value in instructions.items() if name in names}
        missing = [name for name in accepted.required if name not in kwargs]
        if missing:
            raise UnpackingError(
                f"{self._name()} needs instruction(s) {', '.join(missing)} to unpack "
                f"{getattr(item, 'key', item)!r} as {artifact_type!r}, and they were not recorded"
            )
        return method(item, **kwargs)

    # -- artifact types --------------------------------------------------------------------

    def pack_object(
        self, obj: Any, key: str, pickle_module: str = pickling.DEFAULT_PICKLE_MODULE
    ) -> tuple[Any, dict[str, Any]]:
        """Pickle the object (cloudpickle by default, or pickle)."""
        path = self.staging_path(key, ".pkl")
        return path, pickling.dump(obj, path, pickle_module)

    def unpack_object(self, item: Any, **instructions: Any) -> Any:
        """Unpickle, only an artifact recorded as `object` that is trusted and matches its hash.

        A plain file, or a payload recorded as any other type, is refused (`pickling.load`).
        """
        return pickling.load(item, item.local_path(), instructions)

    def pack_result(self, obj: Any, key: str) -> Any:
        """The object itself, when it is a JSON value (the fallback's `result`)."""
        if not is_json_value(obj):
            raise PackingError(
                f"{key!r} ({type(obj).__qualname__}) is not a JSON value, so it cannot be "
                "logged as a result; log it as an artifact (e.g. 'key:object')"
            )
        return obj

    def _name(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}"
