"""What each builtin logs as a `result` (a JSON value; results are not unpacked)."""

from __future__ import annotations

import datetime
import enum
import math
from collections import OrderedDict, namedtuple

import pytest

from satchel import PackingError


class Color(enum.IntEnum):
    RED = 1


Point = namedtuple("Point", "x y")


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (3, 3),
        (10**100, 10**100),
        (-0.0, -0.0),
        (True, True),
        (None, None),
        ("ü", "ü"),
        ((1, (2, 3)), [1, [2, 3]]),
        ({3, 1, 2}, [1, 2, 3]),
        ({"b", "a", 1, None, (1, 2)}, [None, 1, "a", "b", [1, 2]]),  # mixed: by type, then value
        (frozenset({2.5, 1}), [1, 2.5]),
        (b"caf\xc3\xa9", "café"),
        (bytearray(b"ok\xff\x00"), "ok\\xff\x00"),  # undecodable bytes as \xNN escapes
        ({1: "a", 2.5: "b", None: "c", False: "d"}, {"1": "a", "2.5": "b", "null": "c", "false": "d"}),
        ({"n": [b"x", {frozenset({1})}]}, {"n": ["x", [[1]]]}),
        ([Color.RED, OrderedDict(a=Point(1, 2))], [1, {"a": [1, 2]}]),  # builtin values of subclasses
        ({}, {}),
        ([], []),
        (b"", ""),
    ],
)
def test_results(manager, obj, expected):
    assert manager.explain(obj, "result").chosen.startswith("satchel_builtins.packagers.")
    out = manager.pack(obj, "value")
    assert out == {"value": expected}
    assert type(out["value"]) is type(expected)


def test_results_are_the_default_artifact_type(manager):
    for obj in (1, 1.5, True, None, "s", [1], (1,), {1}, frozenset(), {"a": 1}, b"b", bytearray(b"c")):
        assert manager.pack(obj, "value") == {"value": manager.pack(obj, "value:result")["value"]}
        assert isinstance(manager.pack(obj, "value"), dict)


def test_non_finite_floats_stay_floats(manager):
    out = manager.pack([float("nan"), float("inf")], "value")["value"]
    assert math.isnan(out[0]) and out[1] == float("inf")
    assert math.isnan(manager.pack(float("nan"), "x")["x"])


def test_the_caller_object_is_unchanged(manager):
    obj = {"s": {3, 1}, "t": (1, [2]), 5: b"x"}
    before = repr(obj)
    manager.pack(obj, "value")
    manager.pack(obj, "value")
    assert repr(obj) == before


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({(1, 2): "x"}, "dict key (1, 2)) is a builtins.tuple, which cannot be a JSON key"),
        ({"a": {frozenset(): 1}}, "data['a'] (dict key frozenset()) is a builtins.frozenset"),
        ({1: "a", "1": "b"}, "key '1' is written as '1' like another key"),
        ([datetime.date(2024, 1, 1)], "data[0] is a datetime.date, which is not a JSON value"),
        ({"deep": [7**20000]}, "data['deep'][0] is an int with more than 4300 digits"),
    ],
)
def test_what_json_cannot_hold_is_a_clear_error(manager, obj, expected):
    with pytest.raises(PackingError) as error:
        manager.pack(obj, "data")
    assert expected in str(error.value)
    assert "'object'" in str(error.value)


def test_a_huge_int_result(manager):
    with pytest.raises(PackingError, match="more than 4300 digits"):
        manager.pack(7**20000, "big")
    assert manager.pack(7**20000, "big:object").kind == "object"


def test_a_self_containing_list(manager):
    loop = [1]
    loop.append(loop)
    with pytest.raises(PackingError, match="contains itself"):
        manager.pack(loop, "loop")
    with pytest.raises(PackingError, match="contains itself"):
        manager.pack(loop, "loop:file")
