"""Each format's files, instructions and errors: what users see beyond the round trip."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from satchel import PackingError, SatchelWarning, UnpackingError

MATRIX = np.arange(6, dtype=np.int16).reshape(2, 3)


def test_default_is_an_npy_file_whatever_the_size(numpy_manager):
    for array in (np.array(1.0), np.zeros(3)):
        out = numpy_manager.pack(array, "a")
        assert out.kind == "file"
        assert out.instructions["file_format"] == "npy"
        assert out.local_path().endswith("a.npy")
        assert np.load(out.local_path()).dtype == array.dtype  # a plain npy file anyone can read


def test_npy_instructions_record_dtype_shape_and_order(numpy_manager):
    out = numpy_manager.pack(np.asfortranarray(MATRIX.astype(">f4")), "a")
    assert out.instructions == {
        "file_format": "npy",
        "dtype": ">f4",
        "shape": [2, 3],
        "order": "F",
        "pickled": False,
    }
    assert np.load(out.local_path()).flags.f_contiguous


def test_same_array_gives_the_same_bytes_and_hash(numpy_manager):
    """npz members carry fixed timestamps, so packing twice gives one hash."""
    for hint in ("a", {"key": "a", "file_format": "npz"}, {"key": "a", "file_format": "csv"}, "a:dataset"):
        first = numpy_manager.pack(MATRIX, hint)
        second = numpy_manager.pack(MATRIX, hint)
        assert first.hash == second.hash, hint


def test_npz_for_one_array_is_numpy_compatible(numpy_manager):
    out = numpy_manager.pack(MATRIX, {"key": "a", "file_format": "npz"})
    assert out.instructions["member"] == "arr_0"
    with np.load(out.local_path()) as npz:
        assert npz.files == ["arr_0"]
        np.testing.assert_array_equal(npz["arr_0"], MATRIX)


def test_csv_is_readable_by_numpy_and_the_csv_module(numpy_manager):
    array = np.array([[1.5, -0.0], [np.inf, 1 / 3]])
    out = numpy_manager.pack(array, {"key": "a", "file_format": "csv"})
    assert out.local_path().endswith("a.csv")
    np.testing.assert_array_equal(np.loadtxt(out.local_path(), delimiter=","), array)
    with open(out.local_path(), newline="") as handle:
        assert list(csv.reader(handle)) == [["1.5", "-0.0"], ["inf", "0.3333333333333333"]]


def test_txt_is_readable_by_loadtxt(numpy_manager):
    out = numpy_manager.pack(MATRIX, {"key": "a", "file_format": "txt"})
    assert out.local_path().endswith("a.txt")
    np.testing.assert_array_equal(np.loadtxt(out.local_path()), MATRIX)


def test_text_writes_shortest_floats_and_readable_values(numpy_manager):
    array = np.array([0.1, 0.25], np.float32)
    out = numpy_manager.pack(array, {"key": "a", "file_format": "csv"})
    assert Path(out.local_path()).read_text().split() == ["0.1", "0.25"]
    out = numpy_manager.pack(np.array([True, False]), {"key": "b", "file_format": "csv"})
    assert Path(out.local_path()).read_text().split() == ["True", "False"]
    out = numpy_manager.pack(np.array(["2024-05-01T12:00"], "M8[m]"), {"key": "c", "file_format": "csv"})
    assert Path(out.local_path()).read_text().split() == ["2024-05-01T12:00"]


def test_record_array_to_csv_has_a_header_row(numpy_manager, identical):
    records = np.array([(1, "x y"), (2, "z")], dtype=[("id", "i8"), ("name", "U3")])
    out = numpy_manager.pack(records, {"key": "r", "file_format": "csv"})
    with open(out.local_path(), newline="") as handle:
        assert list(csv.reader(handle)) == [["id", "name"], ["1", "x y"], ["2", "z"]]
    identical(records, numpy_manager.unpack(out, np.ndarray))


@pytest.mark.parametrize("file_format", ["csv", "txt"])
def test_3d_to_text_is_a_packing_error(numpy_manager, file_format):
    with pytest.raises(PackingError, match=r"'cube' \(3-D float64 array\).*at most 2 dimensions"):
        numpy_manager.pack(np.zeros((2, 2, 2)), {"key": "cube", "file_format": file_format})


def test_object_array_to_text_is_a_packing_error(numpy_manager):
    with pytest.raises(PackingError, match=r"'o'.*object values have no faithful text form"):
        numpy_manager.pack(np.array([1, "x"], dtype=object), {"key": "o", "file_format": "csv"})


@pytest.mark.parametrize("file_format", ["parquet", "hdf5", "json", ""])
def test_unsupported_file_format_is_a_packing_error(numpy_manager, file_format):
    with pytest.raises(
        PackingError, match=f"'a': file_format '{file_format}' is not supported.*npy, npz, txt, csv"
    ):
        numpy_manager.pack(MATRIX, {"key": "a", "file_format": file_format})


def test_parquet_file_format_points_to_dataset(numpy_manager):
    with pytest.raises(PackingError, match="use the 'dataset' artifact type"):
        numpy_manager.pack(MATRIX, {"key": "a", "file_format": "parquet"})


@pytest.mark.parametrize(
    "hint, message",
    [
        ({"key": "a", "compressed": True}, "unknown configuration 'compressed'"),
        (
            {"key": "a", "artifact_type": "dataset", "file_format": "npy"},
            "unknown configuration 'file_format'",
        ),
        ({"key": "a", "artifact_type": "result", "file_format": "npy"}, "unknown configuration"),
        ({"key": "a", "mmap_mode": "r+"}, "mmap_mode 'r\\+' is not allowed.*never written through"),
        ({"key": "a", "mmap_mode": "w+"}, "mmap_mode 'w\\+' is not allowed"),
        ({"key": "a", "file_format": "csv", "mmap_mode": "r"}, "mmap_mode needs file_format 'npy'"),
    ],
)
def test_wrong_configurations_are_packing_errors(numpy_manager, hint, message):
    with pytest.raises(PackingError, match=message):
        numpy_manager.pack(MATRIX, hint)


def test_unknown_artifact_type_is_a_packing_error(numpy_manager):
    with pytest.raises(PackingError, match="'a'"):
        numpy_manager.pack(MATRIX, "a:plot")


def test_mmap_of_object_array_is_a_packing_error(numpy_manager):
    with pytest.raises(PackingError, match="Python objects cannot be memory-mapped"):
        numpy_manager.pack(np.array([None]), {"key": "a", "mmap_mode": "r"})


# -- dataset ------------------------------------------------------------------------------------


def test_dataset_records_schema_rows_and_preview(numpy_manager):
    table = np.arange(20, dtype=np.int32).reshape(10, 2)
    out = numpy_manager.pack(table, "t:dataset")
    assert out.kind == "dataset"
    assert out.local_path().endswith("t.parquet")
    facts = out.instructions
    assert facts["num_rows"] == 10
    assert facts["schema"] == [
        {"name": "0", "dtype": "int32", "arrow": "int32"},
        {"name": "1", "dtype": "int32", "arrow": "int32"},
    ]
    assert facts["preview"] == table[:5].tolist()
    json.dumps(facts)


def test_dataset_preview_stays_small_for_wide_tables(numpy_manager, identical):
    wide = np.arange(300.0).reshape(10, 30)
    out = numpy_manager.pack(wide, "w:dataset")
    assert len(out.instructions["schema"]) == 30
    assert out.instructions["preview"] == wide[:5, :20].tolist()
    identical(wide, numpy_manager.unpack(out, np.ndarray))


def test_dataset_is_a_parquet_table_pandas_can_read(numpy_manager):
    pandas = pytest.importorskip("pandas")
    records = np.array([(1, "a"), (2, "b")], dtype=[("id", "i8"), ("name", "U1")])
    out = numpy_manager.pack(records, "r:dataset")
    frame = pandas.read_parquet(out.local_path())
    assert list(frame.columns) == ["id", "name"]
    assert frame["id"].tolist() == [1, 2]


def test_dataset_of_3d_array_is_a_packing_error(numpy_manager):
    with pytest.raises(PackingError, match=r"'cube' \(3-D float64 array\): a dataset holds 1-D or 2-D"):
        numpy_manager.pack(np.zeros((2, 2, 2)), "cube:dataset")


def test_dataset_of_complex_is_a_packing_error(numpy_manager):
    with pytest.raises(
        PackingError, match="'z': column '0' has dtype complex128, which parquet has no type for"
    ):
        numpy_manager.pack(np.zeros(3, complex), "z:dataset")


def test_dataset_without_pyarrow_is_a_clear_packing_error(numpy_manager, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    with pytest.raises(
        PackingError, match=r"'t'.*parquet through pyarrow, which cannot be imported.*pip install pyarrow"
    ):
        numpy_manager.pack(MATRIX, "t:dataset")


def test_dataset_times_outside_parquet_types_are_stored_as_counts(numpy_manager, identical):
    array = np.array([0, 5, 2**40], "M8[h]")
    out = numpy_manager.pack(array, "t:dataset")
    assert out.instructions["schema"][0]["encoding"] == "int64"
    identical(array, numpy_manager.unpack(out, np.ndarray))


# -- result --------------------------------------------------------------------------------------


def test_result_only_when_asked(numpy_manager):
    assert numpy_manager.pack(MATRIX, "m:result") == {"m": [[0, 1, 2], [3, 4, 5]]}
    assert numpy_manager.pack(np.array(2.5), "s:result") == {"s": 2.5}
    records = np.array([(1, "2024-01-01")], dtype=[("n", "i4"), ("d", "M8[D]")])
    assert numpy_manager.pack(records, "r:result") == {"r": [{"n": 1, "d": "2024-01-01"}]}
    assert numpy_manager.pack(np.array([1 + 2j]), "z:result") == {"z": ["(1+2j)"]}


def test_result_of_objects_that_are_not_json_is_a_packing_error(numpy_manager):
    with pytest.raises(PackingError, match=r"'o'.*not JSON values"):
        numpy_manager.pack(np.array([object()], dtype=object), "o:result")


# -- object arrays and trust -------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["npy", "npz"])
def test_object_arrays_record_pickling_and_are_unpickled_when_trusted(numpy_manager, file_format):
    array = np.array([{"a": 1}, None, [2]], dtype=object)
    out = numpy_manager.pack(array, {"key": "o", "file_format": file_format})
    assert out.instructions["pickled"] is True
    assert numpy_manager.unpack(out, np.ndarray).tolist() == array.tolist()


@pytest.mark.parametrize("file_format", ["npy", "npz"])
def test_untrusted_object_array_is_never_unpickled(numpy_manager, file_format):
    out = numpy_manager.pack(np.array([{"a": 1}], dtype=object), {"key": "o", "file_format": file_format})
    out.trusted = False
    with pytest.raises(UnpackingError, match="'o' is not trusted, so it is never unpickled"):
        numpy_manager.unpack(out)
    with pytest.raises(UnpackingError, match="not trusted"):
        numpy_manager.unpack(out, np.ndarray)


def test_untrusted_plain_array_still_loads(numpy_manager, identical):
    """Trust only matters for pickles: a numeric npy from anywhere is read without one."""
    out = numpy_manager.pack(MATRIX, "m")
    out.trusted = False
    identical(MATRIX, numpy_manager.unpack(out, np.ndarray))


def test_tampered_object_array_is_not_unpickled(numpy_manager):
    out = numpy_manager.pack(np.array([[1, 2], "x"], dtype=object), "o")
    with open(out.local_path(), "r+b") as handle:  # same size, different bytes
        handle.seek(-1, 2)
        last = handle.read(1)
        handle.seek(-1, 2)
        handle.write(bytes([last[0] ^ 1]))
    with pytest.raises(UnpackingError, match="does not match its hash"):
        numpy_manager.unpack(out)


def test_record_array_with_object_field_counts_as_pickled(numpy_manager):
    array = np.array([(1, {"k": 2})], dtype=[("n", "i4"), ("o", "O")])
    out = numpy_manager.pack(array, "r")
    assert out.instructions["pickled"] is True
    out.trusted = False
    with pytest.raises(UnpackingError, match="not trusted"):
        numpy_manager.unpack(out)


# -- memory mapping --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["r", "c"])
def test_mmap_mode_recorded_at_pack_maps_on_unpack(numpy_manager, mode):
    array = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    out = numpy_manager.pack(array, {"key": "big", "mmap_mode": mode})
    assert out.instructions["mmap_mode"] == mode
    before = Path(out.local_path()).read_bytes()
    restored = numpy_manager.unpack(out, np.ndarray)
    assert isinstance(restored, np.memmap) and restored.mode == mode
    assert restored.flags.f_contiguous
    np.testing.assert_array_equal(restored, array)
    if mode == "r":
        assert not restored.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            restored[0, 0] = 99
    else:
        restored[0, 0] = 99  # copy-on-write: changes the mapping in memory only
        restored.flush()
    del restored
    assert Path(out.local_path()).read_bytes() == before  # the stored file is never written through


def test_memmap_hint_maps_any_npy_artifact(numpy_manager):
    out = numpy_manager.pack(MATRIX, "m")
    restored = numpy_manager.unpack(out, np.memmap)
    assert isinstance(restored, np.memmap) and restored.mode == "r"
    np.testing.assert_array_equal(restored, MATRIX)


def test_memmap_hint_on_npz_is_a_clear_error(numpy_manager):
    out = numpy_manager.pack(MATRIX, {"key": "m", "file_format": "npz"})
    with pytest.raises(UnpackingError, match="only npy files can be memory-mapped"):
        numpy_manager.unpack(out, np.memmap)


def test_packing_a_memmap_streams_it_as_npy(numpy_manager, tmp_path):
    source = np.lib.format.open_memmap(tmp_path / "src.npy", mode="w+", dtype=np.int64, shape=(5,))
    source[:] = np.arange(5)
    source.flush()
    mapped = np.load(tmp_path / "src.npy", mmap_mode="r")
    out = numpy_manager.pack(mapped, "m")
    assert out.packager.endswith("NumpyMemmapPackager")
    restored = numpy_manager.unpack(out)
    assert isinstance(restored, np.memmap)
    np.testing.assert_array_equal(restored, np.arange(5))
    assert (tmp_path / "src.npy").exists()  # the user's file is left alone


# -- dtype metadata ----------------------------------------------------------------------------------


def test_dtype_metadata_loss_is_a_satchel_warning(numpy_manager):
    array = np.zeros(2, dtype=np.dtype(float, metadata={"unit": "m"}))
    with pytest.warns(SatchelWarning, match="dtype metadata.*not stored in npy"):
        out = numpy_manager.pack(array, "a")
    assert numpy_manager.unpack(out, np.ndarray).dtype.metadata is None


def test_npz_members_are_deterministic_zip_entries(numpy_manager):
    out = numpy_manager.pack({"b": MATRIX, "a": MATRIX}, "d")
    with zipfile.ZipFile(out.local_path()) as archive:
        assert [info.filename for info in archive.infolist()] == ["b.npy", "a.npy"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
