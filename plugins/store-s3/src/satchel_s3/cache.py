"""The local cache of downloaded payloads: where it is, filling it (checked), emptying it.

`SATCHEL_S3_CACHE` if set, else `$XDG_CACHE_HOME/satchel/s3`, else `~/.cache/satchel/s3`. A
payload is downloaded beside its place (`.partial/`), checked against its digest, and renamed
into `ab/<hex>`: a mismatching or interrupted download is never used. The cache is shared by
every bucket (payloads are named by content); `python -m satchel_s3 cache --clear` empties it.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from satchel.errors import UnpackingError
from satchel.payloads import hash_path, remove_payload

PARTIAL = ".partial"
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def default_root() -> Path:
    """The cache folder the environment says (see the module docstring)."""
    explicit = os.environ.get("SATCHEL_S3_CACHE", "").strip()
    if explicit:
        return Path(explicit).expanduser().absolute()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base).absolute() / "satchel" / "s3"


def archive_beside(path: Path) -> Path:
    """Where a folder payload's archive is downloaded, beside the folder it is extracted to."""
    return path.with_name(path.name + ".tar")


class PayloadCache:
    """Verified copies of stored payloads, named by digest."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = default_root() if root is None else Path(root)

    def path_of(self, hexdigest: str) -> Path:
        """Where the payload of this hex digest is (or would be) cached."""
        return self.root / hexdigest[:2] / hexdigest

    def scratch(self) -> Path:
        """A new unique path in the cache's partial folder (same filesystem: renames work)."""
        folder = self.root / PARTIAL
        if not folder.is_dir():  # once, or again after a clear
            folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{os.getpid()}-{uuid.uuid4().hex}"

    def fill(self, digest: str, fetch: Callable[[Path], tuple[Path, str | None]], where: str) -> Path:
        """Cache the payload `fetch(scratch)` writes, after checking it hashes to `digest` (a
        mismatch is an `UnpackingError`). `fetch` returns the file or folder it made, and its
        digest when it hashed the bytes on the way (else it is hashed here)."""
        target = self.path_of(digest.partition(":")[2])
        scratch = self.scratch()
        try:
            made, actual = fetch(scratch)
            actual = actual or hash_path(made)[0]
            if actual != digest:
                raise UnpackingError(
                    f"the payload downloaded from {where} hashes to {actual}, not {digest}: the "
                    "stored object was changed or damaged, so it was not used; run `satchel verify` "
                    "to list damaged payloads, and pack the output again"
                )
            if made.is_file():
                made.chmod(_READ_ONLY)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(made, target)  # atomic: whole, or not at all
            except OSError:
                if not target.exists():  # not a concurrent download of the same payload
                    raise
        finally:
            for leftover in (scratch, archive_beside(scratch)):
                remove_payload(leftover)
        return target

    def clear(self) -> int:
        """Remove every cached payload (and unfinished downloads); how many payloads were there."""
        if not self.root.is_dir():
            return 0
        count = 0
        for shard in self.root.iterdir():
            if shard.is_dir() and shard.name != PARTIAL:
                count += sum(1 for _ in shard.iterdir())
            remove_payload(shard)
        return count

    def size(self) -> tuple[int, int]:
        """`(payloads, bytes)` cached now."""
        payloads = total = 0
        if self.root.is_dir():
            for shard in self.root.iterdir():
                if shard.name == PARTIAL or not shard.is_dir():
                    continue
                for entry in shard.iterdir():
                    payloads += 1
                    total += _bytes(entry)
        return payloads, total


def _bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return path.stat().st_size
