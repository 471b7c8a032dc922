"""Parquet, Feather and ORC, through pyarrow.

Parquet and Feather keep the index and most dtypes in pandas' own metadata, so the file is what
`DataFrame.to_parquet` writes (readable as usual outside satchel) and the schema only fixes what
comes back different. ORC keeps no index and few pandas types: it gets the flat frame, with the
Arrow types ORC lacks cast to ones it has (unsigned ints widened, durations and periods as
integers, dictionaries decoded, intervals as structs), and the schema restores them. Columns
Arrow cannot hold at all (complex numbers, Python objects of mixed types) are stored as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from satchel_pandas.formats import Written
from satchel_pandas.frames import as_frame, assemble, flatten, header_texts, reconcile, unique_names
from satchel_pandas.labels import label_text
from satchel_pandas.objects import arrow_form, object_kind
from satchel_pandas.schema import RESTORABLE_OBJECT_KINDS, Schema, column_text
from satchel_pandas.values import is_object, text_values


def _prepare(
    frame: Any, schema: Schema, labels: list[Any], fmt: str, offset: int = 0
) -> tuple[Any, list[str]]:
    """`frame` with the columns Arrow cannot hold replaced (a new frame; the input is untouched)."""
    import numpy as np
    import pandas as pd

    losses: list[str] = []
    replaced: dict[int, Any] = {}
    for position in range(len(schema.dtypes)):
        column = frame.iloc[:, offset + position]
        dtype = column.dtype
        if isinstance(column.dtype, np.dtype) and column.dtype.kind == "c":
            replaced[offset + position] = text_values(column)
        elif isinstance(column.dtype, pd.SparseDtype):
            replaced[offset + position] = column.sparse.to_dense().array
        elif isinstance(dtype, pd.CategoricalDtype) and isinstance(
            dtype.categories.dtype, (pd.IntervalDtype, pd.PeriodDtype)
        ):  # Arrow cannot cast dictionaries of extension types: the values (the schema has the rest)
            replaced[offset + position] = column.astype(dtype.categories.dtype).array
        elif is_object(dtype):
            kind = schema.object_kind(position)
            stored = arrow_form(column, kind) if kind in RESTORABLE_OBJECT_KINDS else None
            if stored is not None:  # a form Arrow holds exactly
                if stored is not column:
                    replaced[offset + position] = stored
                continue
            replaced[offset + position] = text_values(column)  # parsed back from text by kind
            if kind not in RESTORABLE_OBJECT_KINDS:
                losses.append(
                    f"{column_text(schema, labels, position)} holds Python objects ({kind}) that {fmt} "
                    "cannot store; their text (str) is stored and comes back as strings"
                )
    if not replaced:
        return frame, losses
    frame = frame.copy(deep=False)
    for position, values in replaced.items():
        frame.isetitem(position, values)
    return frame, losses


def _named_for_arrow(obj: Any) -> Any:
    """The frame as pyarrow stores it without complaint: column labels and index names are kept
    when they are unique strings (the schema restores any others), else they become their text."""
    import pandas as pd

    frame = as_frame(obj)
    columns = frame.columns
    plain = columns.is_unique and all(name is None or isinstance(name, str) for name in columns.names)
    levels = columns.levels if isinstance(columns, pd.MultiIndex) else [columns]
    # pandas rebuilds the labels' own dtype from its metadata, and cannot for most (categorical)
    plain = plain and all(_plain_labels(level) for level in levels)
    if not plain:
        frame = frame.set_axis(pd.Index(unique_names([label_text(label) for label in columns])), axis=1)
    names = list(frame.index.names)
    texts = {str(label) for label in frame.columns}
    if not all(name is None or (isinstance(name, str) and name not in texts) for name in names):
        frame = frame.rename_axis(
            index=[None] * len(names) if len(names) > 1 else None
        )  # the schema has them
    return frame


def _plain_labels(labels: Any) -> bool:
    """Whether an Index of column labels is strings of object or str dtype (what pandas reads back)."""
    import pandas as pd

    plain_dtype = is_object(labels.dtype) or isinstance(labels.dtype, pd.StringDtype)
    return plain_dtype and all(type(label) is str for label in labels)


def _labels(obj: Any) -> list[Any]:
    import pandas as pd

    return [obj.name] if isinstance(obj, pd.Series) else list(obj.columns)


def _index_for_arrow(frame: Any, schema: Schema, fmt: str) -> tuple[Any, list[str]]:
    """The frame with index levels of Python objects in the form Arrow keeps exactly
    (`objects.arrow_form`), or as their text when there is none (a loss, unless their kind is
    restored from text)."""
    import pandas as pd

    from satchel_pandas.indexes import level_values

    index = frame.index
    if isinstance(index, pd.RangeIndex):
        return frame, []
    levels, losses, changed = [], [], False
    for position in range(index.nlevels):
        level = level_values(index, position)
        if is_object(level.dtype):
            level, loss = _object_level(level, position, schema, fmt)
            changed = True
            losses.extend(loss)
        levels.append(level)
    if not changed:
        return frame, []
    new = pd.MultiIndex.from_arrays(levels) if isinstance(index, pd.MultiIndex) else levels[0]
    return frame.set_axis(new, axis=0), losses


def _object_level(level: Any, position: int, schema: Schema, fmt: str) -> tuple[Any, list[str]]:
    """Index level `position` of Python objects as Arrow keeps them exactly (`objects.arrow_form`),
    or as their text (a loss, unless their kind is restored from text)."""
    import numpy as np
    import pandas as pd

    values = pd.Series(np.asarray(level, dtype=object), dtype=object)
    kind = object_kind(values.to_numpy())
    stored = arrow_form(values, kind) if kind in RESTORABLE_OBJECT_KINDS else None
    if stored is not None:  # a form Arrow holds exactly
        return pd.Index(stored, name=level.name, tupleize_cols=False), []
    text = pd.Index(text_values(values), dtype=object, name=level.name)
    if kind in RESTORABLE_OBJECT_KINDS:
        return text, []  # parsed back from text by kind, which the schema records
    return text, [
        f"index level {position} holds Python objects ({kind}) that {fmt} cannot store; "
        "their text (str) is stored and comes back as strings"
    ]


def _nested_arrow_as_object(table: Any) -> Any:
    """pandas cannot read back the metadata of nested Arrow dtypes (`list<...>[pyarrow]`): record
    those columns as object (the schema restores the dtype), so the file reads anywhere."""
    import json

    meta = table.schema.pandas_metadata
    changed = False
    for column in meta.get("columns", []):
        numpy_type = str(column.get("numpy_type", ""))
        if numpy_type.endswith("[pyarrow]") and ("<" in numpy_type or "[" in numpy_type[:-9]):
            column["numpy_type"] = "object"
            changed = True
    if not changed:
        return table
    metadata = dict(table.schema.metadata or {})
    metadata[b"pandas"] = json.dumps(meta).encode("utf-8")
    return table.replace_schema_metadata(metadata)


def _table_with_index(obj: Any, schema: Schema, fmt: str) -> tuple[Any, list[str]]:
    import pyarrow as pa

    frame, losses = _prepare(_named_for_arrow(obj), schema, _labels(obj), fmt)
    frame, index_losses = _index_for_arrow(frame, schema, fmt)
    if frame.attrs and schema.attrs is None:  # not JSON: pyarrow would warn and drop them too
        frame = frame.copy(deep=False)
        frame.attrs = {}
    table = pa.Table.from_pandas(frame, preserve_index=None)
    return _nested_arrow_as_object(table), losses + index_losses


def write_parquet(obj: Any, path: Path, schema: Schema) -> Written:
    """Write as `to_parquet` does (pyarrow, snappy), straight to `path`."""
    import pyarrow.parquet as pq

    table, losses = _table_with_index(obj, schema, "parquet")
    pq.write_table(_parquet_types(table), path)
    return Written(losses=losses)


def _parquet_types(table: Any) -> Any:
    """The table with the Arrow types parquet lacks (decimals of negative scale) stored as text,
    which the schema restores (the pandas metadata still names the original type)."""
    import pyarrow as pa

    from satchel_pandas.arrow_values import map_type

    def leaf(t: Any) -> Any:
        return pa.string() if pa.types.is_decimal(t) and t.scale < 0 else t

    fields, changed = [], False
    for field in table.schema:
        stored = map_type(field.type, leaf, keep_dictionaries=True)
        if stored != map_type(field.type, lambda t: t, keep_dictionaries=True):
            field, changed = field.with_type(stored), True
        fields.append(field)
    return table.cast(pa.schema(fields, metadata=table.schema.metadata)) if changed else table


def write_feather(obj: Any, path: Path, schema: Schema) -> Written:
    """Write as `to_feather` does (Arrow IPC, lz4), straight to `path`, index included."""
    from pyarrow import feather

    table, losses = _table_with_index(obj, schema, "feather")
    feather.write_feather(table, path)
    return Written(losses=losses)


def _arrow_positions(schema: Schema) -> tuple[list[int], list[int]]:
    """The positions of the recorded Arrow-backed columns, and of the index levels."""
    from satchel_pandas.arrow_values import arrow_type
    from satchel_pandas.dtypes import decode_dtype, is_exact

    def arrow(spec: Any) -> bool:
        tagged = isinstance(spec, dict) and "arrow" in spec
        if not is_exact(spec) or not (tagged or "[pyarrow]" in str(spec)):
            return False
        return arrow_type(decode_dtype(spec)) is not None

    columns = [position for position, spec in enumerate(schema.dtypes) if arrow(spec)]
    levels = [] if "range" in schema.index else schema.index["levels"]
    return columns, [position for position, level in enumerate(levels) if arrow(level["dtype"])]


def _to_pandas(table: Any, schema: Schema) -> Any:
    """`Table.to_pandas` as `pandas.read_parquet` does it, with the fields of recorded Arrow-backed
    columns and index levels kept as Arrow (the types the file holds, which the schema's cast
    back): pandas' conversions would lose NaN, nanoseconds or the dictionary of some."""
    import pandas as pd
    import pyarrow as pa

    columns, levels = _arrow_positions(schema)
    meta = table.schema.pandas_metadata or {}
    index_fields = [name for name in meta.get("index_columns", []) if isinstance(name, str)]
    data_fields = [
        column["field_name"] for column in meta.get("columns", []) if column["field_name"] not in index_fields
    ]
    names = [data_fields[p] for p in columns if p < len(data_fields)]
    names += [index_fields[p] for p in levels if p < len(index_fields)]
    # pyarrow builds index levels of integers with nulls as floats (Int64 levels lose digits)
    names += [
        name
        for name in index_fields
        if name in table.schema.names
        and pa.types.is_integer(table.schema.field(name).type)
        and table.column(name).null_count
    ]
    mapping = {}
    for name in names:
        if name in table.schema.names:
            pa_type = table.schema.field(name).type
            mapping[pa_type] = pd.ArrowDtype(pa_type)
    return table.to_pandas(types_mapper=mapping.get if mapping else None)


def read_parquet(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """Read as `pandas.read_parquet` does, then make it identical to the schema."""
    import pyarrow.parquet as pq

    return reconcile(_to_pandas(pq.read_table(path), schema), schema)


def read_feather(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """Read as `pandas.read_feather` does, then make it identical to the schema."""
    from pyarrow import feather

    return reconcile(_to_pandas(feather.read_table(path), schema), schema)


# -- ORC -------------------------------------------------------------------------------------------


def write_orc(obj: Any, path: Path, schema: Schema) -> Written:
    """Write the flat frame (index as columns), with the Arrow types ORC lacks cast to ones it has."""
    import pandas as pd
    import pyarrow as pa
    from pyarrow import orc

    names = unique_names(header_texts(obj))
    flat = flatten(obj, names)
    flat, losses = _prepare(flat, schema, _labels(obj), "orc", offset=schema.index_levels)
    levels = schema.index_levels
    for position in range(levels):  # index levels of Python objects: as for the index of parquet
        column = flat.iloc[:, position]
        if is_object(column.dtype):
            stored, loss = _object_level(pd.Index(column, tupleize_cols=False), position, schema, "orc")
            flat = flat.copy(deep=False)
            flat.isetitem(position, pd.Series(stored.array, index=flat.index))
            losses.extend(loss)
    table = pa.Table.from_pandas(flat, preserve_index=False)
    table = table.cast(pa.schema([pa.field(f.name, _orc_type(f.type)) for f in table.schema]))
    orc.write_table(table, path)
    return Written(layout={"names": names}, losses=losses)


def _orc_type(arrow_type: Any) -> Any:
    """The nearest Arrow type ORC can hold that keeps every value exactly."""
    import pyarrow as pa

    t = arrow_type
    if isinstance(t, pa.ExtensionType):
        return _orc_type(t.storage_type)
    if pa.types.is_dictionary(t):
        return _orc_type(t.value_type)
    if pa.types.is_float16(t):
        return pa.float32()
    if pa.types.is_unsigned_integer(t):
        return {8: pa.int16(), 16: pa.int32(), 32: pa.int64()}.get(t.bit_width, pa.string())
    if pa.types.is_duration(t) or (pa.types.is_timestamp(t) and t.unit != "ns"):
        return pa.int64()  # ORC reads times back in ns only: other units would overflow
    if pa.types.is_time32(t):
        return pa.int32()
    if pa.types.is_time64(t) or pa.types.is_date64(t):
        return pa.int64()
    if pa.types.is_decimal256(t) or (pa.types.is_decimal(t) and t.scale < 0):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return pa.binary()
    if pa.types.is_null(t):
        return pa.string()
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _orc_type(f.type)) for f in t])
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return pa.list_(_orc_type(t.value_type))
    if pa.types.is_map(t):
        return pa.map_(_orc_type(t.key_type), _orc_type(t.item_type))
    return t


def read_orc(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """Read the flat frame with `pandas.read_orc` and rebuild the original from the schema."""
    import pandas as pd
    from pyarrow import orc

    table = orc.read_table(path)
    mapping = {pa_type: pd.ArrowDtype(pa_type) for pa_type in _INTEGER_TYPES()}
    columns, levels = _arrow_positions(schema)
    for position in levels + [schema.index_levels + p for p in columns]:  # the flat frame's fields
        pa_type = table.schema.field(position).type
        mapping[pa_type] = pd.ArrowDtype(pa_type)
    flat = table.to_pandas(types_mapper=mapping.get)
    return assemble(flat, schema)


def _INTEGER_TYPES() -> list[Any]:  # noqa: N802 - a constant built lazily
    import pyarrow as pa

    return [pa.int8(), pa.int16(), pa.int32(), pa.int64()]


def _plain(reader: str) -> Any:
    def read(path: str) -> Any:
        import pandas as pd

        return getattr(pd, reader)(path)

    return read


WRITERS = {"parquet": write_parquet, "feather": write_feather, "orc": write_orc}
READERS = {"parquet": read_parquet, "feather": read_feather, "orc": read_orc}
PLAIN_READERS = {
    "parquet": _plain("read_parquet"),
    "feather": _plain("read_feather"),
    "orc": _plain("read_orc"),
}
