"""`SQLiteRecords`: projects, runs, workflows and artifacts in one SQLite database, safe for many processes.

WAL mode, a busy timeout, and every write transaction begun with `BEGIN IMMEDIATE` (a deferred
read-then-write transaction fails at once with `SQLITE_BUSY_SNAPSHOT` under contention, whatever
the timeout); transactions are short and none is open while a payload is written. Each thread
of each process has its own connection.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from satchel.errors import SatchelError
from satchel.packaging.artifact import Artifact
from satchel.packaging.timestamps import now
from satchel.tracking.store.records import (
    ABORTED_ERROR,
    RUNNING,
    RecordStore,
    RunQuery,
    RunRecord,
    WorkflowRecord,
)
from satchel.tracking.store.sqlite_schema import ensure_schema

BUSY_TIMEOUT_MS = 60_000
_RUN_COLUMNS = (
    "id, project, name, function, source_hash, params, inputs, returns, results, status, error, "
    "started, ended, versions, workflow, cached_from, host, pid, process_started, cache_key, cache, origin"
)
_WORKFLOW_COLUMNS = (
    "id, project, name, status, started, ended, error, cache, rerun_of, from_step, report, host, pid, "
    "process_started"
)
_ARTIFACT_COLUMNS = (
    "run_id, key, project, kind, packager, object_type, instructions, hash, size, versions, created, "
    "trusted, preview"
)


class SQLiteRecords(RecordStore):
    """The records of the embedded store, in `path` (a SQLite database file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self._local = threading.local()
        self._connect()  # fail now, with a clear message, if the database cannot be opened

    # -- connections and transactions ----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.pid == os.getpid():
            return connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
            )
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _use_wal(connection, self.path)
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            ensure_schema(connection, str(self.path.parent))
        except sqlite3.Error as error:
            raise SatchelError(
                f"cannot open the store database {self.path}: {error}; check that the folder is "
                "writable, or choose another store (--store, SATCHEL_HOME)"
            ) from error
        except OSError as error:
            raise SatchelError(
                f"cannot create the store folder {self.path.parent}: {error.strerror or error}; "
                "choose a writable one (--store, SATCHEL_HOME)"
            ) from error
        local.connection, local.pid = connection, os.getpid()
        return connection

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        connection = self._connect()
        connection.row_factory = sqlite3.Row
        return connection.execute(sql, parameters).fetchall()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads that must see one state of the database (runs, then their artifacts): one read
        transaction. Outside one, each statement sees the latest commit, and a run finished in
        between would be listed `running` with artifacts, or a new run's artifacts without it."""
        connection = self._connect()
        if connection.in_transaction:  # already inside one (a nested call)
            yield
            return
        connection.execute("BEGIN")
        try:
            yield
        finally:
            connection.execute("COMMIT")

    def _by_id(self, table: str, columns: str, row_id: str, what: str) -> list[sqlite3.Row]:
        """The row of `table` with this id, or the only one whose id starts with it (ids are hex)."""
        rows = self._read(f"SELECT {columns} FROM {table} WHERE id = ?", (row_id,))
        if not rows and row_id and all(c in "0123456789abcdef" for c in row_id):
            rows = self._read(
                f"SELECT {columns} FROM {table} WHERE id >= ? AND id < ? LIMIT 2", (row_id, row_id + "g")
            )
            if len(rows) > 1:
                raise SatchelError(f"{what} id {row_id!r} is ambiguous: give more of it")
        return rows

    def close(self) -> None:
        """Close this thread's connection (not one inherited from the parent of a forked child)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            if self._local.pid == os.getpid():
                connection.close()
            self._local.connection = None

    # -- projects ------------------------------------------------------------------------------

    def ensure_project(self, name: str) -> bool:
        """Create the project if needed; True when created."""
        if self.has_project(name):
            return False
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO projects (name, created) VALUES (?, ?)", (name, now())
            )
            return cursor.rowcount == 1

    def has_project(self, name: str) -> bool:
        """Whether the project exists."""
        return bool(self._read("SELECT 1 FROM projects WHERE name = ?", (name,)))

    def projects(self) -> list[str]:
        """Every project, oldest first."""
        return [row["name"] for row in self._read("SELECT name FROM projects ORDER BY rowid")]

    def add_custom_packager(self, project: str, path: str, mandatory: bool) -> bool:
        """Record a custom packager; False if the project already has it."""
        with self._write() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO projects (name, created) VALUES (?, ?)", (project, now())
            )
            position = connection.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM custom_packagers WHERE project = ?", (project,)
            ).fetchone()[0]
            cursor = connection.execute(
                "INSERT OR IGNORE INTO custom_packagers (project, path, mandatory, position) "
                "VALUES (?, ?, ?, ?)",
                (project, path, int(mandatory), position),
            )
            return cursor.rowcount == 1

    def remove_custom_packager(self, project: str, path: str) -> bool:
        """Forget a custom packager; False if there was none."""
        with self._write() as connection:
            cursor = connection.execute(
                "DELETE FROM custom_packagers WHERE project = ? AND path = ?", (project, path)
            )
            return cursor.rowcount == 1

    def custom_packagers(self, project: str) -> list[tuple[str, bool]]:
        """The project's custom packagers, in the order they were added."""
        rows = self._read(
            "SELECT path, mandatory FROM custom_packagers WHERE project = ? ORDER BY position", (project,)
        )
        return [(row["path"], bool(row["mandatory"])) for row in rows]

    # -- runs ----------------------------------------------------------------------------------

    def start_run(self, run: RunRecord) -> None:
        """Insert a `running` run (and its project)."""
        with self._write() as connection:
            _insert_run(connection, run)

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
        """Record the end of a run with its outputs, in one transaction."""
        with self._write() as connection:
            _insert_artifacts(connection, run_id, artifacts, self.path)
            connection.execute(
                "UPDATE runs SET status = ?, results = ?, error = ?, ended = ?, versions = ? WHERE id = ?",
                (status, _json(results), error, ended, _json(versions), run_id),
            )

    def import_runs(self, runs: list[RunRecord], workflow: WorkflowRecord | None = None) -> None:
        """Record runs that ended elsewhere, their artifacts and their workflow, in one transaction."""
        with self._write() as connection:
            if workflow is not None:
                _insert_workflow(connection, workflow)
            for run in runs:
                _insert_run(connection, run)
                _insert_artifacts(connection, run.id, list(run.artifacts.values()), self.path)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with this id, or the only one whose id starts with it."""
        with self._snapshot():
            return self._get_run(run_id)

    def _get_run(self, run_id: str) -> RunRecord | None:
        rows = self._by_id("runs", _RUN_COLUMNS, run_id, "run")
        if not rows:
            return None
        artifacts = self._read(
            f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY key", (rows[0]["id"],)
        )
        return _attach([_run(rows[0])], artifacts)[0]

    def list_runs(self, query: RunQuery) -> list[RunRecord]:
        """Matching runs, oldest first, with their artifacts."""
        where, parameters = _conditions(query)
        columns = ", ".join(f"r.{name.strip()}" for name in _RUN_COLUMNS.split(","))
        artifact_columns = ", ".join(f"a.{name.strip()}" for name in _ARTIFACT_COLUMNS.split(","))
        with self._snapshot():
            rows = self._read(f"SELECT {columns} FROM runs r{where} ORDER BY r.seq", parameters)
            artifacts = self._read(
                f"SELECT {artifact_columns} FROM artifacts a JOIN runs r ON r.id = a.run_id{where} "
                "ORDER BY a.run_seq, a.key",
                parameters,
            )
        return _attach([_run(row) for row in rows], artifacts)

    def list_runs_json(self, query: RunQuery) -> str:
        """Matching runs as one JSON array built by SQLite itself (`satchel runs --json` on
        10,000 runs): the same data as `run_document`, the JSON columns spliced in as stored."""
        where, parameters = _conditions(query)
        rows = self._read(
            f"SELECT '[' || COALESCE(group_concat(document, ','), '') || ']' FROM "
            f"(SELECT {_RUN_DOCUMENT} AS document FROM runs r{where} ORDER BY r.seq)",
            parameters,
        )
        return rows[0][0]

    def latest_run(self, query: RunQuery) -> RunRecord | None:
        """The most recently started matching run, with its artifacts."""
        where, parameters = _conditions(query)
        columns = ", ".join(f"r.{name.strip()}" for name in _RUN_COLUMNS.split(","))
        with self._snapshot():
            rows = self._read(f"SELECT {columns} FROM runs r{where} ORDER BY r.seq DESC LIMIT 1", parameters)
            if not rows:
                return None
            artifacts = self._read(
                f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY key", (rows[0]["id"],)
            )
        return _attach([_run(rows[0])], artifacts)[0]

    def running_runs(self) -> list[RunRecord]:
        """Runs recorded as `running` (to check whether their processes are alive)."""
        rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs WHERE status = ?", (RUNNING,))
        return [_run(row) for row in rows]

    def mark_aborted(self, run_ids: list[str], ended: str) -> list[str]:
        """`running` runs recorded as `aborted`; the ids that changed."""
        return self._mark_aborted("runs", run_ids, ended)

    def _mark_aborted(self, table: str, ids: list[str], ended: str) -> list[str]:
        """Rows of `table` (runs or workflows) still `running` recorded as `aborted`."""
        changed = []
        with self._write() as connection:
            for row_id in ids:
                cursor = connection.execute(
                    f"UPDATE {table} SET status = 'aborted', ended = ?, error = COALESCE(error, ?) "
                    "WHERE id = ? AND status = 'running'",
                    (ended, ABORTED_ERROR, row_id),
                )
                if cursor.rowcount:
                    changed.append(row_id)
        return changed

    # -- workflows -----------------------------------------------------------------------------

    def start_workflow(self, workflow: WorkflowRecord) -> None:
        """Insert a `running` workflow (and its project)."""
        with self._write() as connection:
            _insert_workflow(connection, workflow)

    def finish_workflow(
        self, workflow_id: str, status: str, ended: str, error: str | None, report: dict[str, Any] | None
    ) -> None:
        """Record how a workflow ended."""
        with self._write() as connection:
            cursor = connection.execute(
                "UPDATE workflows SET status = ?, ended = ?, error = ?, report = ? WHERE id = ?",
                (status, ended, error, _json_or_null(report), workflow_id),
            )
            if cursor.rowcount != 1:
                raise SatchelError(f"no workflow {workflow_id!r} in {self.path}")

    def get_workflow(self, workflow_id: str) -> WorkflowRecord | None:
        """The workflow with this id, or the only one whose id starts with it."""
        rows = self._by_id("workflows", _WORKFLOW_COLUMNS, workflow_id, "workflow")
        return _workflow(rows[0]) if rows else None

    def list_workflows(self, project: str | None = None, name: str | None = None) -> list[WorkflowRecord]:
        """Matching workflows, oldest first."""
        conditions, parameters = [], []
        for column, value in (("project", project), ("name", name)):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._read(
            f"SELECT {_WORKFLOW_COLUMNS} FROM workflows{where} ORDER BY seq", tuple(parameters)
        )
        return [_workflow(row) for row in rows]

    def mark_workflows_aborted(self, workflow_ids: list[str], ended: str) -> list[str]:
        """`running` workflows recorded as `aborted`; the ids that changed."""
        return self._mark_aborted("workflows", workflow_ids, ended)

    # -- artifacts -----------------------------------------------------------------------------

    def find_artifact(self, project: str, key: str, run_id: str | None = None) -> Artifact | None:
        """That run's artifact `key`, or the latest run's."""
        if run_id is not None:
            rows = self._read(
                f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE project = ? AND key = ? AND run_id = ?",
                (project, key, run_id),
            )
        else:
            rows = self._read(
                f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE project = ? AND key = ? "
                "ORDER BY run_seq DESC LIMIT 1",
                (project, key),
            )
        return _artifact(rows[0]) if rows else None

    def list_artifacts(self, project: str | None = None) -> list[Artifact]:
        """Every artifact (of one project), oldest run first."""
        if project is None:
            rows = self._read(f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts ORDER BY run_seq, key")
        else:
            rows = self._read(
                f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE project = ? ORDER BY run_seq, key",
                (project,),
            )
        return [_artifact(row) for row in rows]

    def set_trusted(self, project: str, key: str, run_id: str, trusted: bool) -> bool:
        """Trust or distrust one artifact."""
        with self._write() as connection:
            cursor = connection.execute(
                "UPDATE artifacts SET trusted = ? WHERE project = ? AND key = ? AND run_id = ?",
                (int(trusted), project, key, run_id),
            )
            return cursor.rowcount == 1


def _insert_run(connection: sqlite3.Connection, run: RunRecord) -> None:
    """Insert a run as it is (and its project, if new)."""
    connection.execute(
        "INSERT OR IGNORE INTO projects (name, created) VALUES (?, ?)", (run.project, run.started)
    )
    connection.execute(
        f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES ({', '.join('?' * 22)})",
        (
            run.id, run.project, run.name, run.function, run.source_hash, _json(run.params),
            _json(run.inputs), None if run.returns is None else _json(run.returns),
            _json(run.results), run.status, run.error, run.started, run.ended,
            _json(run.versions), run.workflow, run.cached_from, run.host, run.pid,
            run.process_started, run.cache_key, _json_or_null(run.cache),
            _json_or_null(run.origin),
        ),
    )  # fmt: skip


def _insert_artifacts(
    connection: sqlite3.Connection, run_id: str, artifacts: list[Artifact], path: Path
) -> None:
    """Insert (or replace) the artifacts of a recorded run."""
    row = connection.execute("SELECT project, seq FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise SatchelError(f"no run {run_id!r} in {path}")
    project, seq = row
    connection.executemany(
        f"INSERT OR REPLACE INTO artifacts ({_ARTIFACT_COLUMNS}, run_seq) "
        f"VALUES ({', '.join('?' * 14)})",
        [
            (
                run_id, a.key, project, a.kind, a.packager, a.object_type, _json(a.instructions),
                a.hash, a.size, _json(a.versions), a.created, int(a.trusted), _json_or_null(a.preview), seq,
            )
            for a in artifacts
        ],
    )  # fmt: skip


def _insert_workflow(connection: sqlite3.Connection, workflow: WorkflowRecord) -> None:
    """Insert a workflow as it is (and its project, if new)."""
    connection.execute(
        "INSERT OR IGNORE INTO projects (name, created) VALUES (?, ?)", (workflow.project, workflow.started)
    )
    connection.execute(
        f"INSERT INTO workflows ({_WORKFLOW_COLUMNS}) VALUES ({', '.join('?' * 14)})",
        (
            workflow.id, workflow.project, workflow.name, workflow.status, workflow.started,
            workflow.ended, workflow.error, int(workflow.cache), workflow.rerun_of,
            workflow.from_step, _json_or_null(workflow.report), workflow.host, workflow.pid,
            workflow.process_started,
        ),
    )  # fmt: skip


def _use_wal(connection: sqlite3.Connection, path: Path) -> None:
    """Put the database in WAL mode (once for good: the mode is kept in the file).

    Switching needs the database to itself, and SQLite does not wait for it under the busy
    timeout: processes opening a new store at once retry here until it is done or time is up.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() == "wal":
            return
        try:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as error:
            if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
            continue
        if mode.lower() != "wal":
            raise SatchelError(f"the store database {path} cannot use WAL mode (got {mode!r})")
        return


def _conditions(query: RunQuery) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (on runs `r`) and its parameters for a query."""
    conditions, parameters = [], []
    for column in ("project", "status", "name", "workflow", "function", "cache_key"):
        value = getattr(query, column)
        if value is not None:
            conditions.append(f"r.{column} = ?")
            parameters.append(value)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), tuple(parameters)


def _text(*fields: tuple[str, str]) -> str:
    """SQL building a JSON object: each `(name, SQL of its JSON text)`, in order."""
    parts = [f"'\"{name}\":' || {sql}" for name, sql in fields]
    return "'{' || " + " || ',' || ".join(parts) + " || '}'"


#: One artifact of `a` as JSON: the keys of `Artifact.to_dict`, in its order.
_ARTIFACT_DOCUMENT = _text(
    ("key", "json_quote(a.key)"),
    ("kind", "json_quote(a.kind)"),
    ("uri", "json_quote('store://' || a.project || '/' || a.key || '@' || a.run_id)"),
    ("packager", "json_quote(a.packager)"),
    ("object_type", "json_quote(a.object_type)"),
    ("instructions", "a.instructions"),
    ("hash", "json_quote(a.hash)"),
    ("size", "json_quote(a.size)"),
    ("versions", "a.versions"),
    ("created", "json_quote(a.created)"),
    ("trusted", "CASE WHEN a.trusted THEN 'true' ELSE 'false' END"),
    ("preview", "COALESCE(a.preview, 'null')"),
)
#: One run of `r` as JSON: the keys of `run_document`, in its order.
_RUN_DOCUMENT = _text(
    ("id", "json_quote(r.id)"),
    ("project", "json_quote(r.project)"),
    ("name", "json_quote(r.name)"),
    ("function", "json_quote(r.function)"),
    ("source_hash", "json_quote(r.source_hash)"),
    ("params", "r.params"),
    ("inputs", "r.inputs"),
    ("results", "r.results"),
    (
        "artifacts",
        "COALESCE((SELECT '{' || group_concat(json_quote(a.key) || ':' || "
        f"{_ARTIFACT_DOCUMENT}, ',') || '}}' FROM (SELECT * FROM artifacts WHERE run_id = r.id "
        "ORDER BY key) a), '{}')",
    ),
    ("status", "json_quote(r.status)"),
    ("error", "json_quote(r.error)"),
    ("started", "json_quote(r.started)"),
    ("ended", "json_quote(r.ended)"),
    ("versions", "r.versions"),
    ("workflow", "json_quote(r.workflow)"),
    ("cached_from", "json_quote(r.cached_from)"),
    ("cache", "COALESCE(r.cache, 'null')"),
    ("origin", "COALESCE(r.origin, 'null')"),
)


def _attach(runs: list[RunRecord], artifacts: list[sqlite3.Row]) -> list[RunRecord]:
    by_id = {run.id: run for run in runs}
    for row in artifacts:
        by_id[row["run_id"]].artifacts[row["key"]] = _artifact(row)
    return runs


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _json_or_null(value: Any) -> str | None:
    return None if value is None else _json(value)


def _run(row: sqlite3.Row) -> RunRecord:
    # one json.loads for the five JSON columns: per call overhead dominates for small texts
    params, inputs, returns, results, versions, cache, origin = json.loads(
        f"[{row['params']},{row['inputs']},{row['returns'] or 'null'},{row['results']},{row['versions']},"
        f"{row['cache'] or 'null'},{row['origin'] or 'null'}]"
    )
    return RunRecord(
        id=row["id"],
        project=row["project"],
        name=row["name"],
        function=row["function"],
        source_hash=row["source_hash"],
        params=params,
        inputs=inputs,
        returns=returns,
        results=results,
        status=row["status"],
        error=row["error"],
        started=row["started"],
        ended=row["ended"],
        versions=versions,
        workflow=row["workflow"],
        cached_from=row["cached_from"],
        host=row["host"],
        pid=row["pid"],
        process_started=row["process_started"],
        cache_key=row["cache_key"],
        cache=cache,
        origin=origin,
    )


def _workflow(row: sqlite3.Row) -> WorkflowRecord:
    return WorkflowRecord(
        id=row["id"],
        project=row["project"],
        name=row["name"],
        status=row["status"],
        started=row["started"],
        ended=row["ended"],
        error=row["error"],
        cache=bool(row["cache"]),
        rerun_of=row["rerun_of"],
        from_step=row["from_step"],
        report=json.loads(row["report"]) if row["report"] else None,
        host=row["host"],
        pid=row["pid"],
        process_started=row["process_started"],
    )


def _artifact(row: sqlite3.Row) -> Artifact:
    instructions, versions, preview = json.loads(
        f"[{row['instructions']},{row['versions']},{row['preview'] or 'null'}]"
    )
    return Artifact(
        key=row["key"],
        kind=row["kind"],
        uri=f"store://{row['project']}/{row['key']}@{row['run_id']}",
        packager=row["packager"],
        object_type=row["object_type"],
        instructions=instructions,
        hash=row["hash"],
        size=row["size"],
        versions=versions,
        created=row["created"],
        trusted=bool(row["trusted"]),
        preview=preview,
    )
