"""Lists and dicts of arrays: they win over the builtins packagers, and only when all are arrays."""

from __future__ import annotations

import importlib.util
import zipfile

import numpy as np
import pytest

from satchel import DefaultPackager, PackagersManager, PackingError, UnpackingError

ARRAYS = [np.arange(3), np.asfortranarray(np.ones((2, 3))), np.array(["x", "yz"])]
NAMED = {"weights": np.arange(4.0), "labels": np.array(["a", "b"]), "empty": np.zeros((0, 2), np.int8)}


class ListStandIn(DefaultPackager):
    """Stands in for the builtins list packager (priority 5, any list, JSON results)."""

    PACKABLE_OBJECT_TYPE = list
    PRIORITY = 5
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return [repr(item) for item in obj]


class DictStandIn(DefaultPackager):
    """Stands in for the builtins dict packager."""

    PACKABLE_OBJECT_TYPE = dict
    PRIORITY = 5
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"

    def pack_result(self, obj, key):
        return {name: repr(value) for name, value in obj.items()}


@pytest.fixture(params=["stand-in", "satchel_builtins"])
def with_builtins(request):
    """A manager holding a builtins family (the real one if installed) and then the numpy one.

    numpy is collected first, so the builtins packagers are the most recent: they would win a
    tie of priorities, and the numpy packagers must win by priority 4 alone.
    """
    manager = PackagersManager(installed=False)
    manager.collect_packagers(["satchel_numpy.packagers"], default_priority=5, mandatory=True)
    if request.param == "satchel_builtins":
        if importlib.util.find_spec("satchel_builtins") is None:
            pytest.skip("satchel-builtins is not installed")
        manager.collect_packagers(["satchel_builtins.packagers"], default_priority=5, mandatory=True)
    else:
        manager.collect_packagers([ListStandIn, DictStandIn], default_priority=5, mandatory=True)
    yield manager
    manager.clear()


def test_list_of_arrays_goes_to_numpy(with_builtins, identical):
    out = with_builtins.pack(ARRAYS, "parts")
    assert out.packager == "satchel_numpy.packagers.NumpyArrayListPackager"
    assert out.kind == "file" and out.instructions["file_format"] == "npz"
    identical(ARRAYS, with_builtins.unpack(out))
    identical(ARRAYS, with_builtins.unpack(out, list[np.ndarray]))
    identical(ARRAYS, with_builtins.unpack(out, list[np.ndarray]))


def test_dict_of_arrays_goes_to_numpy(with_builtins, identical):
    out = with_builtins.pack(NAMED, "named")
    assert out.packager == "satchel_numpy.packagers.NumpyArrayDictPackager"
    identical(NAMED, with_builtins.unpack(out))
    identical(NAMED, with_builtins.unpack(out, dict[str, np.ndarray]))
    identical(NAMED, with_builtins.unpack(out, dict[str, np.ndarray]))


def test_explain_puts_numpy_first(with_builtins):
    explanation = with_builtins.explain(ARRAYS)
    assert explanation.chosen == "satchel_numpy.packagers.NumpyArrayListPackager"


@pytest.mark.parametrize(
    "value",
    [
        [],
        [np.arange(3), 1],
        [np.arange(3), [np.arange(2)]],
        [np.arange(2).view(np.recarray)],
        [np.ma.masked_array([1, 2], mask=[0, 1])],
        [np.float64(1.0)],
    ],
    ids=["empty", "mixed", "nested", "subclass", "masked", "scalar"],
)
def test_lists_that_are_not_all_arrays_are_left_to_builtins(with_builtins, value):
    assert not with_builtins.explain(value).chosen.startswith("satchel_numpy")


@pytest.mark.parametrize(
    "value",
    [{}, {"a": np.arange(2), "b": 3}, {1: np.arange(2)}, {"a": {"b": np.arange(2)}}],
    ids=["empty", "mixed", "int-key", "nested"],
)
def test_dicts_that_are_not_all_arrays_are_left_to_builtins(with_builtins, value):
    assert not with_builtins.explain(value).chosen.startswith("satchel_numpy")


def test_tuple_of_arrays_is_not_taken(numpy_manager):
    """Only lists (a tuple keeps its type through builtins or pickling instead)."""
    assert not numpy_manager.explain((np.arange(2),)).chosen.startswith("satchel_numpy")


def test_compressed_npz(numpy_manager, identical):
    arrays = {"zeros": np.zeros(10_000)}
    out = numpy_manager.pack(arrays, {"key": "z", "compressed": True})
    assert out.instructions["compressed"] is True
    with zipfile.ZipFile(out.local_path()) as archive:
        assert archive.infolist()[0].compress_type == zipfile.ZIP_DEFLATED
    assert out.size < 10_000
    identical(arrays, numpy_manager.unpack(out, dict[str, np.ndarray]))


def test_instructions_name_every_array(numpy_manager):
    out = numpy_manager.pack(ARRAYS, "l")
    assert out.instructions["names"] == ["arr_0", "arr_1", "arr_2"]
    assert [facts["order"] for facts in out.instructions["arrays"]] == ["C", "F", "C"]
    assert out.instructions["pickled"] is False
    with np.load(out.local_path()) as npz:  # numpy's own reader sees numpy's own names
        assert npz.files == ["arr_0", "arr_1", "arr_2"]


def test_keys_that_zip_names_cannot_hold(numpy_manager):
    with pytest.raises(PackingError, match=r"dict key 'a\\x00b' holds a NUL character"):
        numpy_manager.pack({"a\0b": np.arange(2)}, "d")
    with pytest.raises(PackingError, match="lone surrogate"):
        numpy_manager.pack({"\ud800": np.arange(2)}, "d")


def test_keys_with_odd_characters_round_trip(numpy_manager, identical):
    arrays = {
        "a/b": np.arange(2),
        "../up": np.arange(3),
        "x.npy": np.arange(1),
        "": np.zeros(1),
        "é 😀": np.ones(1),
    }
    out = numpy_manager.pack(arrays, "d")
    identical(arrays, numpy_manager.unpack(out))


@pytest.mark.parametrize(
    "hint, message",
    [
        ({"key": "d", "file_format": "json"}, "file_format 'json' is not supported.*use 'npz'"),
        ({"key": "d", "compressed": "yes"}, "compressed must be true or false, got 'yes'"),
        ({"key": "d", "mmap_mode": "r"}, "unknown configuration 'mmap_mode'"),
    ],
)
def test_wrong_configurations(numpy_manager, hint, message):
    with pytest.raises(PackingError, match=message):
        numpy_manager.pack(NAMED, hint)


def test_results(numpy_manager):
    assert numpy_manager.pack([np.arange(2), np.array([[1.5]])], "l:result") == {"l": [[0, 1], [[1.5]]]}
    assert numpy_manager.pack({"b": np.array(True), "a": np.arange(1)}, "d:result") == {
        "d": {"b": True, "a": [0]}
    }


def test_object_artifact(numpy_manager, identical):
    out = numpy_manager.pack(NAMED, "d:object")
    assert out.packager == "satchel_numpy.packagers.NumpyArrayDictPackager"
    identical(NAMED, numpy_manager.unpack(out, dict[str, np.ndarray]))


def test_edited_npz_is_detected(numpy_manager, tmp_path):
    out = numpy_manager.pack(NAMED, "d")
    edited = tmp_path / "edited.npz"
    np.savez(edited, weights=NAMED["weights"])
    out.path, out.size = str(edited), None
    with pytest.raises(UnpackingError, match="was it edited"):
        numpy_manager.unpack(out)
