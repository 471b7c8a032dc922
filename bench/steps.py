"""Steps every case module shares: a raw write to a fresh file, and satchel's manager packing.

Each raw write goes to a new file (removed untimed after each repetition), as satchel's do; the
manager writes into the run's scratch folder, and is cleared untimed after each repetition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def file_setup(name: str) -> Any:
    """Setup for a raw writer: `(input, scratch/name)`."""

    def setup(data: Any, scratch: Path) -> tuple[Any, Path]:
        return data, scratch / name

    return setup


def remove_file(state: tuple[Any, Path]) -> None:
    """Untimed, after each repetition: the next write goes to a new file."""
    state[1].unlink(missing_ok=True)


def scratch_manager(scratch: Path) -> Any:
    """A `PackagersManager` (installed plugins) whose payloads go to the scratch folder."""
    import satchel
    from satchel.packaging.workspace import Workspace

    return satchel.PackagersManager(workspace=Workspace(scratch))


def pack_setup(hint: Any) -> Any:
    """Setup for `satchel_pack`: `(manager, input, hint)`."""

    def setup(data: Any, scratch: Path) -> tuple[Any, Any, Any]:
        return scratch_manager(scratch), data, hint

    return setup


def satchel_pack(state: tuple[Any, Any, Any]) -> Any:
    """mgr.pack(obj, hint): staging, the write, versions, the BLAKE3 hash, the Artifact."""
    manager, data, hint = state
    return manager.pack(data, hint)


def clear_manager(state: tuple[Any, ...]) -> None:
    """Untimed, after each repetition: remove what the manager wrote."""
    state[0].clear()
