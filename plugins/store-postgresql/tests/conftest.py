"""A throwaway PostgreSQL server for the whole session, and a fresh store schema per test.

Without PostgreSQL's server binaries the tests are skipped with what to install, except in CI
(`CI` set), where they must run: there a missing server is an error.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from satchel_postgresql.throwaway import ServerMissingError, ThrowawayServer


@pytest.fixture(scope="session")
def server() -> Iterator[ThrowawayServer]:
    """The session's PostgreSQL server (loopback, a free port), stopped and removed at the end."""
    try:
        started = ThrowawayServer({"fsync": "off"}).start()  # throwaway: no need to reach the disk
    except ServerMissingError as missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: {missing}")
        pytest.skip(str(missing))
    yield started
    started.stop()


_schemas = itertools.count()


@pytest.fixture
def new_url(server: ThrowawayServer) -> Callable[[], str]:
    """`new_url()`: the URL of a new, empty store (a schema of its own in the server's database)."""

    def make() -> str:
        return server.url(schema=f"t{next(_schemas)}_{uuid.uuid4().hex[:8]}")

    return make


@pytest.fixture
def records_url(new_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[str]:
    """A new store's URL in `SATCHEL_RECORDS`, payloads in the test's own folder."""
    from satchel.tracking.store.opening import forget_open_stores

    url = new_url()
    monkeypatch.setenv("SATCHEL_RECORDS", url)
    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "store"))
    monkeypatch.delenv("SATCHEL_PAYLOADS", raising=False)
    yield url
    forget_open_stores()
