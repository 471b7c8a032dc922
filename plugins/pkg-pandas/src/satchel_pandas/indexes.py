"""Small `Index` objects (a frame's columns, a categorical's categories) as JSON and back, exactly.

Only used for indexes that belong in instructions; a frame's row index is data and goes into the
file. `encode_index` checks its own work: it returns None when the decoded index would not be
identical (class, dtype, values, names, freq).
"""

from __future__ import annotations

from typing import Any

from satchel_pandas.labels import LabelError, decode_label, encode_label


def encode_index(index: Any, *, name: bool = True) -> dict[str, Any] | None:
    """The JSON spec of `index` (with its names unless `name=False`), or None if not exact."""
    try:
        spec = _encode(index, name)
        back = decode_index(spec)
    except (LabelError, ValueError, TypeError, OverflowError):
        return None
    return spec if same_index(index, back, names=name) else None


def _encode(index: Any, with_name: bool) -> dict[str, Any]:
    import pandas as pd

    from satchel_pandas.dtypes import encode_dtype, is_exact

    if isinstance(index, pd.RangeIndex):
        spec: dict[str, Any] = {"range": [index.start, index.stop, index.step]}
    elif isinstance(index, pd.MultiIndex):
        spec = {
            "levels": [_encode(level, False) for level in index.levels],
            "codes": [codes.tolist() for codes in index.codes],
        }
        if with_name:
            spec["names"] = [encode_label(level_name) for level_name in index.names]
        return spec
    else:
        dtype = encode_dtype(index.dtype)
        if not is_exact(dtype):
            raise ValueError(f"dtype {index.dtype} is not recordable")
        spec = {"dtype": dtype, "values": encode_values(index)}
        freq = getattr(index, "freqstr", None)
        if freq is not None and not isinstance(index, pd.PeriodIndex):
            spec["freq"] = freq
    if with_name:
        spec["name"] = encode_label(index.name)
    return spec


def encode_values(values: Any) -> Any:
    """The values of a 1-D array-like (an Index, an array) as a JSON list, by dtype."""
    import numpy as np
    import pandas as pd

    from satchel_pandas.labels import float_text

    dtype = values.dtype
    if isinstance(dtype, np.dtype):
        array = np.asarray(values)
        if dtype.kind in "iub":
            return array.tolist()
        if dtype.kind == "f":
            return [float_text(value) for value in array.tolist()]
        if dtype.kind == "c":
            return [repr(value) for value in array.tolist()]
        if dtype.kind in "mM":
            return array.view("i8").tolist()
    if isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)):
        return pd.Index(values).asi8.tolist()
    if isinstance(dtype, pd.IntervalDtype):
        array = pd.arrays.IntervalArray(values)
        return {"left": encode_values(array.left), "right": encode_values(array.right)}
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values).codes.tolist()
    return [encode_label(value) for value in pd.Index(values, tupleize_cols=False).astype(object)]


def decode_values(encoded: Any, dtype: Any) -> Any:
    """The array `encode_values` encoded, with `dtype`."""
    import numpy as np
    import pandas as pd

    if isinstance(dtype, np.dtype):
        if dtype.kind in "iub":
            return np.array(encoded, dtype=dtype)
        if dtype.kind == "f":
            return np.array([float(value) for value in encoded], dtype=dtype)
        if dtype.kind == "c":
            return np.array([complex(value) for value in encoded], dtype=dtype)
        if dtype.kind in "mM":
            return np.array(encoded, dtype="i8").view(dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        naive = np.array(encoded, dtype="i8").view(f"M8[{dtype.unit}]")
        return pd.DatetimeIndex(naive).tz_localize("UTC").tz_convert(dtype.tz)
    if isinstance(dtype, pd.PeriodDtype):
        return pd.PeriodIndex.from_ordinals(encoded, freq=dtype.freq)
    if isinstance(dtype, pd.IntervalDtype):
        left = decode_values(encoded["left"], dtype.subtype)
        right = decode_values(encoded["right"], dtype.subtype)
        return pd.arrays.IntervalArray.from_arrays(left, right, closed=dtype.closed, dtype=dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(encoded, dtype=dtype)
    objects = np.empty(len(encoded), dtype=object)
    objects[:] = [decode_label(value) for value in encoded]
    if dtype == np.dtype(object):
        return objects
    return pd.array(objects, dtype=dtype)


def decode_index(spec: dict[str, Any]) -> Any:
    """The `Index` recorded by `encode_index`."""
    import pandas as pd

    from satchel_pandas.dtypes import decode_dtype

    name = decode_label(spec.get("name"))
    if "range" in spec:
        return pd.RangeIndex(*spec["range"], name=name)
    if "levels" in spec:
        levels = [decode_index(level) for level in spec["levels"]]
        names = [decode_label(level_name) for level_name in spec.get("names", [None] * len(levels))]
        return pd.MultiIndex(levels=levels, codes=spec["codes"], names=names, verify_integrity=False)
    dtype = decode_dtype(spec["dtype"])
    values = decode_values(spec["values"], dtype)
    index = pd.Index(values, dtype=dtype, name=name, tupleize_cols=False)
    if "freq" in spec:
        index = type(index)(index, freq=spec["freq"])
    return index


def same_index(left: Any, right: Any, *, names: bool = True) -> bool:
    """Whether two indexes are identical: class, dtype, values, names (if asked) and freq."""
    from pandas.testing import assert_index_equal

    try:
        assert_index_equal(
            left, right, exact=True, check_exact=True, check_names=names, check_categorical=True
        )
    except AssertionError:
        return False
    return getattr(left, "freq", None) == getattr(right, "freq", None)


def level_values(index: Any, position: int) -> Any:
    """The values of level `position` (by position: `get_level_values(1)` means the level *named*
    1 when there is one)."""
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return index._get_level_values(position)  # the positional form pandas itself uses
    return index
