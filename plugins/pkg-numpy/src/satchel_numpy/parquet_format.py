"""1-D and 2-D arrays as parquet tables (the `dataset` artifact type), through pyarrow.

Columns are named `"0"`, `"1"`, ... (a 1-D array is column `"0"`, as pandas names them), or
after the fields of a 1-D record array. The instructions record the schema, row count and a
small preview (the first 5 rows, 20 columns at most); dtype, shape and memory order come back
from them exactly. Datetimes and timedeltas that no parquet type holds (hours, multiples such
as 10s, days of timedelta, dates past int32 days) are stored as their int64 counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from satchel import PackingError, UnpackingError
from satchel_numpy.dtypes import array_facts, dtype_from_json, restore_layout
from satchel_numpy.json_values import array_to_json

PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 20
_ARROW_TIME_UNITS = ("s", "ms", "us", "ns")


def _pyarrow(key: str, error: type[Exception]) -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as problem:
        raise error(
            f"{key!r}: the 'dataset' artifact type stores arrays as parquet through pyarrow, "
            f"which cannot be imported here ({problem}); install it (pip install pyarrow, or "
            "satchel-pandas), or log the array as a file (npy)"
        ) from problem
    return pyarrow


def _columns(array: np.ndarray, key: str) -> list[tuple[str, np.ndarray]]:
    where = f"{key!r} ({array.ndim}-D {array.dtype} array)"
    if array.dtype.names is not None:
        if array.ndim != 1:
            raise PackingError(f"{where}: a dataset holds 1-D record arrays; use a file (npy)")
        return [(name, array[name]) for name in array.dtype.names]
    if array.ndim == 1:
        return [("0", array)]
    if array.ndim == 2:
        return [(str(index), array[:, index]) for index in range(array.shape[1])]
    raise PackingError(f"{where}: a dataset holds 1-D or 2-D arrays; use a file (npy) for other shapes")


def _encoding(values: np.ndarray) -> str | None:
    """`"int64"` where a datetime or timedelta has no parquet type that holds it, else None.

    Parquet has timestamps in ms, us and ns (seconds are stored as ms), dates as int32 days and
    durations through arrow's schema; other units, and values out of those ranges, are stored
    as int64 counts.
    """
    dtype = values.dtype
    if dtype.kind not in "mM":
        return None
    unit, count = np.datetime_data(dtype)
    if count != 1 or unit not in (*_ARROW_TIME_UNITS, "D") or (dtype.kind == "m" and unit == "D"):
        return "int64"
    counts = values.view(np.int64)[~np.isnat(values)]
    if dtype.kind == "M" and unit == "D":
        limit = np.iinfo(np.int32)
        fits = not counts.size or (counts.min() >= limit.min and counts.max() <= limit.max)
    elif dtype.kind == "M" and unit == "s":
        bound = np.iinfo(np.int64).max // 1000
        fits = not counts.size or (counts.min() >= -bound and counts.max() <= bound)
    else:
        fits = True
    return None if fits else "int64"


def _to_arrow(values: np.ndarray, name: str, key: str, pa: Any) -> tuple[Any, str | None]:
    dtype = values.dtype
    if dtype.byteorder not in "=|":
        values = values.astype(dtype.newbyteorder("="))
    kind = dtype.kind
    values = np.ascontiguousarray(values)
    encoding = _encoding(values)
    try:
        if encoding == "int64":
            return pa.array(values.view(np.int64)), encoding
        if kind in "biumM" or (kind == "f" and dtype.itemsize <= 8):
            return pa.array(values), None
        if kind == "U":
            return pa.array(values.tolist(), pa.string()), None
        if kind == "S":
            return pa.array(values.tolist(), pa.binary()), None
    except (ValueError, TypeError, UnicodeError, pa.ArrowException) as error:
        raise PackingError(
            f"{key!r}: column {name!r} ({dtype}) cannot be stored in parquet: {error}"
        ) from error
    raise PackingError(
        f"{key!r}: column {name!r} has dtype {dtype}, which parquet has no type for; "
        "log the array as a file (npy) instead"
    )


def write_dataset(array: np.ndarray, path: Path, key: str) -> dict[str, Any]:
    """Write `array` as a parquet table; return its instructions (layout, schema, rows, preview)."""
    pa = _pyarrow(key, PackingError)
    columns = _columns(array, key)
    arrays, schema = [], []
    for name, values in columns:
        converted, encoding = _to_arrow(values, name, key, pa)
        arrays.append(converted)
        entry = {"name": name, "dtype": str(values.dtype), "arrow": str(converted.type)}
        if encoding:
            entry["encoding"] = encoding
        schema.append(entry)
    table = pa.table(arrays, names=[name for name, _ in columns])
    pa.parquet.write_table(table, path)
    return {
        **array_facts(array),
        "schema": schema,
        "num_rows": int(array.shape[0]),
        "preview": array_to_json(
            array[:PREVIEW_ROWS, :PREVIEW_COLUMNS] if array.ndim == 2 else array[:PREVIEW_ROWS], key
        ),
    }


def read_dataset(
    path: str | Path, key: str, dtype: Any, shape: list[int], order: str | None, schema: list[dict[str, Any]]
) -> np.ndarray:
    """Read a parquet table satchel wrote back into the recorded array."""
    pa = _pyarrow(key, UnpackingError)
    wanted = dtype_from_json(dtype)
    table = pa.parquet.read_table(path, columns=[column["name"] for column in schema])
    if schema and table.num_rows != shape[0]:
        raise UnpackingError(f"{key!r}: {path} has {table.num_rows} rows, {shape[0]} were packed")
    allocate = np.zeros if wanted.names is not None else np.empty  # zeros: deterministic padding
    out = allocate(shape, dtype=wanted, order="F" if order == "F" else "C")
    for index, column in enumerate(schema):
        name = column["name"]
        target = wanted.fields[name][0] if wanted.names is not None else wanted
        values = table.column(name).to_numpy()
        if column.get("encoding") == "int64":
            values = values.view(target.newbyteorder("="))
        values = values.astype(target, copy=False)
        if wanted.names is not None:
            out[name] = values
        elif out.ndim == 1:
            out[...] = values
        else:
            out[:, index] = values
    return restore_layout(out, dtype, order)


def read_outside_parquet(path: str | Path, key: str) -> np.ndarray:
    """A parquet file made elsewhere: one column gives a 1-D array, same-typed columns a 2-D one,
    mixed columns a record array (pandas index columns are left out)."""
    pa = _pyarrow(key, UnpackingError)
    table = pa.parquet.read_table(path)
    metadata = table.schema.pandas_metadata or {}
    index_columns = [name for name in metadata.get("index_columns", []) if isinstance(name, str)]
    if index_columns:
        table = table.drop_columns(index_columns)
    if table.num_columns == 0:
        raise UnpackingError(f"{key!r}: {path} has no columns to make an array of")
    columns = [_plain(table.column(index).to_numpy()) for index in range(table.num_columns)]
    if len(columns) == 1:
        return columns[0]
    dtypes = {column.dtype for column in columns}
    if len(dtypes) == 1:
        return np.column_stack(columns)
    record = np.dtype([(name, column.dtype) for name, column in zip(table.column_names, columns)])
    out = np.empty(table.num_rows, dtype=record)
    for name, column in zip(table.column_names, columns):
        out[name] = column
    return out


def _plain(values: np.ndarray) -> np.ndarray:
    """Strings and bytes that arrow gives as Python objects become numpy str/bytes arrays."""
    if values.dtype == object and len(values):
        items = values.tolist()
        if all(isinstance(v, str) for v in items) or all(isinstance(v, bytes) for v in items):
            return np.array(items)
    return values
