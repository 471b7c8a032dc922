"""BLAKE3 digests and sizes of payloads: one file byte for byte, or a folder as a sorted tree."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

_THREADED_FROM = 16 << 20  # below this, threads cost more than they save
_CHUNK = 1 << 20


def _hasher(size: int):  # noqa: ANN202 - blake3 is imported lazily
    from blake3 import blake3

    return blake3(max_threads=blake3.AUTO if size >= _THREADED_FROM else 1)


def _update_with_file(hasher, path: Path, size: int) -> None:  # noqa: ANN001
    if size >= _THREADED_FROM:
        hasher.update_mmap(path)
        return
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)


def hash_path(path: str | Path) -> tuple[str, int]:
    """`("blake3:<hex>", size)` of a file, or of a folder (sorted relative paths and bytes)."""
    path = Path(path)
    if path.is_dir():
        return _hash_tree(path)
    size = path.stat().st_size
    hasher = _hasher(size)
    _update_with_file(hasher, path, size)
    return "blake3:" + hasher.hexdigest(), size


def _hash_tree(folder: Path) -> tuple[str, int]:
    entries = sorted(_walk(folder), key=lambda entry: entry[0])
    total = sum(size for _, _, size in entries)
    hasher = _hasher(total)
    for relative, kind, size in entries:
        name = relative.encode("utf-8", "surrogateescape")
        full = folder / relative
        if kind == "L":
            target = os.readlink(full).encode("utf-8", "surrogateescape")
            hasher.update(b"L" + name + b"\0" + target + b"\0")
        elif kind == "D":
            hasher.update(b"D" + name + b"\0")
        else:
            hasher.update(b"F" + name + b"\0" + size.to_bytes(8, "little"))
            _update_with_file(hasher, full, size)
    return "blake3:" + hasher.hexdigest(), total


def _walk(folder: Path):  # noqa: ANN202
    """Yield (relative posix path, kind F/D/L, size) for everything under `folder`."""
    for current, dirnames, filenames in os.walk(folder):
        base = Path(current)
        for name in dirnames + filenames:
            full = base / name
            relative = full.relative_to(folder).as_posix()
            if full.is_symlink():
                yield relative, "L", 0
            elif full.is_dir():
                yield relative, "D", 0
            else:
                yield relative, "F", full.stat().st_size


def payload_size(path: str | Path) -> int:
    """The size `hash_path` reports, without reading any bytes."""
    path = Path(path)
    if path.is_dir():
        return sum(size for _, _, size in _walk(path))
    return path.stat().st_size


def copy_payload(source: str | Path, target: str | Path) -> None:
    """Copy a file or folder payload (links kept as links)."""
    import shutil

    if Path(source).is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copyfile(source, target)


_STEP = 1 << 20  # hash then write this much at a time: the bytes are still in the CPU cache


class HashingWriter(io.RawIOBase):
    """A new binary file that BLAKE3-hashes what is written to it, as it is written.

    Each write is hashed and written a megabyte at a time, so the hash reads bytes the CPU cache
    still holds and the payload is never read back. (Hashing in a worker thread beside the write
    was measured slower here: both are bound by memory bandwidth.) `on_close(path, digest,
    size)` receives the result.
    `expected_size`, when known, reserves the space up front (as `ndarray.tofile` does): on
    ext4 that makes big writes a third faster.
    """

    def __init__(
        self, path: Path, on_close: Callable[[Path, str, int], None], expected_size: int | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self._file = open(path, "xb", buffering=0)  # noqa: SIM115 - closed in close()
        self._hasher = _hasher(0)
        self._size = 0
        self._on_close = on_close
        self._reserved = 0
        if expected_size and expected_size >= _STEP and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(self._file.fileno(), 0, expected_size)
                self._reserved = expected_size
            except OSError:  # not supported by this filesystem: plain writes are fine
                pass

    @property
    def name(self) -> str:
        """The file's path, as a file object's `name`."""
        return str(self.path)

    def writable(self) -> bool:
        """Always: the file is write-only."""
        return True

    def tell(self) -> int:
        """Bytes written so far (writers such as pyarrow ask for it)."""
        return self._size

    def write(self, data: Any) -> int:
        """Write all of `data` and hash it; returns its length in bytes."""
        view = memoryview(data)
        view = view.cast("B") if view.contiguous else memoryview(view.tobytes())
        for start in range(0, len(view), _STEP):
            step = view[start : start + _STEP]
            self._hasher.update(step)
            while step:
                step = step[self._file.write(step) :]
        self._size += len(view)
        return len(view)

    def close(self) -> None:
        """Close the file and report its digest and size."""
        if not self.closed:
            if self._reserved != self._size and self._reserved:
                self._file.truncate(self._size)  # less was written than reserved
            self._file.close()
            self._on_close(self.path, "blake3:" + self._hasher.hexdigest(), self._size)
        super().close()
