"""A plugin module that needs a library that is not installed, so importing it fails."""

from __future__ import annotations

import satchel_missing_dependency_for_tests  # noqa: F401

from satchel import DefaultPackager


class NeverPackager(DefaultPackager):
    """Would take every int, if it could be imported."""

    PACKABLE_OBJECT_TYPE = int
