"""Archives are reproducible: the same tree gives the same bytes, whenever and wherever it was made."""

from __future__ import annotations

import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from satchel import PackagersManager
from satchel.payloads import archives
from satchel_pathlib.packagers import PathPackager
from satchel_pathlib.testing import make_sample_tree

FORMATS = list(archives.ARCHIVE_FORMATS)


def _archive_bytes(folder: Path, out: Path, archive_format: str) -> bytes:
    archives.write_archive(folder, out, archive_format)
    return out.read_bytes()


def _age(folder: Path, seconds: int) -> None:
    """Give every member other times (links too) and looser permissions."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            os.utime(path, (seconds, seconds), follow_symlinks=False)
        else:
            os.utime(path, (seconds, seconds))
            if path.is_file():
                path.chmod(path.stat().st_mode | 0o060)  # group rw: not part of the archive


@pytest.mark.parametrize("archive_format", FORMATS)
def test_same_tree_same_bytes_twice_and_after_a_copy(tmp_path, archive_format):
    tree = make_sample_tree(tmp_path / "tree")
    first = _archive_bytes(tree, tmp_path / "1", archive_format)
    assert _archive_bytes(tree, tmp_path / "2", archive_format) == first
    copy = tmp_path / "elsewhere" / "a-copy-with-another-name"
    shutil.copytree(tree, copy, symlinks=True)
    _age(copy, 1_234_567_890)
    assert _archive_bytes(copy, tmp_path / "3", archive_format) == first


@pytest.mark.parametrize("archive_format", FORMATS)
def test_a_different_tree_gives_different_bytes(tmp_path, archive_format):
    tree = make_sample_tree(tmp_path / "tree")
    before = _archive_bytes(tree, tmp_path / "1", archive_format)
    (tree / "top.txt").chmod(0o755)
    after_mode = _archive_bytes(tree, tmp_path / "2", archive_format)
    assert after_mode != before
    (tree / "top.txt").write_text("top level!\n", encoding="utf-8")
    assert _archive_bytes(tree, tmp_path / "3", archive_format) != after_mode


def test_members_are_sorted_with_fixed_times_owners_and_modes(tmp_path):
    tree = make_sample_tree(tmp_path / "tree")
    os.chmod(tree / "top.txt", 0o600)
    archives.write_archive(tree, tmp_path / "t.tar", "tar")
    with tarfile.open(tmp_path / "t.tar") as archive:
        members = archive.getmembers()
    names = [member.name for member in members]
    assert names == sorted(names, key=lambda name: name.split("/"))
    for member in members:
        assert (member.mtime, member.uid, member.gid, member.uname, member.gname) == (0, 0, 0, "", "")
        expected = {tarfile.DIRTYPE: 0o755, tarfile.SYMTYPE: 0o777}.get(member.type)
        expected = expected or (0o755 if member.name == "run.sh" else 0o644)
        assert member.mode == expected, member.name
    archives.write_archive(tree, tmp_path / "t.zip", "zip")
    with zipfile.ZipFile(tmp_path / "t.zip") as archive:
        infos = archive.infolist()
    assert [info.filename.rstrip("/") for info in infos] == names
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("archive_format", FORMATS)
def test_artifact_hash_is_the_same_for_a_copied_tree(tmp_path, archive_format):
    tree = make_sample_tree(tmp_path / "tree")
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy, symlinks=True)
    _age(copy, 987_654_321)
    with PackagersManager(installed=False) as manager:
        manager.collect_packagers([PathPackager], mandatory=True)
        hint = {"key": "tree", "archive_format": archive_format}
        hashes = {manager.pack(tree, hint).hash, manager.pack(tree, hint).hash, manager.pack(copy, hint).hash}
    assert len(hashes) == 1
