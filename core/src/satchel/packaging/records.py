"""`PackagerRecord`: one collected packager, with what selection reads on every pack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from satchel.discovery.loading import PluginStatus
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.packager import Packager
from satchel.packaging.tracing import traced_hook
from satchel.packaging.type_hints import TypeSpec


@dataclass(eq=False)
class PackagerRecord:
    """A collected packager: its instance, bound hooks, priority, declared type and source.

    `order` is set by the registry (later wins among equal priorities); `plugin` is None for
    the default packager and for a packager loaded only to unpack an artifact. The bound hooks
    (`is_packable`, `pack`, `unpack`) are the instance's own methods, or traced wrappers of them
    once `trace()` was called (by a registry created with `SATCHEL_TRACE_PLUGINS=1`).
    """

    cls: type[Packager]
    instance: Packager
    priority: int
    spec: TypeSpec
    plugin: PluginStatus | None = None
    order: int = -1
    resolved: TypeSpec | None = None

    def __post_init__(self) -> None:
        self.name = f"{self.cls.__module__}.{self.cls.__qualname__}"
        self.is_packable = self.instance.is_packable
        self.pack = self.instance.pack
        self.unpack = self.instance.unpack
        self.artifact_types = tuple(self.cls.get_supported_artifact_types())
        self.default_artifact_type = self.cls.DEFAULT_PACKING_ARTIFACT_TYPE
        self.pack_subclasses = bool(self.cls.PACK_SUBCLASSES)
        # is_packable as defined by satchel's bases: a type's verdict is certain, not per object
        self.overrides_is_packable = getattr(self.cls, "is_packable", None) not in _BASE_IS_PACKABLE
        self.traced = False

    def trace(self) -> None:
        """Replace the bound hooks by wrappers that print each call (`SATCHEL_TRACE_PLUGINS`)."""
        if self.traced:
            return
        self.traced = True
        for hook in ("is_packable", "pack", "unpack"):
            setattr(self, hook, traced_hook(self.name, hook, getattr(self.instance, hook)))

    def decides_per_object(self, artifact_type: str) -> bool:
        """Whether packing a given type as `artifact_type` depends on the object (its `is_packable`).

        False for a packager that keeps the `is_packable` of satchel's bases (which only checks
        the artifact type), except the default packager's `result`, for JSON values only.
        """
        if self.overrides_is_packable:
            return True
        return self.cls is DefaultPackager and artifact_type == "result"

    @property
    def distribution(self) -> str | None:
        """The distribution it was collected from (None: custom, default or not collected)."""
        return None if self.plugin is None else self.plugin.distribution

    @property
    def source(self) -> str:
        """Where it comes from: its distribution, `custom`, or `default`."""
        if self.plugin is None:
            return "default" if self.cls is DefaultPackager else "not collected"
        return self.plugin.distribution or "custom"

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


_BASE_IS_PACKABLE = (Packager.is_packable, DefaultPackager.is_packable)
