"""A corpus of tricky arrays through every format: exact round trips, or a warning naming the loss."""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

from satchel import PackingError, SatchelWarning


@dataclass
class Case:
    """An array and what each format is expected to do with it."""

    id: str
    array: np.ndarray
    text: str = "exact"  # exact | lossy (warns) | error
    dataset: str = "exact"  # exact | error

    def __repr__(self) -> str:
        return self.id


def _bits(values: list[int], dtype: str) -> np.ndarray:
    return np.array(values, dtype=f"u{np.dtype(dtype).itemsize}").view(dtype)


def _noncontiguous() -> np.ndarray:
    return np.arange(60.0).reshape(6, 10)[::2, 1::3]


def _readonly() -> np.ndarray:
    array = np.arange(6, dtype=np.int16).reshape(2, 3)
    array.flags.writeable = False
    return array


STRINGS = ["", "a,b", 'say "hi"', "line\nbreak", "cr\ronly", " lead", "trail ", "é€😀", "tab\there"]
RECORD = np.dtype([("id", "<i4"), ("score", "<f8"), ("name", "<U6"), ("when", "<M8[s]"), ("ok", "?")])
RECORDS = np.array(
    [(1, 0.5, "ann", "2024-01-02T03:04:05", True), (-2, np.nan, "b,o b", "NaT", False)], dtype=RECORD
)

CORPUS = [
    Case("f8-2d-C", np.arange(12.0).reshape(3, 4) / 7),
    Case("f8-2d-F", np.asfortranarray(np.arange(12.0).reshape(3, 4) / 7)),
    Case("f8-noncontiguous", _noncontiguous()),
    Case("f8-transposed-view", np.arange(6.0).reshape(2, 3).T),
    Case("f8-0d", np.array(2.5)),
    Case("f8-empty-1d", np.zeros(0)),
    Case("f8-empty-rows", np.zeros((0, 3))),
    Case("f8-empty-cols", np.zeros((3, 0)), dataset="exact"),
    Case("f8-3d", np.arange(24.0).reshape(2, 3, 4), text="error", dataset="error"),
    Case("f4-4d-F", np.asfortranarray(np.ones((2, 1, 3, 2), np.float32)), text="error", dataset="error"),
    Case("f8-big-endian", np.array([[1.5, -2.25], [np.inf, 1e-310]], dtype=">f8")),
    Case("i4-big-endian", np.array([1, -2, 2**31 - 1], dtype=">i4")),
    Case("f2-specials", np.array([0.1, -0.0, np.inf, -np.inf, np.nan, 6e-8, 65504], np.float16)),
    Case("f4-shortest", np.array([0.1, 1 / 3, 3.4e38, 1e-45], np.float32)),
    Case("f8-negative-nan", _bits([0xFFF8000000000000, 0x7FF8000000000000], "f8")),
    Case("f4-nan-payload", _bits([0x7FC00001, 0x3F800000], "f4"), text="lossy"),
    Case("f8-extremes", np.array([5e-324, 1.7976931348623157e308, -0.0, 0.1 + 0.2])),
    Case("longdouble", np.array([1, 3, 7], np.longdouble) / np.longdouble(3), dataset="error"),
    Case("c8", np.array([1 + 2j, -0.0 - 0.5j, complex(np.inf, np.nan)], np.complex64), dataset="error"),
    Case("c16-2d", np.array([[1 / 3 + 1j, 1e300j]]), dataset="error"),
    Case("clongdouble", np.array([1 / np.longdouble(3) + 1j], np.clongdouble), text="lossy", dataset="error"),
    Case("int-extremes", np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max], np.int64)),
    Case("uint64-max", np.array([0, 2**64 - 1], np.uint64)),
    Case("small-ints", np.array([[-128, 127], [0, 1]], np.int8)),
    Case("uint8-2d-F", np.asfortranarray(np.arange(6, dtype=np.uint8).reshape(2, 3))),
    Case("bool-2d", np.array([[True, False], [False, True]])),
    Case("M8-ns-NaT", np.array(["2024-02-29T23:59:59.123456789", "NaT", "1677-09-22"], "M8[ns]")),
    Case("M8-D", np.array(["1970-01-01", "2262-04-11", "NaT"], "M8[D]")),
    Case("M8-Y", np.array(["1", "9999", "-100"], "M8[Y]")),
    Case("M8-as", np.array([1, -1, 0], "M8[as]")),
    Case("M8-10s", np.array([0, 7, 2**40], "M8[10s]")),
    Case("M8-generic-NaT", np.array(["NaT", "NaT"], "M8")),
    Case("m8-ns-NaT", np.array([1, -(2**62), np.timedelta64("NaT")], "m8[ns]")),
    Case("m8-D", np.array([[1, -3]], "m8[D]")),
    Case("U-tricky", np.array(STRINGS)),
    Case("U-2d", np.array([["x y", ""], ["\x00inner", "z"]])),
    Case("U-big-endian", np.array(["ab", "ç"], ">U2")),
    Case("U-surrogate", np.array(["\ud800x", "ok"]), dataset="error"),
    Case("U0-empty-strings", np.array(["", ""], "U")),
    Case("S-bytes", np.array([b"", b"a\x00b", b"\xff\xfe", b"a,b"], "S4")),
    Case("records", RECORDS),
    Case("records-0d", RECORDS[0:1].reshape(())),
    Case("records-aligned", np.zeros(3, np.dtype([("a", "i1"), ("b", "<i8")], align=True)), text="exact"),
    Case(
        "records-titles-offsets",
        np.array(
            [(1, 2.0)],
            np.dtype(
                {
                    "names": ["a", "b"],
                    "formats": ["<i2", "<f4"],
                    "offsets": [0, 8],
                    "itemsize": 16,
                    "titles": ["first", None],
                }
            ),
        ),
    ),
    Case("records-big-endian", np.array([(1, 2.5)], dtype=[("x", ">i8"), ("y", ">f8")])),
    Case(
        "records-nested",
        np.zeros(2, dtype=[("p", [("x", "f4"), ("y", "f4")]), ("v", "i2", (3,))]),
        text="error",
        dataset="error",
    ),
    Case("records-2d", np.zeros((2, 2), dtype=[("a", "i4")]), text="error", dataset="error"),
    Case("records-unicode-names", np.zeros(2, dtype=[("名前", "i4"), ("値", "f8")])),
    Case("void", np.array([b"\x00\x01\x02\x03", b"abcd"], "V4"), text="error", dataset="error"),
    Case("readonly", _readonly()),
    Case("random-wide", np.random.default_rng(7).normal(size=(200, 30))),
]

OBJECTS = [
    Case(
        "object-mixed",
        np.array([1, "two", None, {"k": [3.0]}, (4, 5)], dtype=object),
        text="error",
        dataset="error",
    ),
    Case(
        "object-nested-arrays",
        np.array([np.arange(3), np.array(["x"])], dtype=object),
        text="error",
        dataset="error",
    ),
    Case(
        "records-with-object",
        np.array([(1, [2])], dtype=[("a", "i4"), ("b", "O")]),
        text="error",
        dataset="error",
    ),
]


def _round_trip(manager, array, hint):
    out = manager.pack(array, hint)
    return out, manager.unpack(out, np.ndarray), manager.unpack(out)


@pytest.mark.parametrize("case", CORPUS + OBJECTS, ids=repr)
@pytest.mark.parametrize("file_format", ["npy", "npz"])
def test_binary_formats_are_exact(case, file_format, numpy_manager, identical):
    before = copy.deepcopy(case.array)
    out, by_hint, by_instructions = _round_trip(
        numpy_manager, case.array, {"key": "a", "file_format": file_format}
    )
    assert out.instructions["pickled"] is case.array.dtype.hasobject
    identical(case.array, by_hint)
    identical(case.array, by_instructions)
    identical(before, case.array, layout=False)


@pytest.mark.parametrize("case", CORPUS + OBJECTS, ids=repr)
@pytest.mark.parametrize("file_format", ["csv", "txt"])
def test_text_formats_are_exact_or_warn(case, file_format, numpy_manager, identical):
    before = copy.deepcopy(case.array)
    hint = {"key": "a", "file_format": file_format}
    if case.text == "error":
        with pytest.raises(PackingError, match=f"'a'.*cannot be written as {file_format}"):
            numpy_manager.pack(case.array, hint)
        return
    if case.text == "lossy":
        with pytest.warns(SatchelWarning, match=f"{file_format} cannot hold every value"):
            out = numpy_manager.pack(case.array, hint)
        restored = numpy_manager.unpack(out, np.ndarray)
        assert restored.dtype == case.array.dtype and restored.shape == case.array.shape
        return
    _, by_hint, by_instructions = _round_trip(numpy_manager, case.array, hint)
    identical(case.array, by_hint)
    identical(case.array, by_instructions)
    identical(before, case.array, layout=False)


@pytest.mark.parametrize("case", CORPUS + OBJECTS, ids=repr)
def test_dataset_is_exact_for_tables(case, numpy_manager, identical):
    if case.dataset == "error" or case.array.ndim not in (1, 2):
        with pytest.raises(PackingError, match="'a'"):
            numpy_manager.pack(case.array, "a:dataset")
        return
    out, by_hint, by_instructions = _round_trip(numpy_manager, case.array, "a:dataset")
    assert out.instructions["num_rows"] == case.array.shape[0]
    identical(case.array, by_hint)
    identical(case.array, by_instructions)


@pytest.mark.parametrize("case", CORPUS + OBJECTS, ids=repr)
def test_object_artifact_is_exact(case, numpy_manager, identical):
    _, by_hint, _ = _round_trip(numpy_manager, case.array, "a:object")
    identical(case.array, by_hint)


def test_corpus_text_cases_really_are_lossless_without_warning(numpy_manager):
    """The control for the 'exact' text cases: no SatchelWarning is emitted for them."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SatchelWarning)
        for case in CORPUS:
            if case.text == "exact":
                numpy_manager.pack(case.array, {"key": "a", "file_format": "csv"})
