"""Previews are made from what is safe to read, and nothing is ever unpickled."""

from __future__ import annotations

import json
import pickle
import zipfile

import pytest

from satchel_ui import previews
from satchel_ui.data import Workflow
from satchel_ui.graph import build


def artifact(kind="file", **instructions):
    return {"kind": kind, "instructions": instructions}


class Boom:
    def __reduce__(self):
        return (pytest.fail, ("a preview unpickled a payload",))


def test_a_pickle_is_never_unpickled(tmp_path):
    path = tmp_path / "p"
    path.write_bytes(pickle.dumps(Boom()))
    assert previews.preview(artifact("object"), str(path))["type"] == "none"
    assert previews.preview(artifact("file"), str(path))["type"] == "none"  # sniffed as a pickle


def test_an_object_array_is_never_loaded(tmp_path):
    np = pytest.importorskip("numpy")
    path = tmp_path / "a.npy"
    np.save(path, np.array([Boom()], dtype=object), allow_pickle=True)
    shown = previews.preview(artifact("file", file_format="npy"), str(path))
    assert shown["type"] in ("none", "array") and not shown.get("stats")


def test_an_array_has_shape_dtype_statistics_and_a_histogram(tmp_path):
    np = pytest.importorskip("numpy")
    path = tmp_path / "a.npy"
    np.save(path, np.arange(12, dtype="int32").reshape(3, 4))
    shown = previews.preview(artifact(file_format="npy"), str(path))
    assert shown["shape"] == [3, 4] and shown["dtype"] == "int32"
    assert shown["stats"]["min"] == 0 and shown["stats"]["max"] == 11 and shown["stats"]["count"] == 12
    assert sum(count for _, _, count in shown["histogram"]) == 12


def test_json_text_csv_and_archives(tmp_path):
    (tmp_path / "j").write_text(json.dumps({"a": [1, 2]}))
    assert previews.preview(artifact(), str(tmp_path / "j")) == {
        "type": "json",
        "text": '{\n  "a": [\n    1,\n    2\n  ]\n}',
    }
    (tmp_path / "t").write_text("just words")
    assert previews.preview(artifact(), str(tmp_path / "t"))["text"] == "just words"
    (tmp_path / "c").write_text("x,y\n1,2\n3,4\n")
    table = previews.preview(artifact(file_format="csv"), str(tmp_path / "c"))
    assert table["columns"] == ["x", "y"] and table["rows"] == [["1", "2"], ["3", "4"]]
    with zipfile.ZipFile(tmp_path / "z", "w") as archive:
        archive.writestr("../outside.txt", "not extracted, only listed")
    listing = previews.preview(artifact("path", archive_format="zip"), str(tmp_path / "z"))
    assert listing["files"] == [("../outside.txt", 26)]
    assert not (tmp_path.parent / "outside.txt").exists()


def test_a_dataset_preview_comes_from_its_instructions():
    recorded = artifact(
        "dataset",
        rows=3,
        columns=[{"name": "x", "dtype": "int64"}],
        index=[{"name": "None", "dtype": "range"}],
        preview={"columns": ["x"], "index": [0, 1], "data": [[1], [2]]},
    )
    shown = previews.preview(recorded, None)  # no payload needed
    assert (
        shown["type"] == "table" and shown["rows"] == [["1"], ["2"]] and shown["schema"] == [("x", "int64")]
    )


def run(run_id, inputs=None, artifacts=(), cached_from=None):
    return {
        "id": run_id, "name": run_id, "status": "completed", "started": run_id, "cached_from": cached_from,
        "inputs": inputs or {},
        "artifacts": {key: {"uri": f"store://p/{key}@{run_id}", "kind": "file"} for key in artifacts},
    }  # fmt: skip


def test_the_graph_links_makers_to_takers_and_places_independent_steps_together():
    steps = [
        run("a", artifacts=["data"]),
        run("b", inputs={"d": {"uri": "store://p/data@a"}}, artifacts=["model"]),
        run("c", inputs={"d": {"uri": "store://p/data@a"}, "x": {"uri": "store://p/other@zzz"}}),
        run("d", inputs={"m": {"uri": "store://p/model@b"}, "f": {"path": "/data.csv"}}, cached_from="old"),
    ]
    nodes, edges = build(Workflow("w", steps), lambda run_id: f"/runs/{run_id}")
    column = {node.id: node.column for node in nodes}
    assert column["a"] == 0 and column["b"] == column["c"] == 2 and column["d"] == 4
    assert ("artifact:a/data", "b") in edges and ("artifact:a/data", "c") in edges
    assert ("a", "artifact:a/data") in edges and ("artifact:b/model", "d") in edges
    outside = {node.id for node in nodes if node.kind == "outside"}
    assert outside == {"artifact:zzz/other", "file:/data.csv"}
    assert "cached" in next(node for node in nodes if node.id == "d").marks


def _feather_and_npz():
    import numpy as np
    import pandas as pd

    table = pd.DataFrame({"x": [1.5, 2.5, 3.5], "label": ["first row", "second row", "third row"]})
    return table, {"weights": np.zeros((4, 3), "float32"), "bias": np.arange(3)}


def test_formats_the_ui_cannot_read_show_their_pack_time_preview_and_nothing_is_read(tmp_path, monkeypatch):
    """A DataFrame as feather and a dict of arrays as npz: the page shows what their packagers
    recorded when they were packed, without opening (let alone unpickling) their payloads."""
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pytest.importorskip("satchel_numpy")
    import builtins

    import satchel
    from satchel_ui.data import StoreView
    from satchel_ui.pages import Site

    store = tmp_path / "store"
    returns = [{"key": "table", "artifact_type": "file", "file_format": "feather"}, "arrays"]
    run = satchel.run(_feather_and_npz, returns=returns, store=store)
    recorded = {key: artifact.preview for key, artifact in run.artifacts.items()}
    assert recorded["table"]["type"] == "table" and recorded["arrays"]["type"] == "arrays"

    hashes = {artifact.hash for artifact in run.artifacts.values()}
    view = StoreView(store)
    payloads = {view.payload_path(digest) for digest in hashes}
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        assert str(file) not in payloads, f"a page read the payload {file}"
        return real_open(file, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("a page unpickled something")

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    page = Site(view).run_page(run.id)
    assert page is not None
    for text in ("3 rows", "label", "first row", "third row", "weights", "(4, 3)", "float32", "bias"):
        assert text in page, f"{text!r} is not on the page"

    document = view.run(run.id)
    assert document is not None
    table = previews.preview(document["artifacts"]["table"], None)
    assert table["schema"] == [("x", "float64"), ("label", recorded["table"]["columns"][1]["dtype"])]
    assert table["rows"][0] == ["1.5", "first row"] and table["rows_total"] == 3
    monkeypatch.setattr(builtins, "open", real_open)
    before = {**document["artifacts"]["table"], "preview": None}  # as recorded before previews existed
    assert previews.preview(before, view.payload_path(before["hash"]))["type"] == "none"


def test_recorded_previews_of_every_type_are_drawn_and_a_malformed_one_is_derived():
    histogram = {"counts": [1, 2], "edges": [0, 1, 2]}
    array = {"type": "array", "shape": [3], "dtype": "int8", "stats": {"min": 0.0}, "histogram": histogram}
    shown = previews.preview({"kind": "file", "preview": array}, None)
    assert shown["histogram"] == [(0.0, 1.0, 1), (1.0, 2.0, 2)] and shown["shape"] == [3]
    files = {"type": "files", "files": [{"path": "a", "size": 1}], "total": 5}
    assert previews.preview({"preview": files}, None) == {"type": "files", "files": [("a", 1)], "more": True}
    assert previews.preview({"preview": {"type": "json", "text": "[1]"}}, None)["text"] == "[1]"
    binary = previews.preview({"preview": {"type": "bytes", "size": 9}}, None)
    assert binary["reason"] == "9 bytes of binary data"
    pickled = {"kind": "object", "preview": {"type": "text", "text": "a str, pickled"}}
    assert previews.preview(pickled, None)["text"] == "a str, pickled"  # recorded: nothing unpickled
    malformed = {"kind": "object", "preview": {"type": "array", "shape": "not a list of ints"}}
    assert previews.preview(malformed, None)["type"] == "none"  # derived instead: a pickle, not read
    unknown = {"kind": "file", "preview": {"type": "image", "png": "..."}}
    assert previews.preview(unknown, None) == {"type": "none", "reason": "the payload is not in the store"}
