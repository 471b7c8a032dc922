"""Records in PostgreSQL (satchel-postgresql) against the embedded SQLite store, in the same run.

- `postgresql-runs-per-second`: `satchel.run(f, returns="x")` per run, warm, with the records in
  the embedded SQLite database (the baseline), in PostgreSQL, and in PostgreSQL with
  `synchronous_commit=off` (commits do not wait for the WAL flush: the cost of durability).
- `postgresql-list-runs-10k`: `list_runs()` and `list_runs_json()` of 10,000 runs (every 10th
  with an artifact), the same records written into both stores, warm (the store opened).

The server is a throwaway cluster (`satchel_postgresql.throwaway`: initdb in a temporary folder,
loopback, default durability settings), started on first use and stopped when the bench ends.
Without PostgreSQL's server binaries or satchel-postgresql installed, these cases are left out.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import uuid
from pathlib import Path
from typing import Any

from bench.harness import Comparison, Variant

PROJECT = "bench"
RUN_NUMBER = 200
LIST_RUNS = 10_000
_SERVER: list[Any] = []


def answer() -> int:
    """A trivial step: one int result."""
    return 3


def _available() -> bool:
    if importlib.util.find_spec("satchel_postgresql") is None:
        return False
    from satchel_postgresql.throwaway import ServerMissingError, find_binaries

    try:
        find_binaries()
    except ServerMissingError:
        return False
    return True


def _server() -> Any:
    """The bench's PostgreSQL server, started once per process, stopped at exit."""
    if not _SERVER:
        from satchel_postgresql.throwaway import ThrowawayServer

        server = ThrowawayServer().start()
        atexit.register(server.stop)
        _SERVER.append(server)
    return _SERVER[0]


def _records(kind: str) -> str | None:
    """A new store's records URL: None for the embedded SQLite database."""
    if kind == "sqlite":
        return None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    if kind == "postgresql":
        return _server().url(schema=schema)
    return _server().url(schema=schema, options="-csynchronous_commit%3Doff")


def _run_setup(kind: str) -> Any:
    """`satchel.run(answer, returns="x")` into a store of its own, after a first run (warm)."""

    def setup(_data: Any, scratch: Path) -> Any:
        import satchel
        from satchel.tracking.store.opening import open_store

        store = open_store(scratch / "store", records=_records(kind))
        call = functools.partial(satchel.run, answer, returns="x", project=PROJECT, store=store)
        first = call()
        if first.status != "completed" or first.results != {"x": 3}:
            raise RuntimeError(f"the first run ended {first.status}: {first.error}")
        return call

    return setup


def _call(function: Any) -> Any:
    return function()


def _filled(kind: str, scratch: Path) -> Any:
    """A store holding the same 10,000 completed runs, written through its RecordStore."""
    from satchel import Artifact
    from satchel.backends import RunQuery, RunRecord, now
    from satchel.tracking.store.opening import open_store

    url = _records(kind)
    if url is not None:  # filling is not what is measured: no waiting for the disk meanwhile
        filling = url + "&options=-csynchronous_commit%3Doff"
        builder = open_store(scratch / "fill", records=filling).records
    store = open_store(scratch / "store", records=url).records
    builder = store if url is None else builder
    for i in range(LIST_RUNS):
        run = RunRecord(id=uuid.uuid4().hex, project=PROJECT, name="step", function="bench:step",
                        source_hash="blake3:" + "0" * 64, params={"i": i}, inputs={}, returns=["x"],
                        status="running", started=now(), versions={"python": "3"})  # fmt: skip
        builder.start_run(run)
        artifacts = []
        if i % 10 == 0:
            artifacts.append(Artifact(key="data", kind="file", packager="p", object_type="builtins.list",
                                      instructions={"file_format": "json"}, hash="blake3:" + "1" * 64,
                                      size=12, versions={"satchel": "0"}, created=now()))  # fmt: skip
        builder.finish_run(run.id, "completed", {"x": i * 0.5}, artifacts, None, now(), run.versions)
    if len(store.list_runs(RunQuery())) != LIST_RUNS:
        raise RuntimeError(f"the {kind} store does not hold {LIST_RUNS} runs")
    return store


def _list_setup(kind: str, method: str) -> Any:
    def setup(_data: Any, scratch: Path) -> Any:
        from satchel.backends import RunQuery

        return functools.partial(getattr(_filled(kind, scratch), method), RunQuery(project=PROJECT))

    return setup


def cases() -> list[Comparison]:
    """Both cases, or none when there is no PostgreSQL server to run."""
    if not _available():
        return []
    kinds = [("SQLite", "sqlite"), ("PostgreSQL", "postgresql"), ("PostgreSQL, async commit", "async")]
    return [
        Comparison(
            name="postgresql-runs-per-second",
            description="satchel.run(f, returns='x') per run, warm: records in SQLite vs PostgreSQL",
            variants=[
                Variant(f"satchel.run, {label}", _call, setup=_run_setup(kind), number=RUN_NUMBER)
                for label, kind in kinds
            ],
            memory=False,
            notes=[
                "payloads in the store folder in every variant; runs/s = 1 / median",
                "PostgreSQL: a throwaway local server over loopback TCP, default durability (each commit "
                "waits for its WAL flush); 'async commit' sets synchronous_commit=off for the session",
                "SQLite: WAL with synchronous=NORMAL (commits do not wait for the disk either)",
            ],
        ),
        Comparison(
            name="postgresql-list-runs-10k",
            description=f"list_runs / list_runs_json of {LIST_RUNS:,} runs, warm: SQLite vs PostgreSQL",
            variants=[
                Variant("list_runs, SQLite", _call, setup=_list_setup("sqlite", "list_runs")),
                Variant("list_runs, PostgreSQL", _call, setup=_list_setup("postgresql", "list_runs")),
                Variant("list_runs_json, SQLite", _call, setup=_list_setup("sqlite", "list_runs_json")),
                Variant(
                    "list_runs_json, PostgreSQL", _call, setup=_list_setup("postgresql", "list_runs_json")
                ),
            ],
            memory=False,
            notes=[
                f"the same {LIST_RUNS:,} completed runs (one param, one result; every 10th with an artifact) "
                "written into each store through its RecordStore, untimed"
            ],
        ),
    ]
