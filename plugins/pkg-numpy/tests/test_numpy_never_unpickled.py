"""What was never a numpy pickle is never unpickled by a numpy packager.

The scalar packager reads only results and its own `object` pickles; the array packagers unpickle
an object array only from an npy/npz the numpy family recorded itself (trusted, hash matching),
never from a `path` artifact, another packager's `file` or a plain file that happens to hold one.
Every payload here would create a marker folder if it were unpickled.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from satchel import DefaultPackager, PackagersManager, UnpackingError


class _Mkdir:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


class Blob:
    """Packed by `BlobPackager` (another module than numpy's) as a `file`: an object npy."""

    def __init__(self, marker: str) -> None:
        self.marker = marker


class BlobPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Blob
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".npy")
        np.save(path, np.array([_Mkdir(obj.marker)], dtype=object), allow_pickle=True)
        return path, {}

    def unpack_file(self, item):
        raise UnpackingError("a Blob is not read back here")


@pytest.fixture
def manager() -> PackagersManager:
    """numpy, pathlib and the blob packager."""
    with PackagersManager(installed=False) as packagers:
        packagers.collect_packagers(
            ["satchel_numpy.packagers", "satchel_pathlib.packagers"], default_priority=5, mandatory=True
        )
        packagers.collect_packagers([BlobPackager])
        yield packagers


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "unpickled"


def _refused(manager, source, hint, marker):
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(source, hint)
    text = str(raised.value)
    assert "never unpickled" in text and "trust" not in text, text
    assert not marker.exists()
    return text


@pytest.mark.parametrize("hint", [np.float64, np.int64, np.bool_, np.generic], ids=lambda h: h.__name__)
@pytest.mark.parametrize("source", ["plain", "path", "file"])
def test_scalar_hints_never_unpickle_what_is_not_a_pickle(manager, tmp_path, marker, source, hint):
    payload = tmp_path / "payload.bin"
    payload.write_bytes(pickle.dumps(_Mkdir(str(marker))))
    item = {
        "plain": lambda: str(payload),
        "path": lambda: manager.pack(payload, "p"),
        "file": lambda: manager.pack(np.arange(3), "a"),
    }[source]()
    text = _refused(manager, item, hint, marker)
    assert "satchel_numpy.packagers.NumpyScalarPackager: not tried" in text


@pytest.mark.parametrize(
    "hint", [np.ndarray, list[np.ndarray], dict[str, np.ndarray]], ids=["ndarray", "list", "dict"]
)
@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_an_object_array_in_a_path_artifact_is_never_unpickled(manager, tmp_path, marker, hint, suffix):
    path = tmp_path / f"objects{suffix}"
    evil = np.array([_Mkdir(str(marker))], dtype=object)
    if suffix == ".npy":
        np.save(path, evil, allow_pickle=True)
    else:
        np.savez(path, evil=evil)
    artifact = manager.pack(path, "p")
    assert (artifact.kind, artifact.trusted) == ("path", True)
    text = _refused(manager, artifact, hint, marker)
    assert "was recorded as 'path'" in text


def test_an_object_array_in_another_packagers_file_is_never_unpickled(manager, marker):
    artifact = manager.pack(Blob(str(marker)), "b")
    assert (artifact.kind, artifact.trusted) == ("file", True)
    text = _refused(manager, artifact, np.ndarray, marker)
    assert "read only by the packagers of the module that recorded it" in text


def test_numpys_own_object_arrays_still_unpickle_when_trusted(manager, tmp_path):
    array = np.array([{"a": 1}, None], dtype=object)
    artifact = manager.pack(array, "o")
    assert artifact.kind == "file" and artifact.instructions["pickled"] is True
    assert manager.unpack(artifact, np.ndarray).tolist() == array.tolist()
    scalar = manager.pack(np.float64(2.5), "x:object")
    assert manager.unpack(scalar, np.float64) == np.float64(2.5)
