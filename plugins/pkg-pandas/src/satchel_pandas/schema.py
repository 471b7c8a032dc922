"""The schema of a frame or Series, recorded in the instructions so any format can be made exact.

`capture` records what a file may not hold: the column labels (an exact `Index` spec), each
column's dtype, the row index (a `RangeIndex`'s bounds, or each level's name and dtype, and a
`freq`), the row count, `attrs` and flags, and, for object columns, what kind of values they
hold. `Schema.losses` lists what could not be recorded (the packager warns about it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from satchel_pandas.dtypes import dtype_text, encode_dtype, is_exact
from satchel_pandas.indexes import encode_index, level_values
from satchel_pandas.labels import LabelError, decode_label, encode_label, label_text
from satchel_pandas.objects import RESTORABLE_OBJECT_KINDS, missing_record, object_kind
from satchel_pandas.values import is_object

__all__ = ["RESTORABLE_OBJECT_KINDS", "Schema", "capture", "column_text"]


@dataclass
class Schema:
    """What `capture` recorded; `to_json()` / `from_json()` for the instructions."""

    kind: str
    rows: int
    dtypes: list[Any]
    index: dict[str, Any]
    columns: dict[str, Any] | None = None
    name: Any = None
    objects: dict[int, str] = field(default_factory=dict)
    missing: dict[int, Any] = field(default_factory=dict)
    attrs: dict[str, Any] | None = None
    flags: dict[str, Any] | None = None
    losses: list[str] = field(default_factory=list)
    #: What formats that do not keep Arrow dictionaries as they are (all but parquet, feather) lose.
    dictionary_losses: list[str] = field(default_factory=list)
    #: What formats that do not pickle Python objects (all but h5) lose.
    object_losses: list[str] = field(default_factory=list)

    @property
    def is_series(self) -> bool:
        """Whether the packed object was a Series."""
        return self.kind == "Series"

    @property
    def index_levels(self) -> int:
        """How many index columns a flat file holds (0 for a `RangeIndex`)."""
        return 0 if "range" in self.index else len(self.index["levels"])

    def to_json(self) -> dict[str, Any]:
        """The JSON-able record stored in the instructions."""
        record: dict[str, Any] = {"kind": self.kind, "rows": self.rows}
        if self.is_series:
            record["name"] = self.name
        else:
            record["columns"] = self.columns
        record["dtypes"] = self.dtypes
        record["index"] = self.index
        if self.objects:
            record["objects"] = {str(position): kind for position, kind in self.objects.items()}
        if self.missing:
            record["missing"] = {str(position): names for position, names in self.missing.items()}
        if self.attrs:
            record["attrs"] = self.attrs
        if self.flags:
            record["flags"] = self.flags
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Schema:
        """The schema stored by `to_json`."""
        return cls(
            kind=record["kind"],
            rows=record["rows"],
            dtypes=record["dtypes"],
            index=record["index"],
            columns=record.get("columns"),
            name=record.get("name"),
            objects={int(position): kind for position, kind in record.get("objects", {}).items()},
            missing={int(position): names for position, names in record.get("missing", {}).items()},
            attrs=record.get("attrs"),
            flags=record.get("flags"),
        )

    def object_kind(self, position: int) -> str | None:
        """What an object column holds (`objects.object_kind`), or None if not an object column."""
        return self.objects.get(position)

    def object_missing(self, position: int) -> Any:
        """Which missing values an object column holds (`objects.missing_record`), or None."""
        return self.missing.get(position)

    def summary(self, labels: list[Any], index: Any) -> dict[str, Any]:
        """Readable column names and dtypes, index levels and names, and the row count."""
        columns = [
            {"name": label_text(label), "dtype": dtype_text(spec)} for label, spec in zip(labels, self.dtypes)
        ]
        if "range" in self.index:
            levels = [{"name": label_text(index.name), "dtype": "range"}]
        else:
            levels = [
                {"name": label_text(decode_label(level["name"])), "dtype": dtype_text(level["dtype"])}
                for level in self.index["levels"]
            ]
        return {"rows": self.rows, "columns": columns, "index": levels}


def capture(obj: Any) -> Schema:
    """Record the schema of a DataFrame or Series (cost: per column, not per value, except for
    object columns, whose values are inspected once)."""
    import numpy as np
    import pandas as pd

    series = isinstance(obj, pd.Series)
    frame = obj.to_frame() if series else obj
    losses: list[str] = []
    dictionary_losses: list[str] = []
    object_losses: list[str] = []
    dtypes = [
        _dtype_spec(frame.iloc[:, position], _column_text(obj, position), dictionary_losses)
        for position in range(frame.shape[1])
    ]
    for position, spec in enumerate(dtypes):
        if not is_exact(spec):
            what = _column_text(obj, position)
            if isinstance(spec, dict) and "category" in spec:
                losses.append(f"{what}: its categories are not recorded (more than the limit)")
            else:
                losses.append(f"{what}: dtype {dtype_text(spec)} cannot be recorded")
    schema = Schema(
        kind="Series" if series else "DataFrame",
        rows=len(frame),
        dtypes=dtypes,
        index=_capture_index(frame.index, losses, dictionary_losses, object_losses),
    )
    if series:
        schema.name = _label(obj.name, "the Series name", losses)
    else:
        schema.columns = encode_index(frame.columns)
        if schema.columns is None:
            losses.append("the column labels cannot be recorded exactly; they come back as text")
    for position, dtype in enumerate(frame.dtypes):
        if is_object(dtype):
            values = np.asarray(frame.iloc[:, position], dtype=object)
            schema.objects[position] = object_kind(values)
            missing, lost = missing_record(values)
            if missing is not None:
                schema.missing[position] = missing
            if lost:
                object_losses.append(_missing_loss(_column_text(obj, position), missing))
    schema.attrs = _capture_attrs(frame.attrs, losses)
    if not obj.flags.allows_duplicate_labels:
        schema.flags = {"allows_duplicate_labels": False}
    schema.losses = losses
    schema.dictionary_losses = dictionary_losses
    schema.object_losses = object_losses
    return schema


def _capture_index(
    index: Any, losses: list[str], dictionary_losses: list[str], object_losses: list[str]
) -> dict[str, Any]:
    """The row index record (and what it loses: in every format, in those that do not keep Arrow
    dictionaries, in those that do not pickle objects)."""
    import numpy as np
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return {
            "range": [index.start, index.stop, index.step],
            "name": _label(index.name, "the index name", losses),
        }
    levels = []
    for position in range(index.nlevels):
        level = level_values(index, position)
        spec = _dtype_spec(level, f"index level {position}", dictionary_losses)
        if not is_exact(spec):
            losses.append(f"index level {position}: dtype {dtype_text(spec)} cannot be recorded")
        levels.append(
            {"name": _label(index.names[position], f"index level {position}'s name", losses), "dtype": spec}
        )
        if isinstance(index, pd.MultiIndex) and is_object(level.dtype):
            levels[-1]["objects"] = object_kind(np.asarray(level, dtype=object))
    record: dict[str, Any] = {"levels": levels}
    if isinstance(index, pd.MultiIndex):
        record["multi"] = True
    freq = getattr(index, "freqstr", None)
    if freq is not None and not isinstance(index, pd.PeriodIndex):
        record["freq"] = freq
    if type(index) is not pd.MultiIndex and is_object(index.dtype):
        values = np.asarray(index, dtype=object)
        record["objects"] = object_kind(values)
        missing, lost = missing_record(values)
        if missing is not None:
            record["missing"] = missing
        if lost:
            object_losses.append(_missing_loss("the index", missing))
    return record


def _dtype_spec(values: Any, what: str, losses: list[str]) -> Any:
    """The dtype spec of a column or index level, with an Arrow dictionary's dictionary."""
    from satchel_pandas.arrow_values import arrow_type, dictionary_spec

    spec = encode_dtype(values.dtype)
    pa_type = arrow_type(values.dtype)
    if pa_type is None or not is_exact(spec):
        return spec
    import pyarrow as pa

    if not pa.types.is_dictionary(pa_type):
        return spec
    dictionary = dictionary_spec(values)
    if dictionary is None:
        losses.append(
            f"{what}: its Arrow dictionary is not recorded (more than the limit); it is rebuilt from "
            "the values, in their order"
        )
        return spec
    return {**spec, "dictionary": dictionary}


def _missing_loss(what: str, default: Any) -> str:
    return (
        f"{what} holds missing values of several kinds (None, nan, NA, NaT) at more positions than "
        f"the limit; they come back as {default}"
    )


def _label(label: Any, what: str, losses: list[str]) -> Any:
    try:
        return encode_label(label)
    except LabelError as error:
        losses.append(f"{what} ({error}) cannot be recorded; it comes back as text")
        return {"repr": label_text(label)}


def _capture_attrs(attrs: dict[str, Any], losses: list[str]) -> dict[str, Any] | None:
    if not attrs:
        return None
    try:
        text = json.dumps(attrs, allow_nan=False)
    except (TypeError, ValueError):
        losses.append("DataFrame.attrs are not JSON values; they are not kept")
        return None
    restored = json.loads(text)
    if restored != attrs:
        losses.append("DataFrame.attrs change type through JSON (tuples, non-str keys); they are not kept")
        return None
    return restored


def _column_text(obj: Any, position: int) -> str:
    import pandas as pd

    if isinstance(obj, pd.Series):
        return f"the Series {label_text(obj.name)!r}" if obj.name is not None else "the Series"
    return f"column {label_text(obj.columns[position])!r}"


def column_text(schema: Schema, labels: list[Any], position: int) -> str:
    """How to name column `position` in a message."""
    if schema.is_series:
        return (
            "the Series" if schema.name is None else f"the Series {label_text(decode_label(schema.name))!r}"
        )
    return f"column {label_text(labels[position])!r}"
