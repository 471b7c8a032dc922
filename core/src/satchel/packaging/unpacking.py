"""Unpacking an `Artifact`, a path or a URI back into an object, guided by a type hint."""

from __future__ import annotations

import os
from typing import Any

from satchel.errors import UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.call import CURRENT, Call
from satchel.packaging.records import PackagerRecord
from satchel.packaging.registry import Registry
from satchel.packaging.type_hints import fits, hint_members, hint_origin, is_any, resolve_hint
from satchel.packaging.workspace import Workspace

_NONE_TYPE = type(None)
_SHOWN = 6  # plain-file readers named in an error


class Unpacker:
    """Unpacks artifacts and paths with the packagers of a registry, scratch files in a workspace."""

    def __init__(self, registry: Registry, workspace: Workspace) -> None:
        self._registry = registry
        self._workspace = workspace
        if registry.tracing:
            workspace.trace_clearing()

    def unpack(self, source: Any, type_hint: Any = None) -> Any:
        """The object for `source` (see `PackagersManager.unpack`)."""
        members = [] if type_hint is None else hint_members(_resolve(type_hint))
        if source is None:
            if not members or _NONE_TYPE in members or any(map(is_any, members)):
                return None
            raise UnpackingError(f"got None for a {_hint_text(type_hint)} input")
        item = self._as_artifact(source)
        if item.size is not None:
            item.check_size()
        members = [member for member in members if member is not _NONE_TYPE]
        if not members or any(map(is_any, members)):
            if item.packager is None:
                return source
            record = self._registry.packed_by(item)
            return self._unpack_with(record, item, item.kind, item.instructions, None)
        attempts: list[str] = []
        refused: list[str] = []
        stored = None
        if item.packager is not None:
            try:
                stored = self._registry.packed_by(item)
            except UnpackingError as error:
                attempts.append(str(error))
        tried = 0
        for record, member, artifact_type, instructions in self._registry.unpack_candidates(
            stored, item, members, refused
        ):
            tried += 1
            try:
                obj = self._unpack_with(record, item, artifact_type, instructions, member)
            except Exception as error:
                attempts.append(f"{record.name} as {artifact_type!r}: {type(error).__name__}: {error}")
                continue
            if not fits(obj, member):
                attempts.append(f"{record.name} as {artifact_type!r}: {_misfit(obj, member)}")
                continue
            return obj
        lines = "\n".join(f"  - {line}" for line in [*attempts, *refused]) or "  (no packager matches)"
        note = _never_unpickled(item, type_hint, members, tried, self._registry) if refused else ""
        raise UnpackingError(f"cannot unpack {item.key!r} as {_hint_text(type_hint)}; tried:\n{lines}{note}")

    def _as_artifact(self, source: Any) -> Artifact:
        if isinstance(source, Artifact):
            return source
        if isinstance(source, (str, os.PathLike)):
            text = os.fspath(source)
            if isinstance(text, str) and text.startswith("store://"):
                raise UnpackingError(
                    f"cannot resolve {text!r}: this manager has no store; load store URIs "
                    "through satchel's runs"
                )
            self._workspace.protect(text)
            return Artifact.from_path(text)
        raise UnpackingError(
            f"cannot unpack a {type(source).__qualname__}: give an Artifact, a path or a URI"
        )

    def _unpack_with(
        self,
        record: PackagerRecord,
        item: Artifact,
        artifact_type: str | None,
        instructions: dict[str, Any],
        hint: Any,
    ) -> Any:
        if artifact_type is None:
            raise UnpackingError(f"artifact {item.key!r} records no artifact type")
        call = Call(self._workspace, item.key, hint, reader=record.name, artifact_type=artifact_type)
        token = CURRENT.set(call)
        try:
            return record.unpack(item, artifact_type, dict(instructions))
        finally:
            CURRENT.reset(token)


def _never_unpickled(
    item: Artifact, type_hint: Any, members: list[Any], tried: int, registry: Registry
) -> str:
    """Why packagers were left out (the payload was never a pickle), and what would work."""
    hint = _hint_text(type_hint)
    if item.kind is None:
        text = (
            f"\n{item.key!r} is a plain file, and a plain file is never unpickled (a pickle can run any "
            "code): only payloads satchel recorded as 'object' are."
        )
        if tried:
            return text
        results = any("result" in r.artifact_types for m in members for r in registry.index.for_hint(m))
        source = "from a result, or from" if results else "only from"
        text += f" {hint} is read back {source} an 'object' artifact satchel packed."
        readers = registry.plain_file_readers()
        if not readers:
            return text + " No packager collected here reads files (install a family: satchel-builtins)."
        more = len(readers) - _SHOWN
        shown = ", ".join(readers[:_SHOWN]) + (f" and {more} more" if more > 0 else "")
        return text + f" To read this file, hint a type whose packager reads files: {shown}."
    by = f" by {item.packager}" if item.packager else ""
    text = (
        f"\n{item.key!r} was recorded as {item.kind!r}{by}, so it is never unpickled: only payloads "
        "recorded as 'object' are."
    )
    if item.object_type and not tried:
        text += f" Unpack it as the type it was packed from ({item.object_type}), or with no hint."
    return text


def _resolve(type_hint: Any) -> Any:
    try:
        return resolve_hint(type_hint)
    except ValueError as error:
        raise UnpackingError(str(error)) from None


def _misfit(obj: Any, member: Any) -> str:
    """Why `obj` does not fit `member`: of another class, or a tuple of another length."""
    origin = hint_origin(member)
    kind = type(obj).__qualname__
    if origin is not None and isinstance(obj, origin):  # the class is right, the length is not
        count = len(obj)
        return f"gave a {kind} of {count} item{'' if count == 1 else 's'}, not a {member!r}"
    return f"gave a {kind}, not a {_hint_text(origin)}"


def _hint_text(hint: Any) -> str:
    if isinstance(hint, str):
        return hint
    if isinstance(hint, type):  # a plain class; `list[int]` and unions keep their arguments
        return hint.__qualname__
    return repr(hint)
