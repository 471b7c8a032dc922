"""The numpy packagers (entry point `numpy`: every public Packager class here is collected).

numpy is never imported here at module level: the types are declared as dotted strings, resolved
by satchel once numpy is imported, and the helper modules (which import numpy) are imported
inside the methods.
"""

from __future__ import annotations

from typing import Any

from satchel import DefaultPackager, PackingError, UnpackingError

ARRAY_FILE_FORMATS = ("npy", "npz", "txt", "csv")
COLLECTION_FILE_FORMATS = ("npz",)


def _is_plain_array(value: Any) -> bool:
    """An ndarray (or a memmap, stored as the array it maps), not a matrix or a masked array."""
    import numpy as np

    return type(value) in (np.ndarray, np.memmap)


class NumpyArrayPackager(DefaultPackager):
    """`numpy.ndarray`: a file (npy by default; npz, txt, csv), a dataset (parquet), an object or a
    result (a JSON list, only when asked).

    Configurations of `file`: `file_format` and, for npy, `mmap_mode` ('r' or 'c'): the array is
    then memory-mapped when unpacked (for arrays larger than memory; the stored file is never
    written through).
    """

    PACKABLE_OBJECT_TYPE = "numpy.ndarray"
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """Shape, dtype and, for numbers, min, max, mean, std and a 20-bar histogram."""
        from satchel_numpy.previews import array_preview

        return array_preview(obj)

    def pack_file(
        self, obj: Any, key: str, file_format: str = "npy", mmap_mode: str | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Write the array as npy, npz, txt or csv, recording dtype, shape and memory order."""
        from satchel_numpy import dtypes, npy_format, text_format

        if file_format not in ARRAY_FILE_FORMATS:
            hint = " (for parquet use the 'dataset' artifact type)" if file_format == "parquet" else ""
            raise PackingError(
                f"{self._name()} packing {key!r}: file_format {file_format!r} is not supported{hint}; "
                f"use one of {', '.join(ARRAY_FILE_FORMATS)}"
            )
        if mmap_mode is not None:
            _check_mmap_mode(self._name(), key, obj, file_format, mmap_mode)
        instructions: dict[str, Any] = {"file_format": file_format, **dtypes.array_facts(obj)}
        path = self.staging_path(key, f".{file_format}")
        if file_format in ("npy", "npz"):
            dtypes.warn_dropped_metadata(obj, key, file_format)
            instructions["pickled"] = bool(obj.dtype.hasobject)
            if file_format == "npy":
                with open(path, "wb") as handle:
                    npy_format.write_npy(obj, handle)
            else:
                instructions["member"] = npy_format.write_npz(path, [("arr_0", obj)])[0][: -len(".npy")]
            if mmap_mode is not None:
                instructions["mmap_mode"] = mmap_mode
        else:
            instructions.update(text_format.write_text(obj, path, file_format, key))
        return path, instructions

    def unpack_file(
        self,
        item: Any,
        file_format: str | None = None,
        dtype: Any = None,
        shape: list[int] | None = None,
        order: str | None = None,
        header: bool = False,
        member: str | None = None,
        mmap_mode: str | None = None,
    ) -> Any:
        """Read the array back (a plain file made elsewhere: its format from its content or suffix)."""
        from satchel_numpy import dtypes, npy_format, parquet_format, text_format

        path = item.local_path()
        found = file_format or npy_format.sniff_format(path)
        if found == "npy":
            array = npy_format.load_npy(item, path, mmap_mode)
        elif found == "npz":
            array = _single_array(item, npy_format.load_npz(item, path), member)
        elif found in ("csv", "txt"):
            if dtype is None or shape is None:
                return text_format.read_outside_text(path, found)
            array = text_format.read_text(path, found, item.key, dtype, shape, order, header)
        elif found == "parquet":
            return parquet_format.read_outside_parquet(path, item.key)
        else:
            raise UnpackingError(
                f"{self._name()} cannot tell the format of {item.key!r} ({path}); arrays are read "
                "from npy, npz, csv, txt or parquet files"
            )
        return dtypes.restore_layout(array, dtype, order)

    def pack_dataset(self, obj: Any, key: str) -> tuple[Any, dict[str, Any]]:
        """Write a 1-D or 2-D array (or a 1-D record array) as a parquet table."""
        from satchel_numpy import dtypes, parquet_format

        path = self.staging_path(key, ".parquet")
        dtypes.warn_dropped_metadata(obj, key, "parquet")
        return path, parquet_format.write_dataset(obj, path, key)

    def unpack_dataset(
        self,
        item: Any,
        dtype: Any = None,
        shape: list[int] | None = None,
        order: str | None = None,
        schema: list[dict[str, Any]] | None = None,
    ) -> Any:
        """Read the parquet table back into the recorded array (any parquet file: see the docs)."""
        from satchel_numpy import parquet_format

        path = item.local_path()
        if dtype is None or shape is None or schema is None:
            return parquet_format.read_outside_parquet(path, item.key)
        return parquet_format.read_dataset(path, item.key, dtype, shape, order, schema)

    def pack_result(self, obj: Any, key: str) -> Any:
        """Nested lists of JSON values (see `satchel_numpy.json_values` for the non-JSON dtypes)."""
        from satchel_numpy.json_values import array_to_json

        return array_to_json(obj, key)


class NumpyMemmapPackager(DefaultPackager):
    """`numpy.memmap`: stored as npy, unpacked memory-mapped (read-only by default).

    Also how to memory-map any npy artifact or file: type-hint the input as `numpy.memmap`.
    """

    PACKABLE_OBJECT_TYPE = "numpy.memmap"
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """As for an ndarray (a large mapping is summarized from a strided sample)."""
        from satchel_numpy.previews import array_preview

        return array_preview(obj)

    def pack_file(self, obj: Any, key: str, mmap_mode: str = "r") -> tuple[Any, dict[str, Any]]:
        """Write the mapped data as npy (streamed from the mapping, never loaded whole)."""
        from satchel_numpy import dtypes, npy_format

        _check_mmap_mode(self._name(), key, obj, "npy", mmap_mode)
        path = self.staging_path(key, ".npy")
        with open(path, "wb") as handle:
            npy_format.write_npy(obj, handle)
        return path, {"file_format": "npy", **dtypes.array_facts(obj), "mmap_mode": mmap_mode}

    def unpack_file(self, item: Any, mmap_mode: str = "r") -> Any:
        """Memory-map the npy payload ('r' read-only or 'c' copy-on-write)."""
        from satchel_numpy import npy_format

        path = item.local_path()
        found = npy_format.sniff_format(path)
        if found != "npy":
            raise UnpackingError(
                f"{self._name()}: {item.key!r} is a {found or 'non-npy'} file; only npy files can "
                "be memory-mapped (hint numpy.ndarray to read it whole)"
            )
        return npy_format.load_npy(item, path, mmap_mode)


def _check_mmap_mode(name: str, key: str, obj: Any, file_format: str, mmap_mode: Any) -> None:
    from satchel_numpy.npy_format import MMAP_MODES

    if mmap_mode not in MMAP_MODES:
        raise PackingError(
            f"{name} packing {key!r}: mmap_mode {mmap_mode!r} is not allowed; use 'r' (read-only) "
            "or 'c' (copy-on-write): the stored file is never written through"
        )
    if file_format != "npy":
        raise PackingError(f"{name} packing {key!r}: mmap_mode needs file_format 'npy', not {file_format!r}")
    if obj.dtype.hasobject:
        raise PackingError(f"{name} packing {key!r}: an array of Python objects cannot be memory-mapped")


def _check_member_name(packager: str, key: str, name: str) -> None:
    """An npz member is named `<dict key>.npy`: the key must survive as a zip member name."""
    problem = None
    if "\0" in name:
        problem = "holds a NUL character"
    else:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            problem = "is not valid unicode (a lone surrogate)"
    if problem:
        raise PackingError(
            f"{packager} packing {key!r}: dict key {name!r} {problem}, so it cannot name an npz member; "
            "rename it, or log the dict as an object"
        )


def _single_array(item: Any, arrays: dict[str, Any], member: str | None) -> Any:
    if member is not None:
        if member not in arrays:
            raise UnpackingError(
                f"{item.key!r}: the npz has no array {member!r} (it has {', '.join(arrays)})"
            )
        return arrays[member]
    if len(arrays) != 1:
        raise UnpackingError(
            f"{item.key!r} is an npz holding {len(arrays)} arrays, not one; type-hint the input as "
            "dict[str, numpy.ndarray] or list[numpy.ndarray]"
        )
    return next(iter(arrays.values()))


class NumpyScalarPackager(DefaultPackager):
    """numpy scalars (`numpy.generic` and subclasses): a result (the equal Python scalar) or an object."""

    PACKABLE_OBJECT_TYPE = "numpy.generic"
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "object"

    def pack_result(self, obj: Any, key: str) -> Any:
        """The equal Python scalar; datetimes, complex and bytes as documented text forms."""
        from satchel_numpy.json_values import scalar_to_json

        return scalar_to_json(obj, key)


class _ArrayCollectionPackager(DefaultPackager):
    """Shared by the list and dict packagers: one npz, a member per array, in order."""

    PRIORITY = 4  # ahead of the builtins list/dict packagers
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def _named(self, obj: Any) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def preview(self, obj: Any, key: str, artifact_type: str) -> dict[str, Any] | None:
        """Each array's name (its npz member), shape and dtype."""
        from satchel_numpy.previews import arrays_preview

        return arrays_preview(self._named(obj))

    def _values(self, obj: Any) -> list[Any]:
        raise NotImplementedError

    def _rebuild(self, item: Any, arrays: dict[str, Any], names: list[str] | None) -> Any:
        raise NotImplementedError

    def is_packable(self, obj: Any, artifact_type: str, configurations: dict[str, Any]) -> bool:
        """Only non-empty collections made of ndarrays alone (anything else is left to others)."""
        # contents first: every list or dict packed meets this check, and most fail it at once
        return bool(obj) and self._accepts(obj) and super().is_packable(obj, artifact_type, configurations)

    def _accepts(self, obj: Any) -> bool:
        import numpy as np

        plain = (np.ndarray, np.memmap)  # as _is_plain_array, without a lookup per item
        return all(type(value) in plain for value in self._values(obj))

    def pack_file(
        self, obj: Any, key: str, file_format: str = "npz", compressed: bool = False
    ) -> tuple[Any, dict[str, Any]]:
        """Write every array as a member of one npz (deflated if `compressed`)."""
        from satchel_numpy import dtypes, npy_format

        if file_format not in COLLECTION_FILE_FORMATS:
            raise PackingError(
                f"{self._name()} packing {key!r}: file_format {file_format!r} is not supported for a "
                f"{type(obj).__qualname__} of arrays; use 'npz'"
            )
        if not isinstance(compressed, bool):
            raise PackingError(
                f"{self._name()} packing {key!r}: compressed must be true or false, got {compressed!r}"
            )
        named = self._named(obj)
        for name, value in named:
            _check_member_name(self._name(), key, name)
            dtypes.warn_dropped_metadata(value, f"{key}[{name!r}]", "npz")
        path = self.staging_path(key, ".npz")
        npy_format.write_npz(path, named, compressed)
        return path, {
            "file_format": "npz",
            "compressed": compressed,
            "names": [name for name, _ in named],
            "arrays": [dtypes.array_facts(value) for _, value in named],
            "pickled": any(value.dtype.hasobject for _, value in named),
        }

    def unpack_file(
        self,
        item: Any,
        file_format: str | None = None,
        names: list[str] | None = None,
        arrays: list[dict[str, Any]] | None = None,
    ) -> Any:
        """Read every array of the npz back, in order (any npz file: member order)."""
        from satchel_numpy import dtypes, npy_format

        path = item.local_path()
        found = file_format or npy_format.sniff_format(path)
        if found != "npz":
            raise UnpackingError(
                f"{self._name()}: {item.key!r} is a {found or 'non-npz'} file; a collection of arrays "
                "is read from an npz"
            )
        loaded = npy_format.load_npz(item, path)
        if names is not None:
            missing = [name for name in names if name not in loaded]
            if missing or len(loaded) != len(names):
                raise UnpackingError(
                    f"{item.key!r}: the npz holds {list(loaded)}, the packed arrays were {names}; "
                    "was it edited?"
                )
            facts = arrays or [{}] * len(names)
            loaded = {
                name: dtypes.restore_layout(loaded[name], fact.get("dtype"), fact.get("order"))
                for name, fact in zip(names, facts)
            }
        return self._rebuild(item, loaded, names)

    def pack_result(self, obj: Any, key: str) -> Any:
        """Each array as nested JSON lists."""
        from satchel_numpy.json_values import array_to_json

        results = [(name, array_to_json(value, f"{key}[{name!r}]")) for name, value in self._named(obj)]
        return self._json(results)

    def _json(self, results: list[tuple[str, Any]]) -> Any:
        raise NotImplementedError


class NumpyArrayListPackager(_ArrayCollectionPackager):
    """A list of ndarrays: one npz (members arr_0, arr_1, ... as `numpy.savez` names them)."""

    PACKABLE_OBJECT_TYPE = "list[numpy.ndarray]"

    def _values(self, obj: Any) -> list[Any]:
        return list(obj)

    def _named(self, obj: Any) -> list[tuple[str, Any]]:
        return [(f"arr_{index}", value) for index, value in enumerate(obj)]

    def _rebuild(self, item: Any, arrays: dict[str, Any], names: list[str] | None) -> Any:
        return list(arrays.values())

    def _json(self, results: list[tuple[str, Any]]) -> Any:
        return [value for _, value in results]


class NumpyArrayDictPackager(_ArrayCollectionPackager):
    """A dict of str to ndarray: one npz, a member `<key>.npy` per entry, key order kept."""

    PACKABLE_OBJECT_TYPE = "dict[str, numpy.ndarray]"

    def _accepts(self, obj: Any) -> bool:
        return all(type(name) is str for name in obj) and super()._accepts(obj)

    def _values(self, obj: Any) -> list[Any]:
        return list(obj.values())

    def _named(self, obj: Any) -> list[tuple[str, Any]]:
        return list(obj.items())

    def _rebuild(self, item: Any, arrays: dict[str, Any], names: list[str] | None) -> Any:
        return dict(arrays)

    def _json(self, results: list[tuple[str, Any]]) -> Any:
        return dict(results)
