"""`PayloadStore`: the interface for payloads, stored by content hash.

A payload is a file (stored byte for byte) or a folder, written first under `staging_root()` and
then handed to `put`, which moves it into place: identical bytes are stored once, and a payload
becomes visible only whole. `satchel.testing.check_payload_store` checks an implementation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path


class PayloadStore(ABC):
    """Payloads by their `blake3:<hex>` digest."""

    url: str

    @abstractmethod
    def staging_root(self) -> Path:
        """A local folder for payloads being written; `put` from it is a rename where possible."""

    @abstractmethod
    def put(self, source: Path, digest: str) -> None:
        """Store the file or folder `source` as `digest`, taking it (`source` is gone after).

        Already stored: `source` is removed and the stored payload kept.
        """

    @abstractmethod
    def exists(self, digest: str) -> bool:
        """Whether a payload of this digest is stored."""

    @abstractmethod
    def local_path(self, digest: str) -> Path:
        """A local path of the payload, to read and never write.

        Called only when a payload is read (`Artifact.local_path()`), never when a run is listed
        or built: a remote store fetches it here, into a local cache, checked against `digest`
        (a mismatch is an `UnpackingError`, and the download is not used). A missing payload
        is an `UnpackingError`, or a path that does not exist.
        """

    def location(self, digest: str) -> str:
        """Where the payload is stored, for messages (`satchel show`): nothing is fetched."""
        return f"{self.url} ({digest})"

    @abstractmethod
    def verify(self, digest: str) -> str | None:
        """Re-hash the stored payload: its actual digest, or None when it is missing."""
