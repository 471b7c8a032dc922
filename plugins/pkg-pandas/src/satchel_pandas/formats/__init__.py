"""The file formats a frame or Series can be packed into, and how each is recognised by suffix.

Each format module gives `write(obj, path, schema) -> Written` (what the reader needs besides the
schema, and what the format lost) and `read(path, schema, layout) -> obj`, plus `read_plain(path)`
for files made outside satchel (no schema: the library's defaults).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from satchel.errors import PackingError, UnpackingError


@dataclass
class Written:
    """What a writer reports: the layout the reader needs, and each thing the format lost."""

    layout: dict[str, Any] = field(default_factory=dict)
    losses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FileFormat:
    """A format: its name (the `file_format` configuration), suffix, module and optional library."""

    name: str
    suffix: str
    module: str
    library: str | None = None
    pip_name: str | None = None
    #: Whether the file keeps an Arrow dictionary as it is (order, unused entries).
    keeps_dictionaries: bool = False
    #: Whether the file pickles Python objects (keeps them, and their missing values, exactly).
    pickles_objects: bool = False

    def _functions(self) -> Any:
        return importlib.import_module(f"satchel_pandas.formats.{self.module}")

    def write(self, obj: Any, path: Path, schema: Any) -> Written:
        """Write `obj` to `path` (once, straight there)."""
        return self._functions().WRITERS[self.name](obj, path, schema)

    def read(self, path: str, schema: Any, layout: dict[str, Any]) -> Any:
        """Read what `write` wrote, exactly as recorded by `schema`."""
        return self._functions().READERS[self.name](path, schema, layout)

    def read_plain(self, path: str) -> Any:
        """Read a file made outside satchel with the library's defaults."""
        return self._functions().PLAIN_READERS[self.name](path)

    def available(self) -> bool:
        """Whether the optional library the format needs (if any) is installed."""
        if self.library is None:
            return True
        try:
            importlib.import_module(self.library)
        except ImportError:
            return False
        return True

    def require(self, error: type[Exception], key: str) -> None:
        """Raise `error` naming the missing optional library and how to install it."""
        if self.library is None:
            return
        try:
            importlib.import_module(self.library)
        except ImportError:
            raise error(
                f"file_format {self.name!r} (for {key!r}) needs the optional library "
                f"{self.library!r}, which is not installed: pip install {self.pip_name or self.library}"
            ) from None


FORMATS: dict[str, FileFormat] = {
    fmt.name: fmt
    for fmt in (
        FileFormat("parquet", ".parquet", "arrow", keeps_dictionaries=True),
        FileFormat("feather", ".feather", "arrow", keeps_dictionaries=True),
        FileFormat("orc", ".orc", "arrow"),
        FileFormat("csv", ".csv", "csv"),
        FileFormat("json", ".json", "json"),
        FileFormat("xml", ".xml", "xml", library="lxml", pip_name="lxml"),
        FileFormat("h5", ".h5", "hdf", library="tables", pip_name="tables", pickles_objects=True),
    )
}

#: Suffixes of files made outside satchel, and the format each means (longest suffixes first).
SUFFIXES: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".ftr": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".orc": "orc",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".xml": "xml",
    ".h5": "h5",
    ".hdf5": "h5",
    ".hdf": "h5",
}
_COMPRESSIONS = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")


def get_format(name: Any, key: str) -> FileFormat:
    """The format called `name`, or a `PackingError` listing the supported ones."""
    fmt = FORMATS.get(name) if isinstance(name, str) else None
    if fmt is None:
        raise PackingError(f"unsupported file_format {name!r} for {key!r}; use one of {', '.join(FORMATS)}")
    return fmt


def format_of_path(path: str, key: str, recorded: str | None = None) -> FileFormat:
    """The recorded format, else the one the file's suffix means (`UnpackingError` if none)."""
    if recorded is not None:
        fmt = FORMATS.get(recorded)
        if fmt is None:
            raise UnpackingError(
                f"{key!r} records file_format {recorded!r}, which this satchel-pandas cannot read"
            )
        return fmt
    name = Path(path).name.lower()
    for compression in _COMPRESSIONS:
        if name.endswith(compression):
            name = name[: -len(compression)]
            break
    for suffix, fmt_name in SUFFIXES.items():
        if name.endswith(suffix):
            return FORMATS[fmt_name]
    if Path(path).is_dir() and any(Path(path).rglob("*.parquet")):
        return FORMATS["parquet"]
    known = ", ".join(sorted(SUFFIXES))
    raise UnpackingError(
        f"cannot tell the file format of {key!r} ({Path(path).name}) from its suffix; "
        f"pandas files are recognised by {known}"
    )


def guard_write(fmt: FileFormat, key: str, write: Callable[[], Written], obj: Any = None) -> Written:
    """Run a writer, turning a library's refusal into a `PackingError` that names what the format
    cannot hold and the formats that can (tried on the first rows of just that, only then)."""
    try:
        return write()
    except (PackingError, UnpackingError):
        raise
    except ImportError as error:
        raise PackingError(f"file_format {fmt.name!r} for {key!r}: {error}") from error
    except OSError as error:
        if error.errno is not None:  # the disk, not the format
            raise
        refusal = error
    except (ValueError, TypeError, NotImplementedError, OverflowError, KeyError) as error:
        refusal = error
    what, holders = _holders(fmt, obj)
    if holders:
        names = ", ".join(holders[:-1]) + f" and {holders[-1]}" if len(holders) > 1 else holders[0]
        can = f"{names} can hold it: pack it with that file_format, or log it as 'key:object' (pickle)"
    else:
        can = "no file_format can hold it: log it as 'key:object' (pickle)"
    raise PackingError(
        f"{fmt.name} cannot hold {what} of {key!r} ({type(refusal).__name__}: {refusal}); {can}"
    ) from refusal


#: How many rows of a frame a refused write tries in the other formats.
PROBE_ROWS = 20


def _holders(fmt: FileFormat, obj: Any) -> tuple[str, list[str]]:
    """What of `obj` the format `fmt` cannot write (columns, else the index, else all of it), and the
    other formats that write and read back its first rows."""
    import pandas as pd

    from satchel_pandas.frames import as_frame, labels_of

    if obj is None:
        return "it", []
    frame = as_frame(obj).iloc[:PROBE_ROWS]
    labels = labels_of(obj)
    failing = [p for p in range(frame.shape[1]) if not _writes(fmt, frame.iloc[:, [p]], read=False)]
    if failing:
        probe = frame.iloc[:, failing]
        what = ", ".join(f"column {labels[p]!r} ({frame.dtypes.iloc[p]})" for p in failing)
    elif type(frame.index) is not pd.RangeIndex and not _writes(fmt, frame.iloc[:, :0], read=False):
        probe, what = frame.iloc[:, :0], f"the index ({', '.join(map(str, _level_dtypes(frame.index)))})"
    else:
        probe, what = frame, "this object"
    holders = [
        other.name
        for other in FORMATS.values()
        if other is not fmt and other.available() and _writes(other, probe, read=True)
    ]
    return what, holders


def _level_dtypes(index: Any) -> list[Any]:
    from satchel_pandas.indexes import level_values

    return [level_values(index, position).dtype for position in range(index.nlevels)]


def _writes(fmt: FileFormat, frame: Any, *, read: bool) -> bool:
    """Whether `fmt` writes `frame` (and, if `read`, reads it back) without an error."""
    import tempfile
    import warnings

    from satchel_pandas.schema import capture

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(folder) / f"probe{fmt.suffix}"
        try:
            schema = capture(frame)
            written = fmt.write(frame, path, schema)
            if read:
                fmt.read(str(path), schema, written.layout)
        except Exception:  # any refusal: this format cannot hold it
            return False
    return True
