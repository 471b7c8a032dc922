"""satchel records (projects, runs, workflows, artifacts) in PostgreSQL, through psycopg 3.

The entry points `postgresql` and `postgres` of the group `satchel.stores` name `open_records`:
`SATCHEL_RECORDS=postgresql://user:password@host:5432/db` keeps a store's records there.
"""

from __future__ import annotations

from satchel_postgresql.records import PostgreSQLRecords

__all__ = ["PostgreSQLRecords", "open_records"]


def open_records(url: str) -> PostgreSQLRecords:
    """The records at a `postgresql://` (or `postgres://`) URL: connected, schema created or migrated."""
    return PostgreSQLRecords(url)
