"""Object columns (Python values in a NumPy object array): what they hold, and how any format gives
exactly those values back.

`object_kind` says what a column holds: pandas' `infer_dtype`, kept only when every value is of
the kind's exact Python type (`int`, `float`, `str`...; a NumPy scalar or a subclass makes it
"<kind>: <types>", which no format restores). Missing values are told apart: `None`, `nan`,
`pd.NA` and `pd.NaT` are recorded (`missing_record`) and put back (`put_missing`), since formats
keep "missing" but not which one. `Decimal("NaN")` is a value, not missing. `parse_objects` turns
what a file gave back (text, typed values) into the recorded kind's Python values, and
`arrow_form` is what Arrow formats store so the values come back exactly (ints as `Int64`, not
floats).
"""

from __future__ import annotations

import ast
import datetime as dt
import decimal
from typing import Any

#: The kinds whose values every format gives back exactly, and the exact type of their values.
KIND_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "floating": float,
    "boolean": bool,
    "bytes": bytes,
    "decimal": decimal.Decimal,
    "date": dt.date,
}
RESTORABLE_OBJECT_KINDS = ("empty", *KIND_TYPES)

#: How many positions of missing values a schema lists (when a column mixes None, nan, NA, NaT).
MAX_RECORDED_MISSING = 100_000


def _sentinels() -> dict[str, Any]:
    import pandas as pd

    return {"None": None, "nan": float("nan"), "NA": pd.NA, "NaT": pd.NaT}


def _ALWAYS_MISSING() -> set[type]:  # noqa: N802 - a constant built lazily
    """The types whose every value is a recorded missing value."""
    import pandas as pd

    return {type(None), type(pd.NA), type(pd.NaT)}


def missing_name(value: Any) -> str | None:
    """"None", "nan", "NA" or "NaT" for the missing values satchel records, else None."""
    import pandas as pd

    if value is None:
        return "None"
    if type(value) is float and value != value:
        return "nan"
    if value is pd.NA:
        return "NA"
    if value is pd.NaT:
        return "NaT"
    return None


def missing_mask(values: Any) -> Any:
    """Where an object array holds a missing value (`missing_name`): not `Decimal("NaN")`, nor
    NumPy's NaN scalars, which pandas calls missing too."""
    import numpy as np
    import pandas as pd

    mask = np.asarray(pd.isna(values), dtype=bool)
    if mask.any():
        positions = np.flatnonzero(mask)
        named = np.array([missing_name(values[p]) is not None for p in positions], dtype=bool)
        mask[positions[~named]] = False
    return mask


def object_kind(values: Any) -> str:
    """What an object array holds: `infer_dtype(skipna=True)`, for a restorable kind only when
    every present value is of its exact type (else "<kind>: <the other types>")."""
    import pandas as pd

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind not in KIND_TYPES and kind != "empty":
        return kind
    allowed = {KIND_TYPES.get(kind)}
    if set(map(type, values)) <= allowed | _ALWAYS_MISSING():  # the common case: one pass
        return kind
    others = set(map(type, values[~missing_mask(values)])) - allowed
    if not others:
        return kind
    names = sorted(f"{t.__module__}.{t.__qualname__}".removeprefix("builtins.") for t in others)
    return f"{kind}: {', '.join(names)}"


def missing_record(values: Any) -> tuple[Any, bool]:
    """Which missing values an object array holds: None if none, a name when they are all the
    same, else `{"default": name, "at": {name: [positions]}}` for the others. The flag says the
    positions were more than `MAX_RECORDED_MISSING` (only the default is recorded)."""
    import numpy as np

    mask = missing_mask(values)
    if not mask.any():
        return None, False
    positions = np.flatnonzero(mask)
    names = np.array([missing_name(values[p]) for p in positions], dtype=object)
    kinds, counts = np.unique(names, return_counts=True)
    if len(kinds) == 1:
        return str(kinds[0]), False
    default = str(kinds[np.argmax(counts)])
    at = {str(name): positions[names == name].tolist() for name in kinds if name != default}
    if sum(len(listed) for listed in at.values()) > MAX_RECORDED_MISSING:
        return default, True
    return {"default": default, "at": at}, False


def missing_names(record: Any) -> list[str]:
    """The names of the missing values a record lists."""
    if record is None:
        return []
    if isinstance(record, str):
        return [record]
    return [record["default"], *record["at"]]


def put_missing(values: Any, mask: Any, record: Any) -> Any:
    """`values` (an object array) with the recorded missing values where `mask` (what the file
    gave as missing) is set; `record` None leaves them as read (schemas of older versions)."""
    if record is None or not mask.any():
        return values
    sentinels = _sentinels()
    if isinstance(record, str):
        values[mask] = _fill(sentinels[record], int(mask.sum()))
        return values
    values[mask] = _fill(sentinels[record["default"]], int(mask.sum()))
    for name, positions in record["at"].items():
        values[positions] = _fill(sentinels[name], len(positions))
    return values


def _fill(value: Any, count: int) -> Any:
    import numpy as np

    out = np.empty(count, dtype=object)
    out[:] = [value] * count
    return out


def file_missing(values: Any) -> Any:
    """Where a column read back from a file is missing (any of pandas' missing values, but not a
    `Decimal("NaN")` a pickling format gave back)."""
    import numpy as np
    import pandas as pd

    mask = np.asarray(pd.isna(values), dtype=bool)
    if mask.any():
        positions = np.flatnonzero(mask)
        decimals = np.array([isinstance(values[p], decimal.Decimal) for p in positions], dtype=bool)
        mask[positions[decimals]] = False
    return mask


def parse_objects(values: Any, mask: Any, kind: str | None) -> Any:
    """The present values (not `mask`) of an object array turned into the Python type of `kind`
    (from text, or from the typed values a format gave back); other kinds: NumPy scalars become
    Python scalars."""
    convert = _CONVERTERS.get(kind or "")
    out = values.copy()
    for position in (~mask).nonzero()[0]:
        value = out[position]
        if convert is not None:
            out[position] = convert(value)
        elif hasattr(value, "item") and not isinstance(value, (str, bytes)):
            out[position] = value.item()
    return out


def _to_int(value: Any) -> int:
    if isinstance(value, str):
        return int(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not an integer")
        return int(value)
    return int(value)


def _to_float(value: Any) -> float:
    return float(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return {"True": True, "False": False}[value]
    return bool(value)


def _to_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return parse_bytes(value)
    return bytes(value)


def _to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    return decimal.Decimal(value if isinstance(value, str) else str(value))


def _to_date(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if type(value) is dt.date:
        return value
    import pandas as pd

    return pd.Timestamp(value).date()


def _to_str(value: Any) -> str:
    return value if type(value) is str else str(value)


def parse_bytes(text: str) -> bytes:
    """Bytes from their `repr` (what text formats hold)."""
    value = ast.literal_eval(text)
    if not isinstance(value, bytes):
        raise ValueError(f"not a bytes literal: {text[:40]!r}")
    return value


_CONVERTERS = {
    "integer": _to_int,
    "floating": _to_float,
    "boolean": _to_bool,
    "bytes": _to_bytes,
    "decimal": _to_decimal,
    "date": _to_date,
    "string": _to_str,
}


def object_text(value: Any) -> str:
    """A Python value as text formats hold it (parsed back by `parse_objects` for its kind)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)) and not hasattr(value, "tz"):
        return value.isoformat()
    return repr(value) if isinstance(value, (bytes, float)) else str(value)


def arrow_form(column: Any, kind: str) -> Any | None:
    """What an Arrow format stores for an object column of a restorable `kind` so the values come
    back exactly (None: store its text instead): ints as nullable `Int64`/`UInt64` (Arrow would
    give floats back), floats as float64, booleans as `boolean`, decimals as an Arrow decimal
    only when it keeps each one's digits and exponent; strings, bytes and dates as they are."""
    import numpy as np

    if kind in ("string", "empty", "bytes", "date"):
        return column
    values = np.asarray(column, dtype=object)
    mask = missing_mask(values)
    present = values[~mask]
    if kind == "integer":
        low, high = (min(present), max(present)) if len(present) else (0, 0)
        for dtype, (lo, hi) in (("Int64", (-(2**63), 2**63 - 1)), ("UInt64", (0, 2**64 - 1))):
            if lo <= low and high <= hi:
                return _nullable(values, mask, dtype)
        return None
    if kind == "floating":
        out = np.full(len(values), np.nan)
        out[~mask] = present.astype("float64")
        return out
    if kind == "boolean":
        return _nullable(values, mask, "boolean")
    if kind == "decimal":
        return _arrow_decimals(column, values, mask)
    return None


def _nullable(values: Any, mask: Any, dtype: str) -> Any:
    import numpy as np
    import pandas as pd

    data = np.zeros(len(values), dtype={"Int64": "int64", "UInt64": "uint64", "boolean": "bool"}[dtype])
    data[~mask] = values[~mask].tolist()
    if dtype == "boolean":
        return pd.arrays.BooleanArray(data, mask.copy())
    return pd.arrays.IntegerArray(data, mask.copy())


def _arrow_decimals(column: Any, values: Any, mask: Any) -> Any | None:
    """The column itself if Arrow stores it as a decimal that gives back each value exactly (one
    exponent for all: `Decimal("1.10")` stays `1.10`, no NaN or infinity), else None."""
    import pyarrow as pa

    from satchel_pandas.testing import same_object

    present = values[~mask]
    if not all(value.is_finite() for value in present):
        return None
    exponents = {value.as_tuple().exponent for value in present}
    if len(exponents) > 1:
        return None
    try:
        array = pa.array([None if missing else value for value, missing in zip(values, mask)])
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    if not pa.types.is_decimal(array.type):
        return None
    back = array.to_pylist()
    if not all(same_object(a, b) for a, b, missing in zip(values, back, mask) if not missing):
        return None
    return column
