"""`satchel.Run`: one recorded run, read from the store; `get_run`, `list_runs` and `load`.

A `running` run whose process is gone is recorded as `aborted` when it is read.
"""

from __future__ import annotations

import os
from typing import Any

from satchel.errors import SatchelError, UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.timestamps import now
from satchel.tracking.inputs import find, with_payload
from satchel.tracking.processes import is_alive
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import RUNNING, RunQuery, RunRecord, run_document


class Run:
    """A recorded run: what was called, with what, what came out, and how it ended.

    Attributes: `id`, `project`, `name`, `function` (import path), `source_hash`, `params`,
    `inputs` (key -> `{"uri" or "path", "hash"}`), `results`, `artifacts` (key -> `Artifact`),
    `status` (`running`, `completed`, `error`, `aborted`), `error`, `started`, `ended` (ISO 8601
    UTC), `versions`, `workflow`, `cached_from`, `cache` (the cache decision: None when caching
    was off, `{"hit": run_id}`, or `{"miss": [what differed], "nearest": run_id}`), `origin` (where
    an imported run came from).
    """

    def __init__(self, record: RunRecord, store: Store) -> None:
        self._record = record
        self._store = store
        for artifact in record.artifacts.values():
            with_payload(store, artifact)

    id = property(lambda self: self._record.id, doc="The run's id (a string).")
    project = property(lambda self: self._record.project, doc="The project it belongs to.")
    name = property(lambda self: self._record.name, doc="Its name (the function's, unless given).")
    function = property(lambda self: self._record.function, doc="The function's import path.")
    source_hash = property(lambda self: self._record.source_hash, doc="BLAKE3 of the function's source.")
    params = property(lambda self: self._record.params, doc="The parameters it was called with.")
    inputs = property(lambda self: self._record.inputs, doc="Each input: pinned URI or path, and hash.")
    results = property(lambda self: self._record.results, doc="The results (JSON values) by key.")
    artifacts = property(lambda self: self._record.artifacts, doc="The artifacts by key.")
    status = property(lambda self: self._record.status, doc="running, completed, error or aborted.")
    error = property(lambda self: self._record.error, doc="None, or 'ExceptionType: message'.")
    started = property(lambda self: self._record.started, doc="When it started (ISO 8601, UTC).")
    ended = property(lambda self: self._record.ended, doc="When it ended (ISO 8601, UTC), or None.")
    versions = property(lambda self: self._record.versions, doc="Python's and the packages' versions.")
    workflow = property(lambda self: self._record.workflow, doc="The workflow's id, or None.")
    cached_from = property(lambda self: self._record.cached_from, doc="The run a cache hit reused.")
    cache = property(lambda self: self._record.cache, doc="The cache decision, or None (caching off).")
    origin = property(lambda self: self._record.origin, doc="Where an imported run came from, or None.")

    def output(self, key: str, type_hint: Any = None) -> Any:
        """The value of result `key`, or artifact `key` unpacked (by its stored instructions, or
        by `type_hint`)."""
        if key in self._record.results:
            return self._record.results[key]
        if key in self._record.artifacts:
            return unpack(self._record.artifacts[key], type_hint)
        known = ", ".join(sorted([*self._record.results, *self._record.artifacts])) or "none"
        raise UnpackingError(f"run {self.id} has no output {key!r} (its outputs: {known})")

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON-able data (`satchel show --json`, `satchel runs --json`)."""
        return run_document(self._record)

    def __repr__(self) -> str:
        return f"<satchel.Run {self.id} {self.project}/{self.name} {self.status}>"


def get_run(run_id: str, *, store: str | os.PathLike[str] | None = None) -> Run:
    """The run with this id (a unique prefix will do); `SatchelError` if there is none."""
    opened = open_store(store)
    record = opened.records.get_run(run_id)
    if record is None:
        raise SatchelError(f"no run {run_id!r} in the store ({opened.describe()})")
    return Run(refresh([record], opened)[0], opened)


def list_runs(
    project: str | None = None,
    *,
    status: str | None = None,
    name: str | None = None,
    workflow: str | None = None,
    store: str | os.PathLike[str] | None = None,
) -> list[Run]:
    """Every matching run, oldest first."""
    opened = open_store(store)
    records = opened.records.list_runs(RunQuery(project, status, name, workflow))
    return [Run(record, opened) for record in refresh(records, opened)]


def list_runs_json(project: str | None = None, *, store: str | os.PathLike[str] | None = None) -> str:
    """Every matching run as one JSON array (what `satchel runs --json` prints), oldest first."""
    opened = open_store(store)
    refresh(opened.records.list_runs(RunQuery(project, status=RUNNING)), opened)  # aborted first
    return opened.records.list_runs_json(RunQuery(project))


def refresh(records: list[RunRecord], store: Store) -> list[RunRecord]:
    """The records, with `running` runs whose process is gone recorded (and shown) as aborted."""
    dead = {
        r.id for r in records if r.status == RUNNING and is_alive(r.host, r.pid, r.process_started) is False
    }
    if not dead:
        return records
    store.records.mark_aborted(sorted(dead), now())
    # read them again: as now recorded as aborted, or as they ended if they finished meanwhile
    return [(store.records.get_run(r.id) or r) if r.id in dead else r for r in records]


def load(
    source: str | Artifact, type_hint: Any = None, *, store: str | os.PathLike[str] | None = None
) -> Any:
    """Unpack an artifact (a `store://` URI or an `Artifact`) by its stored instructions or a hint."""
    if isinstance(source, str):
        source = find(open_store(store), source)
    return unpack(source, type_hint)


def unpack(artifact: Artifact, type_hint: Any = None) -> Any:
    """Unpack with the installed packagers; scratch files live until the process exits."""
    from satchel.packaging.unpacking import Unpacker
    from satchel.tracking.packagers import installed_registry
    from satchel.tracking.scratch import scratch_workspace

    return Unpacker(installed_registry(), scratch_workspace()).unpack(artifact, type_hint)
