"""`PostgreSQLRecords`: satchel's `RecordStore` in a PostgreSQL database, safe for many processes.

Every method is one statement in autocommit mode where it can be (a statement sees one snapshot,
so a run and its artifacts are read together), or one short READ COMMITTED transaction; no
transaction is open between calls. Writes that could meet a deadlock or a serialization failure
are retried. Each thread of each process has its own connection (`connections.PerThread`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
import psycopg.errors

from satchel import Artifact, SatchelError
from satchel.backends import ABORTED_ERROR, RUNNING, RecordStore, RunQuery, RunRecord, WorkflowRecord, now
from satchel_postgresql import documents
from satchel_postgresql.connections import Location, PerThread
from satchel_postgresql.schema import ensure_schema

T = TypeVar("T")
RETRIES = 8
_RETRIED = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)

RUN_COLUMNS = (
    "id", "project", "name", "function", "source_hash", "params", "inputs", "returns", "results",
    "status", "error", "started", "ended", "versions", "workflow", "cached_from", "host", "pid",
    "process_started", "cache_key", "cache", "origin",
)  # fmt: skip
WORKFLOW_COLUMNS = (
    "id", "project", "name", "status", "started", "ended", "error", "cache", "rerun_of", "from_step",
    "report", "host", "pid", "process_started",
)  # fmt: skip
#: an artifact's own columns (its run's id and project come from the run, or are selected first)
ARTIFACT_COLUMNS = (
    "key", "kind", "packager", "object_type", "instructions", "hash", "size", "versions", "created",
    "trusted", "preview",
)  # fmt: skip
_RUNS = ", ".join(f"r.{column}" for column in RUN_COLUMNS)
_ARTIFACTS = ", ".join(f"a.{column}" for column in ARTIFACT_COLUMNS)
_WORKFLOWS = ", ".join(WORKFLOW_COLUMNS)
_QUERY_COLUMNS = ("project", "status", "name", "workflow", "function", "cache_key")
_HEX = frozenset("0123456789abcdef")


class PostgreSQLRecords(RecordStore):
    """Records in the PostgreSQL database (and schema) a `postgresql://` URL names."""

    def __init__(self, url: str) -> None:
        self.location = Location(url)
        self.url = url  # opens the store again (satchel.submit's workers); messages use location.url
        self._connections = PerThread(self.location)
        connection = self._connections.get()  # fail now, with a clear message, if it cannot open
        where = f"{self.location.url} (schema {self.location.schema})"
        try:
            ensure_schema(connection, self.location.schema, where)
        except psycopg.Error as error:
            self.close()
            raise self._failed(error, "cannot create or migrate the schema") from error
        except BaseException:  # a newer schema, refused: leave no connection open behind
            self.close()
            raise

    # -- statements and transactions -----------------------------------------------------------

    def _failed(self, error: psycopg.Error, doing: str = "failed") -> SatchelError:
        reason = " ".join(self.location.scrub(str(error)).split())
        return SatchelError(f"the PostgreSQL records at {self.location.url}: {doing}: {reason}")

    def _rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One statement in autocommit mode (one snapshot), its rows."""
        return self._write(lambda connection: connection.execute(sql, parameters).fetchall(), False)

    def _count(self, sql: str, parameters: tuple[Any, ...]) -> int:
        """One writing statement in autocommit mode: the number of rows it changed."""
        return self._write(lambda connection: connection.execute(sql, parameters).rowcount, False)

    def _write(self, body: Callable[[psycopg.Connection], T], transaction: bool = True) -> T:
        """`body` (in one transaction unless told otherwise), retried on a deadlock or a
        serialization failure, and once on a new connection when the server dropped this one
        (a restart: nothing was committed, and the records' ids make a replay harmless)."""
        reconnected = False
        for attempt in range(RETRIES):
            connection = self._connections.get()
            try:
                if not transaction:
                    return body(connection)
                with connection.transaction():
                    return body(connection)
            except _RETRIED as error:
                if attempt == RETRIES - 1:
                    raise self._failed(error, f"gave up after {RETRIES} attempts") from error
                time.sleep(0.005 * 2**attempt)
            except psycopg.OperationalError as error:
                if reconnected or not connection.broken:
                    raise self._failed(error) from error
                reconnected = True  # the next attempt gets a new connection (`closed` now)
            except psycopg.Error as error:
                raise self._failed(error) from error
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close this process's connections (they reopen on next use)."""
        self._connections.close()

    # -- projects ------------------------------------------------------------------------------

    def ensure_project(self, name: str) -> bool:
        """Create the project if needed; True when created."""
        return self._count(_INSERT_PROJECT, (name, now())) == 1

    def has_project(self, name: str) -> bool:
        """Whether the project exists."""
        return bool(self._rows("SELECT 1 FROM projects WHERE name = %s", (name,)))

    def projects(self) -> list[str]:
        """Every project, oldest first."""
        return [row[0] for row in self._rows("SELECT name FROM projects ORDER BY seq")]

    def add_custom_packager(self, project: str, path: str, mandatory: bool) -> bool:
        """Record a custom packager; False if the project already has it."""

        def add(connection: psycopg.Connection) -> bool:
            connection.execute(_INSERT_PROJECT, (project, now()))
            # the project's row locked: concurrent adds to one project take positions in turn
            connection.execute("SELECT 1 FROM projects WHERE name = %s FOR UPDATE", (project,))
            cursor = connection.execute(
                "INSERT INTO custom_packagers (project, path, mandatory, position) "
                "SELECT %s, %s, %s, COALESCE(MAX(position), 0) + 1 FROM custom_packagers "
                "WHERE project = %s ON CONFLICT DO NOTHING",
                (project, path, mandatory, project),
            )
            return cursor.rowcount == 1

        return self._write(add)

    def remove_custom_packager(self, project: str, path: str) -> bool:
        """Forget a custom packager; False if there was none."""
        return (
            self._count("DELETE FROM custom_packagers WHERE project = %s AND path = %s", (project, path))
            == 1
        )

    def custom_packagers(self, project: str) -> list[tuple[str, bool]]:
        """The project's custom packagers, in the order they were added."""
        rows = self._rows(
            "SELECT path, mandatory FROM custom_packagers WHERE project = %s ORDER BY position", (project,)
        )
        return [(path, bool(mandatory)) for path, mandatory in rows]

    # -- runs ----------------------------------------------------------------------------------

    def start_run(self, run: RunRecord) -> None:
        """Insert a `running` run and its project, in one statement."""
        self._count(_START_RUN, _run_values(run))

    def finish_run(
        self,
        run_id: str,
        status: str,
        results: dict[str, Any],
        artifacts: list[Artifact],
        error: str | None,
        ended: str,
        versions: dict[str, str],
    ) -> None:
        """Record the end of a run with its outputs: one statement (one round trip, atomic)."""
        values = _finish_values(run_id, status, results, artifacts, error, ended, versions)
        found = self._rows(_FINISH_RUN, values)
        if not found[0][0]:
            raise SatchelError(f"no run {run_id!r} in the PostgreSQL records at {self.location.url}")

    def import_runs(self, runs: list[RunRecord], workflow: WorkflowRecord | None = None) -> None:
        """Record runs that ended elsewhere, their artifacts and their workflow, in one transaction."""

        def record(connection: psycopg.Connection) -> None:
            if workflow is not None:
                connection.execute(_START_WORKFLOW, _workflow_values(workflow))
            for run in runs:
                connection.execute(_START_RUN, _run_values(run))
                artifacts = list(run.artifacts.values())
                values = _finish_values(run.id, run.status, run.results, artifacts, run.error, run.ended,
                                        run.versions)  # fmt: skip
                connection.execute(_FINISH_RUN, values)

        self._write(record)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with this id, or the only one whose id starts with it."""
        full = self._full_id("runs", "run", run_id)
        if full is None:
            return None
        runs = _runs(self._rows(f"{_RUNS_WITH_ARTIFACTS} WHERE r.id = %s ORDER BY a.key", (full,)))
        return runs[0] if runs else None

    def _full_id(self, table: str, what: str, given: str) -> str | None:
        """`given` if it is an id of `table`, else the only id that starts with it (hex only)."""
        if self._rows(f"SELECT 1 FROM {table} WHERE id = %s", (given,)):
            return given
        if not given or not set(given) <= _HEX:
            return None
        rows = self._rows(f"SELECT id FROM {table} WHERE id >= %s AND id < %s LIMIT 2", (given, given + "g"))
        if len(rows) > 1:
            raise SatchelError(f"{what} id {given!r} is ambiguous: give more of it")
        return rows[0][0] if rows else None

    def list_runs(self, query: RunQuery) -> list[RunRecord]:
        """Matching runs, oldest first, with their artifacts (one statement: one snapshot)."""
        where, parameters = _conditions(query)
        return _runs(self._rows(f"{_RUNS_WITH_ARTIFACTS}{where} ORDER BY r.seq, a.key", parameters))

    def list_runs_json(self, query: RunQuery) -> str:
        """Matching runs as one JSON array built by PostgreSQL (the JSON columns spliced in as
        stored): the same data as `run_document`."""
        where, parameters = _conditions(query)
        rows = self._rows(
            f"SELECT '[' || COALESCE(string_agg({documents.RUN}, ',' ORDER BY r.seq), '') || ']' "
            f"FROM runs r LEFT JOIN ({documents.ARTIFACTS_BY_RUN} "
            f"WHERE a.run_id IN (SELECT r.id FROM runs r{where}) GROUP BY a.run_id) x ON x.run_id = r.id"
            f"{where}",
            parameters + parameters,
        )
        return rows[0][0]

    def latest_run(self, query: RunQuery) -> RunRecord | None:
        """The most recently started matching run, with its artifacts."""
        where, parameters = _conditions(query)
        runs = _runs(
            self._rows(
                f"SELECT {_RUNS}, {_ARTIFACTS} FROM "
                f"(SELECT * FROM runs r{where} ORDER BY r.seq DESC LIMIT 1) r "
                "LEFT JOIN artifacts a ON a.run_id = r.id ORDER BY a.key",
                parameters,
            )
        )
        return runs[0] if runs else None

    def running_runs(self) -> list[RunRecord]:
        """Runs recorded as `running` (to check whether their processes are alive)."""
        return self.list_runs(RunQuery(status=RUNNING))

    def mark_aborted(self, run_ids: list[str], ended: str) -> list[str]:
        """`running` runs recorded as `aborted`; the ids that changed."""
        return self._abort("runs", run_ids, ended)

    def _abort(self, table: str, ids: list[str], ended: str) -> list[str]:
        if not ids:
            return []
        rows = self._rows(
            f"UPDATE {table} SET status = 'aborted', ended = %s, error = COALESCE(error, %s) "
            "WHERE id = ANY(%s) AND status = 'running' RETURNING id",
            (ended, ABORTED_ERROR, list(ids)),
        )
        changed = {row[0] for row in rows}
        return [one for one in dict.fromkeys(ids) if one in changed]

    # -- workflows -----------------------------------------------------------------------------

    def start_workflow(self, workflow: WorkflowRecord) -> None:
        """Insert a `running` workflow and its project, in one statement."""
        self._count(_START_WORKFLOW, _workflow_values(workflow))

    def finish_workflow(
        self, workflow_id: str, status: str, ended: str, error: str | None, report: dict[str, Any] | None
    ) -> None:
        """Record how a workflow ended."""
        changed = self._count(
            "UPDATE workflows SET status = %s, ended = %s, error = %s, report = %s WHERE id = %s",
            (status, ended, error, _json_or_null(report), workflow_id),
        )
        if changed != 1:
            where = self.location.url
            raise SatchelError(f"no workflow {workflow_id!r} in the PostgreSQL records at {where}")

    def get_workflow(self, workflow_id: str) -> WorkflowRecord | None:
        """The workflow with this id, or the only one whose id starts with it."""
        full = self._full_id("workflows", "workflow", workflow_id)
        if full is None:
            return None
        rows = self._rows(f"SELECT {_WORKFLOWS} FROM workflows WHERE id = %s", (full,))
        return _workflow(rows[0]) if rows else None

    def list_workflows(self, project: str | None = None, name: str | None = None) -> list[WorkflowRecord]:
        """Matching workflows, oldest first."""
        conditions, parameters = [], []
        for column, value in (("project", project), ("name", name)):
            if value is not None:
                conditions.append(f"{column} = %s")
                parameters.append(value)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._rows(f"SELECT {_WORKFLOWS} FROM workflows{where} ORDER BY seq", tuple(parameters))
        return [_workflow(row) for row in rows]

    def mark_workflows_aborted(self, workflow_ids: list[str], ended: str) -> list[str]:
        """`running` workflows recorded as `aborted`; the ids that changed."""
        return self._abort("workflows", workflow_ids, ended)

    # -- artifacts -----------------------------------------------------------------------------

    def find_artifact(self, project: str, key: str, run_id: str | None = None) -> Artifact | None:
        """That run's artifact `key`, or the one of the most recently started run that logged it."""
        select = (
            f"SELECT a.run_id, a.project, {_ARTIFACTS} FROM artifacts a "
            "WHERE a.project = %s AND a.key = %s"
        )
        if run_id is not None:
            rows = self._rows(f"{select} AND a.run_id = %s", (project, key, run_id))
        else:
            rows = self._rows(f"{select} ORDER BY a.run_seq DESC LIMIT 1", (project, key))
        return _artifact(rows[0][0], rows[0][1], rows[0][2:]) if rows else None

    def list_artifacts(self, project: str | None = None) -> list[Artifact]:
        """Every artifact (of one project), oldest run first."""
        select = f"SELECT a.run_id, a.project, {_ARTIFACTS} FROM artifacts a"
        if project is None:
            rows = self._rows(f"{select} ORDER BY a.run_seq, a.key")
        else:
            rows = self._rows(f"{select} WHERE a.project = %s ORDER BY a.run_seq, a.key", (project,))
        return [_artifact(row[0], row[1], row[2:]) for row in rows]

    def set_trusted(self, project: str, key: str, run_id: str, trusted: bool) -> bool:
        """Trust or distrust one artifact."""
        changed = self._count(
            "UPDATE artifacts SET trusted = %s WHERE project = %s AND key = %s AND run_id = %s",
            (bool(trusted), project, key, run_id),
        )
        return changed == 1


_INSERT_PROJECT = "INSERT INTO projects (name, created) VALUES (%s, %s) ON CONFLICT DO NOTHING"
# The project's insert and the run's in one statement; the foreign key is checked at its end.
_START_RUN = (
    f"WITH project AS ({_INSERT_PROJECT}) "
    f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join(['%s'] * len(RUN_COLUMNS))})"
)
_START_WORKFLOW = (
    f"WITH project AS ({_INSERT_PROJECT}) "
    f"INSERT INTO workflows ({_WORKFLOWS}) VALUES ({', '.join(['%s'] * len(WORKFLOW_COLUMNS))})"
)
#: The run's update and its artifacts' upsert in one statement; the artifacts come as one array
#: per column (`unnest` makes them rows), so any number of them is one round trip.
_FINISH_RUN = (
    "WITH run AS (UPDATE runs SET status = %s, results = %s, error = %s, ended = %s, versions = %s "
    "WHERE id = %s RETURNING id, project, seq), "
    f"stored AS (INSERT INTO artifacts (run_id, project, run_seq, {', '.join(ARTIFACT_COLUMNS)}) "
    f"SELECT run.id, run.project, run.seq, a.* FROM run, unnest("
    "%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], "
    "%s::text[], %s::boolean[], %s::text[]) AS a "
    "ON CONFLICT (run_id, key) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in ARTIFACT_COLUMNS)
    + ") SELECT count(*) FROM run"
)
_RUNS_WITH_ARTIFACTS = f"SELECT {_RUNS}, {_ARTIFACTS} FROM runs r LEFT JOIN artifacts a ON a.run_id = r.id"


def _conditions(query: RunQuery) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (on runs `r`) and its parameters for a query."""
    conditions, parameters = [], []
    for column in _QUERY_COLUMNS:
        value = getattr(query, column)
        if value is not None:
            conditions.append(f"r.{column} = %s")
            parameters.append(value)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), tuple(parameters)


def _run_values(run: RunRecord) -> tuple[Any, ...]:
    """The parameters of `_START_RUN`: the project's, then the run's columns."""
    return (
        run.project, run.started,
        run.id, run.project, run.name, run.function, run.source_hash, _json(run.params),
        _json(run.inputs), None if run.returns is None else _json(run.returns),
        _json(run.results), run.status, run.error, run.started, run.ended,
        _json(run.versions), run.workflow, run.cached_from, run.host, run.pid,
        run.process_started, run.cache_key, _json_or_null(run.cache), _json_or_null(run.origin),
    )  # fmt: skip


def _workflow_values(workflow: WorkflowRecord) -> tuple[Any, ...]:
    """The parameters of `_START_WORKFLOW`: the project's, then the workflow's columns."""
    return (
        workflow.project, workflow.started,
        workflow.id, workflow.project, workflow.name, workflow.status, workflow.started,
        workflow.ended, workflow.error, bool(workflow.cache), workflow.rerun_of,
        workflow.from_step, _json_or_null(workflow.report), workflow.host, workflow.pid,
        workflow.process_started,
    )  # fmt: skip


def _finish_values(
    run_id: str,
    status: str,
    results: dict[str, Any],
    artifacts: list[Artifact],
    error: str | None,
    ended: str | None,
    versions: dict[str, str],
) -> tuple[Any, ...]:
    """The parameters of `_FINISH_RUN`: the run's new columns, then one array per artifact column."""
    by_key = {artifact.key: artifact for artifact in artifacts}  # a key twice: the last one, as SQLite
    columns = list(zip(*(_artifact_values(a) for a in by_key.values()))) or [()] * len(ARTIFACT_COLUMNS)
    return (status, _json(results), error, ended, _json(versions), run_id, *(list(c) for c in columns))


def _artifact_values(a: Artifact) -> tuple[Any, ...]:
    """An artifact's values in the order of `ARTIFACT_COLUMNS`."""
    return (
        a.key, a.kind, a.packager, a.object_type, _json(a.instructions), a.hash, a.size,
        _json(a.versions), a.created, bool(a.trusted), None if a.preview is None else _json(a.preview),
    )  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _json_or_null(value: Any) -> str | None:
    return None if value is None else _json(value)


_N = len(RUN_COLUMNS)


def _runs(rows: list[tuple[Any, ...]]) -> list[RunRecord]:
    """Runs from rows of run columns then artifact columns (NULL when the run has none)."""
    runs: list[RunRecord] = []
    current: RunRecord | None = None
    for row in rows:
        if current is None or current.id != row[0]:
            current = _run(row)
            runs.append(current)
        if row[_N] is not None:
            artifact = _artifact(current.id, current.project, row[_N:])
            current.artifacts[artifact.key] = artifact
    return runs


def _run(row: tuple[Any, ...]) -> RunRecord:
    (
        id_, project, name, function, source_hash, params, inputs, returns, results, status, error,
        started, ended, versions, workflow, cached_from, host, pid, process_started, cache_key, cache,
        origin,
    ) = row[:_N]  # fmt: skip
    # one json.loads for the seven JSON columns: per call overhead dominates for small texts
    params, inputs, returns, results, versions, cache, origin = json.loads(
        f"[{params},{inputs},{returns or 'null'},{results},{versions},{cache or 'null'},{origin or 'null'}]"
    )
    return RunRecord(
        id=id_,
        project=project,
        name=name,
        function=function,
        source_hash=source_hash,
        params=params,
        inputs=inputs,
        returns=returns,
        results=results,
        status=status,
        error=error,
        started=started,
        ended=ended,
        versions=versions,
        workflow=workflow,
        cached_from=cached_from,
        host=host,
        pid=pid,
        process_started=process_started,
        cache_key=cache_key,
        cache=cache,
        origin=origin,
    )


def _workflow(row: tuple[Any, ...]) -> WorkflowRecord:
    (id_, project, name, status, started, ended, error, cache, rerun_of, from_step, report, host, pid,
     since) = row  # fmt: skip
    return WorkflowRecord(
        id=id_,
        project=project,
        name=name,
        status=status,
        started=started,
        ended=ended,
        error=error,
        cache=bool(cache),
        rerun_of=rerun_of,
        from_step=from_step,
        report=json.loads(report) if report else None,
        host=host,
        pid=pid,
        process_started=since,
    )


def _artifact(run_id: str, project: str, row: tuple[Any, ...]) -> Artifact:
    key, kind, packager, object_type, instructions, hash_, size, versions, created, trusted, preview = row
    instructions, versions, preview = json.loads(f"[{instructions},{versions},{preview or 'null'}]")
    return Artifact(
        key=key,
        kind=kind,
        uri=f"store://{project}/{key}@{run_id}",
        packager=packager,
        object_type=object_type,
        instructions=instructions,
        hash=hash_,
        size=size,
        versions=versions,
        created=created,
        trusted=bool(trusted),
        preview=preview,
    )
