"""`assert_identical`: the strict equality satchel-pandas promises, for tests (ours and yours).

`pandas.testing.assert_frame_equal(check_exact=True)` with its default strictness (dtypes, index
classes, names, categoricals, freq, flags), plus what it lets through: nullable float arrays are
compared exactly (pandas compares them approximately), signed zeros must match, the column
labels' and index levels' own dtypes must match, and `attrs` must be equal.
"""

from __future__ import annotations

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
    """Exact float values (NaN where NaN, same sign of zero) for numpy and nullable floats."""
    import numpy as np
    import pandas as pd

    dtype = left.dtype
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
