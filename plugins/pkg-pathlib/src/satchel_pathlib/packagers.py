"""The `Path` packager: artifact type `path` (a file as it is, a directory archived) and `object`.

This module is the `pathlib` entry point: every public `Packager` subclass here is collected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from satchel import DefaultPackager, UnpackingError, payloads


class PathPackager(DefaultPackager):
    """Packs a `pathlib.Path` (or subclass): the file byte for byte, or the directory archived.

    Unpacks to the hinted `Path` class: the stored file itself, or the archive extracted into a
    fresh scratch folder. The user's file or directory is only ever read.
    """

    PACKABLE_OBJECT_TYPE = Path
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = "path"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "path"

    def pack_path(self, obj: Path, key: str, archive_format: str = "zip") -> tuple[Path, dict[str, Any]]:
        """Stage the file as it is, or the directory as an archive (`archive_format`)."""
        return payloads.pack_path(self, obj, key, archive_format)

    def unpack_path(
        self, item: Any, is_dir: bool = False, archive_format: str | None = None, name: str | None = None
    ) -> Path:
        """The stored file (under its own name), or the directory extracted anew, as the hinted
        `Path` class."""
        local = payloads.unpack_path(self, item, is_dir, archive_format, name)
        cls = self._path_class(item)
        try:
            return cls(local)
        except Exception as error:
            raise UnpackingError(
                f"cannot make a {cls.__qualname__} for {item.key!r} from {local}: "
                f"{type(error).__name__}: {error}; hint pathlib.Path instead"
            ) from error

    def preview(self, obj: Path, key: str, artifact_type: str) -> dict[str, Any] | None:
        """As `path`: a folder's file list (the first 200, and how many), or a file's size and,
        for a text-like suffix, its first 4 KB; as `object`, the path itself."""
        if artifact_type == "path":
            return payloads.path_preview(obj)
        return payloads.text_preview(str(obj))

    def _path_class(self, item: Any) -> type[Path]:
        """The hinted Path class, else the packed one when it is already imported, else Path."""
        hint = self.type_hint
        if isinstance(hint, type) and issubclass(hint, Path):
            return hint
        recorded = _imported_class(getattr(item, "object_type", None) or "")
        if isinstance(recorded, type) and issubclass(recorded, Path):
            return recorded
        return Path


def _imported_class(dotted: str) -> Any:
    """The class `module.qualname` names, looked up only in modules already imported (no import)."""
    module_name, _, qualname = dotted.rpartition(".")
    while module_name:
        module = sys.modules.get(module_name)
        if module is not None:
            target: Any = module
            for part in qualname.split("."):
                target = getattr(target, part, None)
            return target
        module_name, _, head = module_name.rpartition(".")
        qualname = f"{head}.{qualname}"
    return None
