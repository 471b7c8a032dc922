"""Columns as text for formats that hold only text, and any column read back to its recorded dtype.

`text_values` writes what pandas' own `astype(str)` writes (`repr` floats, `(1+2j)`, `[0, 1)`,
`2020-01`...), datetimes as ISO text at their full precision (tz-aware ones as UTC instants),
Python objects as `objects.object_text`, Arrow-backed values as `arrow_values.text_values`, with
None for a missing value. `restore` turns what a file gave back (text, numbers, Python objects,
Arrow data, or another dtype) into the recorded dtype, exactly: object columns through the
`objects` layer, Arrow-backed ones through the `arrow_values` layer.
"""

from __future__ import annotations

import re
from typing import Any

from satchel_pandas.dtypes import decode_dtype, is_exact


def text_values(column: Any) -> Any:
    """An object array of the column's values as text, None where a value is missing."""
    import numpy as np
    import pandas as pd

    from satchel_pandas import arrow_values, objects

    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "c":  # (nan+1j) is "missing" to pandas: keep it whole
        return np.array([repr(value) for value in column.tolist()], dtype=object)
    if isinstance(dtype, pd.ArrowDtype):
        return arrow_values.text_values(column)
    if is_object(dtype):  # missing: None, nan, NA, NaT (a Decimal("NaN") is a value: its text)
        values = np.asarray(column, dtype=object)
        mask = objects.missing_mask(values)
        text = np.array([objects.object_text(value) for value in values], dtype=object)
        text[mask] = None
        return text
    mask = np.asarray(column.isna())
    if isinstance(dtype, pd.CategoricalDtype):
        categories = np.append(text_values(pd.Series(dtype.categories)), None)
        return categories[np.asarray(column.cat.codes)]  # code -1 (missing) picks the last: None
    if isinstance(dtype, pd.DatetimeTZDtype):  # UTC instants: local offsets can be odd (LMT, +00:09:21)
        column = pd.Series(column).dt.tz_convert("UTC")
        dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        text = np.datetime_as_string(np.asarray(column), unit=np.datetime_data(dtype)[0]).astype(object)
    elif isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        text = np.asarray(column).astype(str).astype(object)
    else:
        text = np.asarray(pd.Series(column).astype(str), dtype=object)
    text[mask] = None
    return text


def nested_arrow(dtype: Any) -> bool:
    """Whether `dtype` is an Arrow list, struct or map dtype (no pandas text form)."""
    import pandas as pd

    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    return pa.types.is_nested(dtype.pyarrow_dtype)


def json_nested(dtype: Any) -> bool:
    """Whether JSON text holds every value of a nested Arrow dtype exactly (numbers, strings,
    booleans, times and decimals, in lists and structs)."""
    from satchel_pandas.arrow_values import json_nested as fits

    return fits(dtype.pyarrow_dtype)


def is_object(dtype: Any) -> bool:
    """Whether `dtype` is NumPy's object dtype (Python objects)."""
    import numpy as np

    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def needs_integers(column: Any) -> bool:
    """Whether a time column holds dates pandas cannot parse back from text (years outside
    1..9999): text formats store its integer form instead (`asi8`: epoch units or ordinals)."""
    import numpy as np
    import pandas as pd

    from satchel_pandas import arrow_values

    dtype = column.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return arrow_values.years_out_of_range(column)
    timelike = isinstance(dtype, (pd.PeriodDtype, pd.DatetimeTZDtype)) or (
        isinstance(dtype, np.dtype) and dtype.kind == "M"
    )
    if not timelike or not column.notna().any():
        return False
    years = pd.Series(column).dt.year
    return bool(years.min() < 1 or years.max() > 9999)


def integer_values(column: Any) -> Any:
    """The integer form of a time column (nullable Int64: missing stays missing)."""
    import pandas as pd

    if isinstance(column.dtype, pd.ArrowDtype):
        from satchel_pandas.arrow_values import integer_form

        return integer_form(column)

    index = pd.Index(column)
    return pd.arrays.IntegerArray(index.asi8.copy(), index.isna())


def same_dtype(left: Any, right: Any) -> bool:
    """Strict dtype identity: class, and for categoricals the categories in order and their dtype."""
    import pandas as pd

    if type(left) is not type(right) or left != right:
        return False
    if isinstance(left, pd.CategoricalDtype):
        if left.categories is None or right.categories is None:
            return left.categories is right.categories
        return (
            left.ordered == right.ordered
            and left.categories.dtype == right.categories.dtype
            and left.categories.equals(right.categories)
        )
    return True


def restore(column: Any, spec: Any, kind: str | None = None, missing: Any = None) -> Any:
    """`column` (a Series read from a file) with the recorded dtype `spec`, its values exact.

    `kind` is what an object column held (`objects.object_kind`): what was read back is turned
    into it; `missing` is which missing values it held (`objects.missing_record`).
    """
    import numpy as np
    import pandas as pd

    if not is_exact(spec):  # not recorded (warned at pack): as read, a categorical at least
        categorical = isinstance(spec, dict) and "category" in spec
        return column.astype("category") if categorical else column
    dtype = decode_dtype(spec)
    if is_object(dtype):
        return _objects(column, kind, missing)
    if isinstance(dtype, pd.ArrowDtype):
        return _arrow(column, dtype, spec)
    if isinstance(column.dtype, pd.ArrowDtype):  # a reader kept an Arrow type another column has
        column = _from_arrow(column, dtype)
    if len(column) == 0 and not same_dtype(column.dtype, dtype):
        return pd.Series(pd.array([], dtype=dtype), index=column.index, dtype=dtype)
    if same_dtype(column.dtype, dtype):
        return column
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical(column, dtype, spec)
    if isinstance(dtype, pd.SparseDtype):
        dense = restore(column, str(dtype.subtype) if isinstance(dtype.subtype, np.dtype) else dtype.subtype)
        return pd.Series(dense).astype(dtype)
    if isinstance(dtype, np.dtype):
        return _numpy(column, dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _datetimes(column, dtype)
    if isinstance(dtype, pd.PeriodDtype):
        return _periods(column, dtype)
    if isinstance(dtype, pd.IntervalDtype):
        return _intervals(column, dtype)
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(column.dtype.categories.dtype)
    if _is_text(column) and not isinstance(dtype, pd.StringDtype):
        array_type = dtype.construct_array_type()
        strings = [None if _missing(value) else value for value in column]
        return pd.Series(array_type._from_sequence_of_strings(strings, dtype=dtype), index=column.index)
    return column.astype(dtype)


def _from_arrow(column: Any, dtype: Any) -> Any:
    """An Arrow-backed column read for a column recorded with another dtype: cast for nullable and
    string dtypes (exact), else what pandas' own conversion gives, which `restore` then fixes."""
    import pandas as pd

    from satchel_pandas.arrow_values import to_arrow

    nullable = isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)) or str(dtype).startswith(
        ("Int", "UInt", "Float")
    )
    values = to_arrow(column)
    import pyarrow as pa

    if not nullable and pa.types.is_integer(values.type):  # ints with nulls (ORC's times): not floats
        prefix = "UInt" if pa.types.is_unsigned_integer(values.type) else "Int"
        dtype = pd.api.types.pandas_dtype(f"{prefix}{values.type.bit_width}")
    elif not nullable and pa.types.is_boolean(values.type):
        dtype = pd.BooleanDtype()
    elif not nullable:
        return pd.Series(values.to_pandas().array, index=column.index, name=column.name)
    # the dtype's own reader of Arrow data (what to_pandas uses): pandas' astype of an Arrow
    # int64 array with nulls can go through floats
    try:
        array = dtype.__from_arrow__(values)
    except (TypeError, ValueError, NotImplementedError, pa.ArrowException):  # another Arrow type
        array = column.array.astype(dtype)
    if array.dtype != dtype:
        array = array.astype(dtype)
    return pd.Series(array, index=column.index, name=column.name)


def _arrow(column: Any, dtype: Any, spec: Any) -> Any:
    """An Arrow-backed column, through Arrow (`arrow_values.restore`)."""
    from satchel_pandas import arrow_values

    if nested_arrow(dtype) and _is_text(column) and not json_nested(dtype):
        return column  # kept as text (the packer was warned)
    dictionary = arrow_values.decode_dictionary(spec.get("dictionary")) if isinstance(spec, dict) else None
    return arrow_values.restore(column, dtype, dictionary)


def _objects(column: Any, kind: str | None, missing: Any) -> Any:
    """An object column of the recorded kind's Python values and missing values."""
    import numpy as np
    import pandas as pd

    from satchel_pandas import objects

    values = np.array(column.to_numpy(dtype=object), dtype=object, copy=True)
    mask = objects.file_missing(values)
    if kind not in ("string", "empty") or not _is_text(column):
        values = objects.parse_objects(values, mask, kind)
    values = objects.put_missing(values, mask, missing)
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


def _is_text(column: Any) -> bool:
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if not is_object(dtype):
        return False
    for value in column:
        if not _missing(value):
            return isinstance(value, str)
    return False


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _int64(column: Any) -> Any:
    """Integer storage (numpy or nullable) as int64, a missing value as NaT's integer."""
    import numpy as np

    return column.to_numpy(dtype="i8", na_value=np.iinfo("i8").min)


def _integers(column: Any) -> Any:
    """An object column of Python ints (Arrow storage of times) as a nullable integer column."""
    import pandas as pd

    if not is_object(column.dtype):
        return column
    values = list(column)
    if not values or not all(_missing(v) or (isinstance(v, int) and not isinstance(v, bool)) for v in values):
        return column
    return pd.Series(
        pd.array([None if _missing(v) else v for v in values], dtype="Int64"), index=column.index
    )


def _numpy(column: Any, dtype: Any) -> Any:
    import numpy as np
    import pandas as pd

    if dtype.kind in "mM":
        column = _integers(column)
    if dtype.kind == "M":
        if _is_text(column) or is_object(column.dtype):
            parsed = pd.to_datetime(column, format="ISO8601")
        elif column.dtype.kind in "iu":
            return pd.Series(_int64(column).view(dtype), index=column.index)
        else:
            parsed = pd.Series(column)
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        return parsed.dt.as_unit(np.datetime_data(dtype)[0])
    if dtype.kind == "m":
        if column.dtype.kind in "iu":
            return pd.Series(_int64(column).view(dtype), index=column.index)
        if _is_text(column):
            return pd.Series(
                _parse_timedeltas(column, np.datetime_data(dtype)[0]).view(dtype), index=column.index
            )
        return pd.Series(column).dt.as_unit(np.datetime_data(dtype)[0])
    if dtype.kind == "b" and _is_text(column):
        return column.map({"True": True, "False": False, True: True, False: False}).astype(bool)
    if dtype.kind == "c" and (_is_text(column) or is_object(column.dtype)):
        values = [complex("nan") if _missing(value) else complex(value) for value in column]
        return pd.Series(np.array(values, dtype=dtype), index=column.index)
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(column.dtype.categories.dtype)
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "fc":
        return column.astype(dtype.type)
    return column.astype(dtype)


_TIMEDELTA = re.compile(r"^(-?\d+) days? ?([+-])?(\d+):(\d+):(\d+)(?:\.(\d+))?$")
_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _parse_timedeltas(column: Any, unit: str) -> Any:
    """Timedelta text as pandas writes it (`-1 days +23:59:59.999999995`), in integer `unit`s,
    exactly (pandas' own parser goes through nanoseconds and overflows for long `s` spans)."""
    import numpy as np
    import pandas as pd

    out = np.empty(len(column), dtype="i8")
    for position, value in enumerate(column):
        if _missing(value) or value == "NaT":
            out[position] = np.iinfo("i8").min
            continue
        match = _TIMEDELTA.match(value)
        if match is None:  # other forms ("1 days"): pandas' parser (`.value` would be nanoseconds)
            out[position] = pd.Timedelta(value).as_unit(unit).asm8.view("i8")
            continue
        days, sign, hours, minutes, seconds, fraction = match.groups()
        clock = (int(hours) * 3600 + int(minutes) * 60 + int(seconds)) * 10**9
        clock += int((fraction or "0").ljust(9, "0")[:9])
        total = int(days) * 86400 * 10**9 + (-clock if sign == "-" else clock)
        out[position] = total // _UNIT_NS[unit]
    return out


def _datetimes(column: Any, dtype: Any) -> Any:
    import pandas as pd

    column = _integers(column)
    if _is_text(column) or is_object(column.dtype):
        parsed = pd.to_datetime(column, format="ISO8601", utc=True)
    elif column.dtype.kind in "iu":
        parsed = pd.Series(_int64(column).view(f"M8[{dtype.unit}]"), index=column.index).dt.tz_localize("UTC")
    else:
        parsed = pd.Series(column)
        if parsed.dt.tz is None:
            parsed = parsed.dt.tz_localize("UTC")
    return parsed.dt.tz_convert(dtype.tz).dt.as_unit(dtype.unit)


def _periods(column: Any, dtype: Any) -> Any:
    import pandas as pd

    column = _integers(column)
    if column.dtype.kind in "iu":
        return pd.Series(pd.PeriodIndex.from_ordinals(_int64(column), freq=dtype.freq), index=column.index)
    return column.astype(object).astype(dtype)


def _intervals(column: Any, dtype: Any) -> Any:
    import pandas as pd

    if _is_text(column):
        lefts, rights = [], []
        for value in column:
            if _missing(value):
                lefts.append(None)
                rights.append(None)
                continue
            left, right = value[1:-1].split(", ")
            lefts.append(left)
            rights.append(right)
        subtype = dtype.subtype
        spec = str(subtype)
        left = restore(pd.Series(lefts, dtype=object), spec)
        right = restore(pd.Series(rights, dtype=object), spec)
        if subtype.kind in "iu":  # a missing interval has float bounds in text
            left, right = pd.Series(left), pd.Series(right)
        array = pd.arrays.IntervalArray.from_arrays(left, right, closed=dtype.closed, dtype=dtype)
        return pd.Series(array, index=column.index)
    values = list(column)
    if any(isinstance(value, dict) for value in values):  # Arrow's storage: {"left", "right"} structs
        from satchel_pandas.dtypes import encode_dtype

        lefts = pd.Series([None if _missing(v) else v["left"] for v in values], dtype=object)
        rights = pd.Series([None if _missing(v) else v["right"] for v in values], dtype=object)
        spec = encode_dtype(dtype.subtype)
        left, right = pd.Series(restore(lefts, spec)), pd.Series(restore(rights, spec))
        array = pd.arrays.IntervalArray.from_arrays(left, right, closed=dtype.closed, dtype=dtype)
        return pd.Series(array, index=column.index)
    return pd.Series(pd.array(values, dtype=dtype), index=column.index)


def _categorical(column: Any, dtype: Any, spec: Any) -> Any:
    import numpy as np
    import pandas as pd

    if dtype.categories is None:
        return column.astype("category")
    mask = np.asarray(column.isna())
    present = column[~mask]
    if isinstance(present.dtype, pd.CategoricalDtype):
        present = present.astype(present.dtype.categories.dtype)
    if not same_dtype(present.dtype, dtype.categories.dtype):
        from satchel_pandas.dtypes import encode_dtype

        present = restore(present, encode_dtype(dtype.categories.dtype), _category_kind(dtype))
    codes = np.full(len(column), -1, dtype="int64")
    codes[~mask] = dtype.categories.get_indexer(pd.Index(present, tupleize_cols=False))
    if (codes[~mask] < 0).any():
        raise ValueError(f"column {column.name!r} holds values that are not among its recorded categories")
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=column.index)


def _category_kind(dtype: Any) -> str | None:
    import numpy as np

    from satchel_pandas.objects import object_kind

    if is_object(dtype.categories.dtype):
        return object_kind(np.asarray(dtype.categories, dtype=object))
    return None
