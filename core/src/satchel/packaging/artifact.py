"""`Artifact`: the record of one packed output, and the checks made before its payload is read."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from satchel.errors import UnpackingError
from satchel.packaging.call import CURRENT
from satchel.payloads.hashing import hash_path, payload_size

#: The artifact type whose payload is a pickle (`satchel.packaging.pickling.dump`): the format
#: core defines, and the only artifact type ever given to a pickle module.
PICKLE_ARTIFACT_TYPE = "object"


@dataclass(eq=False)
class Artifact:
    """A packed output: what it is, who packed it, how to unpack it, and where its payload is.

    `preview`, when its packager made one, summarizes the object for pages (nothing has to be
    read or unpickled to show it).

    `path` is the local payload once known; `resolver`, when set (by the store an artifact is
    read from), gives it on first `local_path()`: a store may have to fetch the payload, so
    nothing is fetched until it is read.
    """

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
    resolver: Callable[[], str | os.PathLike[str]] | None = field(default=None, repr=False)
    #: A small JSON summary for pages, made by the packager when it packed (`hookspecs.preview`).
    preview: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Artifact:
        """A plain file or folder made outside satchel: no instructions, no hash, not trusted."""
        path = os.fspath(path)
        if not os.path.exists(path):
            raise UnpackingError(f"no such file or folder: {path}")
        name = os.path.basename(os.path.normpath(path))
        return cls(key=name, kind=None, path=os.path.abspath(path))

    def local_path(self) -> str:
        """The payload on this machine; read it, never write it (it may be the stored file).

        Resolved on first call when the artifact has a `resolver` and no `path` yet.
        """
        if self.path is None and self.resolver is not None:
            try:
                self.path = os.fspath(self.resolver())
            except UnpackingError as error:
                raise UnpackingError(f"the payload of artifact {self.key!r}: {error}") from error
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
        """Raise unless this payload may be unpickled; call it before any unpickling (pickle,
        cloudpickle, numpy object arrays, ...).

        Never a plain file (no artifact type recorded). Inside an unpack call, only when the
        payload is read as the artifact type it was recorded as and, for a type other than
        `object` (core's pickle, the same whoever reads it), by a packager of the module that
        recorded it: a format that holds pickles is read only from that format's own artifacts.
        Then only when the artifact is trusted and its payload matches its hash.
        """
        if self.kind is None:
            raise UnpackingError(
                f"{self.key!r} is a plain file (no artifact type recorded), so it is never unpickled "
                "(a pickle can run any code): only payloads satchel recorded are"
            )
        call = CURRENT.get()
        if call is not None and call.reader is not None:
            reader = call.reader
            if call.artifact_type != self.kind:
                raise UnpackingError(
                    f"artifact {self.key!r} was recorded as {self.kind!r} and {reader} reads it as "
                    f"{call.artifact_type!r}, so it is never unpickled: a payload is unpickled only "
                    "as the artifact type it was recorded as"
                )
            recorder = (self.packager or "").rpartition(".")[0]
            if self.kind != PICKLE_ARTIFACT_TYPE and reader.rpartition(".")[0] != recorder:
                raise UnpackingError(
                    f"artifact {self.key!r} was recorded as {self.kind!r} by {self.packager}, and "
                    f"{reader} reads it, so it is never unpickled: pickles inside a {self.kind!r} "
                    "payload are read only by the packagers of the module that recorded it"
                )
        if not self.trusted:
            raise UnpackingError(
                f"artifact {self.key!r} is not trusted, so it is never unpickled "
                "(a pickle can run any code); if you know where it came from, trust it first: "
                f"satchel trust {self.uri or 'URI'}"
            )
        self.verify()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able record (without the local path); it shares the instructions and versions
        dicts with the artifact: copy before changing them."""
        return {  # by hand, not dataclasses.asdict: listings of 10,000 runs call it for each
            "key": self.key,
            "kind": self.kind,
            "uri": self.uri,
            "packager": self.packager,
            "object_type": self.object_type,
            "instructions": self.instructions,
            "hash": self.hash,
            "size": self.size,
            "versions": self.versions,
            "created": self.created,
            "trusted": self.trusted,
            "preview": self.preview,
        }
