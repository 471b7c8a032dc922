"""The embedded store's SQLite schema, its version, and the migrations from older versions.

`PRAGMA user_version` holds the schema version. An older store is migrated when it is opened,
inside one exclusive transaction; a store made by a newer satchel is refused.
"""

from __future__ import annotations

import sqlite3

from satchel.errors import SatchelError

SCHEMA_VERSION = 3

_CREATE = """
CREATE TABLE projects (
    name TEXT PRIMARY KEY,
    created TEXT NOT NULL
);
CREATE TABLE custom_packagers (
    project TEXT NOT NULL REFERENCES projects(name),
    path TEXT NOT NULL,
    mandatory INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (project, path)
);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    function TEXT,
    source_hash TEXT,
    params TEXT NOT NULL,
    inputs TEXT NOT NULL,
    returns TEXT,
    results TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    error TEXT,
    started TEXT NOT NULL,
    ended TEXT,
    versions TEXT NOT NULL,
    workflow TEXT,
    cached_from TEXT,
    host TEXT,
    pid INTEGER,
    process_started REAL
);
CREATE INDEX runs_by_project ON runs (project, seq);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
CREATE TABLE artifacts (
    run_id TEXT NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL,
    project TEXT NOT NULL,
    run_seq INTEGER NOT NULL,
    kind TEXT,
    packager TEXT,
    object_type TEXT,
    instructions TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    versions TEXT NOT NULL,
    created TEXT NOT NULL,
    trusted INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX artifacts_latest ON artifacts (project, key, run_seq);
CREATE INDEX artifacts_by_hash ON artifacts (hash);
"""

#: Version 2: workflows, and what caching and importing record on runs.
_VERSION_2 = """
ALTER TABLE runs ADD COLUMN cache_key TEXT;
ALTER TABLE runs ADD COLUMN cache TEXT;
ALTER TABLE runs ADD COLUMN origin TEXT;
CREATE INDEX runs_by_cache_key ON runs (project, cache_key, seq) WHERE cache_key IS NOT NULL;
CREATE INDEX runs_by_function ON runs (project, function, seq);
CREATE INDEX runs_by_workflow ON runs (workflow, seq) WHERE workflow IS NOT NULL;
CREATE TABLE workflows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    error TEXT,
    cache INTEGER NOT NULL,
    rerun_of TEXT,
    from_step TEXT,
    report TEXT,
    host TEXT,
    pid INTEGER,
    process_started REAL
);
CREATE INDEX workflows_by_project ON workflows (project, seq);
"""

#: Version 3: each artifact's preview, made when it was packed (JSON text; NULL: none, or an
#: artifact recorded before previews existed).
_VERSION_3 = """
ALTER TABLE artifacts ADD COLUMN preview TEXT;
"""

#: version -> the statements that bring a store of the version before it up to it
_MIGRATIONS: dict[int, str] = {2: _VERSION_2, 3: _VERSION_3}


class StoreVersionError(SatchelError):
    """The store was made by a newer satchel than this one."""


def ensure_schema(connection: sqlite3.Connection, where: str) -> None:
    """Create or migrate the schema; refuse a store from a newer satchel. Safe under concurrency."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    _refuse_newer(version, where)
    connection.execute("BEGIN EXCLUSIVE")  # one process migrates; the others wait, then see it done
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(version, where)
        if version == 0:  # a new store: version 1, then every migration, as an old store gets
            for statement in _statements(_CREATE):
                connection.execute(statement)
            version = 1
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(_MIGRATIONS[target]):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _refuse_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        from satchel._version import __version__

        raise StoreVersionError(
            f"the store at {where} has schema version {version}, made by a newer satchel; this "
            f"satchel ({__version__}) reads schema version {SCHEMA_VERSION}: upgrade satchel "
            "(pip install -U satchel), or use another store (--store, SATCHEL_HOME)"
        )


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]
