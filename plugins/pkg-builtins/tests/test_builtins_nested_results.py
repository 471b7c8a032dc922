"""Items of other families' types inside a builtin result, logged by their own packagers.

builtins knows nothing of them: it asks the manager (`Packager.result_of`) for what any item or
key that is not a builtin logs as.
"""

from __future__ import annotations

import enum
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from satchel import DefaultPackager, PackingError


class DecimalPackager(DefaultPackager):
    """A third party's packager for a scalar-like type: a result (a float), or an object."""

    PACKABLE_OBJECT_TYPE = Decimal
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return float(obj)


class Shape(enum.IntEnum):
    SQUARE = 4


class ShapePackager(DefaultPackager):
    """Logs an IntEnum member by its name (builtins alone logs its int value)."""

    PACKABLE_OBJECT_TYPE = Shape
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return obj.name


class Matrix:
    """Packed as a file on its own, so not logged inside a result."""


class MatrixPackager(DefaultPackager):
    PACKABLE_OBJECT_TYPE = Matrix
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        path = self.staging_path(key, ".m")
        path.write_text("m")
        return path, {}

    def unpack_file(self, item):
        return Matrix()

    def pack_result(self, obj, key):
        raise AssertionError("only when asked")


@pytest.fixture
def decimals(manager):
    manager.collect_packagers([DecimalPackager, MatrixPackager], mandatory=True)
    return manager


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"acc": Decimal("0.5"), "n": 3}, {"acc": 0.5, "n": 3}),
        ([Decimal("1.25"), "x"], [1.25, "x"]),
        ((Decimal(2), None), [2.0, None]),
        ({"a": [{"b": (Decimal("0.25"),)}]}, {"a": [{"b": [0.25]}]}),
        ({Decimal("1.5"): "k"}, {"1.5": "k"}),  # a key: the JSON key of what it logs as
        ({Decimal(10), Decimal(9)}, [9.0, 10.0]),  # a set: sorted by the values logged
        ({"e": Shape.SQUARE}, {"e": 4}),  # no packager of its own: its builtin value, as before
    ],
    ids=repr,
)
def test_an_item_is_logged_by_its_own_packager(decimals, obj, expected):
    out = decimals.pack(obj, "metrics")
    assert out == {"metrics": expected}
    assert json.loads(json.dumps(out)) == out


def test_under_a_double_star_hint(decimals):
    out = decimals.pack({"a": {"x": Decimal("0.5")}, "b": Decimal(1), "c": [Decimal(3)]}, "**m_")
    assert out == [{"m_a": {"x": 0.5}}, {"m_b": 1.0}, {"m_c": [3.0]}]


def test_a_subclass_of_a_builtin_with_a_packager_of_its_own(decimals):
    decimals.collect_packagers([ShapePackager])
    assert decimals.pack([Shape.SQUARE, {Shape.SQUARE: 1}], "m") == {"m": ["SQUARE", {"SQUARE": 1}]}


def test_an_item_packed_as_a_file_on_its_own_is_still_a_clear_error(decimals):
    with pytest.raises(PackingError) as error:
        decimals.pack({"ok": Decimal(1), "m": Matrix()}, "metrics")
    assert "metrics['m'] is a " in str(error.value)
    assert "test_builtins_nested_results.Matrix, which is not a JSON value" in str(error.value)


def test_a_key_that_logs_as_a_container_cannot_be_a_json_key(manager):
    class PairKey(tuple):
        pass

    class PairKeyPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = PairKey
        DEFAULT_PACKING_ARTIFACT_TYPE = "result"

        def pack_result(self, obj, key):
            return list(obj)

    manager.collect_packagers([PairKeyPackager])
    assert manager.pack([PairKey((1, 2))], "m") == {"m": [[1, 2]]}
    with pytest.raises(PackingError, match="cannot be a JSON key"):
        manager.pack({PairKey((1, 2)): 1}, "m")


def test_plain_results_ask_nobody(decimals, monkeypatch):
    """JSON scalars and builtin containers are converted by builtins alone (the cost per result)."""

    def fail(*args):
        raise AssertionError("asked the manager")

    monkeypatch.setattr("satchel.Packager.result_of", fail)
    obj = {"a": [1, 2.5, None, True, "s", (1, {2}), b"x", frozenset({3})], 1: {"b": -0.0}}
    expected = {"a": [1, 2.5, None, True, "s", [1, [2]], "x", [3]], "1": {"b": -0.0}}
    assert decimals.pack(obj, "m") == {"m": expected}


LAZY = """
import json, sys
from decimal import Decimal
import satchel

class DecimalPackager(satchel.DefaultPackager):
    PACKABLE_OBJECT_TYPE = Decimal
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return float(obj)

manager = satchel.PackagersManager()  # every installed plugin: numpy's types stay pending
manager.collect_packagers([DecimalPackager], mandatory=True)
out = manager.pack({"acc": Decimal("0.5"), "n": [1, Decimal(2)], "s": {Decimal(3)}}, "m")
try:
    manager.pack({"d": object()}, "bad")
except satchel.PackingError:
    pass
print(json.dumps({"out": out, "numpy": "numpy" in sys.modules}))
"""


def test_nested_results_import_no_numpy():
    env = {key: value for key, value in os.environ.items() if not key.startswith("SATCHEL_")}
    done = subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == {"out": {"m": {"acc": 0.5, "n": [1, 2.0], "s": [3.0]}}, "numpy": False}
