"""Path payloads: files stored as they are, folders as reproducible archives, extracted safely.

Shared by every packager with a `path` artifact type (`str` in builtins, `Path` in pathlib).

- An archive made twice from the same tree has the same bytes, whenever the tree was copied:
  members sorted by name, times fixed, owners empty, modes reduced to 0o755 / 0o644 (the exec
  bit is kept), symlinks stored as links. Files are streamed, never read into memory.
- Packing only reads the user's path. Special files (FIFOs, sockets, devices) and symlinks that
  lead out of the folder are a `PackingError` naming them.
- Extraction checks every member before anything is written: an absolute name, a `..`, a
  symlink that resolves outside the target (also through other symlinks), a member written
  through a symlink, a duplicate, a hard link or a device is an `UnpackingError`.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from satchel.errors import PackingError, UnpackingError

if TYPE_CHECKING:  # the archive modules are imported when used: collecting packagers stays cheap
    import tarfile
    import zipfile


class Stager(Protocol):
    """What writes a payload: a packager in a call (`satchel.Packager.staging_path`)."""

    def staging_path(self, key: str, suffix: str = "") -> Path:
        """Where to write the payload of `key`."""


class StoredItem(Protocol):
    """What holds a payload: a `satchel.Artifact`."""

    key: str

    def local_path(self) -> str:
        """The payload on this machine."""


ARCHIVE_FORMATS = {
    "zip": ".zip",
    "tar": ".tar",
    "tar.gz": ".tar.gz",
    "tar.bz2": ".tar.bz2",
    "tar.xz": ".tar.xz",
}
_EPOCH_ZIP = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20
_MAX_LINK_HOPS = 64  # more than any OS follows (Linux: 40), so what it resolves we resolve
_MAX_LINK_BYTES = 4096
_SPECIAL_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class _UnsafeError(Exception):
    """A tree or archive that would reach outside its folder (the caller adds context)."""


@dataclass(frozen=True)
class _Entry:
    """One member of a tree: relative name parts, kind (`file`, `dir`, `link`), mode, link."""

    parts: tuple[str, ...]
    kind: str
    mode: int = 0o644
    link: str | None = None
    source: Any = None  # the file on disk (packing) or the archive member (extracting)
    size: int = 0  # bytes a file member extracts to (extracting only)

    @property
    def name(self) -> str:
        return "/".join(self.parts)


# -- packing ----------------------------------------------------------------------------------


def pack_path(
    packager: Stager, source: str | os.PathLike[str], key: str, archive_format: str
) -> tuple[Path, dict[str, Any]]:
    """Stage a file as it is, or a folder as an archive; the user's path is only read.

    Returns the staged payload and the instructions `unpack_path` takes
    (`name`, `is_dir`, and `archive_format` for a folder).
    """
    path = Path(source)
    name = os.path.basename(os.path.abspath(path))
    if archive_format not in ARCHIVE_FORMATS:
        raise PackingError(
            f"cannot pack {key!r}: unknown archive_format {archive_format!r}; use one of "
            f"{', '.join(ARCHIVE_FORMATS)}"
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        broken = " (a broken symbolic link)" if os.path.islink(path) else ""
        raise PackingError(f"cannot pack {key!r}: path {os.fspath(source)} does not exist{broken}") from None
    except OSError as error:
        raise PackingError(f"cannot pack {key!r}: cannot read {os.fspath(source)}: {error}") from None
    if stat.S_ISDIR(info.st_mode):
        target = packager.staging_path(key, ARCHIVE_FORMATS[archive_format])
        try:
            write_archive(path, target, archive_format)
        except PackingError as error:
            raise PackingError(f"cannot pack {key!r}: {error}") from None
        return target, {"name": name, "is_dir": True, "archive_format": archive_format}
    if not stat.S_ISREG(info.st_mode):
        raise PackingError(
            f"cannot pack {key!r}: {os.fspath(source)} is {_kind_text(info.st_mode)}; only "
            "regular files and directories can be packed"
        )
    target = packager.staging_path(key, _suffix(name))
    shutil.copyfile(path, target)  # streamed by the OS (sendfile), never read into memory
    os.chmod(target, _normal_mode(info.st_mode))
    return target, {"name": name, "is_dir": False}


def _suffix(name: str) -> str:
    """The file's extension for the staged name: `.csv`, `.tar.gz`; empty if unusual."""
    stem, dot, last = name.rpartition(".")
    if not (stem and dot and 0 < len(last) <= 16 and last.replace("_", "").isalnum() and last.isascii()):
        return ""
    if last in ("gz", "bz2", "xz", "zst") and stem.endswith(".tar"):
        return f".tar.{last}"
    return f".{last}"


def _normal_mode(mode: int) -> int:
    """The reproducible mode: 0o755 when the owner may execute (or a folder), else 0o644."""
    return 0o755 if stat.S_ISDIR(mode) or mode & stat.S_IXUSR else 0o644


def _kind_text(mode: int) -> str:
    return _SPECIAL_KINDS.get(stat.S_IFMT(mode), f"a special file (mode {stat.filemode(mode)})")


def scan_tree(folder: str | os.PathLike[str]) -> list[_Entry]:
    """Every member under `folder`, sorted by name, checked to stay inside it.

    An absolute symlink that resolves inside the folder is stored relative, so the tree still
    works once extracted elsewhere. Raises `PackingError` for special files, symlinks leading
    out of the folder and folders that cannot be read.
    """
    root = Path(folder)
    absolute = os.path.abspath(root)
    bases = {absolute, os.path.realpath(root)}
    entries: list[_Entry] = []
    pending: list[tuple[tuple[str, ...], str]] = [((), os.fspath(root))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as iterator:
                children = list(iterator)
        except OSError as error:
            raise PackingError(f"cannot read folder {directory}: {error}") from None
        for child in children:
            parts = (*prefix, child.name)
            info = child.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                link = _relative_link(os.readlink(child.path), child.path, absolute, bases)
                entries.append(_Entry(parts, "link", 0o777, link, child.path))
            elif stat.S_ISDIR(info.st_mode):
                entries.append(_Entry(parts, "dir", 0o755, None, child.path))
                pending.append((parts, child.path))
            elif stat.S_ISREG(info.st_mode):
                entries.append(_Entry(parts, "file", _normal_mode(info.st_mode), None, child.path))
            else:
                raise PackingError(
                    f"{child.path} is {_kind_text(info.st_mode)}; a packed folder may hold only "
                    "files, folders and symbolic links: move it out, or pack the files you need"
                )
    entries.sort(key=lambda entry: entry.parts)
    try:
        check_members(entries)
    except _UnsafeError as error:
        raise PackingError(
            f"{error} (in {os.fspath(folder)}), so it would not work once extracted elsewhere: "
            "replace the link by what it points to, or pack the folder that holds both"
        ) from None
    return entries


def _relative_link(link: str, location: str, root: str, bases: set[str]) -> str:
    """`link` as stored: an absolute target inside the folder becomes relative to the link."""
    if not os.path.isabs(link):
        return link
    target = os.path.normpath(link)
    here = os.path.relpath(os.path.dirname(os.path.abspath(location)), root)  # the link's folder
    for base in sorted(bases):
        if target == base or target.startswith(base.rstrip(os.sep) + os.sep):
            return Path(os.path.relpath(target, os.path.join(base, here))).as_posix()
    return link


def write_archive(
    folder: str | os.PathLike[str], target: str | os.PathLike[str], archive_format: str
) -> None:
    """Archive `folder` into `target`; the same tree always gives the same bytes."""
    if archive_format not in ARCHIVE_FORMATS:
        raise PackingError(
            f"unknown archive_format {archive_format!r}; use one of {', '.join(ARCHIVE_FORMATS)}"
        )
    entries = scan_tree(folder)
    if archive_format == "zip":
        _write_zip(entries, Path(target))
    else:
        _write_tar(entries, Path(target), archive_format)


def _write_zip(entries: list[_Entry], target: Path) -> None:
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            name = entry.name + ("/" if entry.kind == "dir" else "")
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                raise PackingError(
                    f"{entry.source} has a name that is not valid UTF-8, which zip cannot "
                    "store; rename it, or use archive_format='tar'"
                ) from None
            info = zipfile.ZipInfo(name, _EPOCH_ZIP)
            info.create_system = 3  # unix, whatever the platform: the bytes must not depend on it
            if entry.kind == "link":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, (entry.link or "").encode("utf-8", "surrogateescape"))
            elif entry.kind == "dir":
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10  # MS-DOS directory flag
                archive.writestr(info, b"")
            else:
                info.external_attr = (stat.S_IFREG | entry.mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(entry.source, "rb") as source:
                    info.file_size = os.fstat(source.fileno()).st_size  # zip64 when it needs it
                    with archive.open(info, "w") as sink:
                        shutil.copyfileobj(source, sink, _CHUNK)


@contextmanager
def _compressed_writer(target: Path, archive_format: str) -> Iterator[BinaryIO]:
    """A stream writing `target` compressed as `archive_format`, with no time or name inside."""
    with open(target, "wb") as raw:
        if archive_format == "tar":
            yield raw
            return
        with _compressor(raw, archive_format) as stream:
            yield stream


def _compressor(raw: BinaryIO, archive_format: str) -> Any:
    import bz2
    import gzip
    import lzma

    if archive_format == "tar.gz":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    if archive_format == "tar.bz2":
        return bz2.BZ2File(raw, "wb")
    return lzma.LZMAFile(raw, "wb")


def _write_tar(entries: list[_Entry], target: Path, archive_format: str) -> None:
    import tarfile

    with (
        _compressed_writer(target, archive_format) as stream,
        tarfile.open(
            fileobj=stream, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape"
        ) as archive,
    ):
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            info.mode = entry.mode
            if entry.kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, entry.link or ""
                archive.addfile(info)
            elif entry.kind == "dir":
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                with open(entry.source, "rb") as source:
                    info.size = os.fstat(source.fileno()).st_size
                    archive.addfile(info, source)


# -- checking ---------------------------------------------------------------------------------


def check_members(entries: list[_Entry]) -> None:
    """Raise `_UnsafeError` unless every member and every symlink stays inside the folder.

    Symlink targets are resolved against the members themselves (following links in the
    archive), so a chain of links that each look harmless cannot lead out either.
    """
    members: dict[tuple[str, ...], _Entry] = {}
    for entry in entries:
        if entry.parts in members:
            raise _UnsafeError(
                f"member {entry.name!r} appears twice (the second would overwrite or redirect the first)"
            )
        members[entry.parts] = entry
    for entry in entries:
        for depth in range(1, len(entry.parts)):
            parent = members.get(entry.parts[:depth])
            if parent is not None and parent.kind != "dir":
                if parent.kind == "link":
                    raise _UnsafeError(
                        f"member {entry.name!r} would be written through symbolic link {parent.name!r}"
                    )
                raise _UnsafeError(f"member {entry.name!r} lies under {parent.name!r}, which is a file")
        if entry.kind == "link":
            _check_link(entry, members)


def _check_link(entry: _Entry, members: dict[tuple[str, ...], _Entry]) -> None:
    link = entry.link or ""
    if not link or "\0" in link:
        raise _UnsafeError(f"symbolic link {entry.name!r} has an invalid target {link!r}")
    if _is_absolute(link):
        raise _UnsafeError(
            f"symbolic link {entry.name!r} points outside the folder, to absolute path {link!r}"
        )
    where = list(entry.parts[:-1])
    queue = _split(link)
    hops = 0
    while queue:
        part = queue.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not where:
                raise _UnsafeError(f"symbolic link {entry.name!r} -> {link!r} leads outside the folder")
            where.pop()
            continue
        where.append(part)
        member = members.get(tuple(where))
        if member is not None and member.kind == "link":
            hops += 1
            if hops > _MAX_LINK_HOPS:
                return  # a loop: the OS refuses to follow it, so it leads nowhere
            target = member.link or ""
            if _is_absolute(target):
                raise _UnsafeError(
                    f"symbolic link {entry.name!r} -> {link!r} leads outside the folder, through "
                    f"{member.name!r} to absolute path {target!r}"
                )
            where.pop()
            queue = _split(target) + queue


def _split(name: str) -> list[str]:
    """Path parts of an archive name or link, split on `/` and on this OS's separators."""
    for separator in {os.sep, os.altsep or "/"} - {"/"}:
        name = name.replace(separator, "/")
    return name.split("/")


def _is_absolute(name: str) -> bool:
    if name.startswith(("/", "\\")) or os.path.isabs(name):
        return True
    return os.name == "nt" and len(name) > 1 and name[1] == ":"


def _member_parts(name: str, kind: str) -> tuple[str, ...]:
    """The normalized parts of an archive member's name; `_UnsafeError` if it would land outside."""
    if "\0" in name:
        raise _UnsafeError(f"member {name!r} has a NUL character in its name")
    if _is_absolute(name):
        raise _UnsafeError(f"member {name!r} would land outside the folder (its name is absolute)")
    parts = tuple(part for part in _split(name) if part not in ("", "."))
    if ".." in parts:
        raise _UnsafeError(f"member {name!r} would land outside the folder (it climbs out with '..')")
    if not parts and kind != "dir":
        raise _UnsafeError(f"member {name!r} has an empty name")
    return parts


# -- extracting -------------------------------------------------------------------------------


def extract_archive(
    archive: str | os.PathLike[str], target: str | os.PathLike[str], archive_format: str | None = None
) -> None:
    """Extract into `target` (absent or empty) after checking every member.

    `archive_format` defaults to the one the file name says. Nothing is written when a member
    is unsafe or the archive cannot be read; a failure midway removes what was written.
    """
    _extract(Path(archive), archive_format, lambda: Path(target), "extract it somewhere else")


#: Where the folder of an unpacked `path` artifact goes: the manager's workspace (scratch space).
_SCRATCH_ADVICE = (
    "give satchel scratch space on a bigger disk: set TMPDIR (where workspaces go by default) "
    "before Python starts, or pass workspace=satchel.packaging.workspace.Workspace(folder) to "
    "PackagersManager"
)


def _extract(
    archive: Path, archive_format: str | None, target_of: Callable[[], Path], elsewhere: str
) -> Path:
    archive_format = archive_format or archive_format_of(archive)
    if archive_format not in ARCHIVE_FORMATS:
        raise UnpackingError(
            f"cannot extract {archive.name}: unknown archive format {archive_format!r}; "
            f"satchel reads {', '.join(ARCHIVE_FORMATS)}"
        )
    with _reading(archive, archive_format) as reader:
        entries = reader.entries()
        try:
            check_members(entries)
        except _UnsafeError as error:
            raise UnpackingError(
                f"archive {archive.name}: {error}; refusing to extract anything from it"
            ) from None
        target = target_of()
        _check_space(archive, entries, target, elsewhere)
        created = not target.exists()
        if not created and (not target.is_dir() or any(target.iterdir())):
            raise UnpackingError(f"cannot extract {archive.name} into {target}: it is not an empty folder")
        target.mkdir(parents=True, exist_ok=True)
        try:
            _write_entries(entries, target, reader.open)
        except BaseException:
            _empty(target, remove=created)
            raise
    return target


def _check_space(archive: Path, entries: list[_Entry], target: Path, elsewhere: str) -> None:
    """Refuse an archive whose files would not fit (a bomb, or a full disk) before writing."""
    needed = sum(entry.size for entry in entries if entry.kind == "file")
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if needed > free:
        raise UnpackingError(
            f"cannot extract {archive.name}: its files need {needed:,} bytes and only {free:,} are "
            f"free where it would go ({existing}); free some space there, or {elsewhere}"
        )


def _write_entries(entries: list[_Entry], target: Path, open_member: Callable[[_Entry], BinaryIO]) -> None:
    """Folders first, then files (never through a link: links are made last), then links."""
    folders = {entry.parts[:depth] for entry in entries for depth in range(1, len(entry.parts))}
    folders |= {entry.parts for entry in entries if entry.kind == "dir" and entry.parts}
    for parts in sorted(folders):
        (target.joinpath(*parts)).mkdir(exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for entry in entries:
        if entry.kind != "file":
            continue
        mode = 0o777 if entry.mode & stat.S_IXUSR else 0o666  # the umask applies, as for any file
        descriptor = os.open(target.joinpath(*entry.parts), flags, mode)
        with open(descriptor, "wb") as sink, open_member(entry) as data:
            shutil.copyfileobj(data, sink, _CHUNK)
    for entry in entries:
        if entry.kind == "link":
            os.symlink(entry.link or "", target.joinpath(*entry.parts))


def _empty(target: Path, *, remove: bool) -> None:
    if remove:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


class _Reader:
    """The members of an open archive as `_Entry`s, and a way to read a file member."""

    def entries(self) -> list[_Entry]:
        raise NotImplementedError

    def open(self, entry: _Entry) -> BinaryIO:
        raise NotImplementedError


class _ZipReader(_Reader):
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive, self.name = archive, name

    def entries(self) -> list[_Entry]:
        entries = []
        for info in self.archive.infolist():
            unix = info.external_attr >> 16
            kind_bits = stat.S_IFMT(unix)
            if kind_bits == stat.S_IFLNK:
                kind = "link"
            elif info.is_dir() or kind_bits == stat.S_IFDIR:
                kind = "dir"
            elif kind_bits in (0, stat.S_IFREG):
                kind = "file"
            else:
                raise _unsupported(self.name, info.filename, _kind_text(unix))
            if info.flag_bits & 0x1:
                raise UnpackingError(
                    f"archive {self.name}: member {info.filename!r} is encrypted; satchel "
                    "extracts only unencrypted archives"
                )
            link = None
            if kind == "link":
                if info.file_size > _MAX_LINK_BYTES:
                    raise _unsupported(self.name, info.filename, "a symbolic link with a huge target")
                link = self.archive.read(info).decode("utf-8", "surrogateescape")
            parts = _parts_or_raise(self.name, info.filename, kind)
            if parts:
                entries.append(_Entry(parts, kind, unix & 0o777 or 0o644, link, info, info.file_size))
        return entries

    def open(self, entry: _Entry) -> BinaryIO:
        return self.archive.open(entry.source)  # type: ignore[return-value]


class _TarReader(_Reader):
    def __init__(self, archive: tarfile.TarFile, name: str) -> None:
        self.archive, self.name = archive, name

    def entries(self) -> list[_Entry]:
        entries = []
        for member in self.archive.getmembers():
            if member.isfile():
                kind, link = "file", None
            elif member.isdir():
                kind, link = "dir", None
            elif member.issym():
                kind, link = "link", member.linkname
            elif member.islnk():
                raise _unsupported(self.name, member.name, f"a hard link (to {member.linkname!r})")
            else:
                raise _unsupported(self.name, member.name, "a device or a named pipe")
            parts = _parts_or_raise(self.name, member.name, kind)
            if parts:
                entries.append(_Entry(parts, kind, member.mode & 0o777, link, member, member.size))
        return entries

    def open(self, entry: _Entry) -> BinaryIO:
        stream = self.archive.extractfile(entry.source)
        assert stream is not None  # a regular file member always has data
        return stream  # type: ignore[return-value]


def _parts_or_raise(archive_name: str, name: str, kind: str) -> tuple[str, ...]:
    try:
        return _member_parts(name, kind)
    except _UnsafeError as error:
        raise UnpackingError(
            f"archive {archive_name}: {error}; refusing to extract anything from it"
        ) from None


def _unsupported(archive_name: str, name: str, what: str) -> UnpackingError:
    return UnpackingError(
        f"archive {archive_name}: member {name!r} is {what}, which satchel does not extract "
        "(only files, folders and symbolic links inside the folder); refusing to extract anything"
    )


@contextmanager
def _reading(archive: Path, archive_format: str) -> Iterator[_Reader]:
    """Open `archive`; any failure to read it becomes an `UnpackingError` naming it."""
    import lzma
    import tarfile
    import zipfile
    import zlib

    damaged = (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError)
    try:
        if archive_format == "zip":
            with zipfile.ZipFile(archive) as opened_zip:
                yield _ZipReader(opened_zip, archive.name)
        else:
            with tarfile.open(archive, mode="r:*", encoding="utf-8", errors="surrogateescape") as opened_tar:
                yield _TarReader(opened_tar, archive.name)
    except UnpackingError:
        raise
    except (*damaged, OSError, RuntimeError, ValueError, NotImplementedError) as error:
        advice = "; the archive is damaged or of another format" if isinstance(error, damaged) else ""
        raise UnpackingError(
            f"cannot extract {archive.name} as {archive_format}: {type(error).__name__}: {error}{advice}"
        ) from error


def archive_format_of(path: str | os.PathLike[str]) -> str | None:
    """The archive format a file name says (`x.tar.gz` -> `tar.gz`), or None."""
    name = os.fspath(path).lower()
    for archive_format, suffix in sorted(ARCHIVE_FORMATS.items(), key=lambda item: -len(item[1])):
        if name.endswith(suffix):
            return archive_format
    for suffix, archive_format in ((".tgz", "tar.gz"), (".tbz2", "tar.bz2"), (".txz", "tar.xz")):
        if name.endswith(suffix):
            return archive_format
    return None


# -- unpacking --------------------------------------------------------------------------------


def _is_name(name: str) -> bool:
    """A plain file name (what pack_path records), never a path that leads elsewhere."""
    return name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _named_link(stored: Path, target: Path) -> Path:
    """`target` as the stored file under another name: a hard link (the same bytes, no copy),
    else a symbolic link, else a copy (another filesystem that has no links)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(stored, target)
    except OSError:
        try:
            os.symlink(stored, target)
        except OSError:
            shutil.copyfile(stored, target)
    return target


def unpack_path(
    packager: Stager,
    item: StoredItem,
    is_dir: bool = False,
    archive_format: str | None = None,
    name: str | None = None,
) -> str:
    """The local path of a `path` artifact: the stored file, or the folder extracted anew.

    A folder is extracted into a fresh scratch folder on every call. A file whose payload is
    stored under another name (a store keeps payloads under their hash) comes back under its
    own `name`, as a link to the stored file in a scratch folder: read it, never write it. A
    plain file or folder made outside satchel is returned as it is.
    """
    local = Path(item.local_path())
    if local.is_dir():
        return str(local)
    if not is_dir:
        if not name or name == local.name or not _is_name(name):
            return str(local)
        return str(_named_link(local, packager.staging_path(item.key) / name))
    archive_format = archive_format or archive_format_of(local)
    if archive_format not in ARCHIVE_FORMATS:
        raise UnpackingError(
            f"artifact {item.key!r} records an unknown archive format {archive_format!r}; "
            f"satchel reads {', '.join(ARCHIVE_FORMATS)}"
        )
    try:
        return str(_extract(local, archive_format, lambda: packager.staging_path(item.key), _SCRATCH_ADVICE))
    except UnpackingError as error:
        raise UnpackingError(f"cannot unpack {item.key!r}: {error}") from error.__cause__
