"""Round trips of `pathlib.Path` through the `path` and `object` artifact types."""

from __future__ import annotations

import os
import pathlib
import shutil
import zipfile
from pathlib import Path, PosixPath

import pytest

from satchel import Artifact, PackagersManager, UnpackingError
from satchel.packaging.workspace import Workspace
from satchel.payloads import archives
from satchel.testing import check_packager
from satchel_pathlib.packagers import PathPackager
from satchel_pathlib.testing import assert_same_contents, make_sample_tree, tree_snapshot

FORMATS = list(archives.ARCHIVE_FORMATS)


class MyPath(type(Path())):  # a user's own Path subclass (Python 3.11 cannot subclass Path itself)
    pass


@pytest.fixture
def manager():
    manager = PackagersManager(installed=False)
    manager.collect_packagers([PathPackager], mandatory=True)
    yield manager
    manager.clear()


@pytest.fixture
def tree(tmp_path):
    return make_sample_tree(tmp_path / "tree")


def test_check_packager_files_and_directories(tmp_path, tree):
    text = tmp_path / "notes.csv"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    script = tmp_path / "tool"
    script.write_bytes(b"#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    empty_file = tmp_path / "empty"
    empty_file.write_bytes(b"")
    empty_dir = tmp_path / "nothing-here"
    empty_dir.mkdir()
    samples = [text, script, empty_file, tree, empty_dir, MyPath(text)]
    check_packager(PathPackager, samples, assert_equal=assert_same_contents)


@pytest.mark.parametrize("archive_format", FORMATS)
def test_directory_round_trip_in_every_format(manager, tree, archive_format):
    artifact = manager.pack(tree, {"key": "tree", "archive_format": archive_format})
    assert artifact.kind == "path"
    assert artifact.instructions == {"name": "tree", "is_dir": True, "archive_format": archive_format}
    assert artifact.local_path().endswith(archives.ARCHIVE_FORMATS[archive_format])
    restored = manager.unpack(artifact, Path)
    assert isinstance(restored, Path)
    assert restored.is_dir() and restored != tree
    assert tree_snapshot(restored) == tree_snapshot(tree)
    assert os.readlink(restored / "to-nested") == "nested"
    assert (restored / "nested" / "to-top.txt").read_text(encoding="utf-8") == "top level\n"
    assert os.access(restored / "run.sh", os.X_OK)
    assert not os.access(restored / "top.txt", os.X_OK)


def test_file_unpacks_to_the_stored_file_byte_for_byte(manager, tmp_path):
    source = tmp_path / "model.weights.bin"
    source.write_bytes(os.urandom(100_000))
    artifact = manager.pack(source, "weights")
    assert artifact.instructions == {"name": "model.weights.bin", "is_dir": False}
    restored = manager.unpack(artifact, Path)
    assert os.path.samefile(restored, artifact.local_path())  # the stored bytes themselves, no copy
    assert restored.name == "model.weights.bin"  # under the name it was packed with
    assert restored.read_bytes() == source.read_bytes()


def test_file_keeps_its_exec_bit_and_compressed_suffix(manager, tmp_path):
    script = tmp_path / "go.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o750)
    archive = tmp_path / "logs.tar.gz"
    archive.write_bytes(b"not really gzip")
    assert os.access(manager.unpack(manager.pack(script, "go"), Path), os.X_OK)
    restored = manager.unpack(manager.pack(archive, "logs"), Path)
    assert restored.name == "logs.tar.gz"  # a file stays a file, whatever its name says
    assert restored.read_bytes() == b"not really gzip"


def test_extracting_twice_gives_two_fresh_folders(manager, tree):
    artifact = manager.pack(tree, "tree")
    first = manager.unpack(artifact, Path)
    (first / "top.txt").write_text("changed by the user", encoding="utf-8")
    (first / "added.txt").write_text("new", encoding="utf-8")
    second = manager.unpack(artifact, Path)
    assert second != first
    assert tree_snapshot(second) == tree_snapshot(tree)


def test_hints_give_the_hinted_path_class(manager, tree):
    artifact = manager.pack(MyPath(tree), "tree")
    assert artifact.object_type.endswith("MyPath")
    assert type(manager.unpack(artifact, Path)) is PosixPath
    assert type(manager.unpack(artifact, PosixPath)) is PosixPath
    assert type(manager.unpack(artifact, MyPath)) is MyPath
    assert type(manager.unpack(artifact)) is MyPath  # no hint: the packed class, already imported
    assert type(manager.unpack(artifact, Path | None)) is PosixPath
    assert type(manager.unpack(artifact, "pathlib.Path")) is PosixPath


def test_object_artifact_pickles_the_path_itself(manager, tree):
    artifact = manager.pack(tree, {"key": "where", "artifact_type": "object"})
    assert artifact.kind == "object"
    assert manager.unpack(artifact, Path) == tree


def test_plain_paths_made_outside_satchel_are_returned_as_they_are(manager, tmp_path, tree):
    plain = tmp_path / "plain.txt"
    plain.write_text("mine", encoding="utf-8")
    assert manager.unpack(str(plain), Path) == plain
    assert manager.unpack(plain, Path) == plain
    assert manager.unpack(str(tree), Path) == tree
    assert type(manager.unpack(str(tree), PosixPath)) is PosixPath
    zipped = tmp_path / "made-elsewhere.zip"
    archives.write_archive(tree, zipped, "zip")
    assert manager.unpack(str(zipped), Path) == zipped  # a plain file is not extracted
    assert manager.unpack(str(plain)) == str(plain)  # no hint: the string it was
    manager.clear()
    assert plain.read_text(encoding="utf-8") == "mine" and tree.is_dir() and zipped.is_file()


def test_users_input_is_untouched_by_pack_and_clear(tmp_path, tree):
    before = tree_snapshot(tree)
    mtimes = {path: path.lstat().st_mtime_ns for path in [tree, *tree.rglob("*")]}
    single = tmp_path / "single.txt"
    single.write_text("single", encoding="utf-8")
    workspace = Workspace(tmp_path / "workspace")
    with PackagersManager(installed=False, workspace=workspace) as manager:
        manager.collect_packagers([PathPackager], mandatory=True)
        for archive_format in FORMATS:
            manager.unpack(manager.pack(tree, {"key": "t", "archive_format": archive_format}), Path)
        manager.unpack(manager.pack(single, "s"), Path)
        manager.unpack(str(tree), Path)
    assert tree_snapshot(tree) == before
    assert {path: path.lstat().st_mtime_ns for path in [tree, *tree.rglob("*")]} == mtimes
    assert single.read_text(encoding="utf-8") == "single"
    assert not any(path.is_file() for path in (tmp_path / "workspace").rglob("*"))


def test_a_path_that_is_a_symlink_to_a_file_packs_the_file(manager, tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("the content", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    artifact = manager.pack(link, "linked")
    restored = manager.unpack(artifact, Path)
    assert not restored.is_symlink()
    assert restored.read_text(encoding="utf-8") == "the content"
    assert artifact.instructions["name"] == "link.txt"
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "the content"


def test_a_path_that_is_a_symlink_to_a_folder_archives_the_folder(manager, tmp_path, tree):
    link = tmp_path / "tree-link"
    link.symlink_to(tree, target_is_directory=True)
    restored = manager.unpack(manager.pack(link, "linked"), Path)
    assert tree_snapshot(restored) == tree_snapshot(tree)


def test_absolute_symlink_inside_the_folder_is_stored_relative(manager, tmp_path):
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a", encoding="utf-8")
    (folder / "sub" / "link").symlink_to((folder / "a.txt").absolute())
    for archive_format in FORMATS:
        restored = manager.unpack(manager.pack(folder, {"key": "d", "archive_format": archive_format}), Path)
        assert os.readlink(restored / "sub" / "link") == "../a.txt"
        assert (restored / "sub" / "link").read_text(encoding="utf-8") == "a"
    assert os.readlink(folder / "sub" / "link") == str((folder / "a.txt").absolute())


class _StrPathPackager(PathPackager):
    """Stands in for the builtins `str` path packager, which shares `archives` with pathlib."""

    PACKABLE_OBJECT_TYPE = str
    PACK_SUBCLASSES = False

    def pack_path(self, obj, key, archive_format="zip"):
        return archives.pack_path(self, obj, key, archive_format)

    def unpack_path(self, item, is_dir=False, archive_format=None):
        return archives.unpack_path(self, item, is_dir, archive_format)


@pytest.mark.parametrize("archive_format", ["zip", "tar.xz"])
def test_path_artifacts_cross_between_path_and_str(tmp_path, tree, archive_format):
    with PackagersManager(installed=False) as manager:
        manager.collect_packagers([PathPackager, _StrPathPackager], mandatory=True)
        from_path = manager.pack(tree, {"key": "p", "archive_format": archive_format})
        as_str = manager.unpack(from_path, str)
        assert type(as_str) is str and tree_snapshot(as_str) == tree_snapshot(tree)
        hint = {"key": "s", "artifact_type": "path", "archive_format": archive_format}
        from_str = manager.pack(str(tree), hint)
        as_path = manager.unpack(from_str, Path)
        assert type(as_path) is PosixPath and tree_snapshot(as_path) == tree_snapshot(tree)
        single = tmp_path / "one.txt"
        single.write_text("one", encoding="utf-8")
        assert Path(manager.unpack(manager.pack(single, "f"), str)).read_text(encoding="utf-8") == "one"


@pytest.mark.filterwarnings("ignore::satchel.SatchelPluginWarning")  # other plugins are not ours to test
def test_installed_manager_finds_the_pathlib_entry_point(tmp_path):
    with PackagersManager() as manager:
        names = [record.name for record in manager.packagers]
        assert "satchel_pathlib.packagers.PathPackager" in names
        status = next(plugin for plugin in manager.plugins if plugin.name == "pathlib")
        assert status.status == "loaded"
        source = tmp_path / "f.txt"
        source.write_text("x", encoding="utf-8")
        artifact = manager.pack(source, "f")
        assert artifact.packager == "satchel_pathlib.packagers.PathPackager"
        assert artifact.kind == "path"


def test_unpacked_payload_can_be_copied_before_clear(manager, tree, tmp_path):
    restored = manager.unpack(manager.pack(tree, "tree"), Path)
    kept = tmp_path / "kept"
    shutil.copytree(restored, kept, symlinks=True)
    manager.clear()
    assert not restored.exists()
    assert tree_snapshot(kept) == tree_snapshot(tree)


def test_crafted_safe_artifact_without_instructions_unpacks_by_what_it_recorded(manager, tree, tmp_path):
    archive = tmp_path / "payload.tar.bz2"
    archives.write_archive(tree, archive, "tar.bz2")
    item = Artifact(
        key="imported",
        kind="path",
        object_type="pathlib.PosixPath",
        instructions={"name": "tree", "is_dir": True, "archive_format": "tar.bz2"},
        path=str(archive),
    )
    restored = manager.unpack(item, pathlib.Path)
    assert tree_snapshot(restored) == tree_snapshot(tree)


@pytest.mark.filterwarnings("ignore::satchel.SatchelPluginWarning")  # other plugins are not ours to test
def test_with_the_installed_builtins_str_packager(tmp_path, tree):
    pytest.importorskip("satchel_builtins.packagers")
    with PackagersManager() as manager:
        if manager.explain("a/path", "path").chosen in (None, "satchel.DefaultPackager"):
            pytest.skip("the installed builtins family has no str path packager")
        from_path = manager.pack(tree, {"key": "p", "archive_format": "tar.gz"})
        assert tree_snapshot(manager.unpack(from_path, str)) == tree_snapshot(tree)
        from_str = manager.pack(str(tree), {"key": "s", "artifact_type": "path"})
        restored = manager.unpack(from_str, Path)
        assert type(restored) is PosixPath and tree_snapshot(restored) == tree_snapshot(tree)


def test_absolute_symlink_to_the_real_folder_behind_an_alias_is_stored_relative(manager, tmp_path):
    real = tmp_path / "real" / "data"
    real.mkdir(parents=True)
    (real / "a.txt").write_text("a", encoding="utf-8")
    (real / "link").symlink_to(real.resolve() / "a.txt")  # absolute, via the real location
    alias = tmp_path / "alias"
    alias.symlink_to(tmp_path / "real", target_is_directory=True)
    restored = manager.unpack(manager.pack(alias / "data", "d"), Path)
    assert os.readlink(restored / "link") == "a.txt"


def test_unsafe_artifact_error_names_the_key(manager, tmp_path):
    evil = tmp_path / "payload.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../x.txt", b"x")
    item = Artifact(
        key="my-key",
        kind="path",
        packager="satchel_pathlib.packagers.PathPackager",
        instructions={"is_dir": True, "archive_format": "zip"},
        path=str(evil),
    )
    with pytest.raises(
        UnpackingError, match=r"cannot unpack 'my-key': archive payload\.zip: member '\.\./x\.txt'"
    ):
        manager.unpack(item)
