"""Pack-time previews of arrays: shape, dtype, statistics and a histogram for numbers; shape and
dtype alone for object arrays (their contents never shown); names, shapes, dtypes of collections."""

from __future__ import annotations

import json

import numpy as np
import pytest

import satchel
from satchel_numpy import previews


@pytest.fixture
def manager():
    mgr = satchel.PackagersManager()
    yield mgr
    mgr.clear()


def test_a_numeric_array_has_statistics_and_a_histogram(manager):
    array = np.arange(100, dtype="int16").reshape(10, 10)
    preview = manager.pack(array, "a").preview
    assert preview["shape"] == [10, 10] and preview["dtype"] == "int16"
    assert preview["stats"] == {"min": 0.0, "max": 99.0, "mean": 49.5, "std": pytest.approx(28.866, abs=1e-3),
                                "count": 100}  # fmt: skip
    histogram = preview["histogram"]
    assert (
        len(histogram["counts"]) == 20 and len(histogram["edges"]) == 21 and sum(histogram["counts"]) == 100
    )
    assert histogram["edges"][0] == 0.0 and histogram["edges"][-1] == 99.0


def test_nan_and_infinities_are_left_out_and_counted(manager):
    preview = manager.pack(np.array([np.nan, 1.0, 3.0, np.inf, -np.inf]), "a").preview
    assert json.dumps(preview, allow_nan=False)
    assert preview["stats"]["min"] == 1.0 and preview["stats"]["max"] == 3.0 and preview["nonfinite"] == 3
    only_nan = manager.pack(np.full(3, np.nan), "b").preview
    assert only_nan["stats"] == {} and "histogram" not in only_nan and only_nan["nonfinite"] == 3


def test_an_object_array_shows_only_its_shape_and_dtype(manager):
    secret = "the contents of an object array"
    preview = manager.pack(np.array([secret, {"k": secret}], dtype=object), "o").preview
    assert preview["shape"] == [2] and preview["dtype"] == "object" and preview["stats"] == {}
    assert secret not in json.dumps(preview)
    strings = manager.pack(np.array(["x", "y"]), "s").preview
    assert strings["dtype"] == "<U1" and strings["stats"] == {} and "histogram" not in strings


def test_a_large_array_is_summarized_from_a_sample(monkeypatch):
    monkeypatch.setattr(previews, "SAMPLE_LIMIT", 1000)
    preview = previews.array_preview(np.arange(10_000, dtype=float).reshape(100, 100).T)  # not contiguous
    assert preview["sampled"] is True and preview["stats"]["count"] == 1000 and preview["shape"] == [100, 100]


def test_collections_of_arrays_list_each_one(manager):
    preview = manager.pack({"w": np.zeros((2, 3), "float32"), "b": np.ones(3, "int64")}, "d").preview
    assert preview == {
        "type": "arrays",
        "arrays": [
            {"name": "w", "shape": [2, 3], "dtype": "float32"},
            {"name": "b", "shape": [3], "dtype": "int64"},
        ],
        "total": 2,
    }
    listed = manager.pack([np.zeros(1), np.zeros(2)], "l").preview
    assert [a["name"] for a in listed["arrays"]] == ["arr_0", "arr_1"] and listed["total"] == 2
