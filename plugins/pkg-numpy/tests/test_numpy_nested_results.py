"""numpy scalars inside a builtin result (a dict, list, tuple, set) log as they do on their own.

builtins does not know numpy: it asks the manager for what an item that is not a builtin logs
as, and the manager chooses `NumpyScalarPackager` (the equal Python scalar, `.item()`).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from satchel import PackagersManager, PackingError, SatchelWarning

SCALARS = [
    (np.float16(0.1), 0.0999755859375),
    (np.float32(0.9), 0.8999999761581421),
    (np.float64(0.1), 0.1),
    (np.float32(np.inf), math.inf),
    (np.int8(-128), -128),
    (np.int16(-3), -3),
    (np.int32(2**31 - 1), 2**31 - 1),
    (np.int64(-(2**63)), -(2**63)),
    (np.uint8(255), 255),
    (np.uint16(7), 7),
    (np.uint32(2**32 - 1), 2**32 - 1),
    (np.uint64(2**64 - 1), 2**64 - 1),
    (np.bool_(True), True),
    (np.bool_(False), False),
    (np.complex64(1 - 2j), "(1-2j)"),
    (np.complex128(0.5j), "0.5j"),
    (np.datetime64("2024-05-01T12:00:00.123456789"), "2024-05-01T12:00:00.123456789"),
    (np.datetime64("2024-05-01", "D"), "2024-05-01"),
    (np.datetime64("NaT"), "NaT"),
    (np.timedelta64(90, "m"), "90 minutes"),
    (np.str_("hé"), "hé"),
    (np.bytes_(b"a\xff"), "a\xff"),  # latin-1, as on its own (not builtins' \xNN for bytes)
]
IDS = [f"{type(scalar).__name__}({scalar})" for scalar, _ in SCALARS]


@pytest.fixture
def manager():
    """builtins and numpy, as `pip install "satchel[all]"` collects them."""
    with PackagersManager(installed=False) as packagers:
        packagers.collect_packagers(
            ["satchel_builtins.packagers", "satchel_numpy.packagers"], default_priority=5, mandatory=True
        )
        yield packagers


def same(expected, actual):
    """Equal, with the same types all the way down."""
    assert type(actual) is type(expected), f"{actual!r} is a {type(actual).__name__}, expected {expected!r}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected)
        for name in expected:
            same(expected[name], actual[name])
    elif isinstance(expected, list):
        assert len(actual) == len(expected)
        for one, other in zip(expected, actual):
            same(one, other)
    else:
        assert actual == expected


def test_the_metrics_of_ml_code(manager):
    out = manager.pack({"acc": np.float32(0.9), "n": np.int64(3)}, "metrics")
    same({"metrics": {"acc": 0.8999999761581421, "n": 3}}, out)
    assert json.dumps(out) == '{"metrics": {"acc": 0.8999999761581421, "n": 3}}'


@pytest.mark.parametrize(("scalar", "expected"), SCALARS, ids=IDS)
def test_a_scalar_logs_inside_containers_as_on_its_own(manager, scalar, expected):
    assert manager.pack(scalar, "s") == {"s": expected}  # on its own
    same({"m": {"x": expected, "n": 1}}, manager.pack({"x": scalar, "n": 1}, "m"))
    same({"m": [expected, "a"]}, manager.pack([scalar, "a"], "m"))
    same({"m": [None, expected]}, manager.pack((None, scalar), "m"))
    nested = {"a": [{"b": (scalar, [scalar])}], "c": {"d": {"e": scalar}}}
    logged = {"a": [{"b": [expected, [expected]]}], "c": {"d": {"e": expected}}}
    same({"m": logged}, manager.pack(nested, "m"))


@pytest.mark.parametrize(("scalar", "expected"), SCALARS, ids=IDS)
def test_under_star_hints(manager, scalar, expected):
    out = manager.pack({"a": scalar, "b": {"x": scalar}, "c": [scalar, (scalar,)]}, "**m_")
    same([{"m_a": expected}, {"m_b": {"x": expected}}, {"m_c": [expected, [expected]]}], out)
    same([{"p0": [expected]}, {"p1": {"k": expected}}], manager.pack([[scalar], {"k": scalar}], "*p"))


@pytest.mark.parametrize(("scalar", "expected"), SCALARS, ids=IDS)
def test_as_a_set_item_and_a_dict_key(manager, scalar, expected):
    same({"m": [expected]}, manager.pack({scalar}, "m"))
    key = json.loads(json.dumps({expected: 0})) if not isinstance(expected, str) else {expected: 0}
    same({"m": key}, manager.pack({scalar: 0}, "m"))


def test_a_set_of_numpy_ints_sorts_numerically(manager):
    assert manager.pack({np.int64(10), np.int64(2), np.int64(-1)}, "m") == {"m": [-1, 2, 10]}
    assert manager.pack(frozenset({np.float32(2.5), np.float32(0.5)}), "m") == {"m": [0.5, 2.5]}


def test_a_structured_scalar_logs_as_a_dict_of_its_fields(manager):
    record = np.array([(1, [2.5, 3.5])], dtype=[("n", "i4"), ("v", "f8", (2,))])[0]
    same({"m": {"r": {"n": 1, "v": [2.5, 3.5]}}}, manager.pack({"r": record}, "m"))


def test_a_nan_keeps_its_sign_bit(manager):
    out = manager.pack([np.float32(-np.nan), np.float64(np.nan)], "m")["m"]
    assert [math.copysign(1, value) for value in out] == [-1.0, 1.0]


def test_a_long_double_warning_names_where_it_is(manager):
    with pytest.warns(SatchelWarning, match=r"\"m\['third'\]\": a float128 result is logged as float64"):
        out = manager.pack({"third": np.longdouble(1) / 3}, "m")
    assert out == {"m": {"third": 1 / 3}}


def test_an_array_inside_a_result_is_not_logged_whole(manager):
    """An ndarray is a file on its own (a result only when asked): inside a result it is an error."""
    with pytest.raises(PackingError, match=r"metrics\['w'\] is a numpy.ndarray, which is not a JSON value"):
        manager.pack({"acc": np.float32(1), "w": np.zeros(3)}, "metrics")
    out = manager.pack({"acc": np.float32(1), "w": np.zeros(3)}, "**m_")
    assert out[0] == {"m_acc": 1.0} and out[1].kind == "file"
