"""Finding installed plugins: the entry points of one group on `sys.path`.

A direct scan of the `*.dist-info` / `*.egg-info` folders on `sys.path`, the way
`importlib.metadata` finds path-based distributions (first one of a name wins), without
importing it: that import alone costs more than the rest of start-up. Listing the folders gives a
fingerprint of what is installed, which keys the packagers' declarations cache (what the folders'
files said is kept there too, so a start with a valid cache reads none of them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple


class Distribution(NamedTuple):
    """One distribution folder on `sys.path` (the first of its name), before its files are read.

    (Named tuples here: a dataclass costs more to define than reading a warm cache.)
    """

    path: str
    distribution: str  # from the folder's name (normalized); the metadata has the real one
    version: str


class Installed:
    """The distributions on `sys.path` and a fingerprint of them, from listing folders alone.

    The fingerprint is text (compared whole, never a hash alone): `sys.path`, then each
    distribution folder's path, version and mtime. Installing, upgrading, reinstalling or
    removing a distribution, or changing `sys.path`, changes it (editing a dist-info's files in
    place, which no installer does, does not). `read` collects what
    `entry_points` had to read from files: `{path: (real name, [(name, value), ...])}`.
    """

    def __init__(self, distributions: list[Distribution], fingerprint: str) -> None:
        self.distributions, self.fingerprint = distributions, fingerprint
        self.read: dict[str, tuple[str, list[tuple[str, str]]]] = {}

    def entry_points(
        self, group: str, known: Mapping[str, tuple[str, list[tuple[str, str]]]] | None = None
    ) -> list[EntryPoint]:
        """Every entry point of `group`, ordered by distribution name, then entry-point name.

        `known` holds what an earlier `read` found for this same fingerprint (and group): those
        folders' files are not read again.
        """
        found: list[EntryPoint] = []
        for dist in self.distributions:
            cached = known.get(dist.path) if known is not None else None
            if cached is None:
                cached = _read_entry_points(dist, group)
                self.read[dist.path] = cached
            distribution, pairs = cached
            for ep_name, value in pairs:
                found.append(EntryPoint(ep_name, value, distribution, dist.version))
        found.sort(key=lambda ep: (normalize(ep.distribution), ep.name))
        return found


@dataclass(frozen=True)
class EntryPoint:
    """One entry point of a group: `name = module` or `name = module:Class`."""

    name: str
    value: str
    distribution: str
    version: str


def normalize(name: str) -> str:
    """A distribution name compared the way packaging does (PEP 503: runs of `-_.` are one `-`).

    String methods, not a regular expression: this runs for every distribution at every start.
    """
    key = name.replace("_", "-").replace(".", "-").lower()
    while "--" in key:
        key = key.replace("--", "-")
    return key


def find_entry_points(group: str) -> list[EntryPoint]:
    """Every entry point of `group`, ordered by distribution name, then entry-point name."""
    return scan_installed().entry_points(group)


def scan_installed() -> Installed:
    """The distribution folders on `sys.path` (first one of a name wins) and their fingerprint."""
    seen: set[str] = set()
    found: list[Distribution] = []
    parts = [repr(sys.path)]
    for entry in sys.path:
        folder = os.path.abspath(entry or ".")
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(folder, name)
            distribution, version = _name_and_version(path, name)
            key = normalize(distribution)
            if key in seen:
                continue
            seen.add(key)
            found.append(Distribution(path, distribution, version))
            parts.append(f"{path}\t{version}\t{_mtime(path)}")
    return Installed(found, "\n".join(parts))


def _read_entry_points(dist: Distribution, group: str) -> tuple[str, list[tuple[str, str]]]:
    """`(real distribution name, [(name, value), ...])` of one folder's entry points of `group`."""
    text = _read(os.path.join(dist.path, "entry_points.txt"))
    pairs = _section(text, group) if text is not None else []
    if not pairs:
        return dist.distribution, pairs
    # the folder name is normalized (underscores): the metadata has the real name
    return _metadata_name(dist.path) or dist.distribution, pairs


def _mtime(path: str) -> int:
    """The mtime (ns) of a distribution folder; -1 when it does not exist.

    Set when an installer creates the folder and writes its files (never copied from the wheel,
    whose files may all carry one fixed reproducible-build date), so every install, upgrade or
    reinstall changes it. One `stat` per distribution: at every start, for every distribution.
    """
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _name_and_version(path: str, folder_name: str) -> tuple[str, str]:
    stem = folder_name.rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    version = version.split("-")[0]
    if not version:  # e.g. an egg-info without a version in its name
        metadata = _read(os.path.join(path, "PKG-INFO")) or _read(os.path.join(path, "METADATA"))
        for line in (metadata or "").splitlines():
            if line.startswith("Name:"):
                name = line[5:].strip()
            elif line.startswith("Version:"):
                version = line[8:].strip()
            elif not line.strip():
                break
    return name, version or "unknown"


def _metadata_name(path: str) -> str | None:
    """The `Name:` header of a distribution's METADATA (or PKG-INFO)."""
    metadata = _read(os.path.join(path, "METADATA")) or _read(os.path.join(path, "PKG-INFO"))
    for line in (metadata or "").splitlines():
        if line.startswith("Name:"):
            return line[5:].strip()
        if not line.strip():
            break
    return None


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """`(name, value)` pairs of one section of an entry_points.txt (INI format)."""
    pairs: list[tuple[str, str]] = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
            continue
        if inside and "=" in line:
            name, _, value = line.partition("=")
            value = value.split("[", 1)[0].strip()  # drop extras: `mod:Cls [extra]`
            pairs.append((name.strip(), value))
    return pairs

