"""npy and npz files: written once straight to their path, read once, object arrays only when trusted.

Arrays are written with `numpy.lib.format.write_array` on an open file, which hands contiguous
data to the operating system without a copy (`ndarray.tofile`). npz files are zip archives
written member by member, uncompressed by default, with fixed timestamps so that the same arrays
always give the same bytes (and the same hash).
"""

from __future__ import annotations

import ast
import io
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.lib import format as npy

from satchel import Artifact, UnpackingError
from satchel_numpy.dtypes import quiet_numpy_format

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
PARQUET_MAGIC = b"PAR1"
MMAP_MODES = ("r", "c")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MEMBER_CHUNK = 16 << 20
_HEADER_LENGTH_FORMATS = {1: "<H", 2: "<I", 3: "<I"}
UNTRUSTED_HEADER_LIMIT = 10_000  # numpy's own limit for files it does not trust
TRUSTED_HEADER_LIMIT = 1 << 62


def write_npy(array: np.ndarray, handle: BinaryIO) -> None:
    """Write `array` as npy to an open binary file (object arrays pickled inside, as numpy does).

    A plain file gets `numpy.lib.format.write_array`, which reserves the space and hands the data
    to the OS without a copy (`ndarray.tofile`). Other file objects (a zip member) get contiguous
    plain arrays straight from their buffer, in chunks: there `write_array` would copy each
    16 MB chunk first.
    """
    plain_file = isinstance(handle, (io.FileIO, io.BufferedWriter))
    contiguous = array.flags.c_contiguous or array.flags.f_contiguous
    if (
        plain_file
        or not contiguous
        or array.dtype.hasobject
        or array.dtype.names is not None
        or array.ndim == 0
    ):
        with quiet_numpy_format():
            npy.write_array(handle, array, allow_pickle=array.dtype.hasobject)
        return
    with quiet_numpy_format():
        npy.write_array_header_1_0(handle, npy.header_data_from_array_1_0(array))
    in_file_order = array if array.flags.c_contiguous else array.T
    data = memoryview(in_file_order.reshape(-1).view(np.uint8)) if array.size else memoryview(b"")
    for start in range(0, len(data), _MEMBER_CHUNK):
        handle.write(data[start : start + _MEMBER_CHUNK])


def header_limit(item: Artifact) -> int:
    """The largest npy header parsed for `item` (a guard against hostile files it did not make)."""
    return TRUSTED_HEADER_LIMIT if item.trusted else UNTRUSTED_HEADER_LIMIT


def read_npy_header(
    handle: Any, limit: int = UNTRUSTED_HEADER_LIMIT
) -> tuple[tuple[int, ...], bool, np.dtype]:
    """`(shape, fortran_order, dtype)` from an npy stream, leaving it just after the header."""
    major, _minor = npy.read_magic(handle)
    length_format = _HEADER_LENGTH_FORMATS.get(major)
    if length_format is None:
        raise ValueError(f"unsupported npy format version {major}")
    (length,) = struct.unpack(length_format, _read_exactly(handle, struct.calcsize(length_format)))
    if length > limit:
        raise ValueError(f"its header is {length} bytes, more than the {limit} read from untrusted files")
    text = _read_exactly(handle, length).decode("utf-8" if major >= 3 else "latin1")
    header = ast.literal_eval(text)
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise ValueError(f"not an npy header: {text[:200]!r}")
    return tuple(header["shape"]), bool(header["fortran_order"]), npy.descr_to_dtype(header["descr"])


def _read_exactly(handle: Any, count: int) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise ValueError("the file ends inside the npy header")
    return data


def npy_dtype(path: str | Path, limit: int = UNTRUSTED_HEADER_LIMIT) -> np.dtype:
    """The dtype an npy file holds, read from its header alone."""
    with open(path, "rb") as handle:
        return read_npy_header(handle, limit)[2]


def load_npy(item: Artifact, path: str | Path, mmap_mode: str | None = None) -> np.ndarray:
    """Read an npy file once; object arrays only after `item.check_unpickling_allowed()`.

    With `mmap_mode` ('r' read-only, 'c' copy-on-write) the array is memory-mapped: the file is
    never written through.
    """
    if mmap_mode is not None and mmap_mode not in MMAP_MODES:
        raise UnpackingError(
            f"{item.key!r}: mmap_mode {mmap_mode!r} could write through to the stored file; "
            f"only {' or '.join(map(repr, MMAP_MODES))} are allowed"
        )
    limit = header_limit(item)
    try:
        dtype = npy_dtype(path, limit)
    except ValueError as error:
        raise UnpackingError(f"{item.key!r} is not a valid npy file ({path}): {error}") from error
    if dtype.hasobject:
        if mmap_mode is not None:
            raise UnpackingError(
                f"{item.key!r} holds Python objects ({dtype}), which cannot be memory-mapped"
            )
        item.check_unpickling_allowed()
        return np.load(path, allow_pickle=True)
    return np.load(path, mmap_mode=mmap_mode, allow_pickle=False, max_header_size=limit)


def write_npz(path: Path, arrays: Iterable[tuple[str, np.ndarray]], compressed: bool = False) -> list[str]:
    """Write `(name, array)` pairs as members `<name>.npy` of an npz; return the member names."""
    members = []
    compression = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=compression, allowZip64=True) as archive:
        for name, array in arrays:
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as member:
                write_npy(array, member)
            members.append(info.filename)
    return members


def load_npz(item: Artifact, path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an npz, by name (member name without `.npy`), in the archive's order.

    Object arrays are unpickled only after `item.check_unpickling_allowed()`.
    """
    arrays: dict[str, np.ndarray] = {}
    limit = header_limit(item)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise UnpackingError(f"{item.key!r} is not a valid npz file ({path}): {error}") from error
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        dtypes = {}
        for info in infos:
            with archive.open(info) as member:
                try:
                    dtypes[info.filename] = read_npy_header(member, limit)[2]
                except ValueError as error:
                    raise UnpackingError(
                        f"{item.key!r}: member {info.filename!r} of {path} is not an npy array: {error}"
                    ) from error
        pickled = any(dtype.hasobject for dtype in dtypes.values())
        if pickled:
            item.check_unpickling_allowed()
        for info in infos:
            name = info.filename[: -len(".npy")] if info.filename.endswith(".npy") else info.filename
            with archive.open(info) as member:
                arrays[name] = npy.read_array(member, allow_pickle=pickled, max_header_size=limit)
    return arrays


def sniff_format(path: str | Path) -> str | None:
    """The format of a file made outside satchel: npy, npz or parquet by content, else by suffix."""
    path = Path(path)
    if path.is_file():
        with open(path, "rb") as handle:
            head = handle.read(8)
        if head.startswith(NPY_MAGIC):
            return "npy"
        if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
            return "npz"
        if head.startswith(PARQUET_MAGIC):
            return "parquet"
    suffix = path.suffix.lower().lstrip(".")
    return {"pq": "parquet", "tsv": "txt", "dat": "txt"}.get(suffix, suffix) or None
