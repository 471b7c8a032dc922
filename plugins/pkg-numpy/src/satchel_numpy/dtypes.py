"""dtypes, shapes and memory order as JSON instructions, and back, without losing anything npy keeps."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.lib import format as npy

from satchel import SatchelWarning


@contextmanager
def quiet_numpy_format() -> Iterator[None]:
    """Silence numpy's notes about npy format versions and dtype metadata (we warn ourselves)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Stored array in format", category=UserWarning)
        warnings.filterwarnings("ignore", message="metadata on a dtype", category=UserWarning)
        yield


def dtype_to_json(dtype: np.dtype) -> Any:
    """A JSON value for `dtype`: numpy's npy descriptor with lists for tuples.

    Aligned structs are recorded as ``{"descr": ..., "aligned": true}``, since the descriptor
    keeps their offsets but not the flag.
    """
    with quiet_numpy_format():
        descr = _to_lists(npy.dtype_to_descr(dtype))
    if dtype.isalignedstruct:
        return {"descr": descr, "aligned": True}
    return descr


def dtype_from_json(value: Any) -> np.dtype:
    """The dtype `dtype_to_json` recorded."""
    aligned = False
    if isinstance(value, dict):
        aligned, value = bool(value.get("aligned")), value["descr"]
    dtype = npy.descr_to_dtype(_descr_from_json(value))
    if aligned and dtype.names is not None:
        fields = {
            "names": list(dtype.names),
            "formats": [dtype.fields[name][0] for name in dtype.names],
            "offsets": [dtype.fields[name][1] for name in dtype.names],
            "itemsize": dtype.itemsize,
        }
        titles = [dtype.fields[name][2] if len(dtype.fields[name]) > 2 else None for name in dtype.names]
        if any(title is not None for title in titles):
            fields["titles"] = titles
        dtype = np.dtype(fields, align=True)
    return dtype


def _to_lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_to_lists(item) for item in value]
    return value


def _descr_from_json(value: Any) -> Any:
    """Undo `_to_lists`: a structured descriptor is a list of (name, format[, shape]) tuples."""
    if isinstance(value, str):
        return value
    fields = []
    for field in value:
        name, fmt, *shape = field
        name = tuple(name) if isinstance(name, list) else name
        entry = (name, _descr_from_json(fmt), *(tuple(s) for s in shape))
        fields.append(entry)
    return fields


def memory_order(array: np.ndarray) -> str:
    """`"F"` for a Fortran-contiguous array that is not also C-contiguous, else `"C"`."""
    return "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"


def array_facts(array: np.ndarray) -> dict[str, Any]:
    """The instructions every array artifact records: dtype, shape and memory order."""
    return {"dtype": dtype_to_json(array.dtype), "shape": list(array.shape), "order": memory_order(array)}


def restore_layout(array: np.ndarray, dtype: Any = None, order: str | None = None) -> np.ndarray:
    """Give a loaded array back the recorded dtype flags (aligned structs) and memory order."""
    if dtype is not None:
        wanted = dtype_from_json(dtype)
        if wanted.isalignedstruct != array.dtype.isalignedstruct and wanted == array.dtype:
            array = array.view(wanted)
    if order == "F" and not array.flags.f_contiguous:
        array = np.asfortranarray(array)
    elif order == "C" and not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)
    return array


def warn_dropped_metadata(array: np.ndarray, key: str, where: str) -> None:
    """Warn that dtype metadata (``np.dtype(float, metadata={...})``) is not kept by `where`."""
    if _has_metadata(array.dtype):
        warnings.warn(
            f"{key!r}: the dtype metadata of this {array.dtype} array is not stored in {where}; "
            "it comes back without it (log it as 'object' to keep it)",
            SatchelWarning,
            stacklevel=4,
        )


def _has_metadata(dtype: np.dtype) -> bool:
    if dtype.metadata:
        return True
    if dtype.fields:
        return any(_has_metadata(field[0]) for field in dtype.fields.values())
    if dtype.subdtype is not None:
        return _has_metadata(dtype.subdtype[0])
    return False
