"""The packagers as users meet them: conformance, artifact types, instructions, results, errors."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from satchel import PackagersManager, PackingError, SatchelWarning, UnpackingError
from satchel.testing import check_packager
from satchel_pandas.packagers import DataFramePackager, SeriesPackager
from satchel_pandas.testing import assert_identical


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array([1, None, 3], dtype="Int64"),
            "name": pd.array(["a", "", None], dtype="str"),
            "when": pd.to_datetime(
                ["2020-01-01 00:00:00.000000001", None, "2021-01-01"], format="ISO8601"
            ).tz_localize("Europe/Paris"),
            "kind": pd.Categorical(["x", "y", "x"], categories=["y", "x", "z"], ordered=True),
        },
        index=pd.Index([10, 20, 30], name="row"),
    )


@pytest.fixture
def manager():
    manager = PackagersManager(installed=False)
    manager.collect_packagers([DataFramePackager, SeriesPackager], mandatory=True)
    yield manager
    manager.clear()


def test_dataframe_conformance() -> None:
    samples = [
        _frame(),
        pd.DataFrame({"x": [0.1, np.nan]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])),
        pd.DataFrame(),
    ]
    check_packager(DataFramePackager, samples, assert_equal=assert_identical)


def test_series_conformance() -> None:
    samples = [
        pd.Series([1.5, None], name=0),
        pd.Series(["a", None], dtype="string[python]"),
        _frame()["when"],
    ]
    check_packager(SeriesPackager, samples, assert_equal=assert_identical)


def test_default_artifact_types(manager) -> None:
    frame, series = _frame(), pd.Series([1, 2], name="s")
    assert manager.pack(frame, "f").kind == "dataset"
    assert manager.pack(series, "s").kind == "file"
    assert manager.pack(frame, "f").instructions["file_format"] == "parquet"


def test_dataset_records_schema_rows_and_preview(manager) -> None:
    frame = pd.concat([_frame()] * 4, ignore_index=False)
    artifact = manager.pack(frame, "data")
    instructions = artifact.instructions
    assert artifact.local_path().endswith(".parquet")
    assert instructions["rows"] == 12
    assert instructions["columns"] == [
        {"name": "id", "dtype": "Int64"},
        {"name": "name", "dtype": "str"},
        {"name": "when", "dtype": "datetime64[ns, Europe/Paris]"},
        {"name": "kind", "dtype": "category (ordered)"},
    ]
    assert instructions["index"] == [{"name": "row", "dtype": "int64"}]
    preview = instructions["preview"]
    assert preview["columns"] == ["id", "name", "when", "kind"]
    assert preview["index"] == [10, 20, 30, 10, 20]
    assert preview["data"][0] == [1, "a", "2019-12-31 23:00:00.000000001+00:00", "x"]
    assert preview["data"][1][:2] == [None, ""]
    json.dumps(instructions, allow_nan=False)  # strict JSON
    assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


def test_dataset_accepts_other_formats(manager) -> None:
    artifact = manager.pack(_frame(), {"key": "d", "artifact_type": "dataset", "file_format": "csv"})
    assert artifact.local_path().endswith(".csv") and artifact.instructions["rows"] == 3
    assert_identical(_frame(), manager.unpack(artifact, pd.DataFrame))


def test_file_is_what_pandas_reads(manager) -> None:
    """A parquet or csv payload is an ordinary file: pandas reads it without satchel."""
    frame = _frame()
    parquet = manager.pack(frame, {"key": "p", "artifact_type": "file"})
    assert_identical(frame.astype({"name": "str"}), pd.read_parquet(parquet.local_path()))
    csv = manager.pack(frame, {"key": "c", "artifact_type": "file", "file_format": "csv"})
    text = Path(csv.local_path()).read_text(encoding="utf-8").splitlines()
    assert text[0] == "row,id,name,when,kind"
    assert text[1] == "10,1,a,2019-12-31 23:00:00.000000001+00:00,x"


def test_frame_result_is_split_json(manager) -> None:
    frame = pd.DataFrame(
        {"a": [1, 2], "b": [0.5, np.nan], "t": pd.to_datetime(["2020-01-01", None])}, index=["x", "y"]
    )
    out = manager.pack(frame, "r:result")
    assert out == {
        "r": {
            "columns": ["a", "b", "t"],
            "index": ["x", "y"],
            "data": [[1, 0.5, "2020-01-01T00:00:00.000000"], [2, None, None]],
        }
    }


def test_series_result(manager) -> None:
    series = pd.Series(
        pd.array([1, None], dtype="Int64"),
        name=("a", 1),
        index=pd.MultiIndex.from_tuples([("k", 1), ("k", 2)]),
    )
    assert manager.pack(series, "r:result") == {
        "r": {"name": ["a", 1], "index": [["k", 1], ["k", 2]], "data": [1, None]}
    }


def test_unsupported_format_is_a_packing_error(manager) -> None:
    with pytest.raises(
        PackingError, match=r"unsupported file_format 'xlsx' for 'x'; use one of parquet, feather"
    ):
        manager.pack(_frame(), {"key": "x", "artifact_type": "file", "file_format": "xlsx"})
    with pytest.raises(PackingError, match="unsupported file_format"):
        manager.pack(pd.Series([1]), {"key": "x", "file_format": "npy"})


def test_unknown_configuration_is_a_packing_error(manager) -> None:
    with pytest.raises(PackingError, match=r"unknown configuration 'compression'.*accepted: file_format"):
        manager.pack(_frame(), {"key": "x", "artifact_type": "file", "compression": "gzip"})


def test_series_from_a_multi_column_file_is_an_unpacking_error(manager, tmp_path) -> None:
    artifact = manager.pack(_frame(), {"key": "wide", "artifact_type": "file"})
    with pytest.raises(
        UnpackingError, match=r"'wide' \(parquet\) holds 4 columns, and a Series needs exactly one"
    ):
        manager.unpack(artifact, pd.Series)
    path = tmp_path / "wide.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(UnpackingError, match=r"holds 2 columns, and a Series needs exactly one"):
        manager.unpack(str(path), pd.Series)


def test_one_column_frame_file_unpacks_as_series(manager) -> None:
    artifact = manager.pack(pd.DataFrame({"v": [1.5, 2.5]}), {"key": "narrow", "artifact_type": "file"})
    series = manager.unpack(artifact, pd.Series)
    assert_identical(pd.Series([1.5, 2.5], name="v"), series)


@pytest.mark.parametrize(("fmt", "library", "pip"), [("h5", "tables", "tables"), ("xml", "lxml", "lxml")])
def test_missing_optional_library(manager, monkeypatch, fmt, library, pip) -> None:
    artifact = manager.pack(_frame(), {"key": "made", "artifact_type": "file", "file_format": fmt})
    monkeypatch.setitem(sys.modules, library, None)  # `import library` now raises ImportError
    message = (
        rf"file_format '{fmt}' \(for 'k'\) needs the optional library '{library}', .*: pip install {pip}"
    )
    with pytest.raises(PackingError, match=message):
        manager.pack(_frame(), {"key": "k", "artifact_type": "file", "file_format": fmt})
    with pytest.raises(UnpackingError, match=rf"needs the optional library '{library}'"):
        manager.unpack(artifact, pd.DataFrame)


def test_packing_twice_and_untouched_input(manager) -> None:
    frame = _frame()
    before = frame.copy(deep=True)
    for fmt in ("parquet", "csv", "orc", "json", "xml", "h5", "feather"):
        for _ in range(2):
            artifact = manager.pack(frame, {"key": f"k_{fmt}", "artifact_type": "file", "file_format": fmt})
            assert_identical(before, frame)
            assert_identical(before, manager.unpack(artifact, pd.DataFrame))


def test_loss_warning_names_what_is_lost(manager) -> None:
    frame = pd.DataFrame({"exact": [0.5, 1.0], "long": [1 / 3, 2.0], "inf": [np.inf, 0.0]})
    with pytest.warns(SatchelWarning) as caught:
        manager.pack(frame, {"key": "j", "artifact_type": "file", "file_format": "json"})
    (message,) = [str(w.message) for w in caught]
    assert message == (
        "'j' (DataFrame) packed as json loses information: column 'long': to_json keeps 15 significant "
        "digits of a float; 1 value(s) come back rounded (or -0.0 as 0.0); column 'inf': JSON has no inf; "
        "to_json writes inf and -inf as null (missing)"
    )


def test_no_warning_when_nothing_is_lost(manager) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        manager.pack(
            pd.DataFrame({"x": [0.5, 0.25]}), {"key": "j", "artifact_type": "file", "file_format": "json"}
        )


def test_outside_h5_is_not_read(manager, tmp_path) -> None:
    path = tmp_path / "outside.h5"
    pd.DataFrame({"x": [1.5]}).to_hdf(path, key="data")
    with pytest.raises(UnpackingError, match=r"is a plain file .*, so it is never unpickled") as raised:
        manager.unpack(str(path), pd.DataFrame)
    assert "trust" not in str(raised.value)  # h5 can hold pickles: a plain one is never read


def test_h5_in_a_path_artifact_is_not_read(manager, tmp_path) -> None:
    from satchel_pathlib.packagers import PathPackager

    manager.collect_packagers([PathPackager], mandatory=True)
    path = tmp_path / "packed.h5"
    pd.DataFrame({"x": [1.5]}).to_hdf(path, key="data")
    artifact = manager.pack(path, "p")
    assert (artifact.kind, artifact.trusted) == ("path", True)
    with pytest.raises(UnpackingError, match=r"was recorded as 'path'.*so it is never unpickled") as raised:
        manager.unpack(artifact, pd.DataFrame)  # h5 can hold pickles: read only from pandas' own
    assert "trust" not in str(raised.value)


def test_object_artifact_pickles(manager) -> None:
    frame = _frame()
    artifact = manager.pack(frame, "o:object")
    assert artifact.kind == "object"
    assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


def test_csv_text_that_looks_like_numbers_stays_text(manager) -> None:
    """The csv reader lets pandas infer text columns (its fast path); text that reads as numbers,
    booleans, or changes type between the parser's chunks, must still come back as the text."""
    rows = 300_000
    digits = [f"{i:07d}" for i in range(rows)]
    frame = pd.DataFrame(
        {
            "zeros": pd.array(digits, dtype="str"),
            "late_letter": pd.array([*digits[:-1], "x"], dtype="str"),
            "bools": pd.array(["True", "False"] * (rows // 2), dtype="str"),
            "objects": pd.Series(["1.0", "2"] * (rows // 2), dtype=object),
        }
    )
    artifact = manager.pack(frame, {"key": "t", "artifact_type": "file", "file_format": "csv"})
    assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


def test_what_the_schema_cannot_record_is_named(manager) -> None:
    frame = pd.DataFrame({frozenset({1}): [1.5], "b": [2]})
    frame.attrs = {"when": pd.Timestamp("2020-01-01")}
    with pytest.warns(SatchelWarning) as caught:
        artifact = manager.pack(frame, {"key": "odd", "artifact_type": "file"})
    (message,) = [str(w.message) for w in caught]
    assert "the column labels cannot be recorded exactly; they come back as text" in message
    assert "DataFrame.attrs are not JSON values; they are not kept" in message
    restored = manager.unpack(artifact, pd.DataFrame)
    assert list(restored.columns) == ["frozenset({1})", "b"] and restored.attrs == {}
    expected = pd.DataFrame({"frozenset({1})": [1.5], "b": [2]})
    assert_identical(expected, restored)


def test_too_many_categories_are_not_recorded(manager) -> None:
    from satchel_pandas.dtypes import MAX_RECORDED_CATEGORIES

    values = [f"c{i}" for i in range(MAX_RECORDED_CATEGORIES + 1)]
    frame = pd.DataFrame({"c": pd.Categorical(values)})
    with pytest.warns(SatchelWarning, match="column 'c': its categories are not recorded"):
        artifact = manager.pack(frame, {"key": "cats", "artifact_type": "file", "file_format": "csv"})
    assert len(json.dumps(artifact.instructions)) < 10_000
    restored = manager.unpack(artifact, pd.DataFrame)
    assert isinstance(restored["c"].dtype, pd.CategoricalDtype)
    assert restored["c"].astype(str).tolist() == values


def test_assert_identical_tells_python_objects_apart() -> None:
    """pandas takes 1 for 1.0, None for nan and Decimal("1.0") for Decimal("1"); satchel does not."""
    import decimal

    ints = pd.DataFrame({"o": pd.Series([1, None, 3], dtype=object)})
    for other in (
        pd.Series([1.0, None, 3.0], dtype=object),  # an int that came back as a float
        pd.Series([1, np.nan, 3], dtype=object),  # None that came back as nan
    ):
        pd.testing.assert_frame_equal(ints, pd.DataFrame({"o": other}), check_exact=True)  # pandas: equal
        with pytest.raises(AssertionError, match="column 'o': value at position"):
            assert_identical(ints, pd.DataFrame({"o": other}))
    assert_identical(ints, pd.DataFrame({"o": pd.Series([1, None, 3], dtype=object)}))
    with pytest.raises(AssertionError, match=r"value at position 0 is Decimal\('1'\)"):
        assert_identical(
            pd.Series([decimal.Decimal("1.0")], dtype=object), pd.Series([decimal.Decimal("1")], dtype=object)
        )
    with pytest.raises(AssertionError, match="index level 0: value at position 1"):
        assert_identical(
            pd.Series([1, 2], index=pd.Index(["a", None], dtype=object)),
            pd.Series([1, 2], index=pd.Index(["a", np.nan], dtype=object)),
        )
    with pytest.raises(AssertionError, match="column labels"):
        assert_identical(
            pd.DataFrame([[1, 2]], columns=pd.Index([decimal.Decimal("1.0"), 2], dtype=object)),
            pd.DataFrame([[1, 2]], columns=pd.Index([decimal.Decimal("1"), 2], dtype=object)),
        )


def test_assert_identical_compares_arrow_dictionaries() -> None:
    import pyarrow as pa

    def column(indices, dictionary):
        array = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(dictionary))
        return pd.Series(pd.arrays.ArrowExtensionArray(array))

    assert_identical(column([0, 1], ["a", "b"]), column([0, 1], ["a", "b"]))
    with pytest.raises(AssertionError, match="Arrow dictionaries differ"):
        assert_identical(column([0, 1], ["a", "b"]), column([1, 0], ["b", "a"]))


def test_arrow_dictionary_from_read_parquet_round_trips_by_default(manager, tmp_path) -> None:
    """What `read_parquet(dtype_backend="pyarrow")` gives for a categorical, packed as a dataset."""
    path = tmp_path / "cats.parquet"
    pd.DataFrame({"c": pd.Categorical(["b", None, "a"], categories=["z", "a", "b"])}).to_parquet(path)
    frame = pd.read_parquet(path, dtype_backend="pyarrow")
    assert str(frame["c"].dtype).startswith("dictionary<values=string, indices=int8")
    artifact = manager.pack(frame, "cats")
    assert artifact.kind == "dataset"
    assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


def test_too_many_mixed_missing_positions_warn(manager, monkeypatch) -> None:
    from satchel_pandas import objects

    monkeypatch.setattr(objects, "MAX_RECORDED_MISSING", 2)
    frame = pd.DataFrame({"o": pd.Series([None, np.nan, np.nan, np.nan, None, None, None, 1], dtype=object)})
    with pytest.warns(SatchelWarning, match=r"column 'o' holds missing values of several kinds .* as None"):
        artifact = manager.pack(frame, {"key": "m", "artifact_type": "file", "file_format": "csv"})
    restored = manager.unpack(artifact, pd.DataFrame)
    assert restored["o"].tolist()[:7] == [None] * 7 and restored["o"].tolist()[7] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        artifact = manager.pack(frame, {"key": "h", "artifact_type": "file", "file_format": "h5"})
        assert_identical(frame, manager.unpack(artifact, pd.DataFrame))  # h5 pickles them
        frame = pd.DataFrame({"o": pd.Series([None, np.nan, None, None, 1], dtype=object)})
        artifact = manager.pack(frame, {"key": "n", "artifact_type": "file", "file_format": "csv"})
    assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


def test_too_long_arrow_dictionary_is_not_recorded(manager, monkeypatch) -> None:
    import pyarrow as pa

    from satchel_pandas import arrow_values

    monkeypatch.setattr(arrow_values, "MAX_RECORDED_DICTIONARY", 2)
    array = pa.DictionaryArray.from_arrays(pa.array([2, 0, None], pa.int32()), pa.array(["a", "b", "c"]))
    frame = pd.DataFrame({"d": pd.Series(pd.arrays.ArrowExtensionArray(array))})
    with pytest.warns(SatchelWarning, match="column 'd': its Arrow dictionary is not recorded"):
        artifact = manager.pack(frame, {"key": "d", "artifact_type": "file", "file_format": "csv"})
    restored = manager.unpack(artifact, pd.DataFrame)
    assert restored["d"].dtype == frame["d"].dtype and restored["d"].tolist() == frame["d"].tolist()
    for fmt in ("parquet", "feather"):  # they keep it as it is: no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            artifact = manager.pack(frame, {"key": fmt, "artifact_type": "file", "file_format": fmt})
        assert_identical(frame, manager.unpack(artifact, pd.DataFrame))


@pytest.mark.parametrize(
    "obj",
    [
        pd.Series(["a", None, "b"], dtype=object, name="s"),  # one column: a missing row is written `""`
        pd.DataFrame({"t": pd.array(["18446744073709551615", None], dtype="str"), "n": [1, 2]}),
    ],
    ids=["one_column", "big_integer_text"],
)
def test_csv_missing_values_the_parser_leaves_as_text(manager, obj) -> None:
    artifact = manager.pack(obj, {"key": "m", "artifact_type": "file", "file_format": "csv"})
    assert_identical(obj, manager.unpack(artifact, type(obj)))


def test_what_a_format_cannot_hold_is_refused_naming_the_formats_that_can(manager) -> None:
    import pyarrow as pa

    intervals = pa.array([(1, 2, 3), None], pa.month_day_nano_interval())
    frame = pd.DataFrame({"ok": [1, 2], "m": pd.arrays.ArrowExtensionArray(intervals)})
    message = (
        r"^parquet cannot hold column 'm' \(month_day_nano_interval\[pyarrow\]\) of 'f' "
        r"\(ArrowNotImplementedError: .*\); feather can hold it: pack it with that file_format, "
        r"or log it as 'key:object' \(pickle\)$"
    )
    with pytest.raises(PackingError, match=message):
        manager.pack(frame, {"key": "f", "artifact_type": "file"})
    artifact = manager.pack(frame, {"key": "f", "artifact_type": "file", "file_format": "feather"})
    restored = manager.unpack(artifact, pd.DataFrame)  # pandas cannot compare these: Arrow does
    assert pa.array(restored["m"].array).equals(intervals) and restored["ok"].tolist() == [1, 2]

