"""`assert_identical`: the strict equality satchel-pandas promises, for tests (ours and yours).

`pandas.testing.assert_frame_equal(check_exact=True)` with its default strictness (dtypes, index
classes, names, categoricals, freq, flags), plus what it lets through: nullable float arrays are
compared exactly (pandas compares them approximately), signed zeros must match, the column
labels' and index levels' own dtypes must match, and `attrs` must be equal. Python objects (in
object columns, object index levels and labels, object categories) must be of the same type with
the same value: pandas takes `1` and `1.0`, `None` and `nan`, or `Decimal("1.0")` and
`Decimal("1")` for equal. Arrow dictionary columns must have the same dictionary.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any


def assert_identical(expected: Any, actual: Any) -> None:
    """Raise `AssertionError` unless two DataFrames (or Series) are identical."""
    import pandas as pd
    import pandas.testing as tm

    from satchel_pandas.indexes import level_values

    assert type(actual) is type(expected), (
        f"got a {type(actual).__qualname__}, expected {type(expected).__qualname__}"
    )
    if isinstance(expected, pd.Series):
        tm.assert_series_equal(expected, actual, check_exact=True, check_freq=True, check_flags=True)
        columns = [(expected.name, expected, actual)]
    else:
        tm.assert_frame_equal(expected, actual, check_exact=True, check_freq=True, check_flags=True)
        tm.assert_index_equal(expected.columns, actual.columns, exact=True, check_exact=True)
        for position in range(expected.columns.nlevels):
            left = level_values(expected.columns, position)
            right = level_values(actual.columns, position)
            _assert_same_values(left, right, f"column labels (level {position})")
        columns = [
            (label, expected.iloc[:, i], actual.iloc[:, i]) for i, label in enumerate(expected.columns)
        ]
    tm.assert_index_equal(expected.index, actual.index, exact=True, check_exact=True)
    for position in range(expected.index.nlevels):
        left = level_values(expected.index, position)
        right = level_values(actual.index, position)
        _assert_same_values(left, right, f"index level {position}")
    for label, left, right in columns:
        _assert_same_values(left, right, f"column {label!r}")
    assert expected.attrs == actual.attrs, f"attrs differ: {actual.attrs!r} != {expected.attrs!r}"


def _assert_same_values(left: Any, right: Any, what: str) -> None:
    """What `assert_frame_equal` lets through, for values already compared equal by it: exact
    floats, Python objects of the same type, categories of the same types, Arrow dictionaries."""
    import numpy as np
    import pandas as pd

    dtype = left.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        _assert_same_objects(np.asarray(left, dtype=object), np.asarray(right, dtype=object), what)
        return
    if isinstance(dtype, pd.CategoricalDtype):
        _assert_same_values(dtype.categories, right.dtype.categories, f"{what} (categories)")
        return
    if isinstance(dtype, pd.ArrowDtype):
        _assert_same_dictionary(left, right, what)
        return
    floats = (isinstance(dtype, np.dtype) and dtype.kind in "fc") or str(dtype).startswith("Float")
    if not floats:
        return
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        left_mask, right_mask = np.asarray(left.isna()), np.asarray(right.isna())
        assert (left_mask == right_mask).all(), f"{what}: missing values differ"
        left = np.asarray(left[~left_mask], dtype=dtype.numpy_dtype)
        right = np.asarray(right[~right_mask], dtype=dtype.numpy_dtype)
    left, right = np.asarray(left), np.asarray(right)
    parts = [left.real, left.imag] if left.dtype.kind == "c" else [left]
    others = [right.real, right.imag] if right.dtype.kind == "c" else [right]
    for a, b in zip(parts, others):
        nan = np.isnan(a)
        assert (nan == np.isnan(b)).all(), f"{what}: NaN positions differ"
        same = (a[~nan] == b[~nan]) & (np.signbit(a[~nan]) == np.signbit(b[~nan]))
        assert same.all(), f"{what}: {int((~same).sum())} value(s) differ (exact comparison, signed zeros)"


def _assert_same_objects(left: Any, right: Any, what: str) -> None:
    assert len(left) == len(right), f"{what}: {len(right)} values, expected {len(left)}"
    for position, (a, b) in enumerate(zip(left, right)):
        assert same_object(a, b), (
            f"{what}: value at position {position} is {b!r} ({type(b).__qualname__}), "
            f"expected {a!r} ({type(a).__qualname__})"
        )


def _assert_same_dictionary(left: Any, right: Any, what: str) -> None:
    import pyarrow as pa

    if not pa.types.is_dictionary(left.dtype.pyarrow_dtype):
        return
    dictionaries = []
    for values in (left, right):
        chunked = pa.chunked_array(values.array._pa_array).unify_dictionaries()
        dictionaries.append(chunked.chunk(0).dictionary if chunked.num_chunks else None)
    a, b = dictionaries
    if a is None or b is None:  # no chunk: an empty column; its dictionary is empty
        assert (a is None or len(a) == 0) and (b is None or len(b) == 0), f"{what}: dictionaries differ"
        return
    assert a.equals(b), f"{what}: Arrow dictionaries differ: {b.to_pylist()!r} != {a.to_pylist()!r}"


def same_object(a: Any, b: Any) -> bool:
    """Whether two Python objects are identical in type and value (recursively for containers):
    floats and complex numbers exactly (NaN equals NaN, signed zeros differ), decimals by their
    digits and exponent (`Decimal.compare_total`)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, complex):
        return same_object(a.real, b.real) and same_object(a.imag, b.imag)
    if isinstance(a, decimal.Decimal):
        return a.compare_total(b) == 0
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_object(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_object(a[key], b[key]) for key in a)
    if isinstance(a, dt.datetime) and (a.tzinfo is not None or b.tzinfo is not None):
        return a == b and a.utcoffset() == b.utcoffset() and str(a.tzinfo) == str(b.tzinfo)
    try:
        equal = a == b
        if isinstance(equal, bool):
            return equal or (a is b)
        import numpy as np

        return bool(np.array_equal(a, b, equal_nan=True))
    except Exception:  # no usable equality: their text, at least
        return repr(a) == repr(b)
