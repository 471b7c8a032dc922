"""Frames and Series as JSON values: the `result` artifact type and the dataset preview.

A DataFrame becomes `{"columns": [...], "index": [...], "data": [[row], ...]}` (pandas' "split"
orientation) and a Series `{"name": ..., "index": [...], "data": [...]}`. Numbers, booleans and
strings stay themselves; missing values and non-finite floats become null; datetimes, timedeltas,
periods, intervals and other objects become their text; tuple labels become lists. A result is a
one-way view for people and dashboards: unpack needs a file (`file`/`dataset`).
"""

from __future__ import annotations

import math
from typing import Any


def to_json_value(obj: Any) -> dict[str, Any]:
    """The JSON value of a DataFrame or Series (split orientation)."""
    import pandas as pd

    index = _index_values(obj.index)
    if isinstance(obj, pd.Series):
        return {"name": json_label(obj.name), "index": index, "data": column_values(obj)}
    columns = [column_values(obj.iloc[:, position]) for position in range(obj.shape[1])]
    return {
        "columns": [json_label(label) for label in obj.columns],
        "index": index,
        "data": [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(obj))],
    }


def column_values(column: Any) -> list[Any]:
    """A column's values as JSON scalars (null for missing, text for what JSON has no type for)."""
    import numpy as np
    import pandas as pd

    from satchel_pandas.values import is_object

    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return column.tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [value if math.isfinite(value) else None for value in column.tolist()]
    mask = column.isna().to_numpy()
    if isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)) or (
        isinstance(dtype, pd.api.extensions.ExtensionDtype)
        and getattr(dtype, "_is_numeric", False)
        and not isinstance(dtype, pd.SparseDtype)
    ):
        values = column.astype(object).tolist()
    elif is_object(dtype):
        values = list(column)
    else:
        from satchel_pandas.values import text_values

        values = list(text_values(column))
    return [None if missing else json_scalar(value) for value, missing in zip(values, mask)]


def json_scalar(value: Any) -> Any:
    """A JSON scalar for one value."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and not isinstance(value, (bytes, str)):
        try:
            return json_scalar(value.item())
        except (TypeError, ValueError):
            pass
    return str(value)


def json_label(label: Any) -> Any:
    """A label as JSON: itself if a JSON scalar, a list for a tuple, else its text."""
    if isinstance(label, tuple):
        return [json_label(item) for item in label]
    return json_scalar(label)


def _index_values(index: Any) -> list[Any]:
    import pandas as pd

    from satchel_pandas.indexes import level_values

    if isinstance(index, pd.MultiIndex):
        levels = [column_values(pd.Series(level_values(index, level))) for level in range(index.nlevels)]
        return [list(row) for row in zip(*levels)]
    return column_values(pd.Series(index))


def preview(obj: Any, rows: int = 5, columns: int = 20) -> dict[str, Any]:
    """The first rows (and columns) of a frame as a JSON value, for `satchel show`."""
    import pandas as pd

    head = obj.head(rows)
    if not isinstance(obj, pd.Series) and obj.shape[1] > columns:
        head = head.iloc[:, :columns]
    return to_json_value(head)
