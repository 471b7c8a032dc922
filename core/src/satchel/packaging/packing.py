"""Packing outputs by their log hints: each value to the chosen packager, then to an `Artifact`
(or a result), with the payload hashed once, right after it was written."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from satchel.errors import PackingError, SatchelError, SatchelPluginWarning, SatchelWarning
from satchel.packaging.artifact import Artifact
from satchel.packaging.call import CURRENT, NO_DEFAULT, Call
from satchel.packaging.log_hints import (
    LogHint,
    LogHintLike,
    check_key,
    parse_log_hint,
    parse_log_hints,
    split_outputs,
)
from satchel.packaging.records import PackagerRecord
from satchel.packaging.registry import Registry
from satchel.packaging.timestamps import now
from satchel.packaging.tracing import traced_hook
from satchel.packaging.type_hints import object_type_name
from satchel.packaging.versions import distribution_of, python_version
from satchel.packaging.workspace import Workspace
from satchel.payloads.hashing import copy_payload, hash_path
from satchel.payloads.json_values import is_json_value

_NO_CONFIGURATIONS: Mapping[str, Any] = {}
#: The largest preview recorded, in bytes of its JSON text: a preview is for a page, not a copy.
PREVIEW_LIMIT = 64 * 1024


class Packer:
    """Packs values into a workspace with the packagers of a registry."""

    def __init__(self, registry: Registry, workspace: Workspace) -> None:
        self._registry = registry
        self._workspace = workspace
        self._nested = self.nested_result  # bound once: every call packed carries it
        if registry.tracing:
            workspace.trace_clearing()

    def pack(self, obj: Any, log_hint: LogHintLike | Sequence[LogHintLike | None]) -> Any:
        """An `Artifact`, a `{key: value}` result, or a list of them (see `PackagersManager.pack`)."""
        if isinstance(log_hint, (list, tuple)):
            pairs = split_outputs(obj, parse_log_hints(log_hint))
            return self._pack_many([(value, hint) for hint, value in pairs])
        hint = parse_log_hint(log_hint)
        return self._pack_one(obj, hint) if hint.star == 0 else self._pack_hint(obj, hint)

    def _pack_hint(self, obj: Any, hint: LogHint) -> Any:
        if hint.star == 0:
            return self._pack_one(obj, hint)
        bad_keys: list[str] = []
        if hint.star == 1:
            if isinstance(obj, (str, bytes, bytearray, Mapping)) or not isinstance(obj, Iterable):
                suggestion = " (use '**' for each value of a dict)" if isinstance(obj, Mapping) else ""
                raise PackingError(
                    f"'*{hint.key}' logs each item of an iterable, but {hint.key!r} is a "
                    f"{type(obj).__qualname__}{suggestion}"
                )
            pairs = [(value, hint.with_key(f"{hint.key}{i}")) for i, value in enumerate(obj)]
        else:
            if not isinstance(obj, Mapping):
                raise PackingError(
                    f"'**{hint.key}' logs each value of a dict, but {hint.key!r} is a "
                    f"{type(obj).__qualname__}"
                )
            pairs = []
            for name, value in obj.items():
                key = f"{hint.key}{name}"
                try:
                    check_key(key)
                except SatchelError as error:  # the other values are still logged
                    bad_keys.append(f"'**{hint.key}': {error}")
                    continue
                pairs.append((value, hint.with_key(key)))
        if not pairs and not bad_keys:
            warnings.warn(
                f"{'*' * hint.star}{hint.key!r} got an empty {type(obj).__qualname__}; "
                "nothing was logged",
                SatchelWarning,
                stacklevel=4,
            )
        return self._pack_many(pairs, bad_keys)

    def _pack_many(self, pairs: list[tuple[Any, LogHint]], failures: list[str] | None = None) -> list[Any]:
        outputs: list[Any] = []
        failures = list(failures or ())
        for value, hint in pairs:
            try:
                packed = self._pack_hint(value, hint)
            except SatchelError as error:
                failures.append(str(error))
                continue
            outputs.extend(packed) if isinstance(packed, list) else outputs.append(packed)
        if failures:
            raise PackingError("; ".join(failures), outputs=outputs)
        return outputs

    def _pack_one(self, obj: Any, hint: LogHint) -> Any:
        key = hint.key
        record, artifact_type = self._registry.choose(obj, hint.artifact_type, hint.configurations, key)
        if artifact_type != "result" and (
            isinstance(obj, os.PathLike) or (artifact_type == "path" and isinstance(obj, str))
        ):
            self._workspace.protect(os.fspath(obj))  # the user's own path: never cleared
        configurations = dict(hint.configurations) if hint.configurations else {}
        call = Call(self._workspace, key, None, self._nested)
        token = CURRENT.set(call)
        try:
            out = record.pack(obj, key, artifact_type, configurations)
        except SatchelError:
            raise
        except Exception as error:
            raise _failed(record, obj, key, artifact_type, error) from error
        finally:
            CURRENT.reset(token)
        if artifact_type == "result":
            if not is_json_value(out):
                raise _not_json(record, key, out)
            return {key: out}
        return self._artifact(record, obj, key, artifact_type, out, call)

    def nested_result(self, obj: Any, key: str, default: Any = NO_DEFAULT) -> Any:
        """The JSON value `obj` logs as inside a result being packed (`Packager.result_of`).

        `obj` is logged as it would be on its own: by the packager chosen for it with its default
        artifact type, when that is `result`. Otherwise `default` is returned or, without one, a
        `PackingError` says how `obj` would be packed instead. Runs inside the current call.
        """
        record, artifact_type = self._registry.choose(obj, None, _NO_CONFIGURATIONS, key)
        if artifact_type != "result":
            if default is not NO_DEFAULT:
                return default
            kind = type(obj)
            raise PackingError(
                f"result {key!r} is a {kind.__module__}.{kind.__qualname__}, which {record.name} "
                f"packs as {artifact_type!r}, not as a result, so it cannot be logged inside "
                "one; log it on its own (a '**' log hint logs each value of a dict by itself)"
            )
        try:
            out = record.pack(obj, key, "result", {})
        except SatchelError:
            raise
        except Exception as error:
            raise _failed(record, obj, key, "result", error) from error
        if not is_json_value(out):
            raise _not_json(record, key, out)
        return out

    def _artifact(
        self, record: PackagerRecord, obj: Any, key: str, artifact_type: str, out: Any, call: Call
    ) -> Artifact:
        if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
            raise PackingError(
                f"{record.name}.pack must return (path, instructions) for {artifact_type!r} "
                f"artifacts, got {type(out).__qualname__}"
            )
        payload, instructions = out
        if not is_json_value(instructions):
            raise PackingError(f"{record.name}: the instructions for {key!r} are not JSON-able")
        path = Path(os.fspath(payload))
        if not path.exists():
            raise PackingError(f"{record.name} returned payload {path} for {key!r}, which does not exist")
        if not self._workspace.owns(path):  # written elsewhere: copy it in, never move it
            target = call.path(path.name or key)
            copy_payload(path, target)
            path = target
        # one pass right after the write, from the page cache; measured faster here than hashing
        # while writing (in a thread or cache-hot steps): BLAKE3's threads win
        digest, size = hash_path(path)
        preview = _preview(record, obj, key, artifact_type)
        return Artifact(
            key=key,
            kind=artifact_type,
            packager=record.name,
            object_type=object_type_name(type(obj)),
            instructions=instructions,
            hash=digest,
            size=size,
            versions=_versions(record, obj),
            created=now(),
            trusted=True,
            path=str(path),
            preview=preview,
        )


def _preview(record: PackagerRecord, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
    """The packager's `preview` of `obj` (the optional hook), checked; None when it has none.

    Read off the instance, not bound on the record: the record's layout is tuned for selection,
    and the plugin is imported already (it just packed). A preview never fails the pack: one that
    raises, is not a dict of JSON values, or is over `PREVIEW_LIMIT` is dropped with a
    `SatchelPluginWarning` naming the packager. What is kept is its parsed JSON (tuples become
    lists), so the artifact holds exactly what a store gives back.
    """
    hook = getattr(record.instance, "preview", None)
    if hook is None:
        return None
    if record.traced:
        hook = traced_hook(record.name, "preview", hook)
    try:
        preview = hook(obj, key, artifact_type)
        if preview is None:
            return None
        if type(preview) is not dict:
            problem = f"returned a {type(preview).__qualname__}, not a dict"
        elif not is_json_value(preview):
            problem = "returned a dict that is not JSON-able"
        else:
            return _checked_preview(preview)
    except _NotJSONError as error:
        problem = str(error)
    except Exception as error:  # the plugin's own code
        problem = f"raised {type(error).__name__}: {error}"
    warnings.warn(
        f"{record.name}.preview {problem} for {key!r}; the artifact is recorded without a preview",
        SatchelPluginWarning,
        stacklevel=2,
    )
    return None


class _NotJSONError(Exception):
    """A preview that cannot be recorded as it is."""


def _checked_preview(preview: dict[str, Any]) -> dict[str, Any]:
    """The preview as JSON gives it back, or `_NotJSONError` (NaN or infinity, over the limit)."""
    try:
        text = json.dumps(preview, allow_nan=False, separators=(",", ":"))
    except ValueError as error:
        raise _NotJSONError(f"returned a dict that is not JSON ({error})") from None
    if len(text) > PREVIEW_LIMIT:
        raise _NotJSONError(f"returned {len(text)} bytes of JSON, over the {PREVIEW_LIMIT} allowed")
    return json.loads(text)  # type: ignore[no-any-return]


def _failed(record: PackagerRecord, obj: Any, key: str, artifact_type: str, error: Exception) -> PackingError:
    return PackingError(
        f"{record.name} failed to pack {key!r} ({type(obj).__qualname__}) as "
        f"{artifact_type!r}: {type(error).__name__}: {error}"
    )


def _not_json(record: PackagerRecord, key: str, out: Any) -> PackingError:
    return PackingError(
        f"{record.name} returned a {type(out).__qualname__} for result {key!r}, which is not a JSON value"
    )


def _versions(record: PackagerRecord, obj: Any) -> dict[str, str]:
    versions = {"python": python_version()}
    plugin = record.plugin
    if plugin is not None and plugin.distribution and plugin.version:
        versions[plugin.distribution] = plugin.version
    else:
        found = distribution_of(record.module)
        if found:
            versions[found[0]] = found[1]
    top = type(obj).__module__.partition(".")[0]
    version = getattr(sys.modules.get(top), "__version__", None)
    if top != "builtins" and isinstance(version, str):
        versions[top] = version
    return versions
