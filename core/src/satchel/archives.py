"""Path payloads: files stored as they are, folders as reproducible archives, extracted safely.

Shared by every packager with a `path` artifact type (`str` in builtins, `Path` in pathlib).
An archive made twice from the same tree has the same bytes (sorted members, fixed times,
owners and modes), and extraction checks every member before writing anything.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from satchel.errors import PackingError, UnpackingError

if TYPE_CHECKING:
    from satchel.artifact import Artifact
    from satchel.packager import Packager

ARCHIVE_FORMATS = {
    "zip": ".zip",
    "tar": ".tar",
    "tar.gz": ".tar.gz",
    "tar.bz2": ".tar.bz2",
    "tar.xz": ".tar.xz",
}
_EPOCH_ZIP = (1980, 1, 1, 0, 0, 0)


def _members(folder: Path) -> list[tuple[str, Path]]:
    """`(posix relative name, path)` for everything under `folder`, sorted."""
    found = []
    for current, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in dirnames + filenames:
            path = Path(current) / name
            found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def _mode(path: Path) -> int:
    if path.is_dir():
        return 0o755
    return 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644


def write_archive(folder: Path, target: Path, archive_format: str) -> None:
    """Archive `folder` into `target`; the same tree always gives the same bytes."""
    if archive_format not in ARCHIVE_FORMATS:
        raise PackingError(
            f"unknown archive_format {archive_format!r}; use one of {', '.join(ARCHIVE_FORMATS)}"
        )
    if archive_format == "zip":
        _write_zip(folder, target)
        return
    buffer_target = open(target, "wb")  # noqa: SIM115 - closed below, after the compressor
    try:
        if archive_format == "tar.gz":
            stream: Any = gzip.GzipFile(filename="", mode="wb", fileobj=buffer_target, mtime=0)
        elif archive_format == "tar.bz2":
            stream = bz2.BZ2File(buffer_target, "wb")
        elif archive_format == "tar.xz":
            stream = lzma.LZMAFile(buffer_target, "wb")
        else:
            stream = buffer_target
        with tarfile.open(fileobj=stream, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name, path in _members(folder):
                info = archive.gettarinfo(str(path), arcname=name)
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                info.mode = 0o777 if info.issym() else _mode(path)
                info.pax_headers = {}
                if info.isfile():
                    with open(path, "rb") as handle:
                        archive.addfile(info, handle)
                else:
                    archive.addfile(info)
        if stream is not buffer_target:
            stream.close()
    finally:
        buffer_target.close()


def _write_zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in _members(folder):
            if path.is_symlink():
                info = zipfile.ZipInfo(name, _EPOCH_ZIP)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, os.readlink(path))
            elif path.is_dir():
                info = zipfile.ZipInfo(name + "/", _EPOCH_ZIP)
                info.external_attr = (stat.S_IFDIR | 0o755) << 16
                archive.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(name, _EPOCH_ZIP)
                info.external_attr = (stat.S_IFREG | _mode(path)) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)


def _check_member(name: str, link: str | None, archive: Path) -> None:
    """Refuse a member that would land outside the target folder."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or name.startswith(("/", "\\")) or ".." in pure.parts or ":" in pure.parts[0]:
        raise UnpackingError(
            f"archive {archive.name} has member {name!r} that would land outside the target "
            "folder; refusing to extract anything from it"
        )
    if link is not None:
        target = PurePosixPath(link)
        resolved = (pure.parent / target).parts
        depth = 0
        for part in resolved:
            depth += -1 if part == ".." else 0 if part == "." else 1
            if depth < 0:
                break
        if target.is_absolute() or depth < 0:
            raise UnpackingError(
                f"archive {archive.name} has link {name!r} -> {link!r} pointing outside the "
                "target folder; refusing to extract anything from it"
            )


def extract_archive(archive: Path, target: Path, archive_format: str) -> None:
    """Extract into `target` after checking every member (no absolute paths, `..`, links out)."""
    target.mkdir(parents=True, exist_ok=True)
    if archive_format == "zip":
        with zipfile.ZipFile(archive) as source:
            infos = source.infolist()
            links = {}
            for info in infos:
                link = None
                if stat.S_ISLNK(info.external_attr >> 16):
                    link = links[info.filename] = source.read(info).decode("utf-8")
                _check_member(info.filename, link, archive)
            for info in infos:
                destination = target / info.filename
                if info.filename in links:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    if destination.is_symlink() or destination.exists():
                        destination.unlink()
                    os.symlink(links[info.filename], destination)
                elif info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with source.open(info) as data, open(destination, "wb") as sink:
                        shutil.copyfileobj(data, sink, 1 << 20)
                    mode = (info.external_attr >> 16) & 0o777
                    if mode:
                        os.chmod(destination, mode)
        return
    with tarfile.open(archive, mode="r:*") as source:
        members = source.getmembers()
        for member in members:
            if not (member.isfile() or member.isdir() or member.issym()):
                raise UnpackingError(
                    f"archive {archive.name} has member {member.name!r} of an unsupported kind "
                    "(hard link or device); refusing to extract anything from it"
                )
            _check_member(member.name, member.linkname if member.issym() else None, archive)
        source.extractall(target, members=members, filter="data")


def pack_path(packager: Packager, source: str | os.PathLike[str], key: str, archive_format: str) -> tuple[Path, dict[str, Any]]:
    """Stage a file as it is, or a folder as an archive; the user's path is only read."""
    path = Path(source)
    if not path.exists():
        raise PackingError(f"cannot pack {key!r}: path {os.fspath(source)} does not exist")
    if archive_format not in ARCHIVE_FORMATS:
        raise PackingError(
            f"cannot pack {key!r}: unknown archive_format {archive_format!r}; use one of "
            f"{', '.join(ARCHIVE_FORMATS)}"
        )
    if path.is_dir():
        target = packager.staging_path(key, ARCHIVE_FORMATS[archive_format])
        write_archive(path, target, archive_format)
        return target, {"name": path.name, "is_dir": True, "archive_format": archive_format}
    target = packager.staging_path(key, "".join(path.suffixes[-2:]))
    shutil.copyfile(path, target)
    return target, {"name": path.name, "is_dir": False}


def unpack_path(packager: Packager, item: Artifact, is_dir: bool = False, archive_format: str | None = None) -> str:
    """The local path of a `path` artifact: the stored file, or the folder extracted anew."""
    local = Path(item.local_path())
    if not is_dir:
        return str(local)
    if archive_format not in ARCHIVE_FORMATS:
        raise UnpackingError(f"artifact {item.key!r} records an unknown archive format {archive_format!r}")
    target = packager.staging_path(item.key)
    extract_archive(local, target, archive_format)
    return str(target)
