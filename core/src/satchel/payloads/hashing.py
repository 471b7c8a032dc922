"""BLAKE3 digests and sizes of payloads: one file byte for byte, or a folder as a sorted tree."""

from __future__ import annotations

import os
from pathlib import Path

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


def remove_payload(path: str | Path) -> None:
    """Remove a file or folder payload (a link is removed, never followed); gone already is fine."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def copy_payload(source: str | Path, target: str | Path) -> None:
    """Copy a file or folder payload (links kept as links)."""
    import shutil

    if Path(source).is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copyfile(source, target)

