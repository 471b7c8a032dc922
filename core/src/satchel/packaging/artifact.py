"""`Artifact`: the record of one packed output, and the checks made before its payload is read."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

from satchel.errors import UnpackingError
from satchel.payloads.hashing import hash_path, payload_size


@dataclass(eq=False)
class Artifact:
    """A packed output: what it is, who packed it, how to unpack it, and where its payload is."""

    key: str
    kind: str | None
    uri: str | None = None
    packager: str | None = None
    object_type: str | None = None
    instructions: dict[str, Any] = field(default_factory=dict)
    hash: str | None = None
    size: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    created: str | None = None
    trusted: bool = False
    path: str | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Artifact:
        """A plain file or folder made outside satchel: no instructions, no hash, not trusted."""
        path = os.fspath(path)
        if not os.path.exists(path):
            raise UnpackingError(f"no such file or folder: {path}")
        name = os.path.basename(os.path.normpath(path))
        return cls(key=name, kind=None, path=os.path.abspath(path))

    def local_path(self) -> str:
        """The payload on this machine; read it, never write it (it may be the stored file)."""
        if self.path is None:
            raise UnpackingError(f"artifact {self.key!r} has no local payload")
        if not os.path.exists(self.path):
            raise UnpackingError(
                f"the payload of artifact {self.key!r} is gone ({self.path}); it was cleared "
                "or moved: pack it again, or load it from the store"
            )
        return self.path

    def check_size(self) -> None:
        """Cheap integrity check made on every load: the payload has the recorded size."""
        if self.size is None:
            return
        actual = payload_size(self.local_path())
        if actual != self.size:
            raise UnpackingError(
                f"the payload of artifact {self.key!r} is {actual} bytes, {self.size} were "
                f"recorded: it was changed or truncated ({self.path})"
            )

    def verify(self) -> None:
        """Full integrity check: the payload's BLAKE3 digest matches the recorded hash."""
        if self.hash is None:
            raise UnpackingError(f"artifact {self.key!r} has no recorded hash to verify")
        digest, _ = hash_path(self.local_path())
        if digest != self.hash:
            raise UnpackingError(
                f"the payload of artifact {self.key!r} does not match its hash "
                f"({digest} != {self.hash}): it was changed after packing; refusing to load it"
            )

    def check_unpickling_allowed(self) -> None:
        """Raise unless the artifact is trusted and its payload matches its hash.

        Call it before any unpickling (pickle, cloudpickle, numpy object arrays, ...).
        """
        if not self.trusted:
            raise UnpackingError(
                f"artifact {self.key!r} is not trusted, so it is never unpickled "
                "(a pickle can run any code); trust it first if you know where it came from"
            )
        self.verify()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able record (without the local path)."""
        record = asdict(self)
        record.pop("path")
        return record
