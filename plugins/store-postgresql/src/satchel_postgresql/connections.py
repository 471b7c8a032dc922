"""Connecting to PostgreSQL: the URL read, one connection per thread of each process, and forks.

A psycopg connection must not be used by two processes: after a fork the child opens its own
(the pid is checked on every use) and never closes the ones it inherited (closing would end the
parent's session; psycopg itself does not finish a connection collected in another process).
"""

from __future__ import annotations

import os
import re
import threading
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import psycopg

from satchel.errors import SatchelError

DEFAULT_SCHEMA = "satchel"
CONNECT_TIMEOUT = "10"  # seconds; libpq waits forever by default on a host that never answers
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Location:
    """What a `postgresql://` URL names: the conninfo for libpq and the schema of the tables."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            raise SatchelError(f"not a PostgreSQL URL: {safe_url(url)} (use postgresql://user@host/db)")
        query = parse_qsl(parts.query, keep_blank_values=True)
        schemas = [value for name, value in query if name == "schema"]
        self.schema = schemas[-1] if schemas else DEFAULT_SCHEMA
        if not _IDENTIFIER.fullmatch(self.schema):
            raise SatchelError(
                f"records URL {safe_url(url)}: schema {self.schema!r} is not a plain lower-case SQL "
                "name (letters, digits, '_', at most 63): choose another ?schema="
            )
        rest = [(name, value) for name, value in query if name != "schema"]
        if not any(name == "connect_timeout" for name, _ in rest):
            rest.append(("connect_timeout", CONNECT_TIMEOUT))
        if not any(name == "application_name" for name, _ in rest):
            rest.append(("application_name", "satchel"))
        self.conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
        self.password = parts.password
        self.url = safe_url(url)

    def scrub(self, text: str) -> str:
        """`text` with the password hidden (libpq never prints it, but a URL might be echoed)."""
        for secret in filter(None, {self.password, unquote(self.password or "")}):
            text = text.replace(secret, "***")
        return text


def safe_url(url: str) -> str:
    """The URL without its password (`user:***@host`), for messages and `RecordStore.url`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def connect(location: Location) -> psycopg.Connection:
    """A new autocommit connection whose search path is the store's schema; a clear error if not."""
    try:
        connection = psycopg.connect(location.conninfo, autocommit=True)
    except psycopg.Error as error:
        reason = " ".join(location.scrub(str(error)).split())
        raise SatchelError(
            f"cannot connect to the PostgreSQL records at {location.url}: {reason}; check the URL "
            "(user, password, host, port, database) and that the server is running"
        ) from None  # the cause would repeat the conninfo
    connection.execute(f'SET search_path TO "{location.schema}"')
    return connection


class PerThread:
    """One connection per thread of this process, opened on first use; all closed by `close`."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[psycopg.Connection] = []  # kept alive until `close`: never collected open
        self._pid = os.getpid()

    def get(self) -> psycopg.Connection:
        """This thread's connection (a new one after a fork, or once the last one broke)."""
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.pid == os.getpid() and not connection.closed:
            return connection
        connection = connect(self.location)
        with self._lock:
            if self._pid != os.getpid():  # the first connection of a forked child
                self._opened, self._pid = [], os.getpid()
            self._opened.append(connection)
        local.connection, local.pid = connection, os.getpid()
        return connection

    def close(self) -> None:
        """Close every connection this process opened (any thread's); they reopen on next use."""
        with self._lock:
            opened = self._opened if self._pid == os.getpid() else []
            self._opened = []
        for connection in opened:
            connection.close()
