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
    everything selection reads but no class yet: `load()` imports its plugin, which the type
    index does before offering the record to anyone, and `Registry.get` before returning it;
    reading `cls` or `instance`, or calling a hook, does it too. `loaded` and `failed` say how
    that went; a failed record is never a candidate again.

    Both kinds are plain instances of this one class, their attributes set in one order
    (`_fill`), so Python specializes the attribute reads of the pack path for all of them
    alike (a `__getattr__`, a subclass or a `__class__` change would each cost that; the
    `cls` and `instance` properties are not read when packing).
    """

    def __init__(
        self,
        cls: type[Packager],
        instance: Packager,
        priority: int,
        spec: TypeSpec,
        plugin: PluginStatus | None = None,
    ) -> None:
        self._fill(
            priority,
            spec,
            plugin,
            None,
            f"{cls.__module__}.{cls.__qualname__}",
            cls.__module__,
            tuple(cls.get_supported_artifact_types()),
            cls.DEFAULT_PACKING_ARTIFACT_TYPE,
            cls.DEFAULT_UNPACKING_ARTIFACT_TYPE,
            bool(cls.PACK_SUBCLASSES),
            # is_packable as defined by satchel's bases: a type's verdict is certain, not per object
            getattr(cls, "is_packable", None) not in _BASE_IS_PACKABLE,
            cls is DefaultPackager,
        )
        self.bind(cls, instance)

    @classmethod
    def declared(
        cls, declaration: Declaration, plugin: PluginStatus, loader: Callable[[], bool]
    ) -> PackagerRecord:
        """A record from cached declarations; `loader()` imports the plugin and binds its records
        (True), or records the plugin's failure (False; raises for a mandatory plugin)."""
        record = cls.__new__(cls)
        record._fill(
            declaration.priority,
            TypeSpec.parse(declaration.spec),
            plugin,
            loader,
            declaration.name,
            declaration.module,
            declaration.artifact_types,
            declaration.default_packing,
            declaration.default_unpacking,
            declaration.pack_subclasses,
            declaration.overrides_is_packable,
            False,
        )
        return record

    def _fill(
        self,
        priority: int,
        spec: TypeSpec,
        plugin: PluginStatus | None,
        loader: Callable[[], bool] | None,
        name: str,
        module: str,
        artifact_types: tuple[str, ...],
        default_artifact_type: str,
        default_unpacking_type: str,
        pack_subclasses: bool,
        overrides_is_packable: bool,
        is_default: bool,
    ) -> None:
        """Every attribute, always in this order (see the class docstring)."""
        self.priority, self.spec, self.plugin = priority, spec, plugin
        self.order = -1
        self.resolved: TypeSpec | None = None
        self.traced = self.failed = self.loaded = False
        self._loader = loader
        self.name, self.module = name, module
        self.artifact_types = artifact_types
        self.default_artifact_type = default_artifact_type
        self.default_unpacking_type = default_unpacking_type
        self.pack_subclasses = pack_subclasses
        self.overrides_is_packable = overrides_is_packable
        self.is_default = is_default
        self._cls: type[Packager] | None = None
        self._instance: Packager | None = None
        self.is_packable = self._importing_hook("is_packable")
        self.pack = self._importing_hook("pack")
        self.unpack = self._importing_hook("unpack")

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
        self._cls, self._instance = cls, instance
        for hook in HOOKS:
            bound = getattr(instance, hook)
            setattr(self, hook, traced_hook(self.name, hook, bound) if self.traced else bound)
        self.loaded = True

    def load(self) -> bool:
        """Import the plugin of a record made from cached declarations; whether it is usable."""
        if self.loaded:
            return True
        if self._loader is None:
            return False
        return self._loader() and self.loaded  # the loader knows a failure (and may raise it again)

    @property
    def cls(self) -> type[Packager]:
        """The packager class (its plugin imported first when it is not yet)."""
        if self._cls is None:
            self._import()
        return self._cls  # type: ignore[return-value]

    @property
    def instance(self) -> Packager:
        """The instance whose hooks are called (its plugin imported first when it is not yet)."""
        if self._instance is None:
            self._import()
        return self._instance  # type: ignore[return-value]

    def _import(self) -> None:
        if not self.load():
            reason = self.plugin.reason if self.plugin is not None else None
            raise LoadProblem(f"packager {self.name} could not be loaded: {reason}")

    def _importing_hook(self, hook: str) -> Callable[..., Any]:
        """What a hook is until the plugin is imported: import it, then call the real hook."""

        def call(*args: Any) -> Any:
            self._import()
            return getattr(self, hook)(*args)

        return call

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


_BASE_IS_PACKABLE = (Packager.is_packable, DefaultPackager.is_packable)

