"""The scratch folder of objects loaded outside a run (extracted folders, say): it must outlive
the call that made it, so it is removed when the process exits."""

from __future__ import annotations

import threading

from satchel.packaging.workspace import Workspace

_WORKSPACE: Workspace | None = None
_LOCK = threading.Lock()


def scratch_workspace() -> Workspace:
    """The process's scratch workspace (removed at exit, like every uncleared workspace)."""
    global _WORKSPACE
    with _LOCK:
        if _WORKSPACE is None:
            _WORKSPACE = Workspace()
        return _WORKSPACE
