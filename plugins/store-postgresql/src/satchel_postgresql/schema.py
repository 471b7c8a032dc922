"""The PostgreSQL schema of satchel's records, its version, and the migrations from older versions.

Everything lives in one PostgreSQL schema (`satchel` unless the URL says `?schema=`); its table
`schema_version` holds the version (one row). The versions follow the SQLite store's: version 1
is created first and every migration applied, as an old database gets. Creating or migrating
happens in one transaction under an advisory lock: processes opening a new database at once
wait for the first, then see it done. A database made by a newer satchel-postgresql is refused.

Text columns that hold JSON keep `json.dumps` text exactly (not jsonb, which reorders keys and
refuses NaN); names and ids are `COLLATE "C"`, so that they sort bytewise as in SQLite.
"""

from __future__ import annotations

import hashlib

import psycopg

from satchel.backends import StoreVersionError

SCHEMA_VERSION = 3

_VERSION_1 = """
CREATE TABLE projects (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    name text COLLATE "C" PRIMARY KEY,
    created text NOT NULL
);
CREATE TABLE custom_packagers (
    project text COLLATE "C" NOT NULL REFERENCES projects(name),
    path text COLLATE "C" NOT NULL,
    mandatory boolean NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (project, path)
);
CREATE TABLE runs (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    project text COLLATE "C" NOT NULL REFERENCES projects(name),
    name text COLLATE "C" NOT NULL,
    function text COLLATE "C",
    source_hash text,
    params text NOT NULL,
    inputs text NOT NULL,
    returns text,
    results text NOT NULL DEFAULT '{}',
    status text NOT NULL,
    error text,
    started text NOT NULL,
    ended text,
    versions text NOT NULL,
    workflow text COLLATE "C",
    cached_from text,
    host text,
    pid integer,
    process_started double precision
);
CREATE INDEX runs_by_project ON runs (project, seq);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
CREATE TABLE artifacts (
    run_id text COLLATE "C" NOT NULL REFERENCES runs(id),
    key text COLLATE "C" NOT NULL,
    project text COLLATE "C" NOT NULL,
    run_seq bigint NOT NULL,
    kind text,
    packager text,
    object_type text,
    instructions text NOT NULL,
    hash text NOT NULL,
    size bigint NOT NULL,
    versions text NOT NULL,
    created text NOT NULL,
    trusted boolean NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX artifacts_latest ON artifacts (project, key, run_seq);
CREATE INDEX artifacts_by_hash ON artifacts (hash);
"""

#: Version 2: workflows, and what caching and importing record on runs.
_VERSION_2 = """
ALTER TABLE runs ADD COLUMN cache_key text COLLATE "C";
ALTER TABLE runs ADD COLUMN cache text;
ALTER TABLE runs ADD COLUMN origin text;
CREATE INDEX runs_by_cache_key ON runs (project, cache_key, seq) WHERE cache_key IS NOT NULL;
CREATE INDEX runs_by_function ON runs (project, function, seq);
CREATE INDEX runs_by_workflow ON runs (workflow, seq) WHERE workflow IS NOT NULL;
CREATE TABLE workflows (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    project text COLLATE "C" NOT NULL REFERENCES projects(name),
    name text COLLATE "C" NOT NULL,
    status text NOT NULL,
    started text NOT NULL,
    ended text,
    error text,
    cache boolean NOT NULL,
    rerun_of text,
    from_step text,
    report text,
    host text,
    pid integer,
    process_started double precision
);
CREATE INDEX workflows_by_project ON workflows (project, seq);
"""

#: Version 3: each artifact's preview, made when it was packed (JSON text; NULL: none, or an
#: artifact recorded before previews existed).
_VERSION_3 = """
ALTER TABLE artifacts ADD COLUMN preview text;
"""

#: version -> the statements that bring a database of the version before it up to it
_MIGRATIONS: dict[int, str] = {2: _VERSION_2, 3: _VERSION_3}


def version_of(connection: psycopg.Connection, schema: str) -> int:
    """The schema version of the store's schema (0: not created yet).

    Read from the catalog by name, not through the search path: a session that waited for the
    lock while another created the schema may still hold the search path it computed before.
    """
    row = connection.execute(
        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND tablename = 'schema_version'",
        (schema,),
    ).fetchone()
    if row is None:
        return 0
    found = connection.execute(f'SELECT version FROM "{schema}".schema_version').fetchone()
    return found[0] if found else 0


def ensure_schema(
    connection: psycopg.Connection, schema: str, where: str, target: int = SCHEMA_VERSION
) -> None:
    """Create or migrate the schema up to `target`; refuse a newer one. Safe under concurrency."""
    version = version_of(connection, schema)
    if version == target:
        return
    _refuse_newer(version, where)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(schema),))
        version = version_of(connection, schema)  # another process may have done it while we waited
        _refuse_newer(version, where)
        if version == target:
            return
        if version == 0:
            exists = connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
            if exists is None:  # made beforehand (by an administrator): CREATE on it is enough
                connection.execute(f'CREATE SCHEMA "{schema}"')
            connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
            connection.execute("INSERT INTO schema_version (version) VALUES (0)")
            _apply(connection, _VERSION_1)
            version = 1
        for step in range(version + 1, target + 1):
            _apply(connection, _MIGRATIONS[step])
        connection.execute("UPDATE schema_version SET version = %s", (target,))


def lock_key(schema: str) -> int:
    """The advisory lock of one store schema: a signed 64-bit number from its name."""
    digest = hashlib.sha256(f"satchel-postgresql:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _apply(connection: psycopg.Connection, script: str) -> None:
    for statement in (part.strip() for part in script.split(";")):
        if statement:
            connection.execute(statement)


def _refuse_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        from satchel import __version__

        raise StoreVersionError(
            f"the records at {where} have schema version {version}, made by a newer "
            f"satchel-postgresql; this one ({__version__}) reads schema version {SCHEMA_VERSION}: "
            "upgrade it (pip install -U satchel-postgresql), or use another database or ?schema="
        )
