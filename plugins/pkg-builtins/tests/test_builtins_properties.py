"""Property test: any nested builtin structure round-trips exactly through every file format."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satchel import PackagersManager, PackingError

FORMATS = ["json", "yaml", "jsonl", "txt"]

texts = st.text(st.characters(codec=None), max_size=8)  # surrogates and control characters too
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.none() | st.booleans() | st.integers() | floats | texts | st.binary(max_size=8)
hashables = st.recursive(
    scalars,
    lambda inner: st.tuples(inner, inner)
    | st.lists(inner, max_size=3).map(tuple)
    | st.frozensets(inner, max_size=3),
    max_leaves=6,
)
values = st.recursive(
    scalars | st.binary(max_size=8).map(bytearray),
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(inner, max_size=4).map(tuple)
    | st.sets(hashables, max_size=4)
    | st.frozensets(hashables, max_size=4)
    | st.dictionaries(hashables, inner, max_size=4),
    max_leaves=16,
)
containers = (
    st.lists(values, max_size=5)
    | st.lists(values, max_size=5).map(tuple)
    | st.sets(hashables, max_size=5)
    | st.frozensets(hashables, max_size=5)
    | st.dictionaries(hashables, values, max_size=5)
    | st.binary()
    | st.binary().map(bytearray)
)


@pytest.fixture(scope="module")
def module_manager():
    with PackagersManager(installed=False) as packagers:
        packagers.collect_packagers(["satchel_builtins.packagers"], default_priority=5, mandatory=True)
        yield packagers


@pytest.mark.parametrize("file_format", FORMATS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=containers)
def test_round_trip_is_exact(module_manager, exact, file_format, obj):
    artifact = module_manager.pack(obj, {"key": "data", "artifact_type": "file", "file_format": file_format})
    assert artifact.packager.startswith("satchel_builtins.packagers.")
    exact(obj, module_manager.unpack(artifact))
    exact(obj, module_manager.unpack(artifact, type(obj)))


@pytest.mark.parametrize("file_format", FORMATS)
@settings(max_examples=60, deadline=None)
@given(items=st.lists(hashables, max_size=6, unique=True))
def test_a_set_gives_the_same_file_whatever_its_insertion_order(module_manager, file_format, items):
    hint = {"key": "data", "artifact_type": "file", "file_format": file_format}
    forward = module_manager.pack(set(items), hint)
    backward = module_manager.pack(set(reversed(items)), hint)
    assert forward.hash == backward.hash


json_floats = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | json_floats | texts | st.binary(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(inner, max_size=4).map(tuple)
    | st.sets(st.integers() | texts, max_size=4)
    | st.dictionaries(st.integers() | texts | st.none() | st.booleans(), inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=200, deadline=None)
@given(obj=st.lists(json_values, max_size=4) | st.dictionaries(texts, json_values, max_size=4))
def test_a_result_is_a_json_value_or_a_clear_error(module_manager, obj):
    try:
        value = module_manager.pack(obj, "value")["value"]
    except PackingError as error:  # only keys that collide once written as JSON keys
        assert "like another key" in str(error)
        return
    assert json.loads(json.dumps(value)) == value
