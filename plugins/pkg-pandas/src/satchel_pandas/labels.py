"""Labels (column names, index names, Series names, category values) as JSON and back, exactly.

`str`, `int`, `bool` and `None` are stored as themselves; every other label is a one-key tagged
object (`{"float": "0.5"}`, `{"tuple": [...]}`, `{"numpy": "int64", "value": 3}`, ...) so that
the label that comes back has the same type and value. A label with no exact encoding is stored
as `{"repr": "..."}` and reported by `encode_label` as lost.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

#: Python types stored as themselves in JSON.
_PLAIN = (str, bool, int, type(None))


class LabelError(ValueError):
    """A label has no exact JSON encoding."""


def encode_label(label: Any) -> Any:
    """A JSON value that `decode_label` turns back into `label` (raises `LabelError` if none)."""
    kind = type(label)
    if kind in _PLAIN:
        return label
    if kind is float:
        return {"float": float_text(label)}
    if kind is tuple:
        return {"tuple": [encode_label(item) for item in label]}
    if kind is frozenset:
        raise LabelError(f"frozenset label {label!r}")
    return _encode_library_scalar(label)


def decode_label(value: Any) -> Any:
    """The label `encode_label` encoded as `value`."""
    if not isinstance(value, dict):
        return value
    ((tag, payload),) = ((k, v) for k, v in value.items() if k != "dtype")
    if tag == "float":
        return float(payload)
    if tag == "tuple":
        return tuple(decode_label(item) for item in payload)
    if tag == "repr":
        return payload
    return _decode_library_scalar(tag, payload, value.get("dtype"))


def label_text(label: Any) -> str:
    """A readable, unambiguous-enough text of a label for file headers and previews."""
    if isinstance(label, str):
        return label
    if isinstance(label, tuple):
        return ".".join(label_text(item) for item in label)
    return "" if label is None else str(label)


def float_text(value: float) -> str:
    """`repr` of a float, which reads back exactly (`nan`, `inf` and `-inf` included)."""
    return repr(value) if math.isfinite(value) else str(value)


def _encode_library_scalar(label: Any) -> Any:
    import numpy as np
    import pandas as pd

    if label is pd.NA:
        return {"NA": None}
    if label is pd.NaT:
        return {"NaT": None}
    if isinstance(label, np.generic):
        dtype = label.dtype
        if dtype.kind in "iub":
            return {"numpy": label.item(), "dtype": dtype.str}
        if dtype.kind == "f":
            return {"numpy": float_text(float(label)), "dtype": dtype.str}
        if dtype.kind in "mM":
            return {"numpy": int(label.view("i8")), "dtype": dtype.str}
        if dtype.kind == "c":
            return {"numpy": repr(complex(label)), "dtype": dtype.str}
        if dtype.kind == "U":
            return {"numpy": str(label), "dtype": dtype.str}
    if isinstance(label, pd.Timestamp):
        tz = None if label.tz is None else tz_name(label.tz)
        return {"timestamp": [label.as_unit("ns").value, label.unit, tz]}
    if isinstance(label, pd.Timedelta):
        return {"timedelta": [label.as_unit("ns").value, label.unit]}
    if isinstance(label, pd.Period):
        return {"period": [label.ordinal, label.freqstr]}
    if isinstance(label, pd.Interval):
        return {"interval": [encode_label(label.left), encode_label(label.right), label.closed]}
    if type(label) is complex:
        return {"complex": repr(label)}
    if type(label) is dt.datetime and label.tzinfo is None:
        return {"datetime": label.isoformat()}
    if type(label) is dt.date:
        return {"date": label.isoformat()}
    if type(label) is bytes:
        return {"bytes": label.hex()}
    raise LabelError(f"{type(label).__qualname__} label {label!r}")


def _decode_library_scalar(tag: str, payload: Any, dtype: str | None) -> Any:
    import numpy as np
    import pandas as pd

    if tag == "NA":
        return pd.NA
    if tag == "NaT":
        return pd.NaT
    if tag == "numpy":
        numpy_dtype = np.dtype(dtype)
        if numpy_dtype.kind == "f":
            return numpy_dtype.type(float(payload))
        if numpy_dtype.kind in "mM":
            return np.array(payload, dtype="i8").view(numpy_dtype)[()]
        if numpy_dtype.kind == "c":
            return numpy_dtype.type(complex(payload))
        return numpy_dtype.type(payload)
    if tag == "timestamp":
        value, unit, tz = payload
        stamp = pd.Timestamp(value, unit="ns", tz="UTC" if tz else None)
        if tz:
            stamp = stamp.tz_convert(tz_from_name(tz))
        return stamp.as_unit(unit)
    if tag == "timedelta":
        value, unit = payload
        return pd.Timedelta(value, unit="ns").as_unit(unit)
    if tag == "period":
        ordinal, freq = payload
        return pd.Period(ordinal=ordinal, freq=freq)
    if tag == "interval":
        left, right, closed = payload
        return pd.Interval(decode_label(left), decode_label(right), closed=closed)
    if tag == "complex":
        return complex(payload)
    if tag == "datetime":
        return dt.datetime.fromisoformat(payload)
    if tag == "date":
        return dt.date.fromisoformat(payload)
    if tag == "bytes":
        return bytes.fromhex(payload)
    raise ValueError(f"unknown label encoding {tag!r}")


def tz_name(tz: Any) -> str:
    """A name `tz_from_name` turns back into an equal time zone."""
    from pandas._libs.tslibs import timezones

    name = timezones.get_timezone(tz)
    if isinstance(name, str):
        return name
    offset = tz.utcoffset(None)
    if offset is None:
        raise LabelError(f"time zone {tz!r} has no name")
    return f"fixed:{int(offset.total_seconds())}"


def tz_from_name(name: str) -> Any:
    """The time zone named by `_tz_name`."""
    if name.startswith("fixed:"):
        return dt.timezone(dt.timedelta(seconds=int(name[len("fixed:") :])))
    from pandas._libs.tslibs import timezones

    return timezones.maybe_get_tz(name)
