"""Arrays as csv or whitespace-separated txt files that read back exactly.

A 0-D or 1-D array is one column, a 2-D array a table; a 1-D record (structured) array has one
column per field and a header row with the field names. Values are written in the shortest text
that reads back to the same value (numpy's float formatting), booleans as True/False, datetimes
in ISO 8601 at their unit, timedeltas as integer counts of their unit, bytes as latin-1 text.
dtype, shape and memory order come back from the instructions. Before writing, each column is
parsed back and compared bit for bit; whatever would not come back the same (NaN payloads, long
double NaN signs, long double complex precision) is named in a `SatchelWarning`.

Plain text files made elsewhere are read with `numpy.loadtxt`: numbers as float64 (a header
row is skipped), anything else as strings.
"""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from satchel import PackingError, SatchelWarning, UnpackingError
from satchel_numpy.dtypes import dtype_from_json, restore_layout

DELIMITERS = {"csv": ",", "txt": " "}
_ENCODING = {"encoding": "utf-8", "errors": "surrogatepass"}  # lone surrogates in numpy str arrays
_NAT = np.iinfo(np.int64).min


def check_text_array(array: np.ndarray, key: str, file_format: str) -> None:
    """Raise `PackingError` unless `array` can be written as `file_format` text."""
    where = f"{key!r} ({array.ndim}-D {array.dtype} array) cannot be written as {file_format}"
    if array.dtype.names is not None:
        if not array.dtype.names:
            raise PackingError(f"{where}: a record dtype without fields has nothing to write")
        if array.ndim > 1:
            raise PackingError(
                f"{where}: a record array must be 0-D or 1-D for text (one column per field); "
                "use file_format 'npy'"
            )
        for name in array.dtype.names:
            field = array.dtype.fields[name][0]
            if field.names is not None or field.subdtype is not None or not _column_kind_ok(field):
                raise PackingError(
                    f"{where}: field {name!r} ({field}) does not fit in one text column; "
                    "use file_format 'npy'"
                )
        return
    if array.ndim > 2:
        raise PackingError(f"{where}: text holds at most 2 dimensions; use file_format 'npy' or 'npz'")
    if not _column_kind_ok(array.dtype):
        raise PackingError(f"{where}: {array.dtype} values have no faithful text form; use file_format 'npy'")


def _column_kind_ok(dtype: np.dtype) -> bool:
    return dtype.kind in "biufcmMUS"


def write_text(array: np.ndarray, path: Path, file_format: str, key: str) -> dict[str, Any]:
    """Write `array` as csv or txt; return the instructions specific to text (the header)."""
    check_text_array(array, key, file_format)
    lost: list[str] = []
    header = None
    if array.dtype.names is not None:
        records = array.reshape(-1)
        header = list(array.dtype.names)
        columns = [_encode(records[name], f"field {name!r}", lost) for name in header]
        rows: Any = list(zip(*(column.tolist() for column in columns)))
    else:
        table = array.reshape(-1, 1) if array.ndim < 2 else array
        encoded = _encode(table.reshape(-1), "values", lost)
        rows = encoded.reshape(table.shape).tolist()
    if lost:
        warnings.warn(
            f"{key!r}: {file_format} cannot hold every value of this {array.dtype} array exactly: "
            f"{'; '.join(lost)}. Use file_format 'npy' to keep them.",
            SatchelWarning,
            stacklevel=4,
        )
    with open(path, "w", newline="", **_ENCODING) as handle:
        writer = csv.writer(handle, delimiter=DELIMITERS[file_format])
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return {"header": header is not None}


def read_text(
    path: str | Path,
    file_format: str,
    key: str,
    dtype: Any,
    shape: list[int],
    order: str | None,
    header: bool,
) -> np.ndarray:
    """Read a text file satchel wrote, giving back the recorded dtype, shape and order."""
    wanted = dtype_from_json(dtype)
    with open(path, newline="", **_ENCODING) as handle:
        rows = list(csv.reader(handle, delimiter=DELIMITERS[file_format]))
    if header:
        rows = rows[1:]
    count = int(np.prod(shape, dtype=np.int64))
    if wanted.names is not None:
        height, width = count, len(wanted.names)
    elif len(shape) == 2:
        height, width = shape
    else:
        height, width = count, 1
    if len(rows) != height or any(len(row) != width for row in rows):
        raise UnpackingError(
            f"{key!r}: {path} does not hold the {tuple(shape)} {wanted} array that was packed "
            f"({len(rows)} rows); was it edited?"
        )
    strings = np.array(rows, dtype=str).reshape(height, width)
    if wanted.names is not None:
        out = np.zeros(height, dtype=wanted)  # zeros: padding between fields is deterministic
        for index, name in enumerate(wanted.names):
            out[name] = _decode(strings[:, index], wanted.fields[name][0])
        out = out.reshape(shape)
    else:
        out = _decode(strings.reshape(-1), wanted).reshape(shape)
    return restore_layout(out, dtype, order)


def read_outside_text(path: str | Path, file_format: str) -> np.ndarray:
    """A csv or txt file made elsewhere: float64 numbers (after a header row, if any), else strings."""
    delimiter = DELIMITERS[file_format].strip() or None
    attempts: list[dict[str, Any]] = [{}, {"skiprows": 1}, {"dtype": str}]
    error: Exception | None = None
    for options in attempts:
        try:
            return np.loadtxt(path, delimiter=delimiter, quotechar='"', **options)
        except ValueError as problem:
            error = problem
    raise UnpackingError(f"cannot read {path} as {file_format}: {error}")


# -- one column of values <-> text --------------------------------------------------------------


def _encode(values: np.ndarray, label: str, lost: list[str]) -> np.ndarray:
    """Text for each value of a 1-D array, checked by parsing it back."""
    if values.dtype.byteorder not in "=|":
        values = values.astype(values.dtype.newbyteorder("="))
    kind = values.dtype.kind
    if kind == "b":
        text = np.where(values, "True", "False")
    elif kind == "M":
        text = np.datetime_as_string(values)
    elif kind == "m":
        text = np.where(np.isnat(values), "NaT", values.view(np.int64).astype(str))
    elif kind == "S":
        text = np.array([item.decode("latin-1") for item in values.tolist()], dtype=str)
    elif kind in "fc":
        text = _float_text(values)
    else:
        text = values.astype(str)
    if text.dtype.kind != "U":
        text = text.astype(str)
    bad = ~_same(_decode(text, values.dtype), values)
    if kind in "fc" and bad.any():  # fall back to the exact double's repr where it differs
        text = text.astype(object)
        text[bad] = [_exact_text(item) for item in values[bad].tolist()]
        text = text.astype(str)
        bad = ~_same(_decode(text, values.dtype), values)
    if bad.any():
        example = values[bad][0]
        lost.append(f"{int(bad.sum())} {label} such as {example!r} ({_why(values.dtype)})")
    return text


def _float_text(values: np.ndarray) -> np.ndarray:
    text = values.astype(str)
    if values.dtype.kind == "f":
        negative_nan = np.isnan(values) & np.signbit(values)
        if negative_nan.any():
            text = np.where(negative_nan, "-nan", text)
    return text


def _exact_text(value: Any) -> str:
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        sign = "-" if math.copysign(1.0, value.imag) < 0 else "+"
        return f"({value.real!r}{sign}{abs(value.imag)!r}j)"
    return repr(float(value))


def _why(dtype: np.dtype) -> str:
    if dtype.kind == "c" and dtype.itemsize > 16:
        return "long double complex text is read back at double precision"
    if dtype.kind == "f" and dtype.itemsize > 8:
        return "long double NaN signs and payloads are not kept"
    return "NaN payloads are not kept"


def _decode(text: np.ndarray, dtype: np.dtype) -> np.ndarray:
    kind = dtype.kind
    if kind == "b":
        return text == "True"
    if kind == "m":
        nat = text == "NaT"
        counts = np.where(nat, "0", text).astype(np.int64)
        counts[nat] = _NAT
        return counts.view(dtype.newbyteorder("=")).astype(dtype)
    if kind == "S":
        return np.array([item.encode("latin-1") for item in text.tolist()], dtype=dtype).reshape(text.shape)
    return text.astype(dtype)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise: the same value, bit for bit where the dtype allows (NaN payloads, -0.0)."""
    kind = b.dtype.kind
    if kind == "c":
        return _same(a.real, b.real) & _same(a.imag, b.imag)
    if kind == "f":
        if b.dtype.itemsize <= 8:
            bits = np.dtype(f"u{b.dtype.itemsize}")
            return np.ascontiguousarray(a).view(bits) == np.ascontiguousarray(b).view(bits)
        both_nan = np.isnan(a) & np.isnan(b)
        return ((a == b) | both_nan) & (np.signbit(a) == np.signbit(b))
    if kind in "mM":
        return (a == b) | (np.isnat(a) & np.isnat(b))
    return a == b
