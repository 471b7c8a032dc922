"""`PackagersManager`: the public face of packaging; collects packagers into its registry, then
packs, unpacks, explains and clears through it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from satchel.discovery.loading import PluginStatus
from satchel.packaging.collecting import (
    COLLECTED_FIX,
    CUSTOM_PRIORITY,
    REQUIRED_FIX,
    collect_custom,
    collect_installed,
    collection_error,
)
from satchel.packaging.explanation import Explanation
from satchel.packaging.log_hints import LogHintLike
from satchel.packaging.packing import Packer
from satchel.packaging.records import PackagerRecord
from satchel.packaging.registry import Registry
from satchel.packaging.unpacking import Unpacker
from satchel.packaging.workspace import Workspace


class PackagersManager:
    """Collects the installed packager plugins (and any custom ones) and uses them.

    Mandatory plugins that fail to collect raise `PackagerCollectionError` here; optional
    ones are skipped with a `SatchelPluginWarning`. Used on its own (outside a run) it writes
    payloads to a temporary folder that `clear()` removes.
    """

    def __init__(self, *, installed: bool = True, workspace: Workspace | None = None) -> None:
        self._registry = Registry()
        self._plugins: list[PluginStatus] = []
        self._workspace = workspace if workspace is not None else Workspace()
        self._packer = Packer(self._registry, self._workspace)
        self._unpacker = Unpacker(self._registry, self._workspace)
        if installed:
            statuses, failures = collect_installed(self._registry)
            self._plugins.extend(statuses)
            if failures:
                raise collection_error(failures, self.plugins, REQUIRED_FIX)

    def __enter__(self) -> PackagersManager:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.clear()

    @property
    def plugins(self) -> list[PluginStatus]:
        """Every plugin source tried so far, loaded, failed or disabled, in collection order."""
        return list(self._plugins)

    @property
    def packagers(self) -> list[PackagerRecord]:
        """The collected packagers, most important first; the default packager last."""
        return self._registry.packagers

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
            status = collect_custom(self._registry, item, default_priority, mandatory)
            self._plugins.append(status)
            if status.status != "loaded" and mandatory:
                failures.append(status)
        if failures:
            raise collection_error(failures, self.plugins, COLLECTED_FIX)

    def pack(self, obj: Any, log_hint: LogHintLike | Sequence[LogHintLike | None]) -> Any:
        """Pack `obj` under a log hint: an `Artifact`, a `{key: value}` result, or a list.

        A list of hints follows the return-value rule (two or more split a tuple). `*key` and
        `**key` hints, and lists, give a list of outputs; if some fail, the others are still
        packed and the `PackingError` carries them in `.outputs`.
        """
        return self._packer.pack(obj, log_hint)

    def unpack(self, source: Any, type_hint: Any = None) -> Any:
        """Turn an `Artifact` or a path back into an object, guided by `type_hint`.

        With no hint (or `Any`) an artifact is unpacked by its stored instructions and a plain
        path stays as it was given. Otherwise the packager that packed it is used when the hint
        allows, then packagers for the hint; `UnpackingError` lists every attempt.
        """
        return self._unpacker.unpack(source, type_hint)

    def explain(self, obj_or_type: Any, artifact_type: str | None = None) -> Explanation:
        """The candidates for an object (or a type), in order, which one packs it and why."""
        return self._registry.explain(obj_or_type, artifact_type)

    def clear(self) -> None:
        """Remove what packing and unpacking created here, through each packager's `clear`."""
        self._workspace.clear()
