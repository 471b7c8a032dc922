"""`FolderPayloads`: payloads in a local folder, under their hash (`payloads/ab/cdef...`).

Payloads are staged in `staging/` beside them, on the same filesystem, so storing one is a
rename. Stored files are made read-only: `Artifact.local_path()` is the stored file itself.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from satchel.errors import SatchelError
from satchel.payloads.hashing import hash_path, remove_payload
from satchel.tracking.processes import host_name, is_alive
from satchel.tracking.store.payloads import PayloadStore

_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


class FolderPayloads(PayloadStore):
    """Content-addressed payloads in `root/payloads`, staged in `root/staging`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.url = str(self.root)
        self._payloads = self.root / "payloads"
        self._prefix = f"{self._payloads}{os.sep}"
        self._staging = self.root / "staging"
        self._staging_ready = False

    def staging_root(self) -> Path:
        """`root/staging`, created on first use; what killed processes left there is removed then."""
        if not self._staging_ready:
            self._staging.mkdir(parents=True, exist_ok=True)
            sweep_staging(self._staging)
            self._staging_ready = True
        return self._staging

    def path_of(self, digest: str) -> Path:
        """Where the payload `digest` is (or would be) stored."""
        algorithm, _, hexdigest = digest.partition(":")
        if algorithm != "blake3" or len(hexdigest) != 64 or hexdigest.strip("0123456789abcdef"):
            raise SatchelError(f"{digest!r} is not a payload digest ('blake3:' and 64 hex digits)")
        return Path(f"{self._prefix}{hexdigest[:2]}{os.sep}{hexdigest[2:]}")  # (one Path: listings)

    def put(self, source: Path, digest: str) -> None:
        """Move `source` into place (a rename on the same filesystem); drop it if already stored."""
        target = self.path_of(digest)
        if target.exists():
            remove_payload(source)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_file():
            source.chmod(_READ_ONLY)
        try:
            os.rename(source, target)  # atomic: the payload appears whole, or not at all
        except OSError:
            if target.exists():  # another process stored the same bytes first
                remove_payload(source)
                return
            # another filesystem: copy beside the target, then rename into place
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            if source.is_dir():
                shutil.copytree(source, partial, symlinks=True)
            else:
                shutil.copyfile(source, partial)
                partial.chmod(_READ_ONLY)
            os.rename(partial, target)
            remove_payload(source)

    def exists(self, digest: str) -> bool:
        """Whether the payload is stored."""
        return self.path_of(digest).exists()

    def local_path(self, digest: str) -> Path:
        """The stored file or folder itself."""
        return self.path_of(digest)

    def location(self, digest: str) -> str:
        """The stored file or folder's path."""
        return str(self.path_of(digest))

    def verify(self, digest: str) -> str | None:
        """The stored payload's actual digest (None when missing)."""
        path = self.path_of(digest)
        if not path.exists():
            return None
        return hash_path(path)[0]


def sweep_staging(folder: Path) -> list[Path]:
    """Remove the scratch folders (`run-<pid>-...`) of processes of this machine that are gone."""
    removed = []
    for entry in folder.iterdir():
        name = entry.name
        if not name.startswith("run-"):
            continue
        pid_text = name[len("run-") :].partition("-")[0]
        if pid_text.isdigit() and is_alive(host_name(), int(pid_text), None) is False:
            remove_payload(entry)
            removed.append(entry)
    return removed
