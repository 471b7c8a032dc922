"""satchel's conformance check (`check_packager`) on every numpy packager, with exact equality."""

from __future__ import annotations

import numpy as np
import pytest

from satchel.testing import check_packager
from satchel_numpy.packagers import (
    NumpyArrayDictPackager,
    NumpyArrayListPackager,
    NumpyArrayPackager,
    NumpyMemmapPackager,
    NumpyScalarPackager,
)

TABLES = [
    np.arange(12.0).reshape(3, 4),
    np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)),
    np.array(["a", "b,c", ""]),
    np.array(["2024-01-01", "NaT"], "M8[ns]"),
    np.array([(1, 2.5)], dtype=[("a", "<i4"), ("b", ">f8")]),
]
OTHER_ARRAYS = [
    np.array(3.5),
    np.arange(24, dtype=np.float16).reshape(2, 3, 4),
    np.array([1 + 2j, np.nan]),
    np.zeros(2, dtype=[("p", [("x", "f4")]), ("v", "i2", (3,))]),
]
OBJECT_ARRAYS = [np.array([1, "x", None], dtype=object)]


def test_array_packager_on_tables(identical):
    check_packager(NumpyArrayPackager, TABLES, assert_equal=identical)


def test_array_packager_on_other_arrays(identical):
    check_packager(
        NumpyArrayPackager, OTHER_ARRAYS, artifact_types=["file", "object", "result"], assert_equal=identical
    )


def test_array_packager_on_object_arrays(identical):
    check_packager(
        NumpyArrayPackager, OBJECT_ARRAYS, artifact_types=["file", "object"], assert_equal=identical
    )


def test_array_packager_supported_types():
    assert NumpyArrayPackager.get_supported_artifact_types() == ["dataset", "file", "object", "result"]
    assert NumpyArrayPackager.DEFAULT_PACKING_ARTIFACT_TYPE == "file"


SCALARS = [
    np.float64(1.5),
    np.float32(0.1),
    np.float16(-0.0),
    np.int8(-3),
    np.uint64(2**64 - 1),
    np.bool_(True),
    np.complex64(1 - 2j),
    np.datetime64("2024-01-01T00:00:00.123456789"),
    np.timedelta64(5, "s"),
    np.str_("hé"),
    np.bytes_(b"\xff"),
    np.longdouble(0.5),
    np.array([(1, 2.5)], dtype=[("a", "i4"), ("b", "f8")])[0],
]


def test_scalar_packager(identical):
    check_packager(NumpyScalarPackager, SCALARS, assert_equal=identical)


def test_scalar_packager_long_double_object_is_exact(identical):
    """As a result it warns (see test_numpy_scalars); as an object it is exact."""
    check_packager(
        NumpyScalarPackager, [np.longdouble(1) / 3], artifact_types=["object"], assert_equal=identical
    )


LISTS = [
    [np.arange(3), np.ones((2, 2), order="F"), np.array(["x"])],
    [np.array(1.5)],
    [np.array([1, None], dtype=object)],
]
DICTS = [
    {"b": np.arange(3), "a": np.zeros((0, 2)), "ç": np.array([b"x"])},
    {"only": np.array(["2024-01-01"], "M8[D]")},
]


def test_list_packager(identical):
    check_packager(NumpyArrayListPackager, LISTS[:2], assert_equal=identical)
    check_packager(
        NumpyArrayListPackager, LISTS[2:], artifact_types=["file", "object"], assert_equal=identical
    )


def test_dict_packager(identical):
    check_packager(NumpyArrayDictPackager, DICTS, assert_equal=identical)


def test_memmap_packager(tmp_path, identical):
    source = np.lib.format.open_memmap(tmp_path / "m.npy", mode="w+", dtype=np.float32, shape=(4, 3))
    source[:] = np.arange(12, dtype=np.float32).reshape(4, 3)
    source.flush()
    mapped = np.load(tmp_path / "m.npy", mmap_mode="r")
    check_packager(
        NumpyMemmapPackager,
        [mapped],
        artifact_types=["file"],
        assert_equal=lambda e, a: identical(np.asarray(e), np.asarray(a)),
    )


@pytest.mark.parametrize(
    "cls", [NumpyArrayPackager, NumpyScalarPackager, NumpyArrayListPackager, NumpyArrayDictPackager]
)
def test_types_are_dotted_strings(cls):
    """Declared as strings so that collecting the packagers never imports numpy."""
    assert isinstance(cls.PACKABLE_OBJECT_TYPE, str)
