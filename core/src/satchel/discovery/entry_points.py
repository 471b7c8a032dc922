"""Finding installed plugins: the entry points of one group on `sys.path`.

A direct scan of the `*.dist-info` / `*.egg-info` folders on `sys.path`, the way
`importlib.metadata` finds path-based distributions (first one of a name wins), without
importing it: that import alone costs more than the rest of start-up.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class EntryPoint:
    """One entry point of a group: `name = module` or `name = module:Class`."""

    name: str
    value: str
    distribution: str
    version: str


def normalize(name: str) -> str:
    """A distribution name compared the way packaging does (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def find_entry_points(group: str) -> list[EntryPoint]:
    """Every entry point of `group`, ordered by distribution name, then entry-point name."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for entry in sys.path:
        folder = entry or "."
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
            text = _read(os.path.join(path, "entry_points.txt"))
            pairs = _section(text, group) if text is not None else []
            if pairs:  # the folder name is normalized (underscores): the metadata has the real name
                distribution = _metadata_name(path) or distribution
            for ep_name, value in pairs:
                found.append(EntryPoint(ep_name, value, distribution, version))
    found.sort(key=lambda ep: (normalize(ep.distribution), ep.name))
    return found


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

