"""What users give the Path packager: missing paths, special files, links out, odd names, big files."""

from __future__ import annotations

import os
import socket
import sys
import tracemalloc
from pathlib import Path

import pytest

from satchel import PackagersManager, PackingError
from satchel.payloads import archives
from satchel_pathlib.packagers import PathPackager
from satchel_pathlib.testing import make_sample_tree, tree_snapshot

FORMATS = list(archives.ARCHIVE_FORMATS)


@pytest.fixture
def manager():
    manager = PackagersManager(installed=False)
    manager.collect_packagers([PathPackager], mandatory=True)
    yield manager
    manager.clear()


def test_missing_path_is_a_packing_error_naming_it(manager, tmp_path):
    missing = tmp_path / "no" / "such-file.csv"
    with pytest.raises(PackingError, match=r"'results'.*no/such-file\.csv does not exist"):
        manager.pack(missing, "results")


def test_broken_symlink_is_a_packing_error_that_says_so(manager, tmp_path):
    link = tmp_path / "broken"
    link.symlink_to(tmp_path / "gone")
    with pytest.raises(PackingError, match="broken symbolic link"):
        manager.pack(link, "broken")
    assert link.is_symlink()


def test_fifo_is_a_clear_packing_error(manager, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(PackingError, match=r"pipe is a named pipe \(FIFO\)"):
        manager.pack(fifo, "pipe")


def test_socket_and_device_are_clear_packing_errors(manager, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative name: socket paths are limited to about 100 bytes
    where = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("s.sock")
        with pytest.raises(PackingError, match="is a socket"):
            manager.pack(where, "sock")
    finally:
        server.close()
    if Path("/dev/null").exists():
        with pytest.raises(PackingError, match="character device"):
            manager.pack(Path("/dev/null"), "null")


@pytest.mark.parametrize("archive_format", ["zip", "tar"])
def test_special_file_inside_a_folder_is_a_packing_error_naming_it(manager, tmp_path, archive_format):
    folder = tmp_path / "with-pipe"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a", encoding="utf-8")
    os.mkfifo(folder / "sub" / "pipe")
    with pytest.raises(PackingError, match=r"'d'.*sub/pipe is a named pipe"):
        manager.pack(folder, {"key": "d", "archive_format": archive_format})


@pytest.mark.parametrize("target", ["../outside.txt", "sub/../../outside.txt", "ABSOLUTE"])
def test_symlink_leading_out_of_the_folder_is_a_packing_error(manager, tmp_path, target):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "link").symlink_to(str(outside) if target == "ABSOLUTE" else target)
    with pytest.raises(PackingError, match=r"'data'.*'link'.*outside the folder"):
        manager.pack(folder, "data")
    assert outside.read_text(encoding="utf-8") == "secret"


def test_chain_of_symlinks_leading_out_is_a_packing_error(manager, tmp_path):
    folder = tmp_path / "data"
    (folder / "d").mkdir(parents=True)
    (folder / "d" / "up").symlink_to("..")
    (folder / "escape").symlink_to("d/up/..")  # each link looks inside, together they leave
    with pytest.raises(PackingError, match="escape"):
        manager.pack(folder, "data")


def test_unknown_archive_format_and_configuration(manager, tmp_path):
    folder = make_sample_tree(tmp_path / "t")
    with pytest.raises(PackingError, match=r"unknown archive_format 'rar'.*zip, tar, tar\.gz"):
        manager.pack(folder, {"key": "t", "archive_format": "rar"})
    with pytest.raises(PackingError, match="unknown configuration 'compression'"):
        manager.pack(folder, {"key": "t", "compression": 9})


@pytest.mark.parametrize("archive_format", FORMATS)
def test_unicode_and_odd_names_round_trip(manager, tmp_path, archive_format):
    folder = tmp_path / "名前"
    names = [
        "日本語.txt",
        "emoji 🎉.md",
        "spaces and 'quotes'.txt",
        "back\\slash.txt",
        "a" * 200,
        "dir with space/ünï/x.txt",
        "-leading-dash",
        ".hidden",
        "2024-01-01T10:30:00/run:1.log",
    ]
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
    artifact = manager.pack(folder, {"key": "u", "archive_format": archive_format})
    assert artifact.instructions["name"] == "名前"
    restored = manager.unpack(artifact, Path)
    assert tree_snapshot(restored) == tree_snapshot(folder)


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux allows file names that are not UTF-8")
def test_non_utf8_file_name_works_in_tar_and_is_a_clear_error_in_zip(manager, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_text("latin-1 name", encoding="utf-8")
    with pytest.raises(PackingError, match=r"not valid UTF-8.*archive_format='tar'"):
        manager.pack(folder, "raw")
    restored = manager.unpack(manager.pack(folder, {"key": "raw", "archive_format": "tar"}), Path)
    assert os.listdir(bytes(restored)) == [b"caf\xe9.txt"]


def test_big_files_are_streamed_not_read_into_memory(manager, tmp_path):
    size = 64 << 20
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.write(b"start")
        handle.truncate(size)  # sparse: cheap to make, still 64 MiB to read
    folder = tmp_path / "folder"
    folder.mkdir()
    os.link(big, folder / "big.bin")
    tracemalloc.start()
    try:
        file_artifact = manager.pack(big, "big")
        for archive_format in ("zip", "tar.gz"):
            folder_artifact = manager.pack(folder, {"key": "folder", "archive_format": archive_format})
            restored = manager.unpack(folder_artifact, Path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size // 4, f"packing a {size >> 20} MiB file peaked at {peak >> 20} MiB of Python memory"
    assert Path(file_artifact.local_path()).stat().st_size == size
    assert (restored / "big.bin").stat().st_size == size
    with open(restored / "big.bin", "rb") as handle:
        assert handle.read(5) == b"start"


def test_hard_linked_files_in_a_folder_round_trip_as_files(manager, tmp_path):
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "a.txt").write_text("shared", encoding="utf-8")
    os.link(folder / "a.txt", folder / "b.txt")
    for archive_format in FORMATS:
        restored = manager.unpack(manager.pack(folder, {"key": "h", "archive_format": archive_format}), Path)
        assert (restored / "b.txt").read_text(encoding="utf-8") == "shared"
        assert tree_snapshot(restored) == tree_snapshot(folder)


def test_packing_the_current_directory_records_its_name(manager, tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "x.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(folder)
    artifact = manager.pack(Path("."), "here")
    assert artifact.instructions["name"] == "project"
    assert tree_snapshot(manager.unpack(artifact, Path)) == tree_snapshot(folder)
