"""The declarations cache: what collection learned from each installed plugin, so that a later
start can index its packagers without importing it (`SATCHEL_CACHE_DIR`).

One JSON file per fingerprint of what is installed (`discovery.entry_points.Installed`), in
`$SATCHEL_CACHE_DIR`, else `$XDG_CACHE_HOME/satchel`, else `~/.cache/satchel`. The file holds
the whole fingerprint (with satchel's and Python's versions, and the stamps of the satchel
modules that decide what collection accepts) and is read only when it is the same, so a changed
installation is never served an old answer. Each plugin's entry also lists the files its
packagers came from, with their mtimes and sizes: an edited module (an editable install) makes
that entry stale, and the plugin is imported and collected as without a cache. Files are
written atomically (temporary file, then `os.replace`); an unreadable, corrupt or unwritable
cache is ignored, never an error. Only plugins that collected cleanly are cached.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, NamedTuple

from satchel._version import __version__

FORMAT = 2  # what the file holds and how; another is ignored
RACY_NS = 2_000_000_000  # files modified this recently are not trusted to keep their stamp
KEEP = 16  # cache files kept per folder (one per installation seen), the newest ones
_PREFIX = "packagers-"
#: satchel's modules that decide what collection accepts and records: their files are in the key.
_DECIDING = (
    "satchel.hookspecs",
    "satchel.discovery.loading",
    "satchel.packaging.packager",
    "satchel.packaging.default_packager",
    "satchel.packaging.type_hints",
    "satchel.packaging.validation",
    "satchel.packaging.records",
    "satchel.packaging.declarations",
    "satchel.packaging.collecting",
)


class Declaration(NamedTuple):
    """One checked packager class, as selection and `satchel plugins` see it before its import.

    `name` is `module.qualname`, `spec` the declared type as text (`TypeSpec.parse` reads it
    back), `priority` the one collection gave it. (A named tuple: a dataclass costs more to
    define than a start-up with a warm cache spends reading every declaration.)
    """

    name: str
    module: str
    spec: str
    priority: int
    artifact_types: tuple[str, ...]
    default_packing: str
    default_unpacking: str
    pack_subclasses: bool
    overrides_is_packable: bool

    @classmethod
    def from_json(cls, data: Any) -> Declaration:
        """A declaration read back from the cache (a list, in field order); ValueError when it
        is not one."""
        name, module, spec, priority, kinds, packing, unpacking, subclasses, overrides = data
        texts = (name, module, spec, packing, unpacking, *kinds)
        flags = (subclasses, overrides)
        if type(priority) is not int or not all(type(v) is str for v in texts) or not all(
            type(flag) is bool for flag in flags
        ):
            raise ValueError(f"not a packager declaration: {data!r}")
        return cls(name, module, spec, priority, tuple(kinds), packing, unpacking, subclasses, overrides)


def cache_dir() -> str:
    """Where the cache files are: `SATCHEL_CACHE_DIR`, `$XDG_CACHE_HOME/satchel`, `~/.cache/satchel`."""
    chosen = os.environ.get("SATCHEL_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "satchel")


def file_stamps(paths: set[str]) -> list[list[Any]]:
    """`[path, mtime_ns, size]` of each existing file, sorted: what makes a plugin's entry stale."""
    stamps = []
    for path in sorted(paths):
        try:
            found = os.stat(path)
        except OSError:
            continue
        stamps.append([path, found.st_mtime_ns, found.st_size])
    return stamps


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _unchanged(stamps: Any) -> bool:
    for path, mtime, size in stamps:
        try:
            found = os.stat(path)
        except OSError:
            return False
        if found.st_mtime_ns != mtime or found.st_size != size:
            return False
    return True


class DeclarationsCache:
    """The cached declarations of one installation (one fingerprint), read once, saved once."""

    def __init__(self, fingerprint: str) -> None:
        parts = [f"satchel {__version__}", sys.version, sys.implementation.cache_tag or ""]
        for name in _DECIDING:  # an edited satchel (a development checkout) checks differently
            path = getattr(sys.modules.get(name), "__file__", None)
            parts.append(f"{path}\t{_stamp(path) if path else None}")
        self.key = "\n".join(parts) + "\n" + fingerprint
        import zlib  # here, with json below: `import satchel` alone does not pay for them
        name = f"{zlib.crc32(self.key.encode()):08x}{zlib.adler32(self.key.encode()):08x}"
        self.folder = cache_dir()
        self.path = os.path.join(self.folder, f"{_PREFIX}{name}.json")
        self._plugins: dict[str, Any] = {}
        #: what each distribution folder's files said: `{path: (real name, [(name, value), ...])}`
        self.distributions: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self.changed = False
        self._read()

    @staticmethod
    def plugin_key(distribution: str, version: str, name: str, value: str) -> str:
        """The key of one entry point's entry."""
        return f"{distribution} {version} {name}={value}"

    def _read(self) -> None:
        import json

        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("format") == FORMAT and data.get("key") == self.key:
                plugins, distributions = data["plugins"], {}
                for path, (name, pairs) in data["distributions"].items():
                    pairs = [(str(ep_name), str(value)) for ep_name, value in pairs]
                    distributions[path] = (str(name), pairs)
                if isinstance(plugins, dict):
                    self._plugins, self.distributions = plugins, distributions
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # absent, unreadable or corrupt: rebuilt by this start

    def remember_distributions(self, read: dict[str, tuple[str, list[tuple[str, str]]]]) -> None:
        """Keep what distribution folders' files said (they are not read again for this key)."""
        if read:
            self.distributions.update(read)
            self.changed = True

    def get(self, key: str) -> list[Declaration] | None:
        """The declarations cached for one entry point; None when absent, stale or malformed."""
        entry = self._plugins.get(key)
        if entry is None:
            return None
        try:
            if not _unchanged(entry["files"]):
                raise ValueError("stale")
            return [Declaration.from_json(item) for item in entry["packagers"]]
        except (ValueError, TypeError, KeyError):
            del self._plugins[key]
            self.changed = True
            return None

    def put(self, key: str, declarations: list[Declaration], files: set[str]) -> None:
        """Remember what one entry point provided, and the files it came from.

        Not when a file was modified in the last `RACY_NS`: a change made within the
        filesystem's mtime granularity of this moment could keep the same stamp, so such an
        entry waits for a later start (as git does with "racily clean" files).
        """
        stamps = file_stamps(files)
        if any(mtime > time.time_ns() - RACY_NS for _, mtime, _ in stamps):
            return
        self._plugins[key] = {
            "files": stamps,
            "packagers": declarations,  # each written as a list, in field order
        }
        self.changed = True

    def save(self) -> None:
        """Write the file atomically when something changed; never raises (a cache is optional)."""
        if not self.changed:
            return
        self.changed = False
        import json

        data = {
            "format": FORMAT,
            "key": self.key,
            "distributions": self.distributions,
            "plugins": self._plugins,
        }
        temporary = f"{self.path}.{os.getpid()}-{threading.get_ident()}.tmp"
        try:
            os.makedirs(self.folder, exist_ok=True)
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(temporary, self.path)
            self._prune()
        except OSError:
            try:
                os.remove(temporary)
            except OSError:
                pass

    def discard(self) -> None:
        """Forget everything cached for this installation (a cached plugin no longer matched)."""
        self._plugins, self.distributions, self.changed = {}, {}, False
        try:
            os.remove(self.path)
        except OSError:
            pass

    def _prune(self) -> None:
        """Keep the `KEEP` most recently written cache files of the folder."""
        try:
            names = [name for name in os.listdir(self.folder) if name.startswith(_PREFIX)]
            if len(names) <= KEEP:
                return
            paths = sorted((os.path.join(self.folder, name) for name in names), key=os.path.getmtime)
            for path in paths[:-KEEP]:
                os.remove(path)
        except OSError:
            pass
