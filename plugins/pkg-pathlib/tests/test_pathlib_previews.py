"""Pack-time previews of paths: a folder's file list (the first 200, and how many), a file's size
and, for a text-like suffix, its first text."""

from __future__ import annotations

from pathlib import Path

import pytest

import satchel


@pytest.fixture
def manager():
    mgr = satchel.PackagersManager()
    yield mgr
    mgr.clear()


def test_a_folder_lists_its_files(manager, tmp_path):
    folder = tmp_path / "out"
    (folder / "logs").mkdir(parents=True)
    for i in range(300):
        (folder / "logs" / f"{i:03}.log").write_text("x")
    (folder / "model.bin").write_bytes(b"\x00" * 1024)
    preview = manager.pack(folder, "out").preview
    assert preview["type"] == "files" and preview["total"] == 301 and preview["bytes"] == 300 + 1024
    assert len(preview["files"]) == 200
    # each folder's own files first (by name), then its subfolders'
    assert preview["files"][:2] == [{"path": "model.bin", "size": 1024}, {"path": "logs/000.log", "size": 1}]


def test_a_file_shows_its_size_and_text(manager, tmp_path):
    (tmp_path / "report.md").write_text("# Results\n" * 1000)
    preview = manager.pack(tmp_path / "report.md", "report").preview
    assert preview["type"] == "file" and preview["size"] == 10_000 and preview["truncated"]
    assert preview["text"] == ("# Results\n" * 1000)[:4096]
    (tmp_path / "weights.bin").write_bytes(b"\x01\x02")
    binary = manager.pack(Path(tmp_path / "weights.bin"), "w").preview
    assert binary == {"type": "file", "name": "weights.bin", "size": 2}
