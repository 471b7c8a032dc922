"""Where the store is, and opening it: the embedded store folder, or other backends by URL.

The location is read each time a store is opened (`--store`/`store=`, then `SATCHEL_HOME`, then
`./.satchel` in the current directory); an opened store is reused for the same location.
`SATCHEL_RECORDS` and `SATCHEL_PAYLOADS` move records or payloads elsewhere; a URL scheme other
than the built-in ones (`sqlite`, a folder) is served by an installed backend found through the
`satchel.stores` entry points, named after the scheme.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from satchel.discovery.entry_points import find_entry_points
from satchel.discovery.loading import LoadProblem, load_objects
from satchel.errors import SatchelError
from satchel.tracking.store.folder_payloads import FolderPayloads
from satchel.tracking.store.payloads import PayloadStore
from satchel.tracking.store.records import RecordStore
from satchel.tracking.store.sqlite_records import SQLiteRecords

GROUP = "satchel.stores"
DATABASE = "satchel.db"
DEFAULT_FOLDER = ".satchel"


@dataclass(frozen=True)
class Store:
    """An opened store: where records and payloads live."""

    records: RecordStore
    payloads: PayloadStore

    def describe(self) -> str:
        """Where it is, for messages."""
        return f"records {_safe(self.records.url)}, payloads {_safe(self.payloads.url)}"


_OPEN: dict[tuple[str, str], Store] = {}
_LOCK = threading.Lock()


def home(store: str | os.PathLike[str] | None = None) -> Path:
    """The embedded store's folder: `store`, else `SATCHEL_HOME`, else `./.satchel`."""
    if store is not None and os.fspath(store):
        return Path(os.fspath(store)).absolute()
    variable = os.environ.get("SATCHEL_HOME", "").strip()
    if variable:
        return Path(variable).expanduser().absolute()
    return Path.cwd() / DEFAULT_FOLDER


def open_store(
    store: str | os.PathLike[str] | Store | None = None,
    *,
    records: str | None = None,
    payloads: str | None = None,
) -> Store:
    """Open (or reuse) the store at this location; see the module docstring for the rules. An
    opened `Store` is returned as it is (internal callers pass the store they work in;
    the command line's `--records`/`--payloads`)."""
    if isinstance(store, Store):
        return store
    folder = home(store)
    records_url = records or os.environ.get("SATCHEL_RECORDS", "").strip() or f"sqlite:///{folder / DATABASE}"
    payloads_url = payloads or os.environ.get("SATCHEL_PAYLOADS", "").strip() or str(folder)
    location = (records_url, payloads_url)
    with _LOCK:
        opened = _OPEN.get(location)
        if opened is None:
            opened = _OPEN[location] = Store(_open_records(records_url), _open_payloads(payloads_url))
    return opened


def forget_open_stores() -> None:
    """Close and forget every opened store (tests, and processes that move stores)."""
    with _LOCK:
        for opened in _OPEN.values():
            opened.records.close()
        _OPEN.clear()


def _open_records(url: str) -> RecordStore:
    scheme, _, rest = url.partition("://")
    if scheme == "sqlite":
        if not rest.startswith("/"):
            raise SatchelError(f"records URL {url!r}: use sqlite:///PATH (an absolute path after '///')")
        return SQLiteRecords(rest[1:] if rest.startswith("//") else rest)
    if not rest:
        raise SatchelError(f"records URL {url!r} names no backend: use sqlite:///PATH or postgresql://...")
    return _backend(scheme, url, RecordStore, "records")


def _open_payloads(url: str) -> PayloadStore:
    scheme, separator, _ = url.partition("://")
    if not separator:
        return FolderPayloads(Path(url).expanduser().absolute())
    if scheme == "file":
        return FolderPayloads(Path(url[len("file://") :]))
    return _backend(scheme, url, PayloadStore, "payloads")


def _backend(scheme: str, url: str, kind: type, what: str) -> Any:
    found = [entry for entry in find_entry_points(GROUP) if entry.name == scheme]
    if not found:
        raise SatchelError(
            f"no installed store backend serves {scheme}:// URLs ({what} {_safe(url)}); install the "
            f"distribution that provides it (a {GROUP!r} entry point named {scheme!r}, such as "
            f"satchel-{scheme})"
        )
    entry = found[0]
    try:  # the entry point names a callable (`module:function` or a class) taking the URL
        (factory,) = load_objects(entry.value, callable, "store backend").objects
        backend = factory(url)
    except SatchelError:
        raise
    except Exception as problem:  # isolate the backend's failure, and say whose it is
        reason = str(problem) if isinstance(problem, LoadProblem) else f"{type(problem).__name__}: {problem}"
        raise SatchelError(
            f"the store backend {scheme!r} ({entry.distribution} {entry.version}) failed to open "
            f"{_safe(url)}: {reason}"
        ) from problem
    if not isinstance(backend, kind):
        raise SatchelError(
            f"the store backend {scheme!r} ({entry.distribution}) gave a {type(backend).__qualname__} "
            f"for {what}, not a {kind.__qualname__}"
        )
    return backend


def _safe(url: str) -> str:
    """The URL without a password."""
    scheme, separator, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}{separator}{credentials}{at}{place}"
