"""JSON: the flat frame in pandas' "split" orientation, `{"columns": [...], "data": [[row], ...]}`.

Numbers, booleans and strings are JSON values; every other dtype is written as text and restored
from the schema. `to_json` keeps at most 15 significant digits of a float and writes inf as null:
the writer checks each float column and warns naming the columns whose values change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from satchel_pandas.formats import Written
from satchel_pandas.formats.text import object_losses, store_integers
from satchel_pandas.frames import assemble, flatten, header_texts, labels_of, unique_names
from satchel_pandas.schema import Schema
from satchel_pandas.values import text_values

DOUBLE_PRECISION = 15  # the most pandas' to_json allows


def _native(dtype: Any) -> bool:
    """Whether JSON holds the column's values as they are (numbers, booleans, strings)."""
    import numpy as np
    import pandas as pd

    if isinstance(dtype, np.dtype):
        return dtype.kind in "iufb"
    return isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)) or str(dtype).startswith(
        ("Int", "UInt", "Float")
    )


def write_json(obj: Any, path: Path, schema: Schema) -> Written:
    """`to_json(orient="split")` of the flat frame, non-JSON dtypes as text."""
    header = header_texts(obj)
    flat, _ = store_integers(flatten(obj, unique_names(header)))
    losses = object_losses(schema, labels_of(obj), "json")
    levels = schema.index_levels
    replaced = {}
    for position in range(flat.shape[1]):
        column = flat.iloc[:, position]
        if not _native(column.dtype) and not (column.dtype == object and _all_text(column)):
            replaced[position] = text_values(column)
        elif _is_float(column.dtype):
            what = (
                f"index level {header[position]!r}" if position < levels else f"column {header[position]!r}"
            )
            losses.extend(_float_losses(column, what))
    if replaced:
        flat = flat.copy(deep=False)
        for position, texts in replaced.items():
            flat.isetitem(position, texts)
    flat.to_json(path, orient="split", index=False, double_precision=DOUBLE_PRECISION, default_handler=str)
    return Written(losses=losses)


def _all_text(column: Any) -> bool:
    return all(value is None or isinstance(value, str) for value in column)


def _is_float(dtype: Any) -> bool:
    import numpy as np

    return (isinstance(dtype, np.dtype) and dtype.kind == "f") or str(dtype).startswith("Float")


def _float_losses(column: Any, what: str) -> list[str]:
    """The float values `to_json` changes: more digits than it keeps, and infinities."""
    import numpy as np
    import pandas as pd

    values = column.to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(values)
    losses = []
    if (~finite & ~np.isnan(values)).any():
        losses.append(f"{what}: JSON has no inf; to_json writes inf and -inf as null (missing)")
    text = pd.Series(values[finite]).to_json(orient="values", double_precision=DOUBLE_PRECISION)
    back = np.array(json.loads(text), dtype="float64").astype(
        column.dtype if isinstance(column.dtype, np.dtype) else "float64"
    )
    original = values[finite].astype(back.dtype)
    changed = int(((back != original) | (np.signbit(back) != np.signbit(original))).sum()) if len(back) else 0
    if changed:
        losses.append(
            f"{what}: to_json keeps {DOUBLE_PRECISION} significant digits of a float; "
            f"{changed} value(s) come back rounded (or -0.0 as 0.0)"
        )
    return losses


def read_json(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """Parse the split JSON (exact ints and floats) and restore every column from the schema."""
    import pandas as pd

    with open(path, encoding="utf-8") as handle:
        record = json.load(handle)
    count = len(record["columns"])
    flat = (
        pd.DataFrame(record["data"], columns=range(count), dtype=object)
        if count
        else pd.DataFrame(index=pd.RangeIndex(schema.rows))
    )
    if count and not record["data"]:
        flat = pd.DataFrame({position: pd.Series([], dtype=object) for position in range(count)})
    return assemble(flat, schema)


def read_plain(path: str) -> Any:
    """A JSON file made outside satchel: split orientation if it looks like it, JSON lines for
    `.jsonl`/`.ndjson`, else `read_json` defaults."""
    import pandas as pd

    lines = Path(path).name.lower().endswith((".jsonl", ".ndjson"))
    if lines:
        return pd.read_json(path, lines=True)
    with open(path, encoding="utf-8") as handle:
        record = json.load(handle)
    if (
        isinstance(record, dict)
        and {"columns", "data"} <= set(record)
        and set(record) <= {"columns", "data", "index"}
    ):
        return pd.read_json(path, orient="split")
    return pd.read_json(path)


WRITERS = {"json": write_json}
READERS = {"json": read_json}
PLAIN_READERS = {"json": read_plain}
