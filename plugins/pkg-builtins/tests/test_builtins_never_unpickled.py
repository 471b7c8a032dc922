"""The scalar packagers read only results and their own `object` pickles: never a plain file, a
`path` or a `file` artifact given under their hint (whose payload here is a pickle that would
create a marker folder if loaded)."""

from __future__ import annotations

import os
import pickle

import pytest

from satchel import UnpackingError

SCALARS = {int: "IntPackager", float: "FloatPackager", bool: "BoolPackager", type(None): "NoneTypePackager"}


class _Mkdir:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.fixture
def payload(tmp_path):
    """A plain file holding a pickle that creates `tmp_path / "unpickled"` when loaded."""
    path = tmp_path / "payload.bin"
    path.write_bytes(pickle.dumps(_Mkdir(str(tmp_path / "unpickled"))))
    return path


def _sources(manager, payload):
    return {
        "plain": str(payload),
        "path": manager.pack(str(payload), "p:path"),
        "file": manager.pack([1, 2, 3], "k:file"),
    }


@pytest.mark.parametrize("source", ["plain", "path", "file"])
@pytest.mark.parametrize("hint", [int, float, bool, int | None], ids=["int", "float", "bool", "int|None"])
def test_a_scalar_hint_never_unpickles_what_is_not_a_pickle(manager, payload, tmp_path, source, hint):
    item = _sources(manager, payload)[source]
    with pytest.raises(UnpackingError) as raised:
        manager.unpack(item, hint)
    text = str(raised.value)
    name = SCALARS[hint if isinstance(hint, type) else int]
    assert f"satchel_builtins.packagers.{name}: not tried" in text
    assert "is never unpickled" in text
    assert "trust" not in text and "load key" not in text
    assert not (tmp_path / "unpickled").exists()


@pytest.mark.parametrize("value", [7, 2.5, True, None], ids=repr)
def test_a_scalar_packed_as_object_still_unpickles_under_its_hint(manager, value):
    artifact = manager.pack(value, "v:object")
    assert artifact.packager == f"satchel_builtins.packagers.{SCALARS[type(value)]}"
    hint = type(value) if value is not None else None
    assert manager.unpack(artifact, hint) == value


def test_a_str_path_artifact_still_unpacks_as_str(manager, payload):
    artifact = manager.pack(str(payload), "p:path")
    with open(manager.unpack(artifact, str), "rb") as handle:
        assert handle.read() == payload.read_bytes()  # the bytes, read as a file, never loaded
