"""Frames taken apart for files and put back together from a schema.

A *flat* frame is what formats without an index (csv, json, xml, orc, h5) hold: the index levels
first (none for a `RangeIndex`), then the data columns, under plain names. `flatten` never
changes the caller's frame and copies no data (copy-on-write); `assemble` turns a flat frame read
back into the original; `reconcile` fixes what a format that keeps an index (parquet, feather)
gave back where it differs from the schema.
"""

from __future__ import annotations

from typing import Any

from satchel_pandas.dtypes import decode_dtype, is_exact
from satchel_pandas.indexes import decode_index, level_values
from satchel_pandas.labels import decode_label, label_text
from satchel_pandas.schema import Schema
from satchel_pandas.values import is_object, restore, same_dtype


def as_frame(obj: Any) -> Any:
    """A DataFrame view of a DataFrame or Series (a Series keeps its name in the schema)."""
    import pandas as pd

    if isinstance(obj, pd.Series):
        return obj.to_frame(name=label_text(obj.name) if obj.name is not None else "0")
    return obj


def labels_of(obj: Any) -> list[Any]:
    """The column labels (one for a Series: its name)."""
    import pandas as pd

    return [obj.name] if isinstance(obj, pd.Series) else list(obj.columns)


def header_texts(obj: Any) -> list[str]:
    """Readable names of the flat columns: index level names (when kept), then column labels."""
    import pandas as pd

    frame = as_frame(obj)
    names = [] if type(frame.index) is pd.RangeIndex else [label_text(name) for name in frame.index.names]
    return names + [label_text(label) for label in frame.columns]


def unique_names(texts: list[str], reserved: tuple[str, ...] = ()) -> list[str]:
    """`texts` made unique the way pandas reads duplicate headers (`a`, `a.1`, `a.2`)."""
    seen: set[str] = set(reserved)
    out = []
    for text in texts:
        name, count = text, 0
        while name in seen:
            count += 1
            name = f"{text}.{count}"
        seen.add(name)
        out.append(name)
    return out


def flatten(obj: Any, names: list[str]) -> Any:
    """The flat frame of `obj` with columns `names` (index levels first); no data is copied."""
    import pandas as pd

    frame = as_frame(obj)
    levels = 0 if type(frame.index) is pd.RangeIndex else frame.index.nlevels
    flat = frame.set_axis(range(levels, levels + frame.shape[1]), axis=1)
    flat = flat.reset_index(names=list(range(levels))) if levels else flat.reset_index(drop=True)
    flat.columns = names  # on the new frame only
    for position in range(levels):  # reset_index infers object levels ([0, None] becomes floats)
        level = level_values(frame.index, position)
        if is_object(level.dtype) and not is_object(flat.dtypes.iloc[position]):
            flat.isetitem(position, pd.Series(level.to_numpy(dtype=object), index=flat.index, dtype=object))
    return flat


def assemble(flat: Any, schema: Schema) -> Any:
    """The DataFrame (or Series) whose flat frame, read back from a file, is `flat`."""
    import pandas as pd

    levels = schema.index_levels
    expected = levels + len(schema.dtypes)
    if expected == 0:  # no columns: only the row count and the index are recorded
        flat = pd.DataFrame(index=pd.RangeIndex(schema.rows))
    if flat.shape[1] != expected:
        raise ValueError(f"the file holds {flat.shape[1]} columns, the schema records {expected}")
    if len(flat) != schema.rows:
        raise ValueError(f"the file holds {len(flat)} rows, the schema records {schema.rows}")
    index = build_index([flat.iloc[:, position] for position in range(levels)], schema)
    data = flat.iloc[:, levels:] if levels else flat
    texts = list(data.columns)
    data = data.set_axis(range(data.shape[1]), axis=1)
    for position, spec in enumerate(schema.dtypes):
        column = data.iloc[:, position]
        fixed = restore(column, spec, schema.object_kind(position), schema.object_missing(position))
        if fixed is not column:
            data.isetitem(position, _values(fixed, data.index))
    data = data.set_axis(index, axis=0)
    return _finish(data, schema, texts)


def reconcile(frame: Any, schema: Schema) -> Any:
    """A frame read from a format that keeps an index, made identical to the schema."""
    import pandas as pd

    if frame.shape[1] != len(schema.dtypes):
        raise ValueError(f"the file holds {frame.shape[1]} columns, the schema records {len(schema.dtypes)}")
    if frame.shape[1] == 0 and "range" in schema.index:  # a file of no columns may keep no row count
        frame = pd.DataFrame(index=pd.RangeIndex(schema.rows))
    if _index_matches(frame.index, schema, names=False) and not _index_matches(frame.index, schema):
        frame = frame.set_axis(frame.index.set_names(_index_names(schema)), axis=0)
    if not _index_matches(frame.index, schema):
        index = frame.index
        if "range" in schema.index:
            columns = []
        else:
            columns = [pd.Series(level_values(index, level)) for level in range(index.nlevels)]
        frame = frame.set_axis(build_index(columns, schema, rows=len(frame)), axis=0)
    texts = list(frame.columns)
    frame = frame.set_axis(range(frame.shape[1]), axis=1)
    for position, (spec, dtype) in enumerate(zip(schema.dtypes, frame.dtypes)):
        kind = schema.object_kind(position)
        exact = is_exact(spec) and same_dtype(dtype, decode_dtype(spec))
        dictionary = isinstance(spec, dict) and "dictionary" in spec  # checked by restore
        if exact and (kind is None or not is_object(dtype)) and not dictionary:
            continue
        column = frame.iloc[:, position]
        fixed = restore(column, spec, kind, schema.object_missing(position))
        if fixed is not column:
            frame.isetitem(position, _values(fixed, frame.index))
    return _finish(frame, schema, texts)


def _values(column: Any, index: Any) -> Any:
    """A Series on `index` to put in a frame (a Series: an object column is not re-inferred as str)."""
    import pandas as pd

    values = column.array if isinstance(column, (pd.Series, pd.Index)) else column
    return pd.Series(values, index=index, dtype=getattr(column, "dtype", None), copy=False)


def _index_names(schema: Schema) -> list[Any]:
    record = schema.index
    if "range" in record:
        return [decode_label(record["name"])]
    return [decode_label(level["name"]) for level in record["levels"]]


def _index_matches(index: Any, schema: Schema, names: bool = True) -> bool:
    import pandas as pd

    record = schema.index
    if "range" in record:
        start, stop, step = record["range"]
        return (
            type(index) is pd.RangeIndex
            and (index.start, index.stop, index.step) == (start, stop, step)
            and (not names or _same_name(index.name, decode_label(record["name"])))
        )
    levels = record["levels"]
    if index.nlevels != len(levels) or isinstance(index, pd.MultiIndex) != bool(record.get("multi")):
        return False
    for position, level in enumerate(levels):
        values = index.levels[position] if isinstance(index, pd.MultiIndex) else index
        if not same_dtype(values.dtype, decode_dtype(level["dtype"])):
            return False
        if isinstance(level["dtype"], dict) and "dictionary" in level["dtype"]:
            return False  # an Arrow dictionary: checked (and rebuilt) by restore
        if names and not _same_name(index.names[position], decode_label(level["name"])):
            return False
    if record.get("objects") not in (None, "string", "empty") or record.get("missing") is not None:
        return False
    return getattr(index, "freqstr", None) == record.get("freq") or isinstance(index, pd.PeriodIndex)


def _same_name(left: Any, right: Any) -> bool:
    return type(left) is type(right) and left == right


def build_index(columns: list[Any], schema: Schema, rows: int | None = None) -> Any:
    """The row index from its level columns (read from a file) and the schema."""
    import pandas as pd

    record = schema.index
    if "range" in record:
        index = pd.RangeIndex(*record["range"], name=decode_label(record["name"]))
        if rows is not None and len(index) != rows:
            raise ValueError(f"the file holds {rows} rows, the schema records {len(index)}")
        return index
    levels = []
    for column, level in zip(columns, record["levels"]):
        column = pd.Series(column).reset_index(drop=True)
        kind = level.get("objects", record.get("objects"))  # a MultiIndex records each level's
        values = restore(column, level["dtype"], kind, record.get("missing"))
        levels.append(
            pd.Index(
                values.array if isinstance(values, pd.Series) else values,
                dtype=values.dtype,
                name=decode_label(level["name"]),
                tupleize_cols=False,
            )
        )
    if record.get("multi"):
        return pd.MultiIndex.from_arrays(levels, names=[level.name for level in levels])
    index = levels[0]
    if record.get("freq"):
        index = type(index)(index, freq=record["freq"])
    return index


def _finish(frame: Any, schema: Schema, texts: list[Any]) -> Any:
    """Set the column labels, name, attrs and flags recorded in the schema."""
    import pandas as pd

    if schema.is_series:
        series = frame.iloc[:, 0]
        series.name = decode_label(schema.name)
        result = series
    else:  # labels not recordable exactly: as the file names them (and the packer was warned)
        columns = decode_index(schema.columns) if schema.columns is not None else pd.Index(texts)
        result = frame.set_axis(columns, axis=1)
    if schema.attrs:
        result.attrs = dict(schema.attrs)
    if schema.flags:
        result = result.set_flags(**schema.flags)
    return result
