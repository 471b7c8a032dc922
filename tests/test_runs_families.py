"""Runs that pack and unpack every family leave no scratch file behind and never touch the
user's own files (README: "Tracked runs")."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import satchel


@pytest.fixture
def store(tmp_path, monkeypatch):
    from satchel.tracking.store.opening import forget_open_stores

    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "store"))
    yield tmp_path / "store"
    forget_open_stores()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_everything(folder: str, rows: int = 20):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.random(rows), "g": pd.Categorical(["a", "b"] * (rows // 2))})
    return (
        {"acc": np.float32(0.5), "n": np.int64(rows)},
        [1, 2, 3],
        ("a", "b"),
        frame,
        frame["x"],
        rng.random((3, 4)),
        {"w": rng.random(5), "b": rng.random(2)},
        Path(folder),
        folder,  # a str path, packed as a path artifact
    )


RETURNS = [
    "metrics",
    "numbers:file",
    {"key": "labels", "artifact_type": "file", "file_format": "yaml"},
    "frame",
    "series",
    "array",
    "arrays",
    "folder",
    "folder_text:path",
]


def use_everything(
    numbers: list[int],
    labels: tuple[str, ...],
    frame: pd.DataFrame,
    series: pd.Series,
    array: np.ndarray,
    arrays: dict[str, np.ndarray],
    folder: Path,
    folder_text: str,
):
    assert isinstance(frame["g"].dtype, pd.CategoricalDtype)
    assert isinstance(folder, Path) and isinstance(folder_text, str)
    names = sorted(p.name for p in folder.rglob("*"))
    return {
        "numbers": sum(numbers),
        "labels": list(labels),
        "rows": len(frame),
        "series": float(series.sum()),
        "shape": list(array.shape),
        "arrays": sorted(arrays),
        "names": names,
        "same_folders": names == sorted(p.name for p in Path(folder_text).rglob("*")),
    }


def test_runs_of_every_family_leave_nothing_behind(store, tmp_path):
    user = tmp_path / "user-data"
    (user / "sub").mkdir(parents=True)
    (user / "sub" / "notes.txt").write_text("mine")
    (user / "table.csv").write_text("x\n1\n")
    before = _snapshot(user)
    temp_before = set(os.listdir(tempfile.gettempdir()))

    made = satchel.run(make_everything, params={"folder": str(user)}, returns=RETURNS, project="all")
    assert made.status == "completed"
    assert made.results["metrics"] == {"acc": 0.5, "n": 20}
    packagers = {key: artifact.packager.partition(".")[0] for key, artifact in made.artifacts.items()}
    families = {"satchel_builtins", "satchel_pandas", "satchel_numpy", "satchel_pathlib"}
    assert set(packagers.values()) == families
    inputs = {key: f"store://all/{key}" for key in made.artifacts}
    used = satchel.run(use_everything, inputs=inputs, returns="summary", project="all")
    summary = used.results["summary"]
    assert summary["numbers"] == 6 and summary["labels"] == ["a", "b"] and summary["rows"] == 20
    assert summary["names"] == ["notes.txt", "sub", "table.csv"] and summary["same_folders"]
    pd.testing.assert_frame_equal(made.output("frame"), make_everything(str(user))[3])

    assert [path for path in (store / "staging").rglob("*") if not path.is_dir()] == []
    assert _snapshot(user) == before  # the user's files, byte for byte
    new = set(os.listdir(tempfile.gettempdir())) - temp_before
    left = {name for name in new if name.startswith("satchel-")}
    assert len(left) <= 1  # at most the process's scratch folder of loads, removed at exit
