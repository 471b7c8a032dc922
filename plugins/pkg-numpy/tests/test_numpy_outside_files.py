"""Plain files made outside satchel (npy, npz, csv, txt, parquet) unpacked by type hint."""

from __future__ import annotations

import pathlib
import typing
from typing import Optional

import numpy as np
import pytest

from satchel import UnpackingError

ARRAY = np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4))


class _Touch:
    """Unpickling this creates a file: proof of whether a pickle was ever loaded."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_npy_by_ndarray_hint(numpy_manager, tmp_path, identical):
    path = tmp_path / "data.npy"
    np.save(path, ARRAY)
    identical(ARRAY, numpy_manager.unpack(str(path), np.ndarray))
    identical(ARRAY, numpy_manager.unpack(path, "numpy.ndarray"))
    numpy_manager.clear()
    assert path.exists(), "the user's file must never be cleared"


@pytest.mark.parametrize(
    "hint",
    [Optional[np.ndarray], np.ndarray | None, typing.Union[np.ndarray, None]],  # noqa: UP007, UP045 - spellings
)
def test_optional_hints(numpy_manager, tmp_path, hint, identical):
    path = tmp_path / "data.npy"
    np.save(path, ARRAY)
    identical(ARRAY, numpy_manager.unpack(path, hint))
    assert numpy_manager.unpack(None, hint) is None


def test_npy_without_suffix_is_recognised_by_content(numpy_manager, tmp_path, identical):
    path = tmp_path / "data.npy"
    np.save(path, ARRAY)
    bare = path.rename(tmp_path / "payload")
    identical(ARRAY, numpy_manager.unpack(bare, np.ndarray))


def test_npy_by_memmap_hint(numpy_manager, tmp_path):
    path = tmp_path / "big.npy"
    np.save(path, ARRAY)
    mapped = numpy_manager.unpack(path, np.memmap)
    assert isinstance(mapped, np.memmap) and mapped.mode == "r"
    np.testing.assert_array_equal(mapped, ARRAY)


def test_outside_object_npy_is_never_unpickled(numpy_manager, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "objects.npy"
    np.save(path, np.array([_Touch(marker)], dtype=object), allow_pickle=True)
    with pytest.raises(UnpackingError, match=r"is a plain file .*, so it is never unpickled") as raised:
        numpy_manager.unpack(path, np.ndarray)
    assert "trust" not in str(raised.value)  # trusting a plain file would not (and must not) help
    assert not marker.exists()


def test_outside_object_npz_is_never_unpickled(numpy_manager, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "objects.npz"
    np.savez(path, fine=np.arange(3), evil=np.array([_Touch(marker)], dtype=object))
    for hint in (dict[str, np.ndarray], list[np.ndarray]):
        with pytest.raises(UnpackingError, match="plain file") as raised:
            numpy_manager.unpack(path, hint)
        assert "trust" not in str(raised.value)
    assert not marker.exists()


def test_single_array_npz_by_ndarray_hint(numpy_manager, tmp_path, identical):
    path = tmp_path / "one.npz"
    np.savez(path, ARRAY)
    identical(ARRAY, numpy_manager.unpack(path, np.ndarray))


def test_multi_array_npz_by_ndarray_hint_says_which_hint_to_use(numpy_manager, tmp_path):
    path = tmp_path / "two.npz"
    np.savez(path, a=ARRAY, b=ARRAY)
    with pytest.raises(UnpackingError, match=r"npz holding 2 arrays.*dict\[str, numpy.ndarray\]"):
        numpy_manager.unpack(path, np.ndarray)


@pytest.mark.parametrize("hint", [dict[str, np.ndarray], dict[str, np.ndarray], "dict[str, numpy.ndarray]"])
def test_npz_by_dict_hints_keeps_names_and_order(numpy_manager, tmp_path, hint, identical):
    path = tmp_path / "named.npz"
    arrays = {"zeta": ARRAY, "alpha": np.array(["x"]), "mid": np.zeros(0)}
    np.savez(path, **arrays)
    identical(arrays, numpy_manager.unpack(path, hint))


@pytest.mark.parametrize("hint", [list[np.ndarray], list[np.ndarray], "list[numpy.ndarray]"])
def test_npz_by_list_hints_keeps_order(numpy_manager, tmp_path, hint, identical):
    path = tmp_path / "positional.npz"
    arrays = [np.arange(i) for i in range(12)]  # arr_10 and arr_11 must come after arr_9
    np.savez(path, *arrays)
    identical(arrays, numpy_manager.unpack(path, hint))


def test_compressed_npz(numpy_manager, tmp_path, identical):
    path = tmp_path / "small.npz"
    np.savez_compressed(path, a=ARRAY)
    identical({"a": ARRAY}, numpy_manager.unpack(path, dict[str, np.ndarray]))
    identical(ARRAY, numpy_manager.unpack(path, np.ndarray))


def test_npy_by_collection_hint_is_an_error(numpy_manager, tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, ARRAY)
    with pytest.raises(UnpackingError, match="a collection of arrays is read from an npz"):
        numpy_manager.unpack(path, dict[str, np.ndarray])


def test_csv_by_ndarray_hint(numpy_manager, tmp_path):
    path = tmp_path / "table.csv"
    np.savetxt(path, ARRAY, delimiter=",")
    restored = numpy_manager.unpack(path, np.ndarray)
    assert restored.dtype == np.float64
    np.testing.assert_array_equal(restored, ARRAY)


def test_csv_with_header_row(numpy_manager, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2.5\n3,4\n")
    np.testing.assert_array_equal(numpy_manager.unpack(path, np.ndarray), [[1, 2.5], [3, 4]])


def test_csv_of_words_gives_strings(numpy_manager, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text('x,"y, z"\nw,v\n')
    restored = numpy_manager.unpack(path, np.ndarray)
    assert restored.dtype.kind == "U"
    assert restored.tolist() == [["x", "y, z"], ["w", "v"]]


def test_txt_by_ndarray_hint(numpy_manager, tmp_path):
    path = tmp_path / "column.txt"
    np.savetxt(path, np.array([1.5, 2.5, -3.0]))
    np.testing.assert_array_equal(numpy_manager.unpack(path, np.ndarray), [1.5, 2.5, -3.0])


def test_parquet_by_ndarray_hint(numpy_manager, tmp_path):
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "frame.parquet"
    pandas.DataFrame(ARRAY, columns=list("abcd"), index=list("xyz")).to_parquet(path)
    restored = numpy_manager.unpack(path, np.ndarray)
    assert restored.dtype == np.int32
    np.testing.assert_array_equal(restored, ARRAY)  # the pandas index is left out


def test_parquet_one_column_gives_1d(numpy_manager, tmp_path):
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "one.parquet"
    pandas.DataFrame({"v": [1.5, 2.5]}).to_parquet(path)
    restored = numpy_manager.unpack(path, np.ndarray)
    assert restored.shape == (2,)


def test_parquet_mixed_columns_give_a_record_array(numpy_manager, tmp_path):
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "mixed.parquet"
    pandas.DataFrame({"n": [1, 2], "name": ["a", "bb"]}).to_parquet(path)
    restored = numpy_manager.unpack(path, np.ndarray)
    assert restored.dtype.names == ("n", "name")
    assert restored["n"].tolist() == [1, 2] and restored["name"].tolist() == ["a", "bb"]


def test_unknown_file_is_a_clear_unpacking_error(numpy_manager, tmp_path):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"hello")
    with pytest.raises(UnpackingError, match=r"cannot tell the format of 'notes\.docx'"):
        numpy_manager.unpack(path, np.ndarray)


def test_corrupt_npy_is_a_clear_unpacking_error(numpy_manager, tmp_path):
    path = tmp_path / "broken.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00\xff\xff{not a header")
    with pytest.raises(UnpackingError, match=r"'broken\.npy' is not a valid npy file"):
        numpy_manager.unpack(path, np.ndarray)


def test_no_hint_leaves_a_plain_path_as_it_is(numpy_manager, tmp_path):
    path = tmp_path / "data.npy"
    np.save(path, ARRAY)
    assert numpy_manager.unpack(str(path)) == str(path)
