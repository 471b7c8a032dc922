"""Building blocks of pack-time previews (`satchel.hookspecs.preview`), for packager authors.

A preview is a small JSON object a page draws without reading the payload. These helpers make
the common kinds, capped and JSON-safe whatever they are given (NaN and infinities never reach
the JSON: they are written inside text, or left out of numbers):

- `text_preview(text)`: `{"type": "text", "text": <the first TEXT_LIMIT characters>, "chars": n,
  "truncated": bool}`;
- `json_preview(value)`: `{"type": "json", "text": <value as indented JSON text, cut at
  TEXT_LIMIT>, "truncated": bool}`; builtins containers of any size (tuples and sets as lists,
  bytes as text, other objects as `<module.Type>`, never their repr), encoded only as far as
  the limit;
- `path_preview(path)`: a folder's `{"type": "files", "files": [{"path", "size"}], "total": n,
  "bytes": n}` (the first FILES_LIMIT files: each folder's own by name, then its subfolders'),
  or a file's `{"type": "file", "name", "size"}` with its first TEXT_LIMIT characters as
  `"text"` for text-like suffixes.
"""

from __future__ import annotations

import json
import os
from typing import Any

#: Characters of text (or JSON text) a preview keeps.
TEXT_LIMIT = 4096
#: Files of a folder a preview lists.
FILES_LIMIT = 200
#: Suffixes read as text by `path_preview`.
TEXT_SUFFIXES = frozenset(
    {
        ".txt", ".md", ".rst", ".log", ".json", ".jsonl", ".csv", ".tsv", ".yaml", ".yml", ".toml",
        ".ini", ".cfg", ".xml", ".html", ".py", ".sh", ".sql",
    }
)  # fmt: skip
_MAX_DEPTH = 32
_SORT_LIMIT = 10_000  # a set larger than this is listed unsorted (sorting it would cost more)


def text_preview(text: str, limit: int = TEXT_LIMIT) -> dict[str, Any]:
    """The first `limit` characters of `text`."""
    return {"type": "text", "text": text[:limit], "chars": len(text), "truncated": len(text) > limit}


def json_preview(value: Any, limit: int = TEXT_LIMIT) -> dict[str, Any]:
    """`value` as indented JSON text, encoded only up to `limit` characters."""
    writer = _Writer(limit)
    try:
        _encode(value, writer, 0)
    except _FullError:
        pass
    text = "".join(writer.parts)
    truncated = len(text) > limit
    return {"type": "json", "text": text[:limit] + ("\n..." if truncated else ""), "truncated": truncated}


def path_preview(path: str | os.PathLike[str], limit: int = FILES_LIMIT) -> dict[str, Any] | None:
    """A folder's file list or a file's size (and first text); None when `path` is neither."""
    path = os.fspath(path)
    if os.path.isdir(path):
        files: list[dict[str, Any]] = []
        total = size = 0
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                full = os.path.join(root, name)
                try:
                    length = os.lstat(full).st_size
                except OSError:
                    continue
                total += 1
                size += length
                if len(files) < limit:
                    relative = os.path.relpath(full, path).replace(os.sep, "/")
                    files.append({"path": _safe_text(relative), "size": length})
        return {"type": "files", "files": files, "total": total, "bytes": size}
    if not os.path.isfile(path):
        return None
    found: dict[str, Any] = {
        "type": "file",
        "name": _safe_text(os.path.basename(path)),
        "size": os.path.getsize(path),
    }
    if os.path.splitext(path)[1].lower() in TEXT_SUFFIXES:
        with open(path, "rb") as handle:
            head = handle.read(TEXT_LIMIT * 4)  # UTF-8: at most 4 bytes a character
        text = head.decode("utf-8", errors="ignore")
        if "\x00" not in text:
            found.update(
                text=text[:TEXT_LIMIT], truncated=found["size"] > len(head) or len(text) > TEXT_LIMIT
            )
    return found


def _safe_text(text: str) -> str:
    """`text` without lone surrogates (undecodable file names), which JSON text cannot carry."""
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


class _FullError(Exception):
    """The preview's text is long enough: stop encoding."""


class _Writer:
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length > self.limit:
            raise _FullError


def _encode(value: Any, writer: _Writer, depth: int) -> None:
    """Write `value` as JSON text indented by 2 (builtins only; anything else by its type)."""
    if value is None or isinstance(value, bool):
        writer.write("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        try:
            writer.write(str(int(value)))
        except ValueError:  # more digits than Python writes as text
            writer.write('"<int of more than 4300 digits>"')
    elif isinstance(value, float):
        writer.write(json.dumps(float(value)))  # NaN and Infinity as Python writes them: text only
    elif isinstance(value, str):
        writer.write(_string(value[: writer.limit]))
    elif isinstance(value, (bytes, bytearray)):
        writer.write(_string(bytes(value[: writer.limit]).decode("utf-8", errors="backslashreplace")))
    elif depth >= _MAX_DEPTH:
        writer.write('"..."')
    elif isinstance(value, dict):
        _items(((_key(k), v) for k, v in value.items()), "{", "}", writer, depth)
    elif isinstance(value, (list, tuple, set, frozenset)):
        if isinstance(value, (set, frozenset)) and len(value) <= _SORT_LIMIT:
            try:
                value = sorted(value)
            except TypeError:
                pass
        _items(((None, v) for v in value), "[", "]", writer, depth)
    else:
        kind = type(value)
        writer.write(_string(f"<{kind.__module__}.{kind.__qualname__}>"))


def _items(items: Any, opening: str, closing: str, writer: _Writer, depth: int) -> None:
    inner = "\n" + "  " * (depth + 1)
    first = True
    writer.write(opening)
    for key, item in items:
        writer.write(inner if first else "," + inner)
        first = False
        if key is not None:
            writer.write(key + ": ")
        _encode(item, writer, depth + 1)
    writer.write(closing if first else "\n" + "  " * depth + closing)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _string(key[:TEXT_LIMIT])
    if key is None or isinstance(key, (bool, int, float)):
        return _string(json.dumps(key))
    kind = type(key)
    text = (
        str(key)[:200]
        if isinstance(key, (tuple, bytes, frozenset))
        else f"<{kind.__module__}.{kind.__qualname__}>"
    )
    return _string(text)


def _string(text: str) -> str:
    return json.dumps(_safe_text(text), ensure_ascii=False)
