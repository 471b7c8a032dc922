"""Property tests: arrays of random dtypes, shapes and memory orders round-trip exactly (or warn)."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from satchel import PackagersManager, SatchelWarning

ENDIAN = "?"
SIMPLE_DTYPES = st.one_of(
    hnp.boolean_dtypes(),
    hnp.integer_dtypes(endianness=ENDIAN),
    hnp.unsigned_integer_dtypes(endianness=ENDIAN),
    hnp.floating_dtypes(endianness=ENDIAN, sizes=(16, 32, 64)),
    hnp.complex_number_dtypes(endianness=ENDIAN),
    hnp.datetime64_dtypes(endianness=ENDIAN),
    hnp.timedelta64_dtypes(endianness=ENDIAN),
    hnp.byte_string_dtypes(endianness=ENDIAN),
    hnp.unicode_string_dtypes(endianness=ENDIAN),
)
ANY_DTYPES = st.one_of(
    SIMPLE_DTYPES,
    st.just(np.dtype(np.longdouble)),
    hnp.array_dtypes(subtype_strategy=SIMPLE_DTYPES, min_size=1, max_size=4, allow_subarrays=True),
    hnp.nested_dtypes(subtype_strategy=SIMPLE_DTYPES, max_leaves=4),
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def laid_out(draw, dtype, min_dims=0, max_dims=4):
    """An array in C order, F order, or a non-contiguous view."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=5))
    array = draw(hnp.arrays(dtype, shape))
    layout = draw(st.sampled_from(["C", "F", "view"]))
    if layout == "F":
        array = np.asfortranarray(array)
    elif layout == "view" and array.ndim:
        array = array[::2]
    return array


@pytest.fixture(scope="module")
def manager():
    manager = PackagersManager(installed=False)
    manager.collect_packagers(["satchel_numpy.packagers"], mandatory=True)
    yield manager
    manager.clear()


def round_trip(manager, array, hint, identical):
    before = copy.deepcopy(array)
    try:
        out = manager.pack(array, hint)
        identical(before, array, layout=False)  # packing left the input alone
        return manager.unpack(out, np.ndarray), manager.unpack(out)
    finally:
        manager.clear()


@SETTINGS
@given(data=st.data(), file_format=st.sampled_from(["npy", "npz"]))
def test_binary_round_trip_is_exact(manager, identical, data, file_format):
    array = data.draw(laid_out(data.draw(ANY_DTYPES)))
    for restored in round_trip(manager, array, {"key": "x", "file_format": file_format}, identical):
        identical(array, restored)


@SETTINGS
@given(data=st.data(), file_format=st.sampled_from(["csv", "txt"]))
def test_text_round_trip_is_exact_unless_it_warns(manager, identical, elementwise_same, data, file_format):
    dtype = data.draw(st.one_of(SIMPLE_DTYPES, st.just(np.dtype(np.longdouble))))
    array = data.draw(laid_out(dtype, max_dims=2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SatchelWarning)
        by_hint, by_instructions = round_trip(
            manager, array, {"key": "x", "file_format": file_format}, identical
        )
    lost = [w for w in caught if issubclass(w.category, SatchelWarning)]
    for restored in (by_hint, by_instructions):
        if not lost:
            identical(array, restored)
            continue
        # only NaNs may differ (payloads, long double signs), and the warning says so
        assert "cannot hold every value" in str(lost[0].message)
        assert restored.dtype == array.dtype and restored.shape == array.shape
        differ = ~elementwise_same(array, restored)
        assert differ.any()
        nan = np.asarray(
            np.isnan(array.real) | np.isnan(array.imag) if array.dtype.kind == "c" else np.isnan(array)
        )
        assert nan[differ].all()


def _has_surrogates(array: np.ndarray) -> bool:
    return array.dtype.kind == "U" and any(
        "\ud800" <= char <= "\udfff" for item in array.reshape(-1).tolist() for char in item
    )


DATASET_DTYPES = st.one_of(
    hnp.boolean_dtypes(),
    hnp.integer_dtypes(endianness=ENDIAN),
    hnp.unsigned_integer_dtypes(endianness=ENDIAN),
    hnp.floating_dtypes(endianness=ENDIAN, sizes=(16, 32, 64)),
    hnp.datetime64_dtypes(endianness=ENDIAN),
    hnp.timedelta64_dtypes(endianness=ENDIAN),
    hnp.byte_string_dtypes(endianness=ENDIAN),
    hnp.unicode_string_dtypes(endianness=ENDIAN),
)


@SETTINGS
@given(data=st.data())
def test_dataset_round_trip_is_exact(manager, identical, data):
    array = data.draw(laid_out(data.draw(DATASET_DTYPES), min_dims=1, max_dims=2))
    assume(not _has_surrogates(array))
    for restored in round_trip(manager, array, "x:dataset", identical):
        identical(array, restored)


@SETTINGS
@given(data=st.data())
def test_dict_of_arrays_round_trip_is_exact(manager, identical, data):
    names = data.draw(
        st.lists(
            st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=8),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    arrays = {name: data.draw(laid_out(data.draw(ANY_DTYPES), max_dims=3)) for name in names}
    compressed = data.draw(st.booleans())
    before = copy.deepcopy(arrays)
    try:
        out = manager.pack(arrays, {"key": "d", "compressed": compressed})
        assert out.packager.endswith("NumpyArrayDictPackager")
        identical(before, arrays, layout=False)
        identical(arrays, manager.unpack(out, dict[str, np.ndarray]))
        identical(arrays, manager.unpack(out))
    finally:
        manager.clear()
