"""Pack-time previews of frames and series: schema, row count and first rows as text, the same
whatever the format (an h5 or feather payload a page could not read gets one too)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import satchel


@pytest.fixture
def manager():
    mgr = satchel.PackagersManager()
    yield mgr
    mgr.clear()


FRAME = pd.DataFrame(
    {"score": [0.5, math.nan, math.inf] * 5, "name": ["a", "b", "c" * 500] * 5},
    index=pd.Index(range(100, 115), name="id"),
)


@pytest.mark.parametrize(
    "hint",
    [
        "frame",
        "frame:file",
        {"key": "frame", "artifact_type": "file", "file_format": "feather"},
        "frame:object",
    ],
)
def test_a_frame_preview_has_its_schema_rows_and_first_rows(manager, hint):
    if isinstance(hint, dict):
        pytest.importorskip("pyarrow")
    log_hint = hint
    preview = manager.pack(FRAME, log_hint).preview
    assert json.dumps(preview, allow_nan=False)  # strict JSON: NaN and inf only as text
    assert preview["type"] == "table" and preview["rows"] == 15 and preview["columns_total"] == 2
    assert preview["columns"] == [
        {"name": "score", "dtype": "float64"},
        {"name": "name", "dtype": str(FRAME["name"].dtype)},
    ]
    assert preview["index"] == [{"name": "id", "dtype": "int64"}]
    assert len(preview["head"]) == 10 and preview["row_labels"][:2] == ["100", "101"]
    assert (
        preview["head"][0] == ["0.5", "a"]
        and preview["head"][1][0] == "nan"
        and preview["head"][2][0] == "inf"
    )
    assert preview["head"][2][1] == "c" * 200 + "..."  # a cell is cut


def test_a_series_and_a_wide_frame(manager):
    series = pd.Series([1, 2, 3], name="n", dtype="int8")
    preview = manager.pack(series, "s").preview
    assert preview["columns"] == [{"name": "n", "dtype": "int8"}] and preview["head"] == [["1"], ["2"], ["3"]]
    wide = pd.DataFrame([list(range(80))], columns=[f"c{i}" for i in range(80)])
    preview = manager.pack(wide, "wide").preview
    assert len(preview["columns"]) == 50 and preview["columns_total"] == 80 and len(preview["head"][0]) == 50
    multi = pd.DataFrame({"v": [1.0]}, index=pd.MultiIndex.from_tuples([("a", 1)], names=["k", None]))
    assert manager.pack(multi, "m").preview["index"] == [
        {"name": "k", "dtype": str(multi.index.get_level_values(0).dtype)},
        {"name": "", "dtype": "int64"},
    ]
