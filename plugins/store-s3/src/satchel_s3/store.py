"""`S3Payloads`: satchel payloads in an S3-compatible bucket, one object per digest.

`s3://bucket/prefix` stores the payload `blake3:<hex>` as the object `prefix/<hex[:2]>/<hex>`.
A file is stored byte for byte; a folder as one reproducible tar archive (`satchel.payloads`),
marked by the object's metadata `satchel-payload: folder` and extracted again on read. The
connection is configured by the standard `AWS_*` environment variables (`AWS_ENDPOINT_URL`
for another service than AWS; plain `http://` endpoints are allowed).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from satchel.backends import PayloadStore
from satchel.errors import SatchelError, UnpackingError
from satchel.payloads import hash_path, pack_path, remove_payload, unpack_path
from satchel_s3 import transfer
from satchel_s3.cache import PayloadCache, archive_beside

#: The object metadata saying what a payload is (`file` or `folder`).
KIND = "satchel-payload"
_ARCHIVE_FORMAT = "tar"  # the digest is over the tree, so the archive need not be compressed
_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT")


def open_s3_payloads(url: str) -> S3Payloads:
    """The `satchel.stores` entry point `s3`: the payload store at `s3://bucket/prefix`."""
    return S3Payloads(url)


def parse_url(url: str) -> tuple[str, str]:
    """`(bucket, prefix)` of `s3://bucket/prefix`; a `SatchelError` says what is wrong."""
    scheme, separator, rest = url.partition("://")
    bucket, _, prefix = rest.partition("/")
    if scheme != "s3" or not separator or not bucket:
        raise SatchelError(f"payloads URL {url!r}: use s3://BUCKET or s3://BUCKET/PREFIX")
    return bucket, prefix.strip("/")


def _object_store(bucket: str, prefix: str) -> Any:
    from obstore.store import S3Store

    endpoint = next((os.environ[v] for v in _ENDPOINT_VARIABLES if os.environ.get(v, "").strip()), "")
    options = {"allow_http": True} if endpoint.strip().lower().startswith("http://") else None
    return S3Store(bucket, prefix=prefix or None, client_options=options)


class _Scratch:
    """What `pack_path` and `unpack_path` write through: one fixed path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def staging_path(self, key: str, suffix: str = "") -> Path:
        return self.path.with_name(self.path.name + suffix)


class _Stored:
    """What `unpack_path` reads: a downloaded archive."""

    def __init__(self, key: str, archive: Path) -> None:
        self.key, self._archive = key, archive

    def local_path(self) -> str:
        return str(self._archive)


class S3Payloads(PayloadStore):
    """Content-addressed payloads in a bucket, read through a local verified cache."""

    def __init__(self, url: str, *, cache: PayloadCache | None = None, store: Any = None) -> None:
        self.url = url
        self.bucket, self.prefix = parse_url(url)
        self.store = store if store is not None else _object_store(self.bucket, self.prefix)
        self.cache = cache if cache is not None else PayloadCache()
        self._staging: Path | None = None

    # -- names ---------------------------------------------------------------------------------

    def key_of(self, digest: str) -> str:
        """The object key (under the prefix) of `digest`."""
        algorithm, _, hexdigest = digest.partition(":")
        if algorithm != "blake3" or len(hexdigest) != 64 or hexdigest.strip("0123456789abcdef"):
            raise SatchelError(f"{digest!r} is not a payload digest ('blake3:' and 64 hex digits)")
        return f"{hexdigest[:2]}/{hexdigest}"

    def location(self, digest: str) -> str:
        """The object's URL, `s3://bucket/prefix/ab/<hex>`."""
        return "/".join(filter(None, (f"s3://{self.bucket}", self.prefix, self.key_of(digest))))

    # -- the interface -------------------------------------------------------------------------

    def staging_root(self) -> Path:
        """A local temporary folder of this process, removed at exit: staged payloads are
        uploaded from it and removed, so no local copy is kept."""
        if self._staging is None or not self._staging.is_dir():
            self._staging = Path(tempfile.mkdtemp(prefix="satchel-s3-staging-"))
            atexit.register(shutil.rmtree, self._staging, True)
        return self._staging

    def put(self, source: Path, digest: str) -> None:
        """Upload `source` as `digest` unless it is stored (put-if-absent), then remove it."""
        key = self.key_of(digest)
        try:
            if source.is_dir():
                archive, _ = pack_path(_Scratch(source), source, digest, _ARCHIVE_FORMAT)
                try:
                    self._upload(key, archive, "folder", digest)
                finally:
                    remove_payload(archive)
            else:
                self._upload(key, source, "file", digest)
        finally:
            remove_payload(source)

    def _upload(self, key: str, path: Path, kind: str, digest: str) -> None:
        content = "application/x-tar" if kind == "folder" else "application/octet-stream"
        attributes = {KIND: kind, "Content-Type": content}
        try:
            transfer.upload(self.store, key, path, attributes, f"upload {digest[7:19]}")
        except transfer.FAILURES as error:
            raise SatchelError(
                f"cannot store {digest} at {self.location(digest)}: {transfer.brief(error)}; check "
                "the bucket exists and the AWS_* variables (credentials, AWS_ENDPOINT_URL)"
            ) from error

    def exists(self, digest: str) -> bool:
        """Whether the object of `digest` is in the bucket (one HEAD request)."""
        return transfer.exists(self.store, self.key_of(digest))

    def local_path(self, digest: str) -> Path:
        """The cached copy, downloaded (and checked against `digest`) on first use."""
        cached = self.cache.path_of(self.key_of(digest).rpartition("/")[2])
        if os.path.lexists(cached):
            return cached
        result = self._get(digest)
        if result is None:
            raise UnpackingError(
                f"{digest} is not stored at {self.location(digest)}: the object was deleted, or "
                "these records belong to another payload store (check SATCHEL_PAYLOADS)"
            )
        return self.cache.fill(
            digest, lambda scratch: self._write(result, scratch, digest), self.location(digest)
        )

    def verify(self, digest: str) -> str | None:
        """Re-hash the stored object (a file streamed through the hasher, a folder extracted to
        a scratch folder); None when it is missing."""
        result = self._get(digest)
        if result is None:
            return None
        if result.attributes.get(KIND) != "folder":
            return transfer.digest_of(result, f"verify {digest[7:19]}")
        scratch = self.cache.scratch()
        try:
            return hash_path(self._write(result, scratch, digest)[0])[0]
        except UnpackingError as error:  # not a readable archive: damaged, whatever it holds
            return f"unreadable ({error})"
        finally:
            for leftover in (scratch, archive_beside(scratch)):
                remove_payload(leftover)

    # -- reading -------------------------------------------------------------------------------

    def _get(self, digest: str) -> Any | None:
        try:
            return transfer.open_object(self.store, self.key_of(digest))
        except transfer.FAILURES as error:
            raise UnpackingError(f"cannot read {self.location(digest)}: {transfer.brief(error)}") from error

    def _write(self, result: Any, scratch: Path, digest: str) -> tuple[Path, str | None]:
        """The object written at `scratch`: the file (and the digest of its bytes, hashed on the
        way), or the folder extracted from the archive (hashed by the caller)."""
        description = f"download {digest[7:19]}"
        if result.attributes.get(KIND) != "folder":
            return scratch, transfer.download(result, scratch, description)
        archive = archive_beside(scratch)
        transfer.download(result, archive, description)
        try:
            extracted = unpack_path(
                _Scratch(scratch), _Stored(digest, archive), is_dir=True, archive_format="tar"
            )
        finally:
            remove_payload(archive)
        return Path(extracted), None
