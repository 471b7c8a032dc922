"""The rule of every format, as a property: a pack either comes back identical (`assert_identical`),
or warns at pack time (`SatchelWarning`) naming what is lost, or is refused (`PackingError`) naming
the formats that can hold it. A pack whose payload cannot be unpacked is a bug.

Frames (and Series) of random dtypes (NumPy, nullable, strings, categoricals, Arrow-backed ones
including dictionaries, decimals, binary, large and nested types, object columns of mixed Python
values and missing values), index kinds and column labels, through every format.

`SATCHEL_PANDAS_EXAMPLES` sets the examples per format (default 200; a long local run: 3000).
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
import os
import warnings

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, note, reject, settings

from satchel import PackagersManager, PackingError, SatchelWarning
from satchel_pandas.formats import FORMATS
from satchel_pandas.packagers import DataFramePackager, SeriesPackager
from satchel_pandas.testing import assert_identical

EXAMPLES = int(os.environ.get("SATCHEL_PANDAS_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
_OPTIONAL = {"h5": "tables", "xml": "lxml"}
FORMAT_NAMES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            name in _OPTIONAL and importlib.util.find_spec(_OPTIONAL[name]) is None,
            reason=f"{_OPTIONAL.get(name)} is not installed",
        ),
    )
    for name in FORMATS
]

ROWS = st.integers(min_value=0, max_value=5)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
INT64 = st.integers(-(2**63), 2**63 - 1)
ZONES = ["UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu"]
D = decimal.Decimal


def _lists(draw, values, rows):
    return draw(st.lists(values, min_size=rows, max_size=rows))


def _maybe(values):
    return st.one_of(st.none(), values)


# -- Python values of object columns ---------------------------------------------------------------

MISSING = st.sampled_from([None, pd.NA, np.nan, pd.NaT])
DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([D("NaN"), D("-0.00"), D("1.10"), D("Infinity"), D("1E+3"), D("-1")]),
)
PYTHON_VALUES = {
    "int": st.one_of(INT64, st.integers(-(2**80), 2**80)),
    "float": st.one_of(st.floats(), st.sampled_from([0.0, -0.0, np.inf])),
    "str": TEXT,
    "bytes": st.binary(max_size=6),
    "decimal": DECIMALS,
    "bool": st.booleans(),
    "date": st.dates(),
}


def _objects(draw, rows):
    """An object column: values of one Python type or of several, with missing values of any kind."""
    kinds = draw(st.lists(st.sampled_from(sorted(PYTHON_VALUES)), min_size=1, max_size=3, unique=True))
    values = st.one_of(*[PYTHON_VALUES[kind] for kind in kinds])
    missing = draw(st.lists(MISSING, min_size=1, max_size=3, unique_by=lambda v: type(v).__name__ + repr(v)))
    column = np.empty(rows, dtype=object)
    column[:] = _lists(draw, st.one_of(values, st.sampled_from(missing)), rows)
    return column


# -- Arrow-backed columns --------------------------------------------------------------------------


_ARROW_SCALARS = [
    pa.int8(),
    pa.int64(),
    pa.uint8(),
    pa.uint64(),
    pa.float16(),
    pa.float32(),
    pa.float64(),
    pa.bool_(),
    pa.string(),
    pa.large_string(),
    pa.binary(),
    pa.large_binary(),
    pa.binary(2),
    pa.decimal128(10, 3),
    pa.decimal128(38, 0),
    pa.decimal128(5, -2),
    pa.decimal256(45, 5),
    pa.date32(),
    pa.date64(),
    pa.timestamp("ns"),
    pa.timestamp("s", "Europe/Paris"),
    pa.timestamp("us", "UTC"),
    pa.duration("ns"),
    pa.duration("s"),
    pa.time64("us"),
    pa.time64("ns"),
    pa.time32("ms"),
]


def _arrow_scalar_type(draw, index=False):
    types = [t for t in _ARROW_SCALARS if not (index and pa.types.is_float16(t))]  # pandas: no float16 index
    return draw(st.sampled_from(types))


def _arrow_values(draw, t, rows, nan=True):
    """Python values of Arrow type `t` (None is null)."""
    if pa.types.is_integer(t):
        info = np.iinfo(t.to_pandas_dtype())
        values = st.integers(int(info.min), int(info.max))
    elif pa.types.is_floating(t):
        values = st.floats(width=t.bit_width, allow_nan=nan)
    elif pa.types.is_boolean(t):
        values = st.booleans()
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        values = TEXT
    elif pa.types.is_fixed_size_binary(t):
        values = st.binary(min_size=t.byte_width, max_size=t.byte_width)
    elif pa.types.is_binary(t) or pa.types.is_large_binary(t):
        values = st.binary(max_size=6)
    elif pa.types.is_decimal(t) and t.scale < 0:
        values = st.integers(-(10**t.precision) + 1, 10**t.precision - 1).map(
            lambda digits: D(digits).scaleb(-t.scale)
        )
    elif pa.types.is_decimal(t):
        digits = t.precision - t.scale
        values = st.decimals(
            min_value=-(10**digits) + 1, max_value=10**digits - 1, places=t.scale, allow_nan=False
        )
    elif pa.types.is_date(t):
        values = st.dates()
    elif pa.types.is_timestamp(t):
        bound = {"s": 10**11, "ms": 10**14, "us": 10**17, "ns": 2**63 - 1}[t.unit]
        values = st.integers(-bound, bound)
    elif pa.types.is_duration(t):
        values = INT64.filter(lambda v: v != -(2**63))
    elif pa.types.is_time(t):
        per_day = {"s": 86400, "ms": 86400 * 10**3, "us": 86400 * 10**6, "ns": 86400 * 10**9}[t.unit]
        values = st.integers(0, per_day - 1)
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        nulls = _lists(draw, st.integers(0, 3), rows)
        return [None if null == 0 else _arrow_values(draw, t.value_type, draw(ROWS)) for null in nulls]
    elif pa.types.is_map(t):
        entries = st.lists(st.tuples(TEXT, _maybe(INT64)), max_size=3)
        return _lists(draw, _maybe(entries), rows)
    elif pa.types.is_struct(t):
        fields = {field.name: _arrow_values(draw, field.type, rows) for field in t}
        return [
            None if draw(st.integers(0, 4)) == 0 else {name: fields[name][i] for name in fields}
            for i in range(rows)
        ]
    else:
        raise AssertionError(t)
    return _lists(draw, _maybe(values), rows)


def _arrow_array(draw, t, rows, nan=True):
    values = _arrow_values(draw, t, rows, nan)
    if pa.types.is_timestamp(t) or pa.types.is_duration(t) or pa.types.is_time(t):
        storage = pa.int32() if pa.types.is_time32(t) else pa.int64()
        return pa.array(values, type=storage).cast(t)
    if pa.types.is_float16(t):  # pyarrow takes no Python floats for float16
        mask = np.array([v is None for v in values], dtype=bool)
        return pa.array(np.array([0.0 if v is None else v for v in values], dtype="float16"), mask=mask)
    return pa.array(values, type=t, from_pandas=False)


def _arrow_column(draw, rows, index=False, kinds=("scalar", "scalar", "dictionary", "list", "struct", "map")):
    nan = not index  # pandas' assert_index_equal takes an Arrow NaN for unequal to itself
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        array = _arrow_array(draw, _arrow_scalar_type(draw, index), rows, nan)
    elif kind == "dictionary":
        value_type = draw(st.sampled_from([pa.string(), pa.int64(), pa.large_string()]))
        index_type = draw(st.sampled_from([pa.int8(), pa.int32()]))
        ordered = draw(st.booleans())
        dictionary = _arrow_array(draw, value_type, draw(st.integers(1, 4)))
        dictionary = pa.array(list(dict.fromkeys(v for v in dictionary.to_pylist() if v is not None)))
        dictionary = dictionary.cast(value_type) if len(dictionary) else pa.array([], type=value_type)
        if not len(dictionary):
            dictionary = pa.array(["x"] if pa.types.is_string(value_type) else [1]).cast(value_type)
        codes = _lists(draw, _maybe(st.integers(0, len(dictionary) - 1)), rows)
        array = pa.DictionaryArray.from_arrays(pa.array(codes, type=index_type), dictionary, ordered=ordered)
    elif kind == "list":
        inners = [pa.int64(), pa.float64(), pa.string(), pa.timestamp("ns"), pa.binary(), pa.decimal128(5, 1)]
        inner = draw(st.sampled_from(inners))
        outer = draw(st.sampled_from([pa.list_, pa.large_list]))
        array = _arrow_array(draw, outer(inner), rows, nan)
    elif kind == "map":
        array = _arrow_array(draw, pa.map_(pa.string(), pa.int64()), rows, nan)
    else:
        inners = [pa.string(), pa.decimal128(6, 2), pa.bool_(), pa.uint64(), pa.date32()]
        inner = draw(st.sampled_from(inners))
        array = _arrow_array(draw, pa.struct([("a", pa.int32()), ("b", inner)]), rows, nan)
    return pd.arrays.ArrowExtensionArray(array)


# -- columns of every other dtype ------------------------------------------------------------------


def _column(draw, rows):
    kind = draw(
        st.sampled_from(
            [
                "numpy_int",
                "numpy_float",
                "bool",
                "datetime",
                "timedelta",
                "nullable_int",
                "nullable_float",
                "boolean",
                "string",
                "category",
                "tz",
                "arrow",
                "arrow",
                "arrow",
                "object",
                "object",
                "object",
            ]
        )
    )
    if kind == "numpy_int":
        names = ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64"]
        dtype = np.dtype(draw(st.sampled_from(names)))
        info = np.iinfo(dtype)
        return np.array(_lists(draw, st.integers(int(info.min), int(info.max)), rows), dtype=dtype)
    if kind == "numpy_float":
        width = draw(st.sampled_from([16, 32, 64]))
        return np.array(_lists(draw, st.floats(width=width), rows), dtype=f"float{width}")
    if kind == "bool":
        return np.array(_lists(draw, st.booleans(), rows), dtype=bool)
    if kind in ("datetime", "timedelta", "tz"):
        unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
        margin = 2 * 86400 * 10**9 if kind == "tz" and unit == "ns" else 0
        bound = {"s": 10**11, "ms": 10**14, "us": 10**17, "ns": 2**63 - 1 - margin}[unit]
        values = np.array(_lists(draw, st.integers(-bound, bound), rows), dtype="i8")
        values[np.array(_lists(draw, st.booleans(), rows), dtype=bool)] = np.iinfo("i8").min
        if kind == "timedelta":
            return values.view(f"m8[{unit}]")
        stamps = pd.DatetimeIndex(values.view(f"M8[{unit}]"))
        if kind == "datetime":
            return stamps
        return stamps.tz_localize("UTC").tz_convert(draw(st.sampled_from(ZONES)))
    if kind == "nullable_int":
        dtype = draw(st.sampled_from(["Int8", "Int64", "UInt16", "UInt64"]))
        info = np.iinfo(dtype.lower())
        return pd.array(_lists(draw, _maybe(st.integers(int(info.min), int(info.max))), rows), dtype=dtype)
    if kind == "nullable_float":
        dtype = draw(st.sampled_from(["Float32", "Float64"]))
        width = 32 if dtype == "Float32" else 64
        return pd.array(_lists(draw, _maybe(st.floats(width=width, allow_nan=False)), rows), dtype=dtype)
    if kind == "boolean":
        return pd.array(_lists(draw, _maybe(st.booleans()), rows), dtype="boolean")
    if kind == "string":
        dtype = draw(st.sampled_from(["str", "string[python]", "string[pyarrow]"]))
        return pd.array(_lists(draw, _maybe(TEXT), rows), dtype=dtype)
    if kind == "category":
        categories = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
        values = _lists(draw, _maybe(st.sampled_from(categories)), rows)
        return pd.Categorical(values, categories=categories, ordered=draw(st.booleans()))
    if kind == "arrow":
        return _arrow_column(draw, rows)
    return _objects(draw, rows)


# -- indexes and labels ----------------------------------------------------------------------------

NAMES = st.one_of(st.none(), TEXT, st.integers(-3, 3))


def _index_level(draw, rows, multi=False):
    kinds = ["int", "nullable", "str", "float", "objects", "arrow", "datetime", "category"]
    kind = draw(st.sampled_from(kinds))
    if kind == "int":
        return pd.Index(np.array(_lists(draw, INT64, rows), dtype="int64"))
    if kind == "nullable":
        dtype = draw(st.sampled_from(["Int64", "UInt64", "boolean", "Float64"]))
        values = {
            "Int64": INT64,
            "UInt64": st.integers(0, 2**64 - 1),
            "boolean": st.booleans(),
            "Float64": st.floats(allow_nan=False),
        }[dtype]
        return pd.Index(pd.array(_lists(draw, _maybe(values), rows), dtype=dtype))
    if kind == "str":
        return pd.Index(_lists(draw, _maybe(TEXT), rows), dtype=draw(st.sampled_from(["str", object])))
    if kind == "float":
        return pd.Index(np.array(_lists(draw, st.floats(), rows), dtype="float64"))
    if kind == "objects":
        return pd.Index(_objects(draw, rows), dtype=object, tupleize_cols=False)
    if kind == "arrow":  # pandas builds no MultiIndex of a dictionary level with nulls, nor of nested values
        kinds = ("scalar",) if multi else ("scalar", "dictionary")
        return pd.Index(_arrow_column(draw, rows, index=True, kinds=kinds))
    if kind == "datetime":
        return pd.DatetimeIndex(
            pd.to_datetime(_lists(draw, st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)), rows))
        )
    categories = ["c", "b", "a", "unused"]
    return pd.CategoricalIndex(_lists(draw, st.sampled_from(categories[:3]), rows), categories=categories)


@st.composite
def indexes(draw, rows):
    """RangeIndex, Index of several dtypes, MultiIndex, DatetimeIndex (freq, tz), CategoricalIndex."""
    kind = draw(st.sampled_from(["range", "level", "level", "multi", "dates"]))
    name = draw(NAMES)
    if kind == "range":
        start, step = draw(st.integers(-10, 10)), draw(st.sampled_from([1, 3, -2]))
        return pd.RangeIndex(start, start + step * rows, step, name=name)
    if kind == "dates":
        start = pd.Timestamp(draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1))))
        freq = draw(st.sampled_from(["D", "h", "ns", "MS"]))
        index = pd.date_range(start, periods=rows, freq=freq, name=name)
        zone = draw(st.sampled_from([None, *ZONES]))  # from UTC: local times may be ambiguous
        return index if zone is None else index.tz_localize("UTC").tz_convert(zone)
    if kind == "level":
        return _index_level(draw, rows).rename(name)
    levels = [_index_level(draw, rows, multi=True) for _ in range(draw(st.integers(2, 3)))]
    try:
        return pd.MultiIndex.from_arrays(levels, names=[name] + [draw(NAMES) for _ in levels[1:]])
    except ValueError:  # pandas cannot factorize some object levels (two Decimal("NaN"))
        reject()


def _labels(draw, width):
    """str, int, tuple (MultiIndex) or categorical column labels."""
    kind = draw(st.sampled_from(["str", "int", "tuple", "category", "mixed"]))
    if kind == "str":
        labels = draw(st.lists(TEXT, min_size=width, max_size=width, unique=True))
        return pd.Index(labels, dtype=draw(st.sampled_from([object, "str"])), name=draw(NAMES))
    if kind == "int":
        return pd.Index(draw(st.lists(st.integers(-3, 3), min_size=width, max_size=width)), name=draw(NAMES))
    if kind == "tuple":
        tuples = draw(
            st.lists(st.tuples(TEXT, st.integers(0, 2)), min_size=width, max_size=width, unique=True)
        )
        return pd.MultiIndex.from_tuples(tuples, names=[draw(NAMES), draw(NAMES)])
    if kind == "category":
        used = TEXT.filter(lambda text: text != "unused")
        categories = [*draw(st.lists(used, min_size=width, max_size=width, unique=True)), "unused"]
        return pd.CategoricalIndex(categories[:width], categories=categories, name=draw(NAMES))
    labels = draw(st.lists(st.one_of(TEXT, st.integers(-3, 3), st.none()), min_size=width, max_size=width))
    return pd.Index(labels, dtype=object, tupleize_cols=False)


class Case:
    """What a test packs, shown safely (pandas' repr fails for years outside 1..9999 and warns of
    float16 overflows)."""

    def __init__(self, obj) -> None:
        self.obj = obj

    def __repr__(self) -> str:
        obj = self.obj
        lines = [f"{type(obj).__name__}: index={obj.index!r}"]
        if isinstance(obj.index, pd.MultiIndex):
            lines.append(f"index levels={[level.dtype for level in obj.index.levels]}")
        if isinstance(obj, pd.DataFrame):
            lines.append(f"columns={obj.columns!r} dtypes={list(obj.dtypes)}")
        else:
            lines.append(f"name={obj.name!r} dtype={obj.dtype}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                lines.append(repr(obj))
            except (ValueError, NotImplementedError, OverflowError):
                lines.append("(pandas cannot show it)")
        return "\n".join(lines)


@st.composite
def objects_to_pack(draw):
    """A DataFrame, or (sometimes) one of its columns as a Series."""
    rows = draw(ROWS)
    width = draw(st.integers(0, 4))
    index = draw(indexes(rows))
    columns = {position: _column(draw, rows) for position in range(width)}
    frame = pd.DataFrame(columns, index=index) if width else pd.DataFrame(index=index)
    if width:
        frame = frame.set_axis(_labels(draw, width), axis=1)
    if width and draw(st.integers(0, 4)) == 0:
        return Case(frame.iloc[:, 0].rename(draw(NAMES)))
    return Case(frame)


def _manager() -> PackagersManager:
    manager = PackagersManager(installed=False)
    manager.collect_packagers([DataFramePackager, SeriesPackager], mandatory=True)
    return manager


def _pack(manager, obj, fmt: str):
    """The artifact and the SatchelWarnings of packing `obj` as `fmt` (no other warning allowed)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        artifact = manager.pack(obj, {"key": "p", "artifact_type": "file", "file_format": fmt})
    others = [w for w in caught if not issubclass(w.category, SatchelWarning)]
    assert not others, [f"{w.category.__name__}: {w.message}" for w in others]
    return artifact, [str(w.message) for w in caught if issubclass(w.category, SatchelWarning)]


def _exact_or_warned(manager, obj, fmt: str) -> tuple[str, list[str]]:
    """Pack and unpack `obj`: "exact", "warned" (the warning names what is lost) or "refused"
    (and the formats the refusal names)."""
    before = obj.copy(deep=True)
    try:
        artifact, messages = _pack(manager, obj, fmt)
    except PackingError as error:
        message = str(error)
        assert message.startswith(f"{fmt} cannot hold "), message
        holders = message.rsplit("; ", 1)[-1].split(" can hold it")[0]
        named = [name for name in FORMATS if name != fmt and name in holders.replace(",", " ").split()]
        assert named or "no file_format can hold it" in message, f"the refusal names no format: {message}"
        note(f"refused: {message}")
        return "refused", named
    assert_identical(before, obj)  # packing never changes the caller's object
    restored = manager.unpack(artifact, type(obj))  # a payload that cannot be unpacked is a bug
    if messages:
        (message,) = messages
        assert message.startswith(f"'p' ({type(obj).__name__}) packed as {fmt} loses information: "), message
        note(f"warned: {message}")
        return "warned", []
    assert_identical(obj, restored)
    return "exact", []


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@SETTINGS
@given(case=objects_to_pack())
def test_every_pack_is_exact_warned_or_refused(fmt: str, case: Case) -> None:
    obj = case.obj
    manager = _manager()
    try:
        outcome, named = _exact_or_warned(manager, obj, fmt)
        event(outcome)
        for other in named:  # the formats a refusal names do hold it
            assert _exact_or_warned(manager, obj, other)[0] != "refused", other
    finally:
        manager.clear()
