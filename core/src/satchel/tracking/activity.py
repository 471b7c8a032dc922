"""What a run is doing now, for whoever shows progress (the command line, on a terminal).

A context variable holds the reporter; runs announce each step (`unpacking inputs`, `running
prepare`, `packing outputs`, `storing payloads`). With no reporter this costs one lookup.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

#: Called with a short description of each step as it starts, and with None when the run ends.
REPORTER: contextvars.ContextVar[Callable[[str | None], None] | None] = contextvars.ContextVar(
    "satchel_activity", default=None
)


def report(step: str | None) -> None:
    """Tell the reporter (if any) that `step` starts (None: the run ended)."""
    reporter = REPORTER.get()
    if reporter is not None:
        reporter(step)
