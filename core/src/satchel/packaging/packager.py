"""`Packager`: the abstract base every packager subclasses, with the helpers core gives it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from satchel.errors import ClearingError, SatchelError
from satchel.packaging.call import NO_DEFAULT, current_call
from satchel.packaging.type_hints import hint_origin


class Packager(ABC):
    """Packs objects of one type (or family) into artifacts and unpacks them back.

    Its methods `is_packable`, `pack`, `unpack` and `clear` are its hook implementations (see
    `satchel.hookspecs`). Each manager makes its own instance when it collects the class (the
    runs of one process share theirs; an artifact whose packager was not collected gets a fresh
    one). That instance serves many calls, from any thread, so it keeps no per-call state: use
    `staging_path`, `add_future_clearing_path`, `result_of`, `type_hint` and `hinted_class`,
    which read the call in progress (from the thread running the hook: a worker thread you start
    must be handed the paths it needs).
    """

    #: The type packed: a class, a dotted string (``"numpy.ndarray"``) resolved only once its
    #: top-level module is imported, or a generic shape string (``"list[numpy.ndarray]"``).
    #: Every collected class needs one: its own, or inherited from any base but satchel's own
    #: `Packager` and `DefaultPackager` (so subclassing a packager to change a default works).
    PACKABLE_OBJECT_TYPE: ClassVar[Any] = None
    #: Pack subclasses of `PACKABLE_OBJECT_TYPE` too (default: the exact type only).
    PACK_SUBCLASSES: ClassVar[bool] = False
    #: 1 (most important) to 10; None means 5 for installed plugins, 3 for custom packagers.
    PRIORITY: ClassVar[int | None] = None
    #: Artifact type used when the log hint names none.
    DEFAULT_PACKING_ARTIFACT_TYPE: ClassVar[str] = "object"
    #: Artifact type used to unpack a plain file made outside satchel, or an artifact of a type
    #: this packager does not support. Never used when it is `object` (a pickle): only a payload
    #: recorded as `object` is ever unpickled, so such a packager reads no plain file.
    DEFAULT_UNPACKING_ARTIFACT_TYPE: ClassVar[str] = "object"

    @classmethod
    def get_supported_artifact_types(cls) -> list[str]:
        """The artifact types this packager packs; override when there are others."""
        return sorted({cls.DEFAULT_PACKING_ARTIFACT_TYPE, cls.DEFAULT_UNPACKING_ARTIFACT_TYPE})

    # -- hooks -----------------------------------------------------------------------------

    def is_packable(self, obj: Any, artifact_type: str, configurations: dict[str, Any]) -> bool:
        """Whether `obj` (already of a matching type) can be packed as `artifact_type`."""
        return artifact_type in self.get_supported_artifact_types()

    @abstractmethod
    def pack(self, obj: Any, key: str, artifact_type: str, configurations: dict[str, Any]) -> Any:
        """Return the result value, or `(path, instructions)` for an artifact."""

    @abstractmethod
    def unpack(self, item: Any, artifact_type: str, instructions: dict[str, Any]) -> Any:
        """Return the object stored in the artifact `item`."""

    def clear(self, paths: list[str]) -> None:
        """Delete the registered paths (files or folders); missing ones are already clear."""
        import shutil

        for path in paths:
            target = Path(path)
            try:
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink(missing_ok=True)
            except OSError as error:
                raise ClearingError(
                    f"{type(self).__qualname__} could not clear {path}: {error}"
                ) from error

    # -- helpers for the call in progress --------------------------------------------------

    def staging_path(self, key: str, suffix: str = "") -> Path:
        """Where to write a payload: a path named after `<key><suffix>` that no other call uses
        (the same path for the same arguments within one call), for a file or a folder you create.

        It is in satchel's scratch folder, on the store's filesystem, so the payload is moved
        into place by a rename. While unpacking, it is a scratch path (for extracting, say) that
        satchel removes when the run or manager is cleared.
        """
        return current_call("staging_path").path(f"{key}{suffix}")

    def add_future_clearing_path(self, path: str | Path) -> None:
        """Delete `path` when the current run (or manager) ends, whether it succeeded or not."""
        call = current_call("add_future_clearing_path")
        call.workspace.register_clearing(self, Path(path))

    def result_of(self, value: Any, key: str, default: Any = NO_DEFAULT) -> Any:
        """The JSON value `value` logs as inside the result this packager is packing.

        For a container's items that are not JSON values: `value` is logged as it would be on
        its own, by the packager the manager chooses for it, when that packager's artifact type
        for it is `result` (a numpy scalar: the equal Python scalar). Otherwise `default` is
        returned or, without one, a `PackingError` says how `value` would be packed instead.
        `key` names `value` in messages (``"metrics['acc']"``). Only while packing.
        """
        nested = current_call("result_of").nested_result
        if nested is None:
            raise SatchelError("result_of can only be used while satchel is packing, not unpacking")
        return nested(value, key, default)

    @property
    def type_hint(self) -> Any:
        """The type hint being served by the `unpack` call in progress (None: no hint)."""
        return current_call("type_hint").type_hint

    @property
    def hinted_class(self) -> type | None:
        """The class the served type hint stands for (`list` for `list[int]`), or None."""
        return hint_origin(current_call("hinted_class").type_hint)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__qualname__}>"
