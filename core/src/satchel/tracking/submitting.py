"""`satchel.submit`: a run started on the workflow's executor, returning a `StepFuture` at once.

The submitting process decides what `satchel.run` would (the store's URLs, the project, the
step's name in its workflow, its run id); the executor runs `execute_step` with that
specification wherever it runs steps, which opens the store from the same URLs, unpacks its
inputs from storage and packs its outputs straight into it. Only the specification and the
step's outcome (run id, status, artifact URIs) pass through the executor, never an output.
`future.uri(key)` may be given as an input of a later step before this one has finished: the
executor runs the later step once this one has, with the URI this step's run really logged.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from satchel.errors import UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.timestamps import now
from satchel.tracking import functions
from satchel.tracking.executors import Executor, LocalExecutor
from satchel.tracking.handler import as_hint_list
from satchel.tracking.running import execute_run, placement
from satchel.tracking.runs import Run, get_run
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import COMPLETED
from satchel.tracking.uris import SCHEME, ArtifactURI


class StepFuture:
    """A submitted step: `result()` waits for its `Run`; `uri(key)` names one of its outputs."""

    def __init__(self, executor: Executor, handle: Any, spec: dict[str, Any], store: Store) -> None:
        self._executor, self._handle, self._spec, self._store = executor, handle, spec, store

    run_id = property(lambda self: self._spec["run_id"], doc="The id its run is recorded under.")
    name = property(lambda self: self._spec["name"], doc="Its run's (step's) name.")
    project = property(lambda self: self._spec["project"], doc="Its project.")

    def uri(self, key: str) -> OutputURI:
        """The URI of its output `key`, usable as an input of a later step right away."""
        return OutputURI(self, key)

    def done(self) -> bool:
        """Whether it has finished (either way)."""
        return self._executor.done(self._handle)

    def result(self, timeout: float | None = None) -> Run:
        """Wait for the step: its `Run`; raises what stopped it (the function's exception, or
        the executor's when the process running it died: its run is then recorded as aborted)."""
        try:
            outcome = self._executor.result(self._handle, timeout)
        except Exception:
            self._store.records.mark_aborted([self.run_id], now())  # only while still `running`
            raise
        return get_run(outcome["run"], store=self._store)

    @property
    def handle(self) -> Any:
        """The executor's own handle (a `dask.distributed.Future` on Dask)."""
        return self._handle

    @property
    def executor(self) -> Executor:
        """The executor it was submitted to."""
        return self._executor

    def __repr__(self) -> str:
        state = "done" if self.done() else "pending"
        return f"<satchel.StepFuture {self.project}/{self.name} run {self.run_id} {state}>"


class OutputURI(str):
    """`store://project/key@run` of a submitted step's output (the run it was planned under; a
    step retried by its executor is a new run, and the step that takes this as an input gets
    the URI that run logged)."""

    future: StepFuture
    key: str

    def __new__(cls, future: StepFuture, key: str) -> OutputURI:
        """The URI of output `key` of `future`'s step."""
        uri = super().__new__(cls, str(ArtifactURI(future.project, key, future.run_id)))
        uri.future, uri.key = future, key
        return uri


def submit(
    function: Callable[..., Any],
    params: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    returns: Any = None,
    project: str | None = None,
    name: str | None = None,
    cache: bool | None = None,
    *,
    store: str | os.PathLike[str] | None = None,
) -> StepFuture:
    """Submit `function` as a run on the workflow's executor (outside a workflow, or with
    `executor="local"`: run here, now); the arguments are `satchel.run`'s. The function must
    be importable where the executor runs it: a module installed there, or a script at the
    same path."""
    place = placement(function, project, name, cache, store)
    flow = place.workflow
    opened = place.store
    executor = LocalExecutor() if flow is None else flow.executor
    upstream: dict[str, Any] = {}
    specs = {}
    for key, value in dict(inputs or {}).items():
        if isinstance(value, OutputURI) and value.future.executor is executor:
            upstream[value.future.run_id] = value.future.handle
            specs[key] = {"from": value.future.run_id, "key": value.key}
        elif isinstance(value, OutputURI):  # submitted elsewhere: wait for it here
            specs[key] = {"value": value.future.result().artifacts[value.key].uri}
        else:
            specs[key] = {"value": _input_value(key, value)}
    spec = {
        "function": functions.import_path(function),
        "params": dict(params or {}),
        "inputs": specs,
        "returns": None if returns is None else list(as_hint_list(returns)),
        "project": place.project,
        "name": place.name,
        "cache": place.cache,
        "run_id": uuid.uuid4().hex,
        "workflow": None if flow is None else flow.id,
        "records": opened.records.url,
        "payloads": opened.payloads.url,
    }
    # in this process the function itself is called; elsewhere it is imported by its path
    step = partial(execute_step, function=function) if isinstance(executor, LocalExecutor) else execute_step
    future = StepFuture(executor, executor.submit(step, spec, upstream), spec, opened)
    if flow is not None:
        flow.track(future)
    return future


def execute_step(
    spec: dict[str, Any], upstream: dict[str, dict[str, Any]], function: Callable[..., Any] | None = None
) -> dict[str, Any]:
    """Run one submitted step where the executor runs it: its outcome (run id, status, URIs).
    The function is imported by its recorded path unless given (in the submitting process)."""
    store = open_store(records=spec["records"], payloads=spec["payloads"])
    function = function or functions.load_function(spec["function"])
    inputs = {}
    for key, item in spec["inputs"].items():
        if "from" not in item:
            inputs[key] = item["value"]
            continue
        made = upstream[item["from"]]
        if item["key"] not in made["artifacts"]:
            logged = ", ".join(made["artifacts"]) or "none"
            raise UnpackingError(
                f"input {key!r}: step {made['name']} (run {made['run']}) logged no artifact "
                f"{item['key']!r} (its artifacts: {logged})"
            )
        inputs[key] = made["artifacts"][item["key"]]
    run_id = spec["run_id"]
    earlier = store.records.get_run(run_id)
    if earlier is not None and earlier.status == COMPLETED:
        # the executor ran the step again (Dask recomputes a result lost with its worker): it
        # completed once, so its outcome is read back, not made twice
        return _outcome(Run(earlier, store))
    if earlier is not None:  # a retry of an attempt that did not complete: a new run
        run_id = None
    run = execute_run(
        store,
        function,
        spec["params"],
        inputs,
        spec["returns"],
        spec["project"],
        spec["name"],
        spec["cache"],
        run_id=run_id,
        workflow=spec["workflow"],
    )
    return _outcome(run)


def _outcome(run: Run) -> dict[str, Any]:
    """What a step gives back through the executor: its run's id, name, status and URIs."""
    return {
        "run": run.id,
        "name": run.name,
        "status": run.status,
        "artifacts": {key: artifact.uri for key, artifact in run.artifacts.items()},
    }


def _input_value(key: str, value: Any) -> str:
    """An input as the step's specification carries it: a URI, or an absolute path."""
    if isinstance(value, Artifact):
        if value.uri:
            return value.uri
        value = value.local_path()
    if isinstance(value, str) and value.startswith(SCHEME.rstrip("/")):
        return value
    if isinstance(value, (str, os.PathLike)):
        return os.path.abspath(os.fspath(value))
    raise UnpackingError(
        f"input {key!r} is a {type(value).__qualname__}; inputs are paths, store:// URIs, Artifacts "
        "or the uri() of a submitted step"
    )
