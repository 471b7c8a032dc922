"""The payload toolkit: public for plugin authors, and imports nothing of the packaging core.

- `hash_path`, `payload_size`: BLAKE3 digests and sizes as `Artifact.hash` and `.size` record them;
- `pack_path`, `unpack_path`, `archive_format_of`, `ARCHIVE_FORMATS`: files as they are, folders as
  reproducible archives, extracted with every member checked first (the `path` artifact type);
- `copy_payload`, `remove_payload`: copy a file or folder payload (links kept as links), remove one;
- `is_json_value`: whether a value can be logged as a result or stored as instructions;
- `tuple_items`: the item hints of a fixed-length tuple hint (`tuple[()]` alike on every Python);
- `text_preview`, `json_preview`, `path_preview`: capped, JSON-safe previews of text, builtins
  values and files or folders, for a packager's `preview` hook (module `previews`).
"""

from typing import Any

from satchel.payloads.hashing import copy_payload, hash_path, payload_size, remove_payload
from satchel.payloads.hints import tuple_items
from satchel.payloads.json_values import is_json_value

#: Imported on first use: archives need shutil and friends, which `import satchel` does not.
_ARCHIVE_NAMES = frozenset({"ARCHIVE_FORMATS", "archive_format_of", "pack_path", "unpack_path"})
_PREVIEW_NAMES = frozenset({"json_preview", "path_preview", "text_preview"})


def __getattr__(name: str) -> Any:
    if name in _ARCHIVE_NAMES:
        from satchel.payloads import archives

        value = getattr(archives, name)
        globals()[name] = value
        return value
    if name in _PREVIEW_NAMES:
        from satchel.payloads import previews

        value = getattr(previews, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'satchel.payloads' has no attribute {name!r}")


__all__ = [
    "ARCHIVE_FORMATS",
    "archive_format_of",
    "copy_payload",
    "hash_path",
    "is_json_value",
    "json_preview",
    "pack_path",
    "path_preview",
    "payload_size",
    "remove_payload",
    "text_preview",
    "tuple_items",
    "unpack_path",
]
