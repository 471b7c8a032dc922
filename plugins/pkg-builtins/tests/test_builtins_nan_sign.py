"""A NaN's sign bit (`math.copysign(1, x)`) survives every file format, in any container.

json, jsonl and txt write NaN as a string (``"nan"`` or ``"-nan"``); yaml writes ``.nan``, which
its loader reads with one sign whatever was written, so the sign is recorded in the schema.
"""

from __future__ import annotations

import json
import math
import struct
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORMATS = ["json", "jsonl", "yaml", "txt"]
NANS = {
    'float("-nan")': float("-nan"),
    "-math.nan": -math.nan,
    "copysign(nan, -1)": math.copysign(math.nan, -1),
    'float("nan")': float("nan"),
    "math.nan": math.nan,
    "inf - inf": math.inf - math.inf,  # the platform's default NaN (sign bit set on x86)
}
CONTAINERS = {
    "list": lambda x: [x, 1.5],
    "tuple": lambda x: (x,),
    "dict value": lambda x: {"a": x, "b": "s"},
    "dict key": lambda x: {x: 1},
    "dict key among others": lambda x: {"k": 0, x: 1, 2: 3},
    "set": lambda x: {x, 2.0},
    "frozenset": lambda x: frozenset({x}),
    "nested": lambda x: [{"a": (x, [x, {"b": {x}}])}, (1, x)],
    "both signs": lambda x: [x, -x, {"p": x, "m": -x}],
    "bytes beside": lambda x: {b"k": [x, b"v"], (1, x): x},
}


def signs(value):
    """The sign of every NaN in `value`, in a stable order (sets by sign)."""
    if isinstance(value, float):
        return [math.copysign(1, value)] if value != value else []
    if isinstance(value, dict):
        return [sign for key, item in value.items() for sign in signs(key) + signs(item)]
    if isinstance(value, (set, frozenset)):
        return sorted(sign for item in value for sign in signs(item))
    if isinstance(value, (list, tuple)):
        return [sign for item in value for sign in signs(item)]
    return []


def pack(manager, obj, file_format):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is lost: no SatchelWarning either
        return manager.pack(obj, {"key": "data", "artifact_type": "file", "file_format": file_format})


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("nan", list(NANS))
def test_the_sign_of_a_nan_survives_a_file(manager, exact, file_format, container, nan):
    obj = CONTAINERS[container](NANS[nan])
    artifact = pack(manager, obj, file_format)
    for back in (manager.unpack(artifact), manager.unpack(artifact, type(obj))):
        assert signs(back) == signs(obj)
        exact(obj, back)


@pytest.mark.parametrize("file_format", FORMATS)
def test_nan_keys_of_both_signs_stay_apart(manager, file_format):
    obj = {float("nan"): "p", float("-nan"): "m", float("nan"): "p2"}  # three NaN keys
    back = manager.unpack(pack(manager, obj, file_format))
    assert [(math.copysign(1, key), value) for key, value in back.items()] == [
        (1.0, "p"),
        (-1.0, "m"),
        (1.0, "p2"),
    ]


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_set_of_nans_is_written_the_same_way_whatever_its_order(manager, file_format):
    negative, positive = float("-nan"), float("nan")
    first = pack(manager, {negative, positive, 1.0}, file_format)
    second = pack(manager, {1.0, positive, negative}, file_format)
    assert first.hash == second.hash


def _nan(sign: int, payload: int) -> float:
    bits = (sign << 63) | (0x7FF << 52) | (1 << 51) | payload  # a quiet NaN
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


nans = st.builds(_nan, st.integers(0, 1), st.just(0))
floats = nans | st.floats(allow_nan=True)
values = st.recursive(
    floats | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=3) | floats, inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.parametrize("file_format", FORMATS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=st.lists(values, max_size=4) | st.dictionaries(floats, values, max_size=4))
def test_any_nan_in_any_container_keeps_its_sign(manager, exact, file_format, obj):
    back = manager.unpack(pack(manager, obj, file_format), type(obj))
    assert signs(back) == signs(obj)
    exact(obj, back)


# -- results: the value logged keeps the sign; JSON text has one NaN ------------------------------


@pytest.mark.parametrize("nan", list(NANS))
def test_a_result_keeps_the_sign_in_the_value_logged(manager, nan):
    value = NANS[nan]
    assert signs(manager.pack(value, "x")["x"]) == signs(value)
    obj = {"a": [value, -value], "b": (value,), "s": {value}}
    assert signs(manager.pack(obj, "m")["m"]) == signs(obj)
    assert signs(manager.pack([value], "m")["m"]) == signs([value])


def test_json_text_of_a_result_has_one_nan(manager):
    """What the README says: a tracker writing results as JSON loses the sign (JSON has no -NaN)."""
    logged = manager.pack({"a": float("-nan")}, "m")
    assert json.dumps(logged) == '{"m": {"a": NaN}}'
    assert math.copysign(1, json.loads(json.dumps(logged))["m"]["a"]) == 1.0
