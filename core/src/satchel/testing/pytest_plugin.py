"""pytest plugin (entry point `pytest11`): fixtures for packager authors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from satchel.packaging.manager import PackagersManager
from satchel.testing.conformance import check_packager as _check_packager


@pytest.fixture
def check_packager() -> Callable[..., None]:
    """`satchel.testing.check_packager`, the conformance check for a packager class."""
    return _check_packager


@pytest.fixture
def packagers_manager() -> Iterator[PackagersManager]:
    """A manager that sees no installed plugins (collect what the test needs); cleared after."""
    manager = PackagersManager(installed=False)
    yield manager
    manager.clear()


def pytest_report_header(config: Any) -> str:
    """Say which satchel is under test."""
    from satchel._version import __version__

    return f"satchel {__version__}"
