"""Plain files made outside satchel, unpacked by type hint: the format comes from the suffix."""

from __future__ import annotations

import pandas as pd
import pytest

from satchel import PackagersManager, UnpackingError
from satchel_pandas.packagers import DataFramePackager, SeriesPackager
from satchel_pandas.testing import assert_identical

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, None], "c": ["x", "y", None]})


@pytest.fixture
def manager():
    manager = PackagersManager(installed=False)
    manager.collect_packagers([DataFramePackager, SeriesPackager], mandatory=True)
    yield manager
    manager.clear()


WRITERS = {
    "data.parquet": lambda frame, path: frame.to_parquet(path),
    "data.pq": lambda frame, path: frame.to_parquet(path),
    "data.feather": lambda frame, path: frame.to_feather(path),
    "data.orc": lambda frame, path: frame.to_orc(path),
    "data.csv": lambda frame, path: frame.to_csv(path, index=False),
    "data.csv.gz": lambda frame, path: frame.to_csv(path, index=False),
    "data.tsv": lambda frame, path: frame.to_csv(path, index=False, sep="\t"),
    "data.json": lambda frame, path: frame.to_json(path),
    "split.json": lambda frame, path: frame.to_json(path, orient="split"),
    "records.json": lambda frame, path: frame.to_json(path, orient="records"),
    "data.jsonl": lambda frame, path: frame.to_json(path, orient="records", lines=True),
    "data.xml": lambda frame, path: frame.to_xml(path, index=False),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_plain_file_by_dataframe_hint(manager, tmp_path, name) -> None:
    path = tmp_path / name
    WRITERS[name](FRAME, path)
    before = path.read_bytes()
    frame = manager.unpack(str(path), pd.DataFrame)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame["a"].tolist() == [1, 2, 3]
    assert frame["b"].tolist()[:2] == [0.5, 1.5] and pd.isna(frame["b"].iloc[2])
    assert frame["c"].tolist()[:2] == ["x", "y"]
    if name.endswith((".parquet", ".pq", ".feather")):  # these keep dtypes: the frame is identical
        assert_identical(FRAME, frame)
    manager.clear()
    assert path.read_bytes() == before  # the user's file is untouched, never cleared


def test_plain_parquet_folder(manager, tmp_path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    FRAME.iloc[:2].to_parquet(folder / "part-0.parquet")
    FRAME.iloc[2:].to_parquet(folder / "part-1.parquet")
    frame = manager.unpack(str(folder), pd.DataFrame)
    assert frame["a"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("name", ["one.parquet", "one.csv", "one.json"])
def test_plain_one_column_file_by_series_hint(manager, tmp_path, name) -> None:
    path = tmp_path / name
    WRITERS["data" + name[3:]](FRAME[["b"]], path)
    series = manager.unpack(str(path), pd.Series)
    assert isinstance(series, pd.Series) and series.name == "b"
    assert series.tolist()[:2] == [0.5, 1.5]


def test_plain_file_without_a_known_suffix(manager, tmp_path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(UnpackingError, match=r"cannot tell the file format of 'data.bin'.*\.parquet"):
        manager.unpack(str(path), pd.DataFrame)


def test_plain_file_that_is_not_what_its_suffix_says(manager, tmp_path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_text("not parquet")
    with pytest.raises(UnpackingError, match=r"cannot read 'broken.parquet' as a parquet file"):
        manager.unpack(str(path), pd.DataFrame)


def test_no_hint_leaves_a_plain_path_alone(manager, tmp_path) -> None:
    path = tmp_path / "data.csv"
    FRAME.to_csv(path, index=False)
    assert manager.unpack(str(path)) == str(path)
