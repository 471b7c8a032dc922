"""The schema: what is created, its version, a migration from version 1, a newer one refused,
and several processes creating one new database at once."""

from __future__ import annotations

import itertools
import json

import psycopg
import pytest

import satchel
from satchel import Artifact, SatchelError
from satchel.backends import RunQuery, StoreVersionError, run_document
from satchel.testing import check_record_store
from satchel_postgresql import open_records
from satchel_postgresql.connections import Location, connect
from satchel_postgresql.schema import SCHEMA_VERSION, ensure_schema

TABLES = ["artifacts", "custom_packagers", "projects", "runs", "schema_version", "workflows"]


def _schema(url: str) -> str:
    return Location(url).schema


def test_a_new_store_creates_its_tables_in_its_own_schema(server, new_url):
    url = new_url()
    open_records(url).close()
    with psycopg.connect(server.url()) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (_schema(url),)
        ).fetchall()
        version = connection.execute(f'SELECT version FROM "{_schema(url)}".schema_version').fetchall()
        public = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert [name for (name,) in tables] == TABLES
    assert version == [(SCHEMA_VERSION,)]
    assert public == (0,), "tables were created outside the store's schema"


def test_a_newer_schema_is_refused_naming_both_versions(server, new_url, records_url):
    store = open_records(records_url)
    store.close()
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f'UPDATE "{_schema(records_url)}".schema_version SET version = 99')
    with pytest.raises(StoreVersionError, match=rf"schema version 99.*reads schema version {SCHEMA_VERSION}"):
        open_records(records_url)
    with pytest.raises(StoreVersionError, match="upgrade") as refused:
        satchel.list_runs()
    assert server.password not in str(refused.value)


def test_a_version_1_store_is_migrated_when_opened(server, new_url):
    url = new_url()
    location = Location(url)
    connection = connect(location)
    ensure_schema(connection, location.schema, "test", target=1)
    connection.execute("INSERT INTO projects (name, created) VALUES ('old', '2026-01-01T00:00:00+00:00')")
    connection.execute(
        "INSERT INTO runs (id, project, name, params, inputs, status, started, versions) VALUES "
        "('a1', 'old', 'step', '{\"n\":1}', '{}', 'completed', '2026-01-01T00:00:00.000000+00:00', '{}')"
    )
    connection.close()
    store = open_records(url)
    try:
        run = store.get_run("a1")
        assert run is not None and run.params == {"n": 1} and run.cache_key is None and run.origin is None
        assert store.list_workflows() == []
        assert store.latest_run(RunQuery(project="old", cache_key="k")) is None
        assert store.list_runs_json(RunQuery(project="old")).startswith('[{"id":"a1"')
    finally:
        store.close()
    with psycopg.connect(server.url()) as check:
        version = check.execute(f'SELECT version FROM "{location.schema}".schema_version').fetchone()
    assert version == (SCHEMA_VERSION,)


def test_a_version_2_store_is_migrated_and_its_artifacts_read_without_a_preview(server, new_url):
    """Version 3 adds the artifacts' pack-time previews: one recorded before reads with `preview`
    None, in `get_run` and `list_runs_json` alike; a new one keeps its preview."""
    url = new_url()
    location = Location(url)
    connection = connect(location)
    ensure_schema(connection, location.schema, "test", target=2)
    connection.execute("INSERT INTO projects (name, created) VALUES ('old', '2026-01-01T00:00:00+00:00')")
    connection.execute(
        "INSERT INTO runs (id, project, name, params, inputs, status, started, versions) VALUES "
        "('a1', 'old', 'step', '{}', '{}', 'completed', '2026-01-01T00:00:00.000000+00:00', '{}')"
    )
    connection.execute(
        "INSERT INTO artifacts (run_id, key, project, run_seq, kind, packager, object_type, instructions, "
        "hash, size, versions, created, trusted) SELECT 'a1', 'table', 'old', seq, 'file', 'x.P', "
        "'builtins.list', '{}', 'blake3:00', 3, '{}', '2026-01-01T00:00:00+00:00', true FROM runs"
    )
    connection.close()
    store = open_records(url)
    try:
        old = store.get_run("a1")
        assert old is not None and old.artifacts["table"].preview is None
        listed = json.loads(store.list_runs_json(RunQuery(project="old")))
        assert listed[0]["artifacts"]["table"]["preview"] is None
        preview = {"type": "json", "text": "[1, 2]", "truncated": False, "items": 2}
        new = Artifact(key="new", kind="file", hash="blake3:01", size=1, created=old.started, preview=preview)
        store.finish_run("a1", "completed", {}, [new], None, old.started, {})
        again = store.get_run("a1")
        assert again is not None and again.artifacts["new"].preview == preview
        assert again.artifacts["table"].preview is None
        document = json.loads(store.list_runs_json(RunQuery(project="old")))[0]
        assert document == json.loads(json.dumps(run_document(again)))
    finally:
        store.close()
    with psycopg.connect(server.url()) as check:
        version = check.execute(f'SELECT version FROM "{location.schema}".schema_version').fetchone()
    assert version == (SCHEMA_VERSION,) == (3,)


_databases = itertools.count()


@pytest.mark.slow
def test_several_processes_creating_one_new_database_at_once(server):
    """The kit's concurrent check on new databases (not schemas): one process creates, the rest wait."""

    def new_database() -> str:
        name = f"fresh_{next(_databases)}"
        with psycopg.connect(server.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return server.url(name)

    check_record_store(open_records, new_database, only=["concurrent_processes"], processes=6,
                       runs_per_process=5)  # fmt: skip


def test_a_role_without_create_on_the_database_uses_a_schema_made_for_it(server):
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute("CREATE ROLE limited_user LOGIN PASSWORD 'limited-pw'")
        admin.execute("CREATE SCHEMA team")
        admin.execute("GRANT USAGE, CREATE ON SCHEMA team TO limited_user")
    url = f"postgresql://limited_user:limited-pw@127.0.0.1:{server.port}/postgres?schema=team"
    store = open_records(url)
    try:
        assert store.ensure_project("p") and store.projects() == ["p"]
    finally:
        store.close()
    with pytest.raises(SatchelError, match="permission denied"):  # its own schema: not allowed
        open_records(url.replace("schema=team", "schema=elsewhere"))
