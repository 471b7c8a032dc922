"""Paths through runs on the store: a file comes back under its own name, a folder extracted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import satchel


@pytest.fixture
def store(tmp_path, monkeypatch):
    from satchel.tracking.store.opening import forget_open_stores

    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "store"))
    yield tmp_path / "store"
    forget_open_stores()


def name_of(data: Path) -> str:
    return data.name


def test_a_file_comes_back_under_its_own_name_not_its_hash(store, tmp_path):
    source = tmp_path / "table.csv.gz"
    source.write_bytes(b"not really gzip")
    run = satchel.run(lambda: source, returns="data", project="p")
    stored = Path(run.artifacts["data"].local_path())
    assert stored.name != "table.csv.gz"  # the store keeps it under its hash
    loaded = satchel.load("store://p/data", Path)
    assert loaded.name == "table.csv.gz" and loaded.read_bytes() == b"not really gzip"
    assert os.path.samefile(loaded, stored)  # a link to the stored bytes, not a copy
    assert satchel.load("store://p/data", str).endswith("/table.csv.gz")
    used = satchel.run(name_of, inputs={"data": "store://p/data"}, returns="name", project="p")
    assert used.results == {"name": "table.csv.gz"}
    assert source.read_bytes() == b"not really gzip"


def test_a_folder_comes_back_extracted(store, tmp_path):
    folder = tmp_path / "report"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "a.txt").write_text("a")
    satchel.run(lambda: folder, returns="report", project="p")
    loaded = satchel.load("store://p/report", Path)
    assert (loaded / "figures" / "a.txt").read_text() == "a"
