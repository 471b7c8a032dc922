"""A `str` logged as a `path`: the file as it is, or the folder archived; back as a local str."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from satchel import PackingError


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "results"
    (root / "nested").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "nested" / "b.bin").write_bytes(b"\x00b")
    return root


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in Path(root).rglob("*") if p.is_file()}


@pytest.mark.parametrize("archive_format", ["zip", "tar", "tar.gz", "tar.bz2", "tar.xz"])
def test_a_folder_round_trips(manager, folder, archive_format):
    hint = {"key": "out", "artifact_type": "path", "archive_format": archive_format}
    artifact = manager.pack(str(folder), hint)
    assert artifact.instructions["is_dir"] is True
    assert artifact.local_path().endswith(archive_format)
    for hint in (str, None):
        back = manager.unpack(artifact, hint)
        assert type(back) is str and Path(back).is_dir() and back != str(folder)
        assert tree(back) == tree(folder)
    manager.clear()
    assert tree(folder) == {"a.txt": b"a", "nested/b.bin": b"\x00b"}  # the user's folder is untouched


def test_a_file_is_stored_as_it_is(manager, folder):
    artifact = manager.pack(str(folder / "a.txt"), "out:path")
    assert Path(artifact.local_path()).read_text() == "a"
    assert Path(manager.unpack(artifact, str)).read_text() == "a"


def test_a_path_artifact_from_another_packager_is_extracted_under_hint_str(manager, folder):
    artifact = manager.pack(str(folder), "out:path")
    # as if packed by another family's path packager that this manager does not have
    foreign = dataclasses.replace(artifact, packager="elsewhere.PathPackager", object_type="elsewhere.Path")
    back = manager.unpack(foreign, str)
    assert Path(back).is_dir() and tree(back) == tree(folder)


def test_a_missing_path_names_the_path(manager, tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(PackingError) as error:
        manager.pack(str(missing), "out:path")
    assert str(missing) in str(error.value) and "'out'" in str(error.value)


def test_an_unknown_archive_format(manager, folder):
    with pytest.raises(PackingError, match="unknown archive_format 'rar'"):
        manager.pack(str(folder), {"key": "out", "artifact_type": "path", "archive_format": "rar"})


def test_a_str_is_a_result_unless_asked(manager, folder):
    assert manager.pack(str(folder), "out") == {"out": str(folder)}
