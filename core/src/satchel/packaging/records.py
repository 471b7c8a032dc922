"""`PackagerRecord`: one collected packager, with what selection reads on every pack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from satchel.discovery.loading import LoadProblem, PluginStatus
from satchel.packaging.declarations import Declaration
from satchel.packaging.default_packager import DefaultPackager
from satchel.packaging.packager import Packager
from satchel.packaging.tracing import traced_hook
from satchel.packaging.type_hints import TypeSpec

HOOKS = ("is_packable", "pack", "unpack")


class PackagerRecord:
    """A collected packager: its instance, bound hooks, priority, declared type and source.

    `order` is set by the registry (later wins among equal priorities); `plugin` is None for
    the default packager and for a packager loaded only to unpack an artifact. The bound hooks
    (`is_packable`, `pack`, `unpack`) are the instance's own methods, or traced wrappers of them
    once `trace()` was called (by a registry created with `SATCHEL_TRACE_PLUGINS=1`).

    A record made by `declared` (an installed plugin served from the declarations cache) has
    everything selection reads but no class yet: `load()` imports its plugin, the first time
    the type index offers it as a candidate (or something asks for `cls` or `instance`).
    `loaded` and `failed` say how that went; a failed record is never a candidate again.
    """

    cls: type[Packager]
    instance: Packager

    def __init__(
        self,
        cls: type[Packager],
        instance: Packager,
        priority: int,
        spec: TypeSpec,
        plugin: PluginStatus | None = None,
    ) -> None:
        self.priority, self.spec, self.plugin = priority, spec, plugin
        self.order = -1
        self.resolved: TypeSpec | None = None
        self.traced = self.failed = False
        self._loader: Callable[[], bool] | None = None
        self.name = f"{cls.__module__}.{cls.__qualname__}"
        self.module = cls.__module__
        self.artifact_types = tuple(cls.get_supported_artifact_types())
        self.default_artifact_type = cls.DEFAULT_PACKING_ARTIFACT_TYPE
        self.default_unpacking_type = cls.DEFAULT_UNPACKING_ARTIFACT_TYPE
        self.pack_subclasses = bool(cls.PACK_SUBCLASSES)
        # is_packable as defined by satchel's bases: a type's verdict is certain, not per object
        self.overrides_is_packable = getattr(cls, "is_packable", None) not in _BASE_IS_PACKABLE
        self.is_default = cls is DefaultPackager
        self.loaded = False
        self.bind(cls, instance)

    @classmethod
    def declared(
        cls, declaration: Declaration, plugin: PluginStatus, loader: Callable[[], bool]
    ) -> PackagerRecord:
        """A record from cached declarations; `loader()` imports the plugin and binds its records
        (True), or records the plugin's failure (False; raises for a mandatory plugin)."""
        record = _DeclaredRecord.__new__(_DeclaredRecord)
        record.priority, record.plugin = declaration.priority, plugin
        record.spec = TypeSpec.parse(declaration.spec)
        record.order, record.resolved = -1, None
        record.traced = record.failed = record.loaded = record.is_default = False
        record._loader = loader
        record.name, record.module = declaration.name, declaration.module
        record.artifact_types = declaration.artifact_types
        record.default_artifact_type = declaration.default_packing
        record.default_unpacking_type = declaration.default_unpacking
        record.pack_subclasses = declaration.pack_subclasses
        record.overrides_is_packable = declaration.overrides_is_packable
        return record  # no class, instance or hooks yet: `__getattr__` loads them when asked

    def declaration(self) -> Declaration:
        """What the declarations cache keeps of this record."""
        return Declaration(
            self.name,
            self.module,
            str(self.spec),
            self.priority,
            self.artifact_types,
            self.default_artifact_type,
            self.default_unpacking_type,
            self.pack_subclasses,
            self.overrides_is_packable,
        )

    def bind(self, cls: type[Packager], instance: Packager) -> None:
        """Give the record its class and instance (at once, or when its plugin is imported)."""
        self.cls, self.instance = cls, instance
        for hook in HOOKS:
            bound = getattr(instance, hook)
            setattr(self, hook, traced_hook(self.name, hook, bound) if self.traced else bound)
        self.loaded = True
        self.__class__ = PackagerRecord  # a plain record from now on (see `_DeclaredRecord`)

    def load(self) -> bool:
        """Import the plugin of a record made from cached declarations; whether it is usable."""
        if self.loaded:
            return True
        if self._loader is None:
            return False
        return self._loader() and self.loaded  # the loader knows a failure (and may raise it again)

    def trace(self) -> None:
        """Replace the bound hooks by wrappers that print each call (`SATCHEL_TRACE_PLUGINS`)."""
        if self.traced:
            return
        self.traced = True
        if self.loaded:
            for hook in HOOKS:
                setattr(self, hook, traced_hook(self.name, hook, getattr(self.instance, hook)))

    def decides_per_object(self, artifact_type: str) -> bool:
        """Whether packing a given type as `artifact_type` depends on the object (its `is_packable`).

        False for a packager that keeps the `is_packable` of satchel's bases (which only checks
        the artifact type), except the default packager's `result`, for JSON values only.
        """
        if self.overrides_is_packable:
            return True
        return self.is_default and artifact_type == "result"

    @property
    def distribution(self) -> str | None:
        """The distribution it was collected from (None: custom, default or not collected)."""
        return None if self.plugin is None else self.plugin.distribution

    @property
    def source(self) -> str:
        """Where it comes from: its distribution, `custom`, or `default`."""
        if self.plugin is None:
            return "default" if self.is_default else "not collected"
        return self.plugin.distribution or "custom"

    def describe(self) -> dict[str, Any]:
        """What `satchel plugins --json` shows for one packager."""
        return {
            "class": self.name,
            "priority": self.priority,
            "type": str(self.spec),
            "pack_subclasses": self.pack_subclasses,
            "artifact_types": list(self.artifact_types),
            "default_artifact_type": self.default_artifact_type,
        }

    def __repr__(self) -> str:
        state = "loaded" if self.loaded else "failed" if self.failed else "not imported yet"
        return f"<PackagerRecord {self.name} priority {self.priority} ({state})>"


class _DeclaredRecord(PackagerRecord):
    """A record from cached declarations until its plugin is imported (`bind` then makes it a
    plain `PackagerRecord`): asking it for its class, instance or hooks imports the plugin.

    Only this class has a `__getattr__`: on any class that has one, Python cannot specialize
    attribute reads, and the records' attributes are read on every pack.
    """

    def __getattr__(self, name: str) -> Any:
        # only reached for what a record gets from its imported class (the type index imports
        # the plugin before offering the record to anyone)
        if name in _LOADED_ATTRIBUTES and "_loader" in self.__dict__:
            if self.load():
                return self.__dict__[name]
            reason = self.plugin.reason if self.plugin is not None else None
            raise LoadProblem(f"packager {self.name} could not be loaded: {reason}")
        raise AttributeError(name)


_BASE_IS_PACKABLE = (Packager.is_packable, DefaultPackager.is_packable)
_LOADED_ATTRIBUTES = frozenset({"cls", "instance", *HOOKS})
