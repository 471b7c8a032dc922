"""`Packager.open_payload`: payloads hashed as they are written, never read back to hash."""

from __future__ import annotations

import os

import blake3
import pytest

import satchel.manager
from satchel import DefaultPackager, PackagersManager, SatchelError
from satchel.hashing import HashingWriter


class Chunks:
    """The bytes to write, in the pieces a packager hands to its file (to test every path)."""

    def __init__(self, *pieces: bytes) -> None:
        self.pieces = pieces

    def joined(self) -> bytes:
        return b"".join(self.pieces)


class StreamPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Chunks
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key, reserve: bool = False, tamper: bool = False):
        size = len(obj.joined()) + (1 << 21 if reserve else 0)  # reserve more than is written
        with self.open_payload(key, ".bin", size=size) as handle:
            for piece in obj.pieces:
                handle.write(piece)
        if tamper:  # changed after it was hashed: core must notice and hash it again
            with open(handle.name, "ab") as again:
                again.write(b"!")
        return handle.name, {}

    def unpack_file(self, item):
        with open(item.local_path(), "rb") as handle:
            return Chunks(handle.read())


@pytest.fixture
def streaming(manager: PackagersManager) -> PackagersManager:
    manager.collect_packagers([StreamPackager])
    return manager


def _digest(data: bytes) -> str:
    return "blake3:" + blake3.blake3(data).hexdigest()


@pytest.mark.parametrize(
    "pieces",
    [
        (),
        (b"x",),
        (b"a" * 10, b"b" * 100_000, b"c" * 3),
        (os.urandom((1 << 20) * 3 + 17),),  # several hashing steps, and a partial last one
        (bytearray(b"z" * 5000), memoryview(b"y" * 70_000)),
    ],
    ids=["empty", "one-byte", "small-pieces", "megabytes", "buffer-types"],
)
def test_the_recorded_hash_is_the_files_blake3_without_reading_it_back(streaming, monkeypatch, pieces):
    def no_second_pass(path):
        raise AssertionError(f"the payload {path} was read back to hash it")

    monkeypatch.setattr(satchel.manager, "hash_path", no_second_pass)
    chunks = Chunks(*pieces)
    artifact = streaming.pack(chunks, "stream")
    data = chunks.joined()
    with open(artifact.local_path(), "rb") as handle:
        assert handle.read() == data
    assert artifact.hash == _digest(data)
    assert artifact.size == len(data)
    assert streaming.unpack(artifact, Chunks).joined() == data


def test_a_reserved_size_larger_than_what_was_written_is_trimmed(streaming):
    chunks = Chunks(os.urandom(1 << 21))
    artifact = streaming.pack(chunks, {"key": "big", "reserve": True})
    assert os.path.getsize(artifact.local_path()) == len(chunks.joined())
    assert artifact.hash == _digest(chunks.joined())


def test_a_payload_changed_after_writing_is_hashed_again(streaming):
    chunks = Chunks(b"0123456789")
    artifact = streaming.pack(chunks, {"key": "t", "tamper": True})
    assert artifact.hash == _digest(b"0123456789!")
    assert artifact.size == 11


def test_a_non_contiguous_buffer_is_written_as_its_bytes(tmp_path):
    seen = {}
    strided = memoryview(bytes(range(100)))[::3]
    with HashingWriter(tmp_path / "f", lambda path, digest, size: seen.update(d=digest, s=size)) as out:
        assert out.write(strided) == len(strided.tobytes())
    assert (tmp_path / "f").read_bytes() == strided.tobytes()
    assert seen == {"d": _digest(strided.tobytes()), "s": len(strided.tobytes())}


def test_the_writer_refuses_to_overwrite_an_existing_file(tmp_path):
    (tmp_path / "f").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        HashingWriter(tmp_path / "f", lambda *args: None)
    assert (tmp_path / "f").read_bytes() == b"keep"


def test_open_payload_outside_a_pack_call_says_what_is_wrong():
    with pytest.raises(SatchelError, match="open_payload can only be used while satchel is packing"):
        StreamPackager().open_payload("k")
