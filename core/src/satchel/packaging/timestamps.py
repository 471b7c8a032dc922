"""Times as satchel records them (artifacts, runs): ISO 8601 in UTC, to the microsecond, always
the same width (so that they sort as text)."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    """The current time, e.g. `2026-12-01T08:40:00.123456+00:00`."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
