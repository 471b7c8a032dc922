"""Crafted archives that try to write outside the target folder: refused before anything is written."""

from __future__ import annotations

import io
import stat
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest

from satchel import Artifact, PackagersManager, UnpackingError
from satchel.packaging.workspace import Workspace
from satchel.payloads import archives
from satchel_pathlib.packagers import PathPackager


def _zip(path: Path, members: list[tuple[str, str, bytes]]) -> Path:
    """members: (name, kind, data) with kind file, dir, link or fifo."""
    modes = {
        "file": stat.S_IFREG | 0o644,
        "dir": stat.S_IFDIR | 0o755,
        "link": stat.S_IFLNK | 0o777,
        "fifo": stat.S_IFIFO | 0o644,
    }
    with zipfile.ZipFile(path, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        for name, kind, data in members:
            info = zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0))
            info.external_attr = modes[kind] << 16
            archive.writestr(info, data)
    return path


def _tar(path: Path, members: list[tuple[str, str, str | bytes]], mode: str = "w") -> Path:
    """members: (name, kind, data or link target) with kind file, dir, sym, hard, chr or fifo."""
    types = {
        "file": tarfile.REGTYPE,
        "dir": tarfile.DIRTYPE,
        "sym": tarfile.SYMTYPE,
        "hard": tarfile.LNKTYPE,
        "chr": tarfile.CHRTYPE,
        "fifo": tarfile.FIFOTYPE,
    }
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as archive:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            info.type = types[kind]
            if kind == "file":
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            else:
                if kind in ("sym", "hard"):
                    info.linkname = data
                archive.addfile(info)
    return path


PAYLOAD = b"owned"
ZIP_CASES = {
    "dotdot": [("ok.txt", "file", b"fine"), ("../evil.txt", "file", PAYLOAD)],
    "dotdot-deep": [("a/b/../../../evil.txt", "file", PAYLOAD)],
    "absolute": [("ok.txt", "file", b"fine"), ("/tmp/satchel-evil.txt", "file", PAYLOAD)],
    "link-out": [("ok.txt", "file", b"fine"), ("escape", "link", b"../../outside")],
    "link-absolute": [("etc", "link", b"/etc")],
    "link-chain": [("d/up", "link", b".."), ("escape", "link", b"d/up/.."), ("ok.txt", "file", b"x")],
    "write-through-link": [
        ("inner", "dir", b""),
        ("via", "link", b"inner"),
        ("via/evil.txt", "file", PAYLOAD),
    ],
    "duplicate": [("same.txt", "file", b"one"), ("same.txt", "link", b"other.txt")],
    "duplicate-normalized": [("same.txt", "link", b"other.txt"), ("./same.txt", "file", b"one")],
    "fifo": [("pipe", "fifo", b"")],
}
TAR_CASES = {
    "dotdot": [("ok.txt", "file", b"fine"), ("../evil.txt", "file", PAYLOAD)],
    "absolute": [("/tmp/satchel-evil.txt", "file", PAYLOAD)],
    "dotdot-in-middle": [("a/../../evil.txt", "file", PAYLOAD)],
    "symlink-out": [("ok.txt", "file", b"fine"), ("escape", "sym", "../../../outside")],
    "symlink-absolute": [("passwd", "sym", "/etc/passwd")],
    "symlink-chain": [("d/up", "sym", ".."), ("escape", "sym", "d/up/..")],
    "write-through-symlink": [("out", "sym", "."), ("out/evil.txt", "file", PAYLOAD)],
    "hardlink-out": [("ok.txt", "file", b"fine"), ("hard", "hard", "/etc/passwd")],
    "hardlink-inside": [("ok.txt", "file", b"fine"), ("hard", "hard", "ok.txt")],
    "device": [("ok.txt", "file", b"fine"), ("null", "chr", "")],
    "fifo": [("pipe", "fifo", "")],
    "file-as-folder": [("f", "file", b"x"), ("f/g.txt", "file", PAYLOAD)],
}
CASES = [("zip", name, members) for name, members in ZIP_CASES.items()]
CASES += [(fmt, name, members) for fmt in ("tar", "tar.gz") for name, members in TAR_CASES.items()]


def _craft(folder: Path, archive_format: str, members) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = archives.ARCHIVE_FORMATS[archive_format]
    if archive_format == "zip":
        return _zip(folder / f"evil{suffix}", members)
    return _tar(folder / f"evil{suffix}", members, "w:gz" if archive_format == "tar.gz" else "w")


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if not path.is_dir() or path.is_symlink()]


@pytest.mark.parametrize(("archive_format", "case", "members"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_extract_refuses_before_writing_anything(tmp_path, archive_format, case, members):
    evil = _craft(tmp_path / "in", archive_format, members)
    target = tmp_path / "deep" / "er" / "target"
    target.mkdir(parents=True)
    with pytest.raises(UnpackingError, match="refusing to extract anything") as caught:
        archives.extract_archive(evil, target)
    assert evil.name in str(caught.value)
    assert list(target.iterdir()) == []
    assert _files_under(tmp_path) == [evil]
    assert not Path("/tmp/satchel-evil.txt").exists()


@pytest.mark.parametrize(("archive_format", "case", "members"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_unpacking_a_crafted_artifact_fails_and_writes_nothing(tmp_path, archive_format, case, members):
    evil = _craft(tmp_path / "in", archive_format, members)
    workspace = tmp_path / "workspace"
    with PackagersManager(installed=False, workspace=Workspace(workspace)) as manager:
        manager.collect_packagers([PathPackager], mandatory=True)
        # as an imported (untrusted) artifact that says it is a folder packed by PathPackager
        stored = Artifact(
            key="evil",
            kind="path",
            packager="satchel_pathlib.packagers.PathPackager",
            object_type="pathlib.PosixPath",
            instructions={"name": "evil", "is_dir": True, "archive_format": archive_format},
            path=str(evil),
        )
        for hint in (Path, None):
            with pytest.raises(UnpackingError, match="refusing to extract anything"):
                manager.unpack(stored, hint)
        # the same with no packager recorded: the Path packager is tried for the hint
        anonymous = Artifact(key="evil", kind="path", instructions=dict(stored.instructions), path=str(evil))
        with pytest.raises(UnpackingError, match="refusing to extract anything"):
            manager.unpack(anonymous, Path)
        assert _files_under(tmp_path) == [evil]
        # as a plain file made outside satchel: returned as the file it is, never extracted
        assert manager.unpack(str(evil), Path) == evil
        assert _files_under(tmp_path) == [evil]
    assert _files_under(tmp_path) == [evil]


def test_member_names_are_reported(tmp_path):
    evil = _zip(tmp_path / "named.zip", [("../../escape-me.txt", "file", PAYLOAD)])
    with pytest.raises(UnpackingError, match=r"named\.zip.*'\.\./\.\./escape-me\.txt'"):
        archives.extract_archive(evil, tmp_path / "t")
    assert not (tmp_path / "t").exists()


def test_harmless_dot_names_and_inside_links_are_accepted(tmp_path):
    archive = _tar(
        tmp_path / "ok.tar",
        [
            (".", "dir", ""),
            ("./a/", "dir", ""),
            ("./a/f.txt", "file", b"f"),
            ("a//g.txt", "file", b"g"),
            ("a/up", "sym", ".."),
            ("self", "sym", "."),
            ("loop1", "sym", "loop2"),
            ("loop2", "sym", "loop1"),
        ],
    )
    target = tmp_path / "t"
    archives.extract_archive(archive, target)
    assert (target / "a" / "f.txt").read_bytes() == b"f"
    assert (target / "a" / "g.txt").read_bytes() == b"g"
    assert (target / "a" / "up" / "a" / "f.txt").read_bytes() == b"f"
    assert (target / "loop1").is_symlink()


@pytest.mark.parametrize("archive_format", ["zip", "tar", "tar.gz", "tar.bz2", "tar.xz"])
def test_damaged_archives_are_an_unpacking_error(tmp_path, archive_format):
    bad = tmp_path / f"bad{archives.ARCHIVE_FORMATS[archive_format]}"
    bad.write_bytes(b"this is not an archive at all" * 10)
    with pytest.raises(UnpackingError, match="bad"):
        archives.extract_archive(bad, tmp_path / "t", archive_format)
    assert not (tmp_path / "t").exists()


def test_a_corrupt_member_midway_removes_what_was_written(tmp_path):
    archive = tmp_path / "crc.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as out:
        out.writestr("a-first.txt", b"fine")
        out.writestr("b-second.txt", b"CORRUPT-ME" * 100)
    data = bytearray(archive.read_bytes())
    where = data.index(b"CORRUPT-ME")
    data[where + 500] ^= 0xFF
    archive.write_bytes(bytes(data))
    target = tmp_path / "t"
    target.mkdir()
    with pytest.raises(UnpackingError, match=r"crc\.zip"):
        archives.extract_archive(archive, target)
    assert list(target.iterdir()) == []


def test_extraction_needs_an_empty_target(tmp_path):
    archive = _zip(tmp_path / "ok.zip", [("a.txt", "file", b"a")])
    target = tmp_path / "t"
    target.mkdir()
    (target / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UnpackingError, match="not an empty folder"):
        archives.extract_archive(archive, target)
    assert sorted(p.name for p in target.iterdir()) == ["mine.txt"]


def test_encrypted_zip_member_is_refused(tmp_path):
    archive = _zip(tmp_path / "locked.zip", [("a.txt", "file", b"a")])
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the encrypted flag
        position = data.index(signature) + offset
        data[position] |= 0x1
    archive.write_bytes(bytes(data))
    with pytest.raises(UnpackingError, match="encrypted"):
        archives.extract_archive(archive, tmp_path / "t")
    assert not (tmp_path / "t").exists()


def test_an_archive_too_big_for_the_disk_is_refused_before_writing(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "big.zip", [("a.bin", "file", b"\0" * 4096), ("b.bin", "file", b"\0" * 4096)])
    real = archives.shutil.disk_usage

    def nearly_full(path):
        return real(path)._replace(free=5000)

    monkeypatch.setattr(archives.shutil, "disk_usage", nearly_full)
    with pytest.raises(UnpackingError, match="need 8,192 bytes and only 5,000 are free") as caught:
        archives.extract_archive(archive, tmp_path / "t")
    assert not (tmp_path / "t").exists()
    assert str(caught.value).endswith("; free some space there, or extract it somewhere else")


def test_a_folder_artifact_too_big_for_the_scratch_disk_says_how_to_move_the_scratch_space(
    tmp_path, monkeypatch
):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"\0" * 4096)
    with PackagersManager(installed=False, workspace=Workspace(tmp_path / "workspace")) as manager:
        manager.collect_packagers([PathPackager], mandatory=True)
        artifact = manager.pack(folder, "data")
        real = archives.shutil.disk_usage
        monkeypatch.setattr(archives.shutil, "disk_usage", lambda path: real(path)._replace(free=100))
        with pytest.raises(UnpackingError, match="need 4,096 bytes and only 100 are free") as caught:
            manager.unpack(artifact, Path)
    message = str(caught.value)
    assert "set TMPDIR (where workspaces go by default) before Python starts" in message
    assert "workspace=satchel.packaging.workspace.Workspace(folder)" in message
    assert "SATCHEL_HOME" not in message  # nothing reads it
