"""`satchel.workflow`: runs made inside `with satchel.workflow(...)` are its steps, in order.

The workflow is recorded as `running` when it starts and as `completed`, `error` or `aborted`
when the block ends. A step is named after its run; a name used twice gets a suffix (`train-2`).
"""

from __future__ import annotations

import contextvars
import os
import uuid
from types import TracebackType
from typing import Any

from satchel.errors import SatchelError
from satchel.packaging.timestamps import now
from satchel.tracking.processes import is_alive, this_process
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import (
    ABORTED,
    COMPLETED,
    ERROR,
    RUNNING,
    RunQuery,
    RunRecord,
    WorkflowRecord,
    workflow_document,
)
from satchel.tracking.uris import check_name


class StepsFailedError(SatchelError):
    """Steps submitted in a workflow failed (the block itself ran to its end)."""


_ACTIVE: contextvars.ContextVar[Workflow | None] = contextvars.ContextVar("satchel_workflow", default=None)


class Workflow:
    """A workflow: a context manager while it runs, and what was recorded of it.

    Attributes: `id`, `project`, `name`, `status`, `started`, `ended`, `error`, `cache` (the
    default of its steps), `rerun_of` and `from_step` (for a rerun), `report` (a rerun's
    reproduction report); `steps` (the `Run`s, in order) and `step(name)`.
    """

    def __init__(self, record: WorkflowRecord, store: Store, executor: Any = "local") -> None:
        self._record = record
        self._store = store
        self._executor_spec = executor
        self._executor: Any = None
        self._futures: list[Any] = []
        self._names: dict[str, int] = {}
        self._token: contextvars.Token[Workflow | None] | None = None
        #: what to record as its report when the `with` block ends (a rerun's reproduction report)
        self.report_on_exit: dict[str, Any] | None = None

    id = property(lambda self: self._record.id, doc="The workflow's id (a string).")
    project = property(lambda self: self._record.project, doc="The project it belongs to.")
    name = property(lambda self: self._record.name, doc="Its name.")
    status = property(lambda self: self._record.status, doc="running, completed, error or aborted.")
    started = property(lambda self: self._record.started, doc="When it started (ISO 8601, UTC).")
    ended = property(lambda self: self._record.ended, doc="When it ended, or None.")
    error = property(lambda self: self._record.error, doc="None, or 'ExceptionType: message'.")
    cache = property(lambda self: self._record.cache, doc="Whether its steps are cached by default.")
    rerun_of = property(lambda self: self._record.rerun_of, doc="The workflow this one reran, or None.")
    from_step = property(lambda self: self._record.from_step, doc="The step a rerun started from.")
    report = property(lambda self: self._record.report, doc="A rerun's reproduction report, or None.")

    @property
    def steps(self) -> list[Any]:
        """Its steps (`satchel.Run`s), in the order they started."""
        from satchel.tracking.runs import Run

        return [Run(record, self._store) for record in self.step_records()]

    def step_records(self) -> list[RunRecord]:
        """The records of its steps, in order (running steps whose process is gone: aborted)."""
        from satchel.tracking.runs import refresh

        return refresh(self._store.records.list_runs(RunQuery(workflow=self.id)), self._store)

    def step(self, name: str) -> Any:
        """The step called `name`; a `SatchelError` names the steps there are."""
        steps = self.steps
        for run in steps:
            if run.name == name:
                return run
        names = ", ".join(run.name for run in steps) or "none yet"
        raise SatchelError(f"workflow {self.name} ({self.id}) has no step {name!r} (its steps: {names})")

    def to_dict(self) -> dict[str, Any]:
        """The workflow and its steps as JSON-able data (`satchel show WORKFLOW --json`)."""
        return {**workflow_document(self._record), "steps": [run.to_dict() for run in self.steps]}

    # -- while it runs -------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The store its steps are recorded in."""
        return self._store

    @property
    def executor(self) -> Any:
        """Where `satchel.submit` runs its steps (an `Executor`; made on first use)."""
        if self._executor is None:
            from satchel.tracking.executors import executor_for

            self._executor = executor_for(self._executor_spec)
        return self._executor

    def check_store(self, store: Any) -> None:
        """A step is recorded in the workflow's store: refuse `store=` naming another one."""
        if store is not None and open_store(store) is not self._store:
            raise SatchelError(
                f"a step of workflow {self.name} is recorded in the workflow's store: drop store= "
                "from the step, or give it to satchel.workflow"
            )

    def track(self, future: Any) -> None:
        """Remember a submitted step: the workflow ends once every one has."""
        self._futures.append(future)

    def step_name(self, name: str) -> str:
        """The name of the next step called `name`: `name`, then `name-2`, `name-3`, ..."""
        count = self._names.get(name, 0) + 1
        self._names[name] = count
        unique = name if count == 1 else f"{name}-{count}"
        while unique != name and unique in self._names:  # a step was given this very name
            count += 1
            self._names[name] = count
            unique = f"{name}-{count}"
        self._names.setdefault(unique, 1)
        return unique

    def __enter__(self) -> Workflow:
        if self._token is not None:
            raise SatchelError(f"workflow {self.name} is already running: a workflow is entered once")
        if _ACTIVE.get() is not None:
            raise SatchelError(
                f"workflow {self.name} started inside workflow {_ACTIVE.get().name}: workflows do not nest"  # type: ignore[union-attr]
            )
        self._store.records.start_workflow(self._record)
        self._token = _ACTIVE.set(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        assert self._token is not None
        _ACTIVE.reset(self._token)
        failed = self._wait_for_steps()
        if error is None and failed:
            error = StepsFailedError(f"steps of workflow {self.name} failed: {'; '.join(failed)}")
            self.finish(error, self.report_on_exit)
            raise error
        self.finish(error, self.report_on_exit)

    def _wait_for_steps(self) -> list[str]:
        """Wait for every submitted step; what stopped each one that failed."""
        failed = []
        for future in self._futures:
            try:
                future.result()
            except Exception as problem:  # each is reported, none is lost
                text = " ".join(str(problem).split())
                failed.append(f"{future.name}: {type(problem).__name__}" + (f": {text}" if text else ""))
        return failed

    def finish(self, error: BaseException | None = None, report: dict[str, Any] | None = None) -> None:
        """Record how it ended: `error` None (completed), an exception, or an interruption."""
        record = self._record
        record.status = COMPLETED if error is None else ERROR if isinstance(error, Exception) else ABORTED
        record.ended = now()
        if error is not None:
            message = " ".join(str(error).split())
            record.error = f"{type(error).__name__}: {message}" if message else type(error).__name__
        record.report = report
        self._store.records.finish_workflow(record.id, record.status, record.ended, record.error, report)

    def __repr__(self) -> str:
        return f"<satchel.Workflow {self.id} {self.project}/{self.name} {self.status}>"


def workflow(
    name: str,
    project: str = "default",
    cache: bool = False,
    *,
    store: str | os.PathLike[str] | Store | None = None,
    rerun_of: str | None = None,
    from_step: str | None = None,
    executor: Any = "local",
) -> Workflow:
    """A workflow to run steps in: `with satchel.workflow("nightly", project="demo") as wf:`.

    Every `satchel.run` (and `satchel.submit`) inside is one of its steps, recorded in its store;
    `cache=True` makes caching the default of its steps (a step's own `cache=` wins).
    `executor` is where `satchel.submit` runs steps: `"local"` (this process, when submitted),
    a `dask.distributed.Client` or a `tcp://` scheduler address (with satchel-dask installed);
    the block ends once every submitted step has, and raises if one failed.
    """
    check_name("workflow", name)
    check_name("project", project)
    host, pid, process_started = this_process()
    record = WorkflowRecord(
        id=uuid.uuid4().hex,
        project=project,
        name=name,
        status=RUNNING,
        started=now(),
        cache=cache,
        rerun_of=rerun_of,
        from_step=from_step,
        host=host,
        pid=pid,
        process_started=process_started,
    )
    return Workflow(record, open_store(store), executor)


def active() -> Workflow | None:
    """The workflow the current code runs in, or None."""
    return _ACTIVE.get()


def get_workflow(
    workflow_id: str, *, project: str | None = None, store: str | os.PathLike[str] | Store | None = None
) -> Workflow:
    """A recorded workflow by id (a unique prefix will do) or by name (its latest run)."""
    opened = open_store(store)
    record = opened.records.get_workflow(workflow_id)
    if record is None:
        named = opened.records.list_workflows(project, workflow_id)
        projects = {w.project for w in named}
        if len(projects) > 1:
            raise SatchelError(
                f"workflow {workflow_id!r} exists in several projects ({', '.join(sorted(projects))}): "
                "say which with project= (--project)"
            )
        record = named[-1] if named else None
    if record is None:
        raise SatchelError(f"no workflow {workflow_id!r} in the store ({opened.describe()})")
    return Workflow(_refresh(record, opened), opened)


def list_workflows(
    project: str | None = None, *, name: str | None = None, store: str | os.PathLike[str] | None = None
) -> list[Workflow]:
    """Every matching workflow, oldest first."""
    opened = open_store(store)
    return [Workflow(_refresh(r, opened), opened) for r in opened.records.list_workflows(project, name)]


def _refresh(record: WorkflowRecord, store: Store) -> WorkflowRecord:
    """The record, recorded (and shown) as aborted when it is `running` and its process is gone."""
    if record.status == RUNNING and is_alive(record.host, record.pid, record.process_started) is False:
        store.records.mark_workflows_aborted([record.id], now())
        return store.records.get_workflow(record.id) or record
    return record
