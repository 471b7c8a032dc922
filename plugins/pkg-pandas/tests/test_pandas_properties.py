"""Property tests: frames of random column dtypes and index kinds come back identical through
parquet and csv (csv restoring every dtype from the schema), and packing leaves them untouched."""

from __future__ import annotations

import datetime as dt
import warnings

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, note, settings

from satchel import PackagersManager, SatchelWarning
from satchel_pandas.packagers import DataFramePackager, SeriesPackager
from satchel_pandas.testing import assert_identical

ROWS = st.integers(min_value=0, max_value=6)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
INT64 = st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)  # the smallest int64 is NaT
ZONES = ["UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu"]


def _maybe_none(strategy):
    return st.one_of(st.none(), strategy)


def _numpy_ints(draw, rows):
    dtype = np.dtype(
        draw(st.sampled_from(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]))
    )
    info = np.iinfo(dtype)
    values = draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=rows, max_size=rows))
    return np.array(values, dtype=dtype)


def _floats(draw, rows):
    width = draw(st.sampled_from([16, 32, 64]))
    values = draw(st.lists(st.floats(width=width), min_size=rows, max_size=rows))
    return np.array(values, dtype=f"float{width}")


def _column(draw, rows):
    """One column of a random dtype, with missing values where the dtype has them."""
    kind = draw(
        st.sampled_from(
            [
                "int",
                "float",
                "bool",
                "Int64",
                "UInt8",
                "boolean",
                "Float64",
                "str",
                "string",
                "object",
                "category",
                "datetime",
                "tz",
                "timedelta",
                "period",
                "complex",
            ]
        )
    )
    n = rows
    if kind == "int":
        return _numpy_ints(draw, n)
    if kind == "float":
        return _floats(draw, n)
    if kind == "bool":
        return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    if kind in ("Int64", "UInt8"):
        bound = (-(2**63), 2**63 - 1) if kind == "Int64" else (0, 255)
        return pd.array(draw(st.lists(_maybe_none(st.integers(*bound)), min_size=n, max_size=n)), dtype=kind)
    if kind == "boolean":
        return pd.array(draw(st.lists(_maybe_none(st.booleans()), min_size=n, max_size=n)), dtype="boolean")
    if kind == "Float64":
        floats = st.floats(allow_nan=False)
        return pd.array(draw(st.lists(_maybe_none(floats), min_size=n, max_size=n)), dtype="Float64")
    if kind in ("str", "string", "object"):
        values = draw(st.lists(_maybe_none(TEXT), min_size=n, max_size=n))
        dtype = {
            "str": "str",
            "string": draw(st.sampled_from(["string[python]", "string[pyarrow]"])),
            "object": object,
        }
        return pd.array(values, dtype=dtype[kind]) if kind != "object" else np.array(values, dtype=object)
    if kind == "category":
        categories = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
        values = draw(st.lists(_maybe_none(st.sampled_from(categories)), min_size=n, max_size=n))
        return pd.Categorical(values, categories=categories, ordered=draw(st.booleans()))
    if kind in ("datetime", "tz", "timedelta"):
        margin = 2 * 86400 * 10**9 if kind == "tz" else 0  # local wall times must fit too
        bounded = st.integers(-(2**63) + 1 + margin, 2**63 - 1 - margin)
        values = np.array(draw(st.lists(bounded, min_size=n, max_size=n)), dtype="i8")
        nat = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        values[np.array(nat, dtype=bool)] = np.iinfo("i8").min
        if kind == "timedelta":
            return values.view("m8[ns]")
        stamps = pd.DatetimeIndex(values.view("M8[ns]"))
        return (
            stamps
            if kind == "datetime"
            else stamps.tz_localize("UTC").tz_convert(draw(st.sampled_from(ZONES)))
        )
    if kind == "period":
        ordinals = draw(st.lists(st.integers(-(10**6), 10**6), min_size=n, max_size=n))
        return pd.PeriodIndex.from_ordinals(ordinals, freq=draw(st.sampled_from(["D", "M", "h"])))
    values = np.empty(n, dtype="complex128")
    values.real, values.imag = _floats(draw, n), _floats(draw, n)
    return values


@st.composite
def _index(draw, rows):
    kind = draw(st.sampled_from(["range", "int", "str", "datetime", "multi", "category"]))
    name = draw(st.one_of(st.none(), TEXT, st.integers(-5, 5)))
    if kind == "range":
        start, step = draw(st.integers(-10, 10)), draw(st.sampled_from([1, 2, -3]))
        return pd.RangeIndex(start, start + step * rows, step, name=name)
    if kind == "int":
        return pd.Index(_numpy_ints(draw, rows), name=name)
    if kind == "str":
        return pd.Index(
            draw(st.lists(_maybe_none(TEXT), min_size=rows, max_size=rows)), dtype="str", name=name
        )
    if kind == "datetime":
        start = pd.Timestamp(draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1))))
        freq = draw(st.sampled_from([None, "D", "ns"]))
        index = pd.date_range(start, periods=rows, freq=freq or "s", name=name)
        return index if freq else pd.DatetimeIndex(list(index), name=name)
    if kind == "category":
        values = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=rows, max_size=rows))
        return pd.CategoricalIndex(values, categories=["c", "b", "a"], name=name)
    first = draw(st.lists(TEXT, min_size=rows, max_size=rows))
    second = draw(st.lists(st.integers(-3, 3), min_size=rows, max_size=rows))
    return pd.MultiIndex.from_arrays([first, second], names=[name, draw(_maybe_none(TEXT))])


@st.composite
def frames(draw):
    rows = draw(ROWS)
    width = draw(st.integers(0, 5))
    columns = {position: _column(draw, rows) for position in range(width)}
    labels = draw(
        st.one_of(
            st.lists(TEXT, min_size=width, max_size=width, unique=True),
            st.lists(st.integers(-3, 3), min_size=width, max_size=width),  # duplicates allowed
            st.lists(st.tuples(TEXT, st.integers(0, 2)), min_size=width, max_size=width, unique=True),
        )
    )
    frame = (
        pd.DataFrame(columns, index=draw(_index(rows))) if width else pd.DataFrame(index=draw(_index(rows)))
    )
    if width and isinstance(labels[0], tuple):
        return frame.set_axis(pd.MultiIndex.from_tuples(labels), axis=1)
    return (
        frame.set_axis(
            pd.Index(
                labels,
                dtype=object if labels and isinstance(labels[0], str) and draw(st.booleans()) else None,
            ),
            axis=1,
        )
        if width
        else frame
    )


def _round_trip(obj, fmt: str):
    manager = PackagersManager(installed=False)
    manager.collect_packagers([DataFramePackager, SeriesPackager], mandatory=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SatchelWarning)  # nothing generated here may be lost
            artifact = manager.pack(obj, {"key": "p", "artifact_type": "file", "file_format": fmt})
        return manager.unpack(artifact, type(obj))
    finally:
        manager.clear()


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@SETTINGS
@given(frame=frames())
def test_frames_round_trip_exactly(fmt: str, frame: pd.DataFrame) -> None:
    note(f"index={frame.index!r} columns={frame.columns!r} dtypes={list(frame.dtypes)}")
    before = frame.copy(deep=True)
    restored = _round_trip(frame, fmt)
    assert_identical(before, frame)  # the input is untouched
    assert_identical(frame, restored)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@SETTINGS
@given(frame=frames().filter(lambda f: f.shape[1] >= 1), name=st.one_of(st.none(), TEXT, st.integers(-2, 2)))
def test_series_round_trip_exactly(fmt: str, frame: pd.DataFrame, name) -> None:
    series = frame.iloc[:, 0].rename(name)
    before = series.copy(deep=True)
    restored = _round_trip(series, fmt)
    assert_identical(before, series)
    assert_identical(series, restored)
