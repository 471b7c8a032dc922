"""Artifacts, hashing, the workspace and clearing: what a manager writes and what it removes."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import datetime
from pathlib import Path

import blake3
import pytest

from satchel import (
    Artifact,
    ClearingError,
    DefaultPackager,
    PackagersManager,
    SatchelError,
    SatchelWarning,
    UnpackingError,
)
from satchel.packaging.workspace import Workspace
from satchel.payloads.hashing import hash_path, payload_size


class Note:
    def __init__(self, text: str, where: Path | None = None) -> None:
        self.text = text
        self.where = where

    def __eq__(self, other: object) -> bool:
        return type(other) is Note and other.text == self.text


class NotePackager(DefaultPackager):
    """Writes notes into staging, or (with `where`) somewhere else and registers it for clearing."""

    PACKABLE_OBJECT_TYPE = Note
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key):
        if obj.where is None:
            path = self.staging_path(key, ".txt")
        else:
            path = obj.where / f"{key}.txt"
            self.add_future_clearing_path(path)
        path.write_text(obj.text)
        return path, {}

    def unpack_file(self, item):
        return Note(Path(item.local_path()).read_text())

    def pack_folder(self, obj, key):
        folder = self.staging_path(key) if obj.where is None else obj.where / key
        folder.mkdir()
        (folder / "a.txt").write_text(obj.text)
        (folder / "sub").mkdir()
        (folder / "sub" / "b.txt").write_text(obj.text * 2)
        if obj.where is not None:
            self.add_future_clearing_path(folder)
        return folder, {}

    def unpack_folder(self, item):
        return Note((Path(item.local_path()) / "a.txt").read_text())


@pytest.fixture
def notes(manager):
    manager.collect_packagers([NotePackager])
    return manager


# -- the artifact record and its hash ---------------------------------------------------------


def test_artifact_record(notes):
    artifact = notes.pack(Note("hello"), "greeting")
    data = Path(artifact.local_path()).read_bytes()
    assert data == b"hello"
    assert artifact.hash == "blake3:" + blake3.blake3(data).hexdigest()
    assert artifact.size == len(data)
    assert artifact.key == "greeting"
    assert artifact.kind == "file"
    assert artifact.uri is None  # packed outside any run
    assert artifact.trusted is True
    assert artifact.instructions == {}
    assert datetime.fromisoformat(artifact.created).tzinfo is not None
    from dataclasses import fields

    local = {"path", "resolver"}  # where the payload is on this machine: never recorded
    assert set(artifact.to_dict()) == {f.name for f in fields(artifact)} - local  # every field, by hand
    record = artifact.to_dict()
    assert not local & set(record)
    assert record["hash"] == artifact.hash and record["versions"] == artifact.versions


def test_hash_of_a_large_file_is_blake3_of_its_bytes(tmp_path):
    data = os.urandom(1 << 20) * 20  # above the threaded-hashing threshold
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    assert hash_path(path) == ("blake3:" + blake3.blake3(data).hexdigest(), len(data))


def test_hash_of_an_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert hash_path(path) == ("blake3:" + blake3.blake3(b"").hexdigest(), 0)


def make_tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_folder_hash_is_stable_and_sensitive(tmp_path):
    files = {"a.txt": "xy", "sub/b.txt": "z", "sub/deeper/c.txt": ""}
    first = hash_path(make_tree(tmp_path / "one", files))
    assert first == hash_path(make_tree(tmp_path / "two", files))  # location does not matter
    assert first[1] == 3
    assert first[0].startswith("blake3:") and len(first[0]) == len("blake3:") + 64
    variants = {
        "renamed": {"A.txt": "xy", "sub/b.txt": "z", "sub/deeper/c.txt": ""},
        "moved": {"a.txt": "xy", "b.txt": "z", "sub/deeper/c.txt": ""},
        "content": {"a.txt": "xY", "sub/b.txt": "z", "sub/deeper/c.txt": ""},
        "bytes shifted": {"a.txt": "x", "sub/b.txt": "yz", "sub/deeper/c.txt": ""},
        "file removed": {"a.txt": "xy", "sub/b.txt": "z"},
    }
    digests = {first[0]}
    for name, changed in variants.items():
        digest = hash_path(make_tree(tmp_path / name, changed))[0]
        assert digest not in digests, name
        digests.add(digest)
    empty_dir = make_tree(tmp_path / "with-empty-dir", files)
    (empty_dir / "nothing").mkdir()
    assert hash_path(empty_dir)[0] not in digests


def test_folder_hash_records_links_as_links(tmp_path):
    tree = make_tree(tmp_path / "t", {"a.txt": "x"})
    (tree / "link").symlink_to("a.txt")
    digest = hash_path(tree)[0]
    (tree / "link").unlink()
    (tree / "link").symlink_to("elsewhere.txt")
    assert hash_path(tree)[0] != digest
    assert payload_size(tree) == 1


def test_folder_payload(notes):
    artifact = notes.pack(Note("hi"), "tree:folder")
    folder = Path(artifact.local_path())
    assert folder.is_dir()
    assert artifact.size == 6
    assert (artifact.hash, artifact.size) == hash_path(folder)
    assert notes.unpack(artifact, Note) == Note("hi")


def test_artifact_checks(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    artifact = Artifact.from_path(path)
    assert (artifact.key, artifact.kind, artifact.trusted, artifact.instructions) == (
        "f.bin",
        None,
        False,
        {},
    )
    assert artifact.local_path() == str(path)
    artifact.check_size()  # no recorded size: nothing to compare
    with pytest.raises(UnpackingError, match="no recorded hash"):
        artifact.verify()
    artifact.hash, artifact.size = hash_path(path)
    artifact.verify()
    path.unlink()
    with pytest.raises(UnpackingError, match="is gone"):
        artifact.local_path()
    with pytest.raises(UnpackingError, match="no such file or folder"):
        Artifact.from_path(path)
    assert Artifact.from_path(tmp_path).key == tmp_path.name
    with pytest.raises(UnpackingError, match="has no local payload"):
        Artifact("k", "file").local_path()


# -- staging, writing elsewhere, clearing ------------------------------------------------------


def test_staged_payloads_live_in_the_managers_folder_until_clear(notes):
    first = notes.pack(Note("a"), "a")
    second = notes.pack(Note("b"), "b")
    root = notes._workspace.root
    for artifact in (first, second):
        assert Path(artifact.local_path()).is_relative_to(root)
    assert Path(first.local_path()).parent != Path(second.local_path()).parent  # a folder per call
    notes.clear()
    assert not root.exists()
    with pytest.raises(UnpackingError, match="it was cleared or moved"):
        notes.unpack(first, Note)
    # the manager still works after clearing, in a new folder
    third = notes.pack(Note("c"), "c")
    assert Path(third.local_path()).read_text() == "c"


def test_manager_as_context_manager_clears():
    with PackagersManager(installed=False) as mgr:
        artifact = mgr.pack([1], "l")
        path = Path(artifact.local_path())
        assert path.exists()
    assert not path.exists()


def test_workspace_under_a_given_parent(tmp_path):
    mgr = PackagersManager(installed=False, workspace=Workspace(tmp_path / "ws"))
    artifact = mgr.pack([1], "l")
    assert Path(artifact.local_path()).is_relative_to(tmp_path / "ws")
    mgr.clear()
    assert list((tmp_path / "ws").iterdir()) == []


def test_payload_written_elsewhere_is_copied_and_registered_paths_cleared(notes, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    artifact = notes.pack(Note("elsewhere", outside), "note")
    original = outside / "note.txt"
    stored = Path(artifact.local_path())
    assert original.read_text() == "elsewhere"  # not moved
    assert stored != original and stored.read_text() == "elsewhere"
    assert stored.is_relative_to(notes._workspace.root)
    assert artifact.hash == "blake3:" + blake3.blake3(b"elsewhere").hexdigest()
    assert notes.unpack(artifact, Note) == Note("elsewhere")
    assert notes._workspace.registered() == [original]
    notes.clear()
    assert not original.exists()
    assert not stored.exists()
    assert outside.exists()  # only what was registered
    assert notes._workspace.registered() == []


def test_folder_payload_written_elsewhere(notes, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    artifact = notes.pack(Note("x", outside), "tree:folder")
    stored = Path(artifact.local_path())
    assert (stored / "sub" / "b.txt").read_text() == "xx"
    assert (outside / "tree" / "sub" / "b.txt").exists()
    assert artifact.hash == hash_path(outside / "tree")[0]
    notes.clear()
    assert not (outside / "tree").exists()
    assert outside.exists()


def test_staging_helpers_outside_a_call():
    packager = NotePackager()
    with pytest.raises(SatchelError, match="staging_path can only be used while satchel is packing"):
        packager.staging_path("k")
    with pytest.raises(SatchelError, match="add_future_clearing_path can only be used"):
        packager.add_future_clearing_path("/tmp/x")


class Careless(DefaultPackager):
    """A path packager that registers the user's own path (or its folder) for clearing."""

    PACKABLE_OBJECT_TYPE = Path
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj, key, register="path", copy=True):
        registered = {"path": obj, "folder": obj.parent, "resolved": obj.resolve()}[register]
        self.add_future_clearing_path(registered)
        if not copy:
            return obj, {}  # the user's own file as the payload
        target = self.staging_path(key, obj.suffix)
        shutil.copyfile(obj, target)
        return target, {}

    def unpack_file(self, item):
        self.add_future_clearing_path(item.local_path())
        return Path(item.local_path())


@pytest.fixture
def careless(manager, tmp_path):
    manager.collect_packagers([Careless])
    folder = tmp_path / "user"
    folder.mkdir()
    data = folder / "data.csv"
    data.write_text("a,b\n1,2\n")
    return manager, data


@pytest.mark.parametrize("register", ["path", "folder"])
def test_clearing_never_deletes_a_packed_user_path(careless, register):
    mgr, data = careless
    artifact = mgr.pack(data, {"key": "data", "register": register})
    assert Path(artifact.local_path()) != data
    with pytest.warns(SatchelWarning, match="which the user gave satchel; it was left in place"):
        mgr.clear()
    assert data.read_text() == "a,b\n1,2\n"


def test_clearing_never_deletes_a_user_path_reached_through_a_link(careless, tmp_path):
    mgr, data = careless
    link = tmp_path / "link"
    link.symlink_to(data.parent)
    mgr.pack(link / data.name, {"key": "data", "register": "resolved"})
    assert mgr._workspace.registered() == [data.resolve()]
    with pytest.warns(SatchelWarning, match="left in place"):
        mgr.clear()
    assert data.exists()


def test_user_path_returned_as_payload_is_copied_not_moved(careless):
    mgr, data = careless
    artifact = mgr.pack(data, {"key": "data", "copy": False})
    assert Path(artifact.local_path()) != data
    assert Path(artifact.local_path()).read_text() == data.read_text()
    with pytest.warns(SatchelWarning, match="left in place"):
        mgr.clear()
    assert data.exists()


def test_clearing_never_deletes_an_input(careless):
    mgr, data = careless
    assert mgr.unpack(str(data), Path) == data
    assert mgr._workspace.registered() == [data]
    with pytest.warns(SatchelWarning, match="left in place"):
        mgr.clear()
    assert data.exists()


def test_a_failing_clear_hook_does_not_stop_the_others(manager, tmp_path):
    class Stubborn(NotePackager):
        PACKABLE_OBJECT_TYPE = complex

        def pack_file(self, obj, key):
            path = tmp_path / "stubborn.txt"
            path.write_text("x")
            self.add_future_clearing_path(path)
            return path, {}

        def clear(self, paths):
            raise OSError("device busy")

    manager.collect_packagers([NotePackager, Stubborn])
    outside = tmp_path / "notes"
    outside.mkdir()
    manager.pack(1j, "c")
    manager.pack(Note("n", outside), "n")
    root = manager._workspace.root
    with pytest.raises(ClearingError, match="Stubborn: device busy"):
        manager.clear()
    assert not (outside / "n.txt").exists()
    assert not root.exists()


def test_clear_hook_errors_name_the_packager_and_path(tmp_path):
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(ClearingError, match=rf"NotePackager could not clear {file}/sub"):
        NotePackager().clear([str(file / "sub")])  # a path under a file: the OS refuses


def test_default_clear_removes_files_folders_and_ignores_missing(tmp_path):
    file, folder = tmp_path / "f", make_tree(tmp_path / "d", {"x/y": "1"})
    file.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(folder)
    NotePackager().clear([str(file), str(link), str(tmp_path / "missing")])
    assert not file.exists() and not link.is_symlink() and folder.exists()  # a link, not its target
    NotePackager().clear([str(folder)])
    assert not folder.exists()


# -- threads ----------------------------------------------------------------------------------


def test_packing_from_eight_threads(notes, tmp_path):
    barrier = threading.Barrier(8)
    results: dict[int, list[Artifact]] = {}
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            barrier.wait()
            outside = tmp_path / f"t{number}"
            outside.mkdir()
            results[number] = [
                notes.pack(Note(f"{number}-{i}", outside if i % 3 == 0 else None), f"n{number}_{i}")
                for i in range(25)
            ]
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    paths = set()
    for number, artifacts in results.items():
        for i, artifact in enumerate(artifacts):
            assert artifact.key == f"n{number}_{i}"
            assert Path(artifact.local_path()).read_text() == f"{number}-{i}"
            assert Path(artifact.local_path()).parent.name.endswith(f"-n{number}_{i}")  # its own call
            assert notes.unpack(artifact, Note) == Note(f"{number}-{i}")
            paths.add(artifact.local_path())
    assert len(paths) == 200
    assert len(notes._workspace.registered()) == 8 * 9
    notes.clear()
    assert all(not (tmp_path / f"t{n}" / "n0_0.txt").exists() for n in range(8))


class Box:
    def __init__(self, inner: object) -> None:
        self.inner = inner


def test_nested_pack_restores_the_outer_call(manager):
    """A packager may pack parts through the manager; its own call is intact afterwards."""
    seen = {}

    class BoxPackager(DefaultPackager):
        PACKABLE_OBJECT_TYPE = Box
        DEFAULT_PACKING_ARTIFACT_TYPE = "file"

        def pack_file(self, obj, key):
            before = self.staging_path(key, ".txt")
            inner = manager.pack(obj.inner, f"{key}_inner")
            after = self.staging_path(key, ".txt")
            seen.update(before=before, after=after, inner=Path(inner.local_path()))
            after.write_text(inner.local_path())
            return after, {}

        def unpack_file(self, item):
            raise NotImplementedError

    manager.collect_packagers([BoxPackager])
    artifact = manager.pack(Box([1, 2]), "box")
    assert seen["before"] == seen["after"] == Path(artifact.local_path())
    assert seen["inner"].parent != seen["before"].parent
    assert seen["inner"].parent.name.endswith("-box_inner")
