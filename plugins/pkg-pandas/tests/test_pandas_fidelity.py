"""The fidelity corpus: tricky frames and Series through every format.

Each round trip must be identical (`assert_identical`: strict `assert_frame_equal` plus exact
floats) unless the format cannot hold something; then packing must warn (`SatchelWarning`) naming
it, and everything else must still come back identical.
"""

from __future__ import annotations

import datetime as dt
import decimal
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from satchel import PackagersManager, SatchelWarning
from satchel_pandas.formats import FORMATS
from satchel_pandas.packagers import DataFramePackager, SeriesPackager
from satchel_pandas.testing import assert_identical

NS = pd.Timestamp("2021-03-28 01:59:59.999999999")


def _frames() -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    frames["numbers"] = pd.DataFrame(
        {
            "i8": np.array([-128, 0, 127, 5], dtype="int8"),
            "u64": np.array([0, 2**64 - 1, 1, 2**63], dtype="uint64"),
            "i64": np.array([-(2**63), 2**63 - 1, 0, 1], dtype="int64"),
            "f64": [0.1 + 0.2, -0.0, 5e-324, 1.7976931348623157e308],
            "f32": np.array([0.1, -0.0, 1e-40, 3.4e38], dtype="float32"),
            "f16": np.array([0.1, -0.0, 65504, 6e-8], dtype="float16"),
            "bool": [True, False, True, False],
            "c128": np.array([1 + 2j, -0.0 - 1e-300j, complex("nan+1j"), 1e300 + 0j]),
        }
    )
    frames["float_specials"] = pd.DataFrame({"f": [np.nan, np.inf, -np.inf, 1 / 3]})
    frames["nullable"] = pd.DataFrame(
        {
            "Int8": pd.array([1, None, -128, 127], dtype="Int8"),
            "Int64": pd.array([2**63 - 1, None, -(2**63), 0], dtype="Int64"),
            "UInt64": pd.array([2**64 - 1, None, 0, 1], dtype="UInt64"),
            "boolean": pd.array([True, None, False, True], dtype="boolean"),
            "Float32": pd.array([0.5, None, 1.25, -2.0], dtype="Float32"),
            "Float64": pd.array([0.5, None, 0.25, -0.0], dtype="Float64"),
        }
    )
    texts = ['a, "quoted"\nline', "", None, "NA"]
    frames["strings"] = pd.DataFrame(
        {
            "str": pd.Series(texts, dtype="str"),
            "python": pd.Series(["null", None, "", "é ✓ 中"], dtype="string[python]"),
            "pyarrow": pd.Series(["nan", "\\N", None, ""], dtype="string[pyarrow]"),
            "object": pd.Series(["None", "", None, " padded "], dtype=object),
            "no_missing": pd.Series(["", "", "x", "NaN"], dtype="str"),
            "all_missing": pd.Series([None, None, None, None], dtype="str"),
        }
    )
    frames["categoricals"] = pd.DataFrame(
        {
            "unused": pd.Categorical(["b", "a", None, "b"], categories=["b", "a", "z"]),
            "ordered": pd.Categorical(
                ["lo", "hi", "mid", "lo"], categories=["lo", "mid", "hi"], ordered=True
            ),
            "ints": pd.Categorical([3, 1, None, 1], categories=[1, 3, 5]),
            "dates": pd.Categorical(pd.to_datetime(["2020-01-01", None, "2020-01-02", "2020-01-01"])),
            "empty_text": pd.Categorical(["", None, "x", ""]),
        }
    )
    stamps = pd.to_datetime(["2020-01-01 00:00:00.000000001", NS, None, "1677-09-22"], format="ISO8601")
    frames["datetimes"] = pd.DataFrame(
        {
            "naive_ns": stamps,
            "paris": stamps.tz_localize("Europe/Paris", ambiguous="NaT", nonexistent="NaT"),
            "utc": stamps.tz_localize("UTC"),
            "offset": stamps.tz_localize(dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
            "seconds": pd.to_datetime(["3000-01-01", "1000-06-30", None, "2020-02-29"]).as_unit("s"),
            "us_tokyo": pd.to_datetime(
                ["2020-01-01 00:00:00.000001", None, "2020-01-01", "1999-12-31"], format="ISO8601"
            )
            .as_unit("us")
            .tz_localize("Asia/Tokyo"),
        }
    )
    frames["timedeltas"] = pd.DataFrame(
        {
            "ns": pd.to_timedelta([1, None, -5, 10**18], unit="ns"),
            "s": pd.to_timedelta([1, None, -86401, 10**11], unit="s").as_unit("s"),
        }
    )
    frames["periods_intervals"] = pd.DataFrame(
        {
            "month": pd.period_range("2020-01", periods=4, freq="M"),
            "quarter": pd.PeriodIndex(["2020Q1", None, "1999Q4", "2020Q2"], freq="Q"),
            "int_left": pd.interval_range(0, 4, closed="left"),
            "float_both": pd.arrays.IntervalArray.from_breaks([0.5, 1.5, 2.25, 3.0, 4.125], closed="both"),
            "times": pd.interval_range(pd.Timestamp("2020-01-01"), periods=4, freq="h"),
        }
    )
    frames["python_objects"] = pd.DataFrame(
        {
            "ints": pd.Series([1, 2**70, -3, None], dtype=object),
            "floats": pd.Series([0.1, -0.0, None, 2.5], dtype=object),
            "bools": pd.Series([True, False, None, True], dtype=object),
            "bytes": pd.Series([b"\x00\xff", b"", None, b"a,b"], dtype=object),
            "decimals": pd.Series(
                [decimal.Decimal("1.10"), None, decimal.Decimal("-0.001"), decimal.Decimal("3")]
            ),
            "dates": pd.Series([dt.date(2020, 1, 1), None, dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
        }
    )
    frames["object_containers"] = pd.DataFrame(
        {
            "lists": pd.Series([[1, 2], [], None, ["a"]], dtype=object),
            "dicts": pd.Series([{"a": 1}, None, {}, {"b": [2]}], dtype=object),
            "datetimes": pd.Series(
                [dt.datetime(2020, 1, 1), None, dt.datetime(1, 1, 1), dt.datetime(9999, 1, 1)]
            ),
            "ok": [1, 2, 3, 4],
        }
    )
    frames["arrow_nested"] = pd.DataFrame(
        {
            "list": pd.Series([[1, 2], [], None, [3]], dtype=pd.ArrowDtype(pa.list_(pa.int64()))),
            "struct": pd.Series(
                [{"a": 1, "b": "x"}, None, {"a": None, "b": ""}, {"a": 2, "b": "é"}],
                dtype=pd.ArrowDtype(pa.struct([("a", pa.int64()), ("b", pa.string())])),
            ),
            "floats": pd.Series(
                [[0.1, -0.0], None, [], [1e300]], dtype=pd.ArrowDtype(pa.list_(pa.float64()))
            ),
        }
    )
    frames["arrow_map"] = pd.DataFrame(
        {
            "map": pd.Series(
                [[("a", 1)], None, [], [("b", 2)]], dtype=pd.ArrowDtype(pa.map_(pa.string(), pa.int64()))
            ),
            "ok": [1, 2, 3, 4],
        }
    )
    frames["extension_categories"] = pd.DataFrame(
        {
            "intervals": pd.Categorical(
                pd.interval_range(0, 4)[[0, 1, 1, 3]], categories=pd.interval_range(0, 4)
            ),
            "periods": pd.Categorical(
                pd.period_range("2020", periods=4, freq="M")[[3, 0, 0, 1]], ordered=True
            ),
        }
    )
    frames["mixed_index"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]}, index=pd.Index([1, "a", 2.5, None], dtype=object)
    )
    frames["mixed_objects"] = pd.DataFrame(
        {"mixed": pd.Series([1, "1", 2.5, None], dtype=object), "ok": [1, 2, 3, 4]}
    )
    frames["sparse_arrow"] = pd.DataFrame(
        {
            "sparse": pd.arrays.SparseArray([0.0, 0.0, 1.5, np.nan]),
            "arrow_int": pd.array([1, None, 3, 4], dtype="int64[pyarrow]"),
            "arrow_ts": pd.array([*stamps[:2], None, stamps[0]], dtype="timestamp[ns][pyarrow]"),
        }
    )
    # found by outside testing: each through every format
    sales = pd.DataFrame(
        {
            "shop": ["a", "b", "a", "c"],
            "kind": pd.Categorical(["x", "y", "x", "x"], categories=["y", "x", "unused"]),
            "n": [1.0, 2.0, 3.0, 4.0],
        }
    )
    frames["pivot_categorical_columns"] = sales.pivot_table(
        index="shop", columns="kind", values="n", observed=False, aggfunc="sum"
    )
    frames["pivot_categorical_multi_columns"] = sales.assign(m=[1, 2, 3, 4]).pivot_table(
        index="shop", columns="kind", values=["n", "m"], observed=False, aggfunc="sum"
    )
    dictionary = pa.dictionary(pa.int32(), pa.string())
    frames["arrow_dictionary"] = pd.DataFrame(
        {
            "dict": pd.Series(  # what read_parquet(dtype_backend="pyarrow") gives for a categorical
                pd.arrays.ArrowExtensionArray(
                    pa.DictionaryArray.from_arrays(
                        pa.array([1, None, 0, 1], pa.int32()), pa.array(["b", "a", "unused"])
                    )
                )
            ),
            "ordered_ints": pd.Series(
                [3, None, 3, -1], dtype=pd.ArrowDtype(pa.dictionary(pa.int8(), pa.int64(), ordered=True))
            ),
        },
        index=pd.Index(pd.Series(["k", "j", None, "k"], dtype=pd.ArrowDtype(dictionary)), name="key"),
    )
    frames["arrow_big_numbers"] = pd.DataFrame(
        {
            "u64": pd.Series([2**63 + 1, None, 2**64 - 1, 0], dtype="uint64[pyarrow]"),
            "decimal": pd.Series(
                [decimal.Decimal("1.234"), None, decimal.Decimal("-9999999.999"), decimal.Decimal("0.000")],
                dtype=pd.ArrowDtype(pa.decimal128(10, 3)),
            ),
            "f64_nan_and_null": pd.Series([0.1, None, np.nan, -0.0], dtype="double[pyarrow]"),
            "negative_scale": pd.Series(  # parquet has no such decimals: stored as text there
                [decimal.Decimal("1.00E+4"), None, decimal.Decimal("-9.99E+6"), decimal.Decimal("0E+2")],
                dtype=pd.ArrowDtype(pa.decimal128(5, -2)),
            ),
        }
    )
    frames["arrow_binary"] = pd.DataFrame(
        {
            "binary": pd.Series([b"\x00\xff", None, b"", b"a,b\n"], dtype="binary[pyarrow]"),
            "large": pd.Series([b"x", b"", None, b"'"], dtype=pd.ArrowDtype(pa.large_binary())),
        }
    )
    frames["object_ints_missing"] = pd.DataFrame(
        {
            "none": pd.Series([1, None, 3, 2**62], dtype=object),
            "na": pd.Series([1, pd.NA, 3, -1], dtype=object),
            "nan": pd.Series([1, np.nan, 3, 0], dtype=object),
            "mixed_missing": pd.Series([None, pd.NA, np.nan, 7], dtype=object),
            "huge": pd.Series([2**70, None, -(2**64), 1], dtype=object),
        }
    )
    frames["int64_as_object"] = pd.DataFrame(
        {"v": pd.array([1, pd.NA, -5, 2**63 - 1], dtype="Int64").astype(object)}
    )
    d = decimal.Decimal
    frames["decimal_nan"] = pd.DataFrame(
        {
            "decimals": pd.Series([d("NaN"), d("1"), None, d("-Infinity")], dtype=object),
            "same_exponent": pd.Series([d("1.50"), None, d("-0.00"), d("2.25")], dtype=object),
        }
    )
    # found by the property test (test_pandas_exact_or_warn.py)
    frames["arrow_dictionary_no_rows"] = pd.DataFrame(
        {"d": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(["x", "y"]).dictionary_encode()[:0]))},
        index=pd.Index(pd.arrays.ArrowExtensionArray(pa.array(["k"]).dictionary_encode()[:0])),
    )
    far = pa.array([-62198755200000000, None, 253402300800000000, 0], pa.timestamp("us", "UTC"))
    frames["far_times"] = pd.DataFrame(  # years -1, 10000: stored as integers in text formats
        {
            "arrow": pd.arrays.ArrowExtensionArray(far),
            "date32": pd.arrays.ArrowExtensionArray(pa.array([0, None, 2932896, -719162], pa.date32())),
            "year_0": np.array([-62135596800000001, 0, np.iinfo("i8").min, 1], dtype="i8").view("M8[us]"),
            "ns_bounds": pd.arrays.ArrowExtensionArray(  # Arrow parses no text of the earliest
                pa.array([-(2**63) + 1, None, 2**63 - 1, 0], pa.timestamp("ns"))
            ),
        }
    )
    frames["arrow_nested_exact"] = pd.DataFrame(
        {
            "struct": pd.Series(
                [None, {"a": 1, "b": decimal.Decimal("1.50")}, {"a": None, "b": None}, None],
                dtype=pd.ArrowDtype(pa.struct([("a", pa.int32()), ("b", pa.decimal128(6, 2))])),
            ),
            "times": pd.Series(
                [[1, None], None, [], [2**62]], dtype=pd.ArrowDtype(pa.list_(pa.timestamp("ns")))
            ),
            "decimals": pd.Series(
                [[decimal.Decimal("0.1")], None, [None], []],
                dtype=pd.ArrowDtype(pa.list_(pa.decimal128(5, 1))),
            ),
        }
    )
    frames["arrow_and_numpy_share_a_type"] = pd.DataFrame(
        {
            "numpy": pd.to_datetime(["2020-01-01", None, "2021-01-01", "2022-01-01"]).as_unit("us"),
            "arrow": pd.Series([1, None, 3, 4], dtype=pd.ArrowDtype(pa.timestamp("us"))),
            "ints": pd.Series([1, 2, 3, 4], dtype="int64"),
            "arrow_ints": pd.Series([1, None, 3, 4], dtype="int64[pyarrow]"),
        },
        index=pd.date_range("2000-01-01", periods=4, freq="D", unit="us", tz="UTC"),
    ).assign(tz=pd.Series([0, None, 1, 2], dtype=pd.ArrowDtype(pa.timestamp("us", "UTC"))).values)
    frames["object_index_ints_missing"] = pd.DataFrame(
        {"v": [1, 2, 3]}, index=pd.Index([0, None, 2**62], dtype=object)
    )
    frames["mixed_levels"] = pd.DataFrame(
        {"v": [1, 2]}, index=pd.MultiIndex.from_arrays([[1, 2], pd.Index([False, b""], dtype=object)])
    )
    frames["nul_in_names"] = pd.DataFrame(  # HDF5 names end at a NUL
        {"a\x00b": [1, 2], "a": [3, 4]},
        index=pd.MultiIndex.from_arrays([[1, 2], [3, 4]], names=[None, "\x00"]),
    )
    frames["whole_day_timedeltas"] = pd.DataFrame(  # "1 days" in json and xml: no clock part
        {"s": pd.to_timedelta([1, None, -2, 0], unit="D").as_unit("s")}
    )
    frames["decimal_levels"] = pd.DataFrame(
        {"v": [1, 2]},
        index=pd.MultiIndex.from_arrays([[False, False], [decimal.Decimal("0"), decimal.Decimal("0.5")]]),
    )
    # indexes
    frames["range_named"] = pd.DataFrame({"v": [1, 2, 3, 4]}, index=pd.RangeIndex(5, 13, 2, name="r"))
    frames["int_index_name_0"] = pd.DataFrame({"v": [1.5, 2, 3, 4]}, index=pd.Index([10, 20, 20, 40], name=0))
    frames["not_range"] = pd.DataFrame({"v": [1, 2, 3, 4]}, index=pd.Index([0, 1, 2, 3]))
    frames["multiindex"] = pd.DataFrame(
        {"v": [1.0, 2, 3, 4]}, index=pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", None])
    )
    frames["nullable_int_levels"] = pd.DataFrame(  # pyarrow builds such index levels as floats
        {"v": [1, 2, 3, 4]},
        index=pd.MultiIndex.from_arrays(
            [
                pd.array([2**53 + 1, None, -(2**63), 0], dtype="Int64"),
                pd.Index([2**64 - 1, None, 2**53 + 1, 0], dtype=object),
            ]
        ),
    )
    frames["datetime_index_freq"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]},
        index=pd.date_range("2020-03-29", periods=4, freq="h", tz="Europe/Paris", name="when"),
    )
    frames["categorical_index"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]},
        index=pd.CategoricalIndex(["x", "y", "x", "x"], categories=["y", "x", "z"], ordered=True),
    )
    frames["period_interval_index"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]},
        index=pd.MultiIndex.from_arrays(
            [pd.period_range("2020", periods=4, freq="D"), pd.interval_range(0.0, 4.0)], names=["p", "i"]
        ),
    )
    frames["timedelta_float_index"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]}, index=pd.timedelta_range(0, periods=4, freq="ns", name="td")
    )
    frames["float_index"] = pd.DataFrame({"v": [1, 2, 3, 4]}, index=pd.Index([0.1, -0.0, np.nan, 1e300]))
    frames["index_name_is_column"] = pd.DataFrame(
        {"index": [1, 2, 3, 4]}, index=pd.Index([5, 6, 7, 8], name="index")
    )
    frames["string_index_missing"] = pd.DataFrame(
        {"v": [1, 2, 3, 4]}, index=pd.Index(["a", "", None, "d"], dtype="str")
    )
    # column labels
    frames["int_columns"] = pd.DataFrame([[1, 2], [3, 4]], columns=[0, 1])
    frames["range_columns"] = pd.DataFrame(np.arange(6.0).reshape(3, 2))
    frames["tuple_columns"] = pd.DataFrame(
        np.arange(8).reshape(2, 4),
        columns=pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1), ("b", "x")], names=["top", None]),
    )
    frames["duplicate_columns"] = pd.DataFrame([[1, "x", 2.5], [3, "", None]], columns=["a", "a", "a.1"])
    frames["mixed_labels"] = pd.DataFrame([[1, 2, 3, 4]], columns=pd.Index([0, "0", 1.5, None], dtype=object))
    frames["object_columns_named"] = pd.DataFrame({"a": [1]}).set_axis(
        pd.Index(["a"], dtype=object, name=("n", 1)), axis=1
    )
    frames["timestamp_columns"] = pd.DataFrame(
        [[1, 2]], columns=pd.DatetimeIndex(["2020-01-01", "2020-01-02 00:00:00.000000001"], name="day")
    )
    frames["awkward_names"] = pd.DataFrame(
        {"": [1], "a b": [2], "1x": [3], "xml_tag": [4], "ü": [5], "row": [6]}
    )
    frames["row_and_data"] = pd.DataFrame(
        {"row": [1, 2], "data": ["a", "b"]}, index=pd.Index([5, 6], name="row")
    )
    # shapes
    frames["empty_typed"] = pd.DataFrame(
        {
            "i": pd.Series([], dtype="int16"),
            "s": pd.Series([], dtype="str"),
            "c": pd.Series([], dtype=pd.CategoricalDtype(["a", "b"], ordered=True)),
            "t": pd.Series([], dtype="datetime64[ns, UTC]"),
            "n": pd.Series([], dtype="Int64"),
            "o": pd.Series([], dtype=object),
        },
        index=pd.Index([], dtype="str", name="key"),
    )
    frames["no_columns"] = pd.DataFrame(index=pd.RangeIndex(3))
    frames["nothing"] = pd.DataFrame()
    frames["no_columns_index"] = pd.DataFrame(index=pd.Index(["a", "b"], name="k"))
    attrs = pd.DataFrame({"v": [1, 2]})
    attrs.attrs = {"source": "sensor", "version": 2}
    frames["attrs"] = attrs
    frames["flags"] = pd.DataFrame({"a": [1, 2]}).set_flags(allows_duplicate_labels=False)
    return frames


def _series() -> dict[str, pd.Series]:
    return {
        "name_none": pd.Series([1.5, 2.5, np.nan]),
        "name_zero": pd.Series([1, 2, 3], name=0),
        "name_tuple": pd.Series(["a", None, ""], name=("a", 1), dtype="str"),
        "name_text": pd.Series(
            pd.Categorical(["x", "y", None]), name="cat", index=pd.Index([3, 1, 2], name="id")
        ),
        "multiindex": pd.Series(
            pd.to_datetime(["2020-01-01", None], utc=True),
            index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["s", "n"]),
            name="when",
        ),
        "empty": pd.Series([], dtype="Float64", name="e"),
    }


FRAMES = _frames()
SERIES = _series()

# What each format cannot hold, by case: (format or "*", case) -> words the warning must contain,
# and the columns (positions) allowed to differ.
_MIXED = ("holds Python objects (mixed-integer)", [0])
_NOT_PICKLED = ("parquet", "feather", "orc", "csv", "json", "xml")
EXPECTED_LOSSES: dict[tuple[str, str], tuple[str, list]] = {
    ("parquet", "mixed_objects"): _MIXED,
    ("feather", "mixed_objects"): _MIXED,
    ("orc", "mixed_objects"): _MIXED,
    ("csv", "mixed_objects"): _MIXED,
    ("json", "mixed_objects"): _MIXED,
    ("xml", "mixed_objects"): _MIXED,
    **{(fmt, "object_containers"): ("holds Python objects (mixed)", [0, 1, 2]) for fmt in _NOT_PICKLED},
    **{(fmt, "mixed_index"): ("holds Python objects (mixed", ["index"]) for fmt in _NOT_PICKLED},
    **{
        (fmt, "mixed_levels"): ("index level 1 holds Python objects (mixed)", ["index"])
        for fmt in _NOT_PICKLED
    },
    **{(fmt, "arrow_map"): ("(map<string, int64>[pyarrow]): " + fmt, [0]) for fmt in ("csv", "json", "xml")},
    ("json", "numbers"): ("'f64': to_json keeps 15 significant digits", [3, 4, 5]),
    ("json", "float_specials"): ("JSON has no inf", [0]),
    ("json", "nullable"): ("'Float64': to_json keeps 15 significant digits", [5]),
    ("json", "float_index"): ("index level '': to_json keeps 15 significant digits", ["index"]),
}


def _manager() -> PackagersManager:
    manager = PackagersManager(installed=False)
    manager.collect_packagers([DataFramePackager, SeriesPackager], mandatory=True)
    return manager


def _round_trip(obj, fmt: str, hint: type):
    manager = _manager()
    try:
        artifact_type = "file"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            artifact = manager.pack(obj, {"key": "case", "artifact_type": artifact_type, "file_format": fmt})
        messages = [str(w.message) for w in caught if issubclass(w.category, SatchelWarning)]
        others = [w for w in caught if not issubclass(w.category, SatchelWarning)]
        assert not others, [str(w.message) for w in others]
        by_hint = manager.unpack(artifact, hint)
        by_instructions = manager.unpack(artifact)
        return by_hint, by_instructions, messages
    finally:
        manager.clear()


def _cases():
    for fmt in FORMATS:
        for name in FRAMES:
            yield pytest.param(fmt, name, id=f"{fmt}-{name}")


@pytest.mark.parametrize(("fmt", "name"), list(_cases()))
def test_frame_round_trip(fmt: str, name: str) -> None:
    frame = FRAMES[name]
    before = frame.copy(deep=True)
    restored, by_instructions, messages = _round_trip(frame, fmt, pd.DataFrame)
    assert_identical(before, frame)  # packing never changes the caller's frame
    expected = EXPECTED_LOSSES.get((fmt, name))
    if expected is None:
        assert not messages, f"unexpected loss warning: {messages}"
        assert_identical(frame, restored)
    else:
        words, lost = expected
        assert len(messages) == 1 and all(word in messages[0] for word in words.split(" ... ")), messages
        keep = [i for i in range(frame.shape[1]) if i not in lost]
        left, right = frame, restored
        if "index" in lost:  # compare the data only
            left, right = frame.reset_index(drop=True), restored.reset_index(drop=True)
        assert_identical(left.iloc[:, keep], right.iloc[:, keep])
        assert list(restored.columns) == list(frame.columns)
    assert_identical(restored, by_instructions)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", list(SERIES))
def test_series_round_trip(fmt: str, name: str) -> None:
    series = SERIES[name]
    before = series.copy(deep=True)
    restored, by_instructions, messages = _round_trip(series, fmt, pd.Series)
    assert_identical(before, series)
    assert not messages, messages
    assert_identical(series, restored)
    assert_identical(restored, by_instructions)
