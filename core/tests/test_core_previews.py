"""Pack-time previews (the optional `preview` hook): recorded with the artifact, never failing a
pack, checked at collection like the other hooks, kept by the store, cache hits and bundles."""

from __future__ import annotations

import json
import math

import pytest

import satchel
from satchel import DefaultPackager, PackagersManager, SatchelPluginWarning
from satchel.packaging.packing import PREVIEW_LIMIT
from satchel.payloads import json_preview, path_preview, text_preview


class Point:
    def __init__(self, x: float = 1.0) -> None:
        self.x = x


def _packager(preview_of):
    """A Point packager (artifact type `file`) whose `preview` is `preview_of(obj)`."""

    class PointPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Point
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"
        DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"
        calls: list[tuple[str, str]] = []

        def pack_file(self, obj, key):
            path = self.staging_path(key, ".txt")
            path.write_text(str(obj.x))
            return path, {}

        def unpack_file(self, item):
            with open(item.local_path()) as handle:
                return Point(float(handle.read()))

        def pack_result(self, obj, key):
            return obj.x

        def preview(self, obj, key, artifact_type):
            type(self).calls.append((key, artifact_type))
            return preview_of(obj)

    return PointPackager


def _manager(cls) -> PackagersManager:
    mgr = PackagersManager(installed=False)
    mgr.collect_packagers([cls], mandatory=True)
    return mgr


def test_a_preview_is_recorded_with_the_artifact_and_in_its_record():
    cls = _packager(lambda obj: {"type": "text", "text": f"x = {obj.x}", "pair": (1, 2)})
    mgr = _manager(cls)
    try:
        artifact = mgr.pack(Point(2.5), "p")
        assert artifact.preview == {"type": "text", "text": "x = 2.5", "pair": [1, 2]}  # as JSON gives it
        assert artifact.to_dict()["preview"] == artifact.preview
        assert cls.calls == [("p", "file")]
        assert mgr.pack(Point(), "r:result") == {"r": 1.0}
        assert cls.calls == [("p", "file")], "preview was called for a result"
    finally:
        mgr.clear()


@pytest.mark.parametrize(
    ("preview_of", "problem"),
    [
        (lambda obj: 1 / 0, "raised ZeroDivisionError"),
        (lambda obj: ["a", "list"], "returned a list, not a dict"),
        (lambda obj: {"type": "x", "object": object()}, "not JSON-able"),
        (lambda obj: {"type": "array", "stats": {"mean": math.nan}}, "not JSON"),
        (lambda obj: {"type": "text", "text": "x" * PREVIEW_LIMIT}, "over the 65536 allowed"),
    ],
)
def test_a_bad_preview_never_fails_the_pack_and_the_warning_names_the_packager(preview_of, problem):
    cls = _packager(preview_of)
    mgr = _manager(cls)
    try:
        with pytest.warns(SatchelPluginWarning, match=problem) as caught:
            artifact = mgr.pack(Point(3.0), "p")
        message = str(caught[0].message)
        assert f"{cls.__module__}.{cls.__qualname__}.preview" in message and "'p'" in message
        assert "recorded without a preview" in message
        assert artifact.preview is None and artifact.kind == "file"
        assert mgr.unpack(artifact, Point).x == 3.0
    finally:
        mgr.clear()


def test_a_packager_without_preview_and_the_pickling_default_record_none():
    class Plain(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Point

    mgr = _manager(Plain)
    try:
        assert mgr.pack(Point(), "p").preview is None  # pickled by its own `object`
        assert mgr.pack(complex(1, 2), "c").preview is None  # satchel's pickling fallback
    finally:
        mgr.clear()


def test_a_none_preview_is_no_preview():
    mgr = _manager(_packager(lambda obj: None))
    try:
        assert mgr.pack(Point(), "p").preview is None
    finally:
        mgr.clear()


@pytest.mark.parametrize(
    ("signature", "match"),
    [
        ("self, obj, artifact_type", "preview"),
        ("self, key, obj, artifact_type", "in this order"),
        ("self, obj, key, artifact_type, **kwargs", "named parameters only"),
        ("self, obj, key, *, artifact_type", "keyword-only parameter"),
    ],
)
def test_a_wrong_preview_signature_is_a_collection_error(make_module, signature, match):
    name = make_module(
        f"""
        from satchel import DefaultPackager

        class Odd(DefaultPackager):
            PACKABLE_OBJECT_TYPE = int

            def preview({signature}):
                return None
        """
    )
    mgr = PackagersManager(installed=False)
    with pytest.warns(SatchelPluginWarning, match=match):
        mgr.collect_packagers([f"{name}.Odd"])
    assert mgr.plugins[-1].status == "failed"


def test_a_static_preview_is_a_collection_error():
    class Static(DefaultPackager):
        PACKABLE_OBJECT_TYPE = int

        @staticmethod
        def preview(obj, key, artifact_type):
            return None

    mgr = PackagersManager(installed=False)
    with pytest.warns(SatchelPluginWarning, match="preview must be a plain method"):
        mgr.collect_packagers([Static])


def test_a_traced_preview_prints_its_line(monkeypatch, capsys):
    monkeypatch.setenv("SATCHEL_TRACE_PLUGINS", "1")
    mgr = _manager(_packager(lambda obj: {"type": "text", "text": "t"}))
    try:
        assert mgr.pack(Point(), "p").preview == {"type": "text", "text": "t"}
    finally:
        mgr.clear()
    assert "PointPackager preview key='p'" in capsys.readouterr().err


def test_the_preview_toolkit_is_capped_and_json_safe(tmp_path):
    big = {str(i): [i, i / 3, math.nan, {i}, b"\xff", (i,), Point()] for i in range(100_000)}
    shown = json_preview(big)
    assert shown["truncated"] and len(shown["text"]) <= 4096 + 4
    assert (
        '"0": [\n    0,' in shown["text"]
        and "NaN" in shown["text"]
        and "test_core_previews.Point>" in shown["text"]
    )
    assert json.dumps(shown, allow_nan=False)
    assert json_preview({1: {2, 1}, None: ()}) == {
        "type": "json",
        "text": '{\n  "1": [\n    1,\n    2\n  ],\n  "null": []\n}',
        "truncated": False,
    }
    assert text_preview("abc" * 5000)["text"] == ("abc" * 5000)[:4096]
    folder = tmp_path / "f"
    (folder / "sub").mkdir(parents=True)
    for i in range(250):
        (folder / "sub" / f"{i:03}.txt").write_text("x" * i)
    (folder / "a.md").write_text("# title")
    files = path_preview(folder)
    assert files is not None and files["type"] == "files" and files["total"] == 251
    assert len(files["files"]) == 200 and files["files"][0] == {"path": "a.md", "size": 7}
    assert files["files"][1] == {"path": "sub/000.txt", "size": 0}
    assert path_preview(folder / "a.md") == {"type": "file", "name": "a.md", "size": 7, "text": "# title",
                                             "truncated": False}  # fmt: skip
    (folder / "b.bin").write_bytes(b"\x00\x01")
    assert path_preview(folder / "b.bin") == {"type": "file", "name": "b.bin", "size": 2}
    assert path_preview(folder / "missing") is None


def _job():
    return {"rows": [1, 2, 3]}


def test_the_preview_is_stored_kept_by_a_cache_hit_and_carried_by_a_bundle(store, tmp_path):
    first = satchel.run(_job, returns="data:file", cache=True)
    preview = first.artifacts["data"].preview
    assert preview is not None and preview["type"] == "json" and '"rows"' in preview["text"]
    assert satchel.get_run(first.id).artifacts["data"].preview == preview
    hit = satchel.run(_job, returns="data:file", cache=True)
    assert hit.cached_from == first.id and hit.artifacts["data"].preview == preview
    bundle = tmp_path / "b.satchel"
    satchel.export(first.id, bundle)
    imported = satchel.import_bundle(bundle, project="elsewhere")
    assert [run.artifacts["data"].preview for run in imported.runs] == [preview]
