"""numpy scalars log as the equal Python scalar; the non-JSON ones as documented text forms."""

from __future__ import annotations

import numpy as np
import pytest

from satchel import SatchelWarning


@pytest.mark.parametrize(
    "scalar, expected",
    [
        (np.float64(0.5), 0.5),
        (np.float32(0.1), 0.10000000149011612),  # the float equal to the float32, not 0.1
        (np.float16(np.inf), float("inf")),
        (np.int8(-7), -7),
        (np.uint64(2**64 - 1), 2**64 - 1),
        (np.bool_(False), False),
        (np.str_("hé"), "hé"),
        (np.bytes_(b"a\xff"), "a\xff"),
        (np.complex128(1 - 2j), "(1-2j)"),
        (np.datetime64("2024-05-01T12:00:00.123456789"), "2024-05-01T12:00:00.123456789"),
        (np.datetime64("2024-05-01", "D"), "2024-05-01"),
        (np.datetime64("NaT"), "NaT"),
        (np.timedelta64(90, "m"), "90 minutes"),
        (np.longdouble(0.25), 0.25),
        (np.array([(1, [2.5, 3.5])], dtype=[("n", "i4"), ("v", "f8", (2,))])[0], {"n": 1, "v": [2.5, 3.5]}),
    ],
    ids=repr,
)
def test_scalar_results(numpy_manager, scalar, expected):
    result = numpy_manager.pack(scalar, "s")
    assert result == {"s": expected}
    assert type(result["s"]) is type(expected)


def test_python_scalar_type_matches(numpy_manager):
    assert type(numpy_manager.pack(np.int64(3), "n")["n"]) is int
    assert type(numpy_manager.pack(np.float32(3), "x")["x"]) is float
    assert type(numpy_manager.pack(np.bool_(True), "b")["b"]) is bool


def test_nan_result(numpy_manager):
    value = numpy_manager.pack(np.float64("nan"), "x")["x"]
    assert type(value) is float and value != value


def test_long_double_result_warns_when_precision_is_lost(numpy_manager):
    with pytest.warns(SatchelWarning, match="'third': a float128 result is logged as float64"):
        result = numpy_manager.pack(np.longdouble(1) / 3, "third")
    assert result == {"third": 1 / 3}


def test_scalar_as_object_is_exact(numpy_manager, identical):
    for scalar in (np.longdouble(1) / 3, np.datetime64("2024-01-01", "ns"), np.complex64(1j)):
        out = numpy_manager.pack(scalar, "s:object")
        assert out.packager == "satchel_numpy.packagers.NumpyScalarPackager"
        identical(scalar, numpy_manager.unpack(out, type(scalar)))


def test_numpy_float64_is_not_taken_by_a_float_packager(numpy_manager):
    """np.float64 subclasses float; the numpy packager takes it (numpy.generic, subclasses on)."""
    assert numpy_manager.explain(np.float64(1)).chosen == "satchel_numpy.packagers.NumpyScalarPackager"
