"""`PackagersManager`: collects packagers, picks one per output, packs, unpacks and clears."""

from __future__ import annotations

import itertools
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from satchel.artifact import Artifact
from satchel.collection import (
    CollectionProblem,
    PackagerRecord,
    PluginStatus,
    check_class,
    load_classes,
    new_plugin_manager,
    register,
)
from satchel.context import CURRENT, Call
from satchel.default_packager import DefaultPackager, is_json_value
from satchel.discovery import find_entry_points
from satchel.errors import (
    PackagerCollectionError,
    PackingError,
    SatchelError,
    SatchelPluginWarning,
    SatchelWarning,
    UnpackingError,
)
from satchel.explanation import Explanation
from satchel.hashing import copy_payload, hash_path
from satchel.log_hints import LogHint, LogHintLike, check_key, parse_log_hint, parse_log_hints, split_outputs
from satchel.selection import TypeIndex, unpack_candidates
from satchel.type_hints import (
    hint_members,
    hint_origin,
    is_any,
    object_type_name,
    resolve_dotted,
    resolve_hint,
)
from satchel.versions import distribution_of, python_version
from satchel.workspace import Workspace

INSTALLED_PRIORITY = 5
CUSTOM_PRIORITY = 3
_NONE_TYPE = type(None)


class PackagersManager:
    """Collects the installed packager plugins (and any custom ones) and uses them.

    Mandatory plugins that fail to collect raise `PackagerCollectionError` here; optional
    ones are skipped with a `SatchelPluginWarning`. Used on its own (outside a run) it writes
    payloads to a temporary folder that `clear()` removes.
    """

    def __init__(self, *, installed: bool = True, workspace: Workspace | None = None) -> None:
        self._plugin_manager = new_plugin_manager()
        self._index = TypeIndex()
        self._records: dict[str, PackagerRecord] = {}
        self._plugins: list[PluginStatus] = []
        self._order = itertools.count()
        self._workspace = workspace if workspace is not None else Workspace()
        spec = check_class(DefaultPackager, 10)[1]
        self._default = PackagerRecord(DefaultPackager, DefaultPackager(), 10, -1, spec)
        register(self._plugin_manager, self._default.instance, self._default.name)
        if installed:
            self._collect_installed()

    def __enter__(self) -> PackagersManager:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.clear()

    # -- collection --------------------------------------------------------------------------

    @property
    def plugins(self) -> list[PluginStatus]:
        """Every plugin source tried so far, loaded or failed, in collection order."""
        return list(self._plugins)

    @property
    def packagers(self) -> list[PackagerRecord]:
        """The collected packagers, most important first; the default packager last."""
        records = sorted(self._records.values(), key=lambda r: (r.priority, -r.order))
        return [*records, self._default]

    def collect_packagers(
        self,
        packagers: Iterable[type | str] | type | str,
        default_priority: int = CUSTOM_PRIORITY,
        mandatory: bool = False,
    ) -> None:
        """Collect custom packagers: classes, `"pkg.mod.Class"` or `"pkg.mod.*"`.

        A failure warns and skips; with `mandatory=True` it raises `PackagerCollectionError`
        naming every failed item (after collecting the others).
        """
        if isinstance(default_priority, bool) or default_priority not in range(1, 11):
            raise ValueError(f"default_priority must be an int from 1 to 10, got {default_priority!r}")
        items = [packagers] if isinstance(packagers, (str, type)) else list(packagers)
        failures = []
        for item in items:
            if isinstance(item, type):
                label = f"{item.__module__}.{item.__qualname__}"
            else:
                label = item if isinstance(item, str) else repr(item)
            status = PluginStatus(label, label, mandatory=mandatory)
            self._plugins.append(status)
            self._load(status, item, default_priority)
            if status.status != "loaded" and mandatory:
                failures.append(status)
        if failures:
            raise PackagerCollectionError(_collection_message(failures), plugins=self.plugins)

    def _collect_installed(self) -> None:
        disabled = _names_from_env("SATCHEL_DISABLE_PLUGINS")
        required = _names_from_env("SATCHEL_REQUIRE")
        failures = []
        found = set()
        for entry_point in find_entry_points():
            found.add(entry_point.name)
            status = PluginStatus(
                entry_point.name,
                entry_point.value,
                entry_point.distribution,
                entry_point.version,
                mandatory=entry_point.name in required,
            )
            self._plugins.append(status)
            if entry_point.name in disabled:
                status.status, status.reason = "disabled", "listed in SATCHEL_DISABLE_PLUGINS"
            else:
                self._load(status, entry_point.value, INSTALLED_PRIORITY)
            if status.status != "loaded" and status.mandatory:
                failures.append(status)
        for name in sorted(required - found):
            status = PluginStatus(name, "", mandatory=True, status="failed")
            status.reason = (
                "no installed distribution has a 'satchel.packagers' entry point of this name; "
                "install the plugin or remove it from SATCHEL_REQUIRE"
            )
            self._plugins.append(status)
            failures.append(status)
        if failures:
            raise PackagerCollectionError(_collection_message(failures), plugins=self.plugins)

    def _load(self, status: PluginStatus, target: Any, default_priority: int) -> None:
        records: list[PackagerRecord] = []
        try:
            for cls in load_classes(target):
                priority, spec = check_class(cls, default_priority)
                try:
                    instance = cls()
                except Exception as error:
                    raise CollectionProblem(f"{cls.__qualname__}() failed: {error!r}") from error
                record = PackagerRecord(cls, instance, priority, next(self._order), spec, status)
                previous = self._records.get(record.name)
                if previous is not None:
                    self._plugin_manager.unregister(previous.instance)
                register(self._plugin_manager, instance, record.name)
                records.append(record)
        except Exception as problem:  # isolate any plugin failure from the host
            for record in records:
                self._plugin_manager.unregister(record.instance)
            status.status = "failed"
            status.reason = str(problem) if isinstance(problem, CollectionProblem) else repr(problem)
            if status.distribution is None and isinstance(target, (str, type)):
                status.distribution, status.version = _distribution_of_target(target)
            if not status.mandatory:
                warnings.warn(
                    f"satchel plugin {status.name!r} ({_origin(status)}) was skipped: "
                    f"{status.reason}",
                    SatchelPluginWarning,
                    stacklevel=4,
                )
            return
        for record in records:
            self._records[record.name] = record
            self._index.add(record)
        status.packagers = records

    # -- packing -----------------------------------------------------------------------------

    def pack(self, obj: Any, log_hint: LogHintLike | Sequence[LogHintLike | None]) -> Any:
        """Pack `obj` under a log hint: an `Artifact`, a `{key: value}` result, or a list.

        A list of hints follows the return-value rule (two or more split a tuple). `*key` and
        `**key` hints, and lists, give a list of outputs; if some fail, the others are still
        packed and the `PackingError` carries them in `.outputs`.
        """
        if isinstance(log_hint, (list, tuple)):
            pairs = split_outputs(obj, parse_log_hints(log_hint))
            return self._pack_many([(value, hint) for hint, value in pairs])
        return self._pack_hint(obj, parse_log_hint(log_hint))

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
                stacklevel=3,
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
        record, artifact_type = self._choose(obj, hint.artifact_type, hint.configurations, key)
        if artifact_type != "result" and (
            isinstance(obj, os.PathLike) or (artifact_type == "path" and isinstance(obj, str))
        ):
            self._workspace.protect(os.fspath(obj))  # the user's own path: never cleared
        configurations = dict(hint.configurations) if hint.configurations else {}
        call = Call(self._workspace, record.instance, key)
        token = CURRENT.set(call)
        try:
            out = record.pack(obj, key, artifact_type, configurations)
        except SatchelError:
            raise
        except Exception as error:
            raise PackingError(
                f"{record.name} failed to pack {key!r} ({type(obj).__qualname__}) as "
                f"{artifact_type!r}: {type(error).__name__}: {error}"
            ) from error
        finally:
            CURRENT.reset(token)
        if artifact_type == "result":
            if not is_json_value(out):
                raise PackingError(
                    f"{record.name} returned a {type(out).__qualname__} for result {key!r}, "
                    "which is not a JSON value"
                )
            return {key: out}
        return self._artifact(record, obj, key, artifact_type, out, call)

    def _choose(
        self, obj: Any, artifact_type: str | None, configurations: Mapping[str, Any], key: str
    ) -> tuple[PackagerRecord, str]:
        for record in self._index.candidates(type(obj)):
            chosen = artifact_type or record.cls.DEFAULT_PACKING_ARTIFACT_TYPE
            try:
                packable = record.is_packable(obj, chosen, configurations)
            except Exception as error:
                raise PackingError(
                    f"{record.name}.is_packable failed for {key!r} "
                    f"({type(obj).__qualname__}): {type(error).__name__}: {error}"
                ) from error
            if packable:
                return record, chosen
        chosen = artifact_type or self._default.cls.DEFAULT_PACKING_ARTIFACT_TYPE
        if self._default.is_packable(obj, chosen, configurations):
            return self._default, chosen
        raise PackingError(
            f"no packager can pack {key!r} ({type(obj).__qualname__}) as {chosen!r}.\n"
            + str(self.explain(obj, artifact_type))
        )

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
            target = call.folder / (path.name or key)
            copy_payload(path, target)
            path = target
        # one pass right after the write, from the page cache; measured faster here than hashing
        # while writing (in a thread or cache-hot steps): BLAKE3's threads win
        digest, size = hash_path(path)
        return Artifact(
            key=key,
            kind=artifact_type,
            packager=record.name,
            object_type=object_type_name(type(obj)),
            instructions=instructions,
            hash=digest,
            size=size,
            versions=self._versions(record, obj),
            created=_now(),
            trusted=True,
            path=str(path),
        )

    def _versions(self, record: PackagerRecord, obj: Any) -> dict[str, str]:
        versions = {"python": python_version()}
        plugin = record.plugin
        if plugin is not None and plugin.distribution and plugin.version:
            versions[plugin.distribution] = plugin.version
        else:
            found = distribution_of(record.cls.__module__)
            if found:
                versions[found[0]] = found[1]
        top = type(obj).__module__.partition(".")[0]
        version = getattr(sys.modules.get(top), "__version__", None)
        if top != "builtins" and isinstance(version, str):
            versions[top] = version
        return versions

    # -- unpacking ---------------------------------------------------------------------------

    def unpack(self, source: Any, type_hint: Any = None) -> Any:
        """Turn an `Artifact` or a path back into an object, guided by `type_hint`.

        With no hint (or `Any`) an artifact is unpacked by its stored instructions and a plain
        path stays as it was given. Otherwise the packager that packed it is used when the hint
        allows, then packagers for the hint; `UnpackingError` lists every attempt.
        """
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
            record = self._stored_record(item)
            return self._unpack_with(record, item, item.kind, item.instructions, None)
        attempts: list[str] = []
        for record, member, artifact_type, instructions in self._unpack_candidates(item, members, attempts):
            try:
                obj = self._unpack_with(record, item, artifact_type, instructions, member)
            except Exception as error:
                attempts.append(f"{record.name} as {artifact_type!r}: {type(error).__name__}: {error}")
                continue
            origin = hint_origin(member)
            if origin is not None and not isinstance(obj, origin):
                attempts.append(
                    f"{record.name} as {artifact_type!r}: gave a {type(obj).__qualname__}, "
                    f"not a {origin.__qualname__}"
                )
                continue
            return obj
        tried = "\n".join(f"  - {attempt}" for attempt in attempts) or "  (no packager matches)"
        raise UnpackingError(
            f"cannot unpack {item.key!r} as {_hint_text(type_hint)}; tried:\n{tried}"
        )

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

    def _stored_record(self, item: Artifact) -> PackagerRecord:
        name = item.packager or ""
        if name == self._default.name:
            return self._default
        record = self._records.get(name)
        if record is not None:
            return record
        if not item.trusted:
            raise UnpackingError(
                f"artifact {item.key!r} was packed by {name}, which is not collected here, and "
                "it is not trusted, so its packager is not imported"
            )
        try:
            cls = resolve_dotted(name, import_modules=True)
            priority, spec = check_class(cls, CUSTOM_PRIORITY)
            return PackagerRecord(cls, cls(), priority, -1, spec)
        except Exception as error:
            raise UnpackingError(
                f"artifact {item.key!r} needs packager {name}, which cannot be loaded here: "
                f"{error}; install the plugin that provides it"
            ) from error

    def _unpack_candidates(self, item: Artifact, members: list[Any], attempts: list[str]):  # noqa: ANN202
        stored = None
        if item.packager is not None:
            try:
                stored = self._stored_record(item)
            except UnpackingError as error:
                attempts.append(str(error))
        return unpack_candidates(self._index, self._default, stored, item, members)

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
        call = Call(self._workspace, record.instance, item.key, type_hint=hint)
        token = CURRENT.set(call)
        try:
            return record.unpack(item, artifact_type, dict(instructions))
        finally:
            CURRENT.reset(token)

    # -- explaining and clearing -------------------------------------------------------------

    def explain(self, obj_or_type: Any, artifact_type: str | None = None) -> Explanation:
        """The candidates for an object (or a type), in order, which one packs it and why."""
        is_type = isinstance(obj_or_type, type)
        cls = obj_or_type if is_type else type(obj_or_type)
        explanation = Explanation(object_type=object_type_name(cls), artifact_type=artifact_type)
        for record in [*self._index.candidates(cls), self._default]:
            chosen = artifact_type or record.cls.DEFAULT_PACKING_ARTIFACT_TYPE
            if chosen not in record.artifact_types:
                verdict = f"declines: supports {', '.join(record.artifact_types)}, not {chosen!r}"
            elif is_type:
                verdict = f"supports {chosen!r}; is_packable decides for a given object"
            else:
                try:
                    ok = record.is_packable(obj_or_type, chosen, {})
                except Exception as error:  # shown, not raised: this is a diagnosis
                    ok, verdict = False, f"is_packable raised {type(error).__name__}: {error}"
                else:
                    verdict = f"packs it as {chosen!r}" if ok else f"is_packable declined {chosen!r}"
            explanation.add(record.name, record.priority, _source(record), verdict)
            if explanation.chosen is None and verdict.startswith(("packs", "supports")):
                explanation.chosen = record.name
        pending = [f"{r.name} ({r.spec})" for r in self._index.pending]
        explanation.pending = pending
        return explanation

    def clear(self) -> None:
        """Remove what packing and unpacking created here, through each packager's `clear`."""
        self._workspace.clear()


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()


def _resolve(type_hint: Any) -> Any:
    try:
        return resolve_hint(type_hint)
    except ValueError as error:
        raise UnpackingError(str(error)) from None


def _names_from_env(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


def _distribution_of_target(target: Any) -> tuple[str | None, str | None]:
    module = target.__module__ if isinstance(target, type) else target.split(":")[0]
    try:
        found = distribution_of(module)
    except Exception:  # only used to enrich an error message
        found = None
    return found if found else (None, None)


def _origin(status: PluginStatus) -> str:
    if status.distribution:
        return f"distribution {status.distribution} {status.version or ''}".rstrip()
    return "not from an installed distribution"


def _source(record: PackagerRecord) -> str:
    if record.plugin is None:
        return "default"
    return record.plugin.distribution or "custom"


def _hint_text(hint: Any) -> str:
    if isinstance(hint, str):
        return hint
    if isinstance(hint, type):  # a plain class; `list[int]` and unions keep their arguments
        return hint.__qualname__
    return repr(hint)


def _collection_message(failures: list[PluginStatus]) -> str:
    lines = [f"{len(failures)} mandatory packager plugin(s) could not be collected:"]
    for status in failures:
        lines.append(f"  - {status.name} ({_origin(status)}): {status.reason}")
    lines.append("Fix or install them, or stop requiring them (SATCHEL_REQUIRE, is_mandatory).")
    return "\n".join(lines)
