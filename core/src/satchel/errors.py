"""Every exception and warning satchel raises: one base class so callers can catch them all."""

from __future__ import annotations

from typing import Any


class SatchelError(Exception):
    """Base class of every error satchel raises."""


class PackagerCollectionError(SatchelError):
    """A mandatory packager could not be collected; names each failed plugin and the cause.

    `plugins` holds the status of every plugin tried, loaded or not (for `satchel plugins`).
    """

    def __init__(self, *args: object, plugins: list[Any] | None = None) -> None:
        super().__init__(*args)
        self.plugins: list[Any] = list(plugins or [])


class PackingError(SatchelError):
    """An object could not be packed under the given log hint.

    `outputs` holds what was packed anyway when several outputs were packed at once.
    """

    def __init__(self, *args: object, outputs: list[Any] | None = None) -> None:
        super().__init__(*args)
        self.outputs: list[Any] = list(outputs or [])


class UnpackingError(SatchelError):
    """An input could not be turned back into an object (also: untrusted pickle, hash mismatch)."""


class ClearingError(SatchelError):
    """A path registered for clearing could not be removed, or must not be."""


class LogHintError(SatchelError):
    """A log hint is malformed; raised before the function runs."""


class SatchelWarning(UserWarning):
    """Something worked, but not exactly: lost information, version mismatches, skipped items."""


class SatchelPluginWarning(SatchelWarning):
    """An optional plugin failed to load and was skipped."""
