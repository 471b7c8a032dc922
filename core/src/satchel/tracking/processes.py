"""What identifies a process (host, pid, start time) and whether it is still alive.

A run records its process when it starts; a `running` run whose process is gone is `aborted`.
The start time guards against a reused pid.
"""

from __future__ import annotations

import functools
import os
import socket


@functools.cache
def host_name() -> str:
    """This machine's name, as runs record it."""
    return socket.gethostname()


def _stat(pid: int) -> tuple[str, float] | None:
    """`(state, start time in clock ticks since boot)` of process `pid` (Linux), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rindex(b")") + 2 :].split()  # the name in parentheses may hold spaces
    return fields[0].decode(), float(fields[19])  # fields 3 and 22 of proc(5)


def process_start(pid: int) -> float | None:
    """When process `pid` started (clock ticks since boot, Linux), or None where unknown."""
    found = _stat(pid)
    return found[1] if found else None


def this_process() -> tuple[str, int, float | None]:
    """`(host, pid, start time)` of the running process (read once per process)."""
    global _THIS
    pid = os.getpid()
    if _THIS is None or _THIS[1] != pid:  # a forked child is another process
        _THIS = (host_name(), pid, process_start(pid))
    return _THIS


_THIS: tuple[str, int, float | None] | None = None


def is_alive(host: str | None, pid: int | None, started: float | None) -> bool | None:
    """Whether that process still runs: True, False, or None when it cannot be told from here."""
    if host != host_name() or pid is None:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    found = _stat(pid)
    if found is not None:
        state, now = found
        if state in ("Z", "X"):
            return False  # killed, not yet reaped by its parent
        if started is not None and now != started:
            return False  # the pid was reused by another process
    return True
