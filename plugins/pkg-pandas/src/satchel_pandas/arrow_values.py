"""Arrow-backed columns (`pd.ArrowDtype`): their values as text and as Python values, and any
column read back from a file turned into the recorded Arrow type, exactly.

Every conversion goes through Arrow itself, never through pandas' conversions (which turn a NaN
into a missing value, drop nanoseconds of times, or cannot parse `uint64`, decimals or binary):

* text (csv, json, xml): scalars are Arrow's own text of them (`pyarrow.compute.cast` to string
  and back), tz-aware timestamps as UTC instants, times and durations as their integers, binary as
  the `repr` of its bytes, nested values as JSON (`json_nested`: when JSON holds them exactly);
* Python values (h5 pickles them): `to_pylist()` of the *storage* type (`python_storage`: times
  as integers, `float16` as `float32`, dictionaries decoded), cast back;
* another Arrow type (what ORC and parquet store for types they lack), cast back.

A dictionary column's dictionary (its order and unused entries) is recorded in the schema
(`dictionary_spec`) and rebuilt from it; parquet and feather keep it as it is.
"""

from __future__ import annotations

import base64
import json
from typing import Any

#: Arrow dictionaries longer than this are not recorded (rebuilt from the values, and warned).
MAX_RECORDED_DICTIONARY = 100_000


def arrow_type(dtype: Any) -> Any | None:
    """The pyarrow type of an `ArrowDtype`, else None."""
    import pandas as pd

    return dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None


def to_arrow(column: Any) -> Any:
    """The values of an Arrow-backed Series, Index or array as one pyarrow Array."""
    import pyarrow as pa

    array = column.array if hasattr(column, "array") else column
    values = pa.array(array)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def from_arrow(values: Any, index: Any = None) -> Any:
    """A Series of the Arrow-backed values (`index` when given)."""
    import pandas as pd

    return pd.Series(pd.arrays.ArrowExtensionArray(values), index=index, copy=False)


def map_type(t: Any, leaf: Any, keep_dictionaries: bool = False) -> Any:
    """`t` with `leaf` applied to every non-nested type inside it (lists, structs, maps kept;
    dictionaries decoded unless `keep_dictionaries`)."""
    import pyarrow as pa

    def inner(child: Any) -> Any:
        return map_type(child, leaf, keep_dictionaries)

    if pa.types.is_dictionary(t):
        value_type = inner(t.value_type)
        return pa.dictionary(t.index_type, value_type, t.ordered) if keep_dictionaries else value_type
    if pa.types.is_list(t) or pa.types.is_list_view(t):
        return pa.list_(inner(t.value_type))
    if pa.types.is_large_list(t) or pa.types.is_large_list_view(t):
        return pa.large_list(inner(t.value_type))
    if pa.types.is_fixed_size_list(t):
        return pa.list_(inner(t.value_type), t.list_size)
    if pa.types.is_struct(t):
        return pa.struct([field.with_type(inner(field.type)) for field in t])
    if pa.types.is_map(t):
        return pa.map_(inner(t.key_type), inner(t.item_type))
    return leaf(t)


def _integer_storage(t: Any) -> Any | None:
    import pyarrow as pa

    if pa.types.is_date32(t) or pa.types.is_time32(t):
        return pa.int32()
    if pa.types.is_temporal(t) and not pa.types.is_interval(t):  # timestamps, date64, times, durations
        return pa.int64()
    return None


def python_storage(t: Any) -> Any:
    """The type whose `to_pylist()` holds every value of `t` exactly: times and dates as their
    integers, `float16` as `float32`, dictionaries decoded."""
    import pyarrow as pa

    def leaf(inner: Any) -> Any:
        if pa.types.is_float16(inner):
            return pa.float32()
        return _integer_storage(inner) or inner

    return map_type(t, leaf)


def _text_storage(t: Any) -> Any:
    """The type nested values are written as JSON from: `python_storage`, decimals as strings."""
    import pyarrow as pa

    def leaf(inner: Any) -> Any:
        if pa.types.is_decimal(inner) or pa.types.is_large_string(inner) or pa.types.is_string_view(inner):
            return pa.string()
        return python_storage(inner)

    return map_type(t, leaf)


def cast(values: Any, t: Any) -> Any:
    """`values` as type `t` (Arrow's cast; an all-null array for the null type)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.type == t:
        return values
    if pa.types.is_null(t):
        if values.null_count != len(values):
            raise ValueError("values where the recorded type holds only nulls")
        return pa.nulls(len(values))
    if pa.types.is_dictionary(t):
        return pc.cast(cast(values, t.value_type), t)
    return pc.cast(values, t)


def is_binary(t: Any) -> bool:
    """Whether `t` holds bytes (binary, large, fixed-size or view)."""
    import pyarrow as pa

    return (
        pa.types.is_binary(t)
        or pa.types.is_large_binary(t)
        or pa.types.is_fixed_size_binary(t)
        or pa.types.is_binary_view(t)
    )


def json_nested(t: Any) -> bool:
    """Whether JSON text holds every value of a nested Arrow type exactly (numbers, strings,
    booleans, times as integers and decimals as strings, in lists and structs)."""
    import pyarrow as pa

    def fits(arrow_type: Any) -> bool:
        if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
            return fits(arrow_type.value_type)
        if pa.types.is_fixed_size_list(arrow_type):
            return fits(arrow_type.value_type)
        if pa.types.is_struct(arrow_type):
            return all(fits(field.type) for field in arrow_type)
        return (
            pa.types.is_integer(arrow_type)
            or pa.types.is_floating(arrow_type)
            or pa.types.is_boolean(arrow_type)
            or pa.types.is_string(arrow_type)
            or pa.types.is_null(arrow_type)
        )

    return fits(_text_storage(t))


def _scalar_text_type(t: Any) -> Any | None:
    """What a scalar Arrow type is turned into before Arrow's cast to string (None: itself)."""
    import pyarrow as pa

    if pa.types.is_timestamp(t):
        return pa.timestamp(t.unit)  # UTC instants: local offsets can be odd (LMT, +00:09:21)
    if pa.types.is_time(t) or pa.types.is_duration(t):
        return _integer_storage(t)  # Arrow parses no times or durations from text
    if pa.types.is_float16(t):
        return pa.float32()
    return None


def text_values(column: Any) -> Any:
    """An object array of an Arrow-backed column's values as text (None where missing)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = to_arrow(column)
    t = values.type
    if pa.types.is_dictionary(t):
        values, t = values.dictionary_decode(), t.value_type
    if pa.types.is_nested(t):
        plain = cast(values, _text_storage(t)).to_pylist()
        texts = [None if value is None else json.dumps(value, default=str) for value in plain]
        return np.array(texts, dtype=object)
    if is_binary(t):
        return np.array([None if v is None else repr(v) for v in values.to_pylist()], dtype=object)
    if pa.types.is_null(t):
        return np.full(len(values), None, dtype=object)
    text_type = _scalar_text_type(t)
    if text_type is not None:
        values = cast(values, text_type)
    return pc.cast(values, pa.string()).to_numpy(zero_copy_only=False).astype(object)


def from_text(texts: Any, t: Any, dictionary: Any = None) -> Any:
    """The Arrow array of type `t` whose `text_values` are `texts` (None or NaN where missing)."""
    import pyarrow as pa

    from satchel_pandas.objects import parse_bytes

    texts = [None if _missing(text) else text for text in texts]
    if pa.types.is_dictionary(t):
        return to_dictionary(from_text(texts, t.value_type), t, dictionary)
    if pa.types.is_nested(t):  # decimals parsed here: Arrow's cast would parse the children of nulls
        values = [None if v is None else _from_json(json.loads(v), t) for v in texts]
        return cast(pa.array(values, type=python_storage(t)), t)
    if is_binary(t):
        return pa.array([None if v is None else parse_bytes(v) for v in texts], type=t)
    if pa.types.is_null(t):
        return cast(pa.array(texts, type=pa.string()), t)
    strings = pa.array(texts, type=pa.string())
    text_type = _scalar_text_type(t)
    return cast(cast(strings, text_type), t) if text_type is not None else cast(strings, t)


def _from_json(value: Any, t: Any) -> Any:
    """A value JSON gave back, with the decimals of type `t` (written as strings) as decimals."""
    import decimal

    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_decimal(t):
        return decimal.Decimal(value)
    if pa.types.is_struct(t):
        return {field.name: _from_json(value.get(field.name), field.type) for field in t}
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return [_from_json(item, t.value_type) for item in value]
    return value


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def years_out_of_range(column: Any) -> bool:
    """Whether Arrow cannot parse an Arrow timestamp or date column back from its text (years
    outside 1..9999, instants next to the bounds of nanoseconds): text formats store its integers
    instead (`integer_form`)."""
    import pyarrow as pa

    values = to_arrow(column)
    t = values.type
    if not (pa.types.is_timestamp(t) or pa.types.is_date(t)) or values.null_count == len(values):
        return False
    try:
        back = from_text(text_values(column), t)
    except (pa.ArrowException, ValueError, OverflowError):
        return True
    return not back.equals(values)


def integer_form(column: Any) -> Any:
    """The integers an Arrow time column is stored as (nullable Int64)."""
    import pandas as pd
    import pyarrow as pa

    values = to_arrow(column)
    ints = cast(cast(values, _integer_storage(values.type)), pa.int64())
    return pd.array(ints.to_pandas(types_mapper=pd.ArrowDtype).array, dtype="Int64")


def python_values(column: Any) -> list[Any]:
    """The values of an Arrow-backed column as Python values of its `python_storage` type."""
    values = to_arrow(column)
    return cast(values, python_storage(values.type)).to_pylist()


def from_python(values: list[Any], t: Any, dictionary: Any = None) -> Any:
    """The Arrow array of type `t` whose `python_values` are `values`."""
    import pyarrow as pa

    values = [None if _missing(value) and not isinstance(value, float) else value for value in values]
    storage = python_storage(t)
    array = pa.array(values, type=storage, from_pandas=False)
    if pa.types.is_dictionary(t):
        return to_dictionary(array, t, dictionary)
    return cast(array, t)


def to_dictionary(values: Any, t: Any, dictionary: Any = None) -> Any:
    """Dictionary-encoded `values` of type `t`, with the recorded `dictionary` when there is one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = cast(values, t.value_type)
    if dictionary is None:
        return cast(values, t)
    indices = pc.index_in(values, value_set=dictionary)
    if indices.null_count != values.null_count:
        raise ValueError("values that are not in the recorded Arrow dictionary")
    return pa.DictionaryArray.from_arrays(indices.cast(t.index_type), dictionary, ordered=t.ordered)


def dictionary_of(column: Any) -> Any | None:
    """The dictionary of an Arrow dictionary column (its chunks' dictionaries unified), None for
    a column of no chunks."""
    import pyarrow as pa

    values = pa.array(column.array)
    if isinstance(values, pa.ChunkedArray):
        values = values.unify_dictionaries()
        if values.num_chunks == 0:
            return None
        values = values.chunk(0)
    return values.dictionary


def dictionary_spec(column: Any) -> str | None:
    """The dictionary of an Arrow dictionary column as base64 Arrow IPC (None if more entries
    than `MAX_RECORDED_DICTIONARY`)."""
    import pyarrow as pa

    dictionary = dictionary_of(column)
    if dictionary is None:
        dictionary = pa.array([], type=column.dtype.pyarrow_dtype.value_type)
    if len(dictionary) > MAX_RECORDED_DICTIONARY:
        return None
    batch = pa.record_batch([dictionary], names=["dictionary"])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")


def decode_dictionary(text: str | None) -> Any | None:
    """The dictionary `dictionary_spec` recorded."""
    import pyarrow as pa

    if text is None:
        return None
    with pa.ipc.open_stream(pa.py_buffer(base64.b64decode(text))) as reader:
        table = reader.read_all()
    return table.column(0).combine_chunks()


def restore(column: Any, dtype: Any, dictionary: Any = None) -> Any:
    """`column` (read from a file: Arrow-backed, text, integers or Python values) as the Arrow
    type of `dtype`, exactly; `dictionary` is the recorded dictionary of a dictionary type."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    t = dtype.pyarrow_dtype
    index = column.index
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(column.dtype.categories.dtype)
    if isinstance(column.dtype, pd.ArrowDtype):
        values = to_arrow(column)
        if values.type == t:
            current = dictionary_of(column) if dictionary is not None else None
            if dictionary is None or (current is not None and current.equals(dictionary)):
                return column
            return from_arrow(to_dictionary(values.dictionary_decode(), t, dictionary), index)
        if _texts(values.type) and not _texts(t):
            return from_arrow(from_text(values.to_pylist(), t, dictionary), index)
        if pa.types.is_dictionary(t):
            return from_arrow(to_dictionary(values, t, dictionary), index)
        return from_arrow(cast(values, t), index)
    if _is_text(column):
        return from_arrow(from_text(list(column), t, dictionary), index)
    base = t.value_type if pa.types.is_dictionary(t) else t
    storage = _integer_storage(base)
    if storage is not None and column.dtype == object and _all_ints(column):  # JSON's integers
        ints = [None if _missing(value) else value for value in column]
        column = pd.Series(pd.array(ints, dtype="Int64"), index=index)
    numpy_ints = isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu"
    if storage is not None and (numpy_ints or str(column.dtype).startswith(("Int", "UInt"))):
        values = cast(cast(pa.array(pd.array(column, dtype="Int64")), storage), base)  # times as ints
        return from_arrow(to_dictionary(values, t, dictionary) if base is not t else values, index)
    return from_arrow(_from_values(list(column.astype(object)), t, dictionary), index)


def _from_values(values: list[Any], t: Any, dictionary: Any) -> Any:
    """The Arrow array of type `t` of Python values a format gave back (any missing value: null)."""
    import pyarrow as pa

    values = [None if _missing(value) else value for value in values]
    base = t.value_type if pa.types.is_dictionary(t) else t
    try:
        array = pa.array(values, type=base, from_pandas=False)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        array = cast(pa.array(values, type=python_storage(base), from_pandas=False), base)
    return to_dictionary(array, t, dictionary) if base is not t else array


def _all_ints(column: Any) -> bool:
    present = [value for value in column if not _missing(value)]
    return all(isinstance(value, int) and not isinstance(value, bool) for value in present)


def _texts(t: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _is_text(column: Any) -> bool:
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return True
    if not (isinstance(column.dtype, np.dtype) and column.dtype.kind == "O"):
        return False
    present = [value for value in column if not _missing(value)]
    return bool(present) and all(isinstance(value, str) for value in present)
