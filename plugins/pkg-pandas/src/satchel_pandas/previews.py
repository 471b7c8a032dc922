"""Pack-time previews of frames and series (the `preview` hook): schema, row count, first rows.

Made while the object is in memory, so a page shows an h5, feather or orc payload (which it
could not read without pandas, or at all without unpickling) as well as a Parquet one. Cells and
labels are text (`str`, cut at `CELL_LIMIT` characters): any dtype, NaN included, is JSON-safe.
"""

from __future__ import annotations

from typing import Any

ROWS = 10
COLUMNS = 50
CELL_LIMIT = 200


def table_preview(obj: Any) -> dict[str, Any]:
    """`{"type": "table", "rows", "columns": [{"name", "dtype"}], "columns_total", "index":
    [{"name", "dtype"}], "head": [[cell, ...]], "row_labels": [label, ...]}`."""
    import pandas as pd

    is_series = isinstance(obj, pd.Series)
    frame = obj.to_frame(name="" if obj.name is None else obj.name) if is_series else obj
    head = frame.iloc[:ROWS, :COLUMNS]
    index = head.index
    return {
        "type": "table",
        "rows": len(frame),
        "columns": [
            {"name": _cell(label), "dtype": str(dtype)} for label, dtype in zip(head.columns, head.dtypes)
        ],
        "columns_total": frame.shape[1],
        "index": [
            {"name": "" if name is None else _cell(name), "dtype": str(index.get_level_values(level).dtype)}
            for level, name in enumerate(index.names)
        ],
        "head": [list(row) for row in zip(*(_cells(head.iloc[:, j]) for j in range(head.shape[1])))]
        if head.shape[1]
        else [[] for _ in range(len(head))],
        "row_labels": _cells(index.to_series() if index.nlevels == 1 else pd.Series(list(index))),
    }


def _cells(values: Any) -> list[str]:
    """A column's values as text; numpy's own text where pandas cannot make objects of them
    (datetimes out of `Timestamp`'s range), and a placeholder if neither can."""
    try:
        return [_cell(value) for value in values.tolist()]
    except Exception:  # pandas cannot make Python objects of them (OverflowError, ...)
        pass
    try:
        return [_cell(value) for value in values.to_numpy().astype(str).tolist()]
    except Exception:
        return ["<not shown>"] * len(values)


def _cell(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # a value pandas cannot write as text (a timestamp out of strftime's range)
        text = "<not shown>"
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "..."
