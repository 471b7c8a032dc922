"""The satchel wheel alone, installed by pip into a fresh venv: no plugins, everything pickled."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow

DEFAULT = "satchel.DefaultPackager"


def test_core_alone_lists_no_plugins(core_venv, tmp_path):
    listing = core_venv.plugins_json(tmp_path)
    assert listing["plugins"] == []
    assert listing["default_packager"]["class"] == DEFAULT
    assert "object" in listing["default_packager"]["artifact_types"]
    text = core_venv.satchel("plugins", tmp=tmp_path).stdout
    assert "no packager plugins installed" in text


def test_core_alone_installs_only_its_declared_dependencies(core_venv, tmp_path):
    installed = core_venv.script(
        """
        import importlib.metadata as md
        result = sorted(d.metadata["Name"].lower() for d in md.distributions())
        """,
        tmp=tmp_path,
    )
    assert "satchel" in installed
    assert {"pluggy", "cloudpickle", "blake3"} <= set(installed)
    assert not [name for name in installed if name.startswith("satchel-")]


PACK_IN_SCRIPT = """
import os
import shutil

import satchel


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)


keep = os.path.join(os.getcwd(), "kept")  # the script runs in the test's tmp folder
os.makedirs(keep)
samples = {"mapping": {"a": [1, 2], "b": {"c": None}}, "number": 42, "point": Point(3, -4)}
manager = satchel.PackagersManager()
result = {}
for key, value in samples.items():
    artifact = manager.pack(value, key)
    back = manager.unpack(artifact)
    result[key] = {
        "packager": artifact.packager,
        "kind": artifact.kind,
        "equal": back == value and type(back) is type(value),
        "record": artifact.to_dict(),
        "path": shutil.copy(artifact.path, keep),
    }
manager.clear()  # the manager's folder goes; the copies in `keep` are for the next process
"""

UNPACK_IN_ANOTHER_PROCESS = """
import satchel

manager = satchel.PackagersManager()
result = {}
for key, entry in packed.items():
    artifact = satchel.Artifact(**entry["record"], path=entry["path"])
    back = manager.unpack(artifact)
    result[key] = {"type": type(back).__qualname__, "state": getattr(back, "__dict__", back)}
manager.clear()
"""


def test_core_alone_pickles_everything_and_unpacks_it(core_venv, tmp_path):
    packed = core_venv.script(PACK_IN_SCRIPT, tmp=tmp_path, TMPDIR=str(tmp_path))
    assert set(packed) == {"mapping", "number", "point"}
    for key, entry in packed.items():
        assert entry["packager"] == DEFAULT, key
        assert entry["kind"] == "object", key
        assert entry["equal"], f"{key} did not unpack back equal in the process that packed it"
        assert entry["record"]["hash"] and entry["record"]["trusted"], key

    # The class defined in the packing script is pickled by value (cloudpickle), so a process
    # that never defined it unpacks the same state.
    code = f"packed = json.loads({json.dumps(packed)!r})\n" + UNPACK_IN_ANOTHER_PROCESS
    unpacked = core_venv.script(code, tmp=tmp_path, TMPDIR=str(tmp_path))
    assert unpacked["mapping"] == {"type": "dict", "state": {"a": [1, 2], "b": {"c": None}}}
    assert unpacked["number"] == {"type": "int", "state": 42}
    assert unpacked["point"] == {"type": "Point", "state": {"x": 3, "y": -4}}
