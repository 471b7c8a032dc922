"""Pack-time previews of builtins packed as files: a container's JSON text (capped), a str's
text, bytes' size only; results get none (they are their own preview)."""

from __future__ import annotations

import json

import pytest

import satchel


@pytest.fixture
def manager():
    mgr = satchel.PackagersManager()
    yield mgr
    mgr.clear()


def test_a_dict_as_a_file_previews_as_its_json(manager):
    preview = manager.pack({"lr": 0.5, "layers": (64, 32), "tags": {"b", "a"}}, "config:file").preview
    assert preview["type"] == "json" and preview["items"] == 3 and not preview["truncated"]
    assert json.loads(preview["text"]) == {"lr": 0.5, "layers": [64, 32], "tags": ["a", "b"]}


def test_a_large_list_is_cut_at_4_kb(manager):
    preview = manager.pack(list(range(1_000_000)), "numbers:file").preview
    assert preview["truncated"] and preview["items"] == 1_000_000
    assert len(preview["text"]) <= 4100 and preview["text"].startswith("[\n  0,\n  1,")


def test_text_bytes_and_scalars(manager):
    text = manager.pack("é" * 5000, "s:object").preview
    assert text == {"type": "text", "text": "é" * 4096, "chars": 5000, "truncated": True}
    assert manager.pack(b"\x00" * 10, "b:file").preview == {"type": "bytes", "size": 10}
    assert manager.pack(float("nan"), "f:object").preview == {
        "type": "json",
        "text": "NaN",
        "truncated": False,
    }
    assert manager.pack({"a": 1}, "r") == {"r": {"a": 1}}  # a result: no artifact, no preview


def test_a_str_path_previews_the_file_it_names(manager, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    preview = manager.pack(str(tmp_path / "notes.txt"), "notes:path").preview
    assert preview == {"type": "file", "name": "notes.txt", "size": 5, "text": "hello", "truncated": False}
