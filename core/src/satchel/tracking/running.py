"""`satchel.run`: call a function as a tracked run.

The run is recorded as `running` before the function is called (with its inputs pinned and
hashed), then as `completed`, or as `error` with every output that could be packed; payloads are
packed straight into the store's staging folder and moved into place by a rename. The run's
scratch folder is cleared whatever happened.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from satchel._version import __version__
from satchel.errors import PackingError, SatchelError, SatchelWarning, UnpackingError
from satchel.packaging.artifact import Artifact
from satchel.packaging.log_hints import parse_log_hints
from satchel.packaging.packing import Packer
from satchel.packaging.timestamps import now
from satchel.packaging.type_hints import resolve_hint
from satchel.packaging.unpacking import Unpacker
from satchel.packaging.versions import python_version
from satchel.packaging.workspace import Workspace
from satchel.payloads.json_values import is_json_value
from satchel.tracking import caching, functions
from satchel.tracking.activity import report
from satchel.tracking.handler import as_hint_list, spec_of
from satchel.tracking.inputs import Input, resolve_inputs, with_payload
from satchel.tracking.packagers import registry_for
from satchel.tracking.processes import this_process
from satchel.tracking.runs import Run
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import ABORTED, COMPLETED, ERROR, RUNNING, RunRecord
from satchel.tracking.uris import ArtifactURI, check_name
from satchel.tracking.workflows import Workflow
from satchel.tracking.workflows import active as active_workflow

DEFAULT_PROJECT = "default"
#: A run's scratch folder in the store's staging area is `run-<pid>-<random>`: the pid tells
#: whether its process is gone, and its leftovers can be removed.
STAGING_PREFIX = "run-"


def run(
    function: Callable[..., Any],
    params: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    returns: Any = None,
    project: str | None = None,
    name: str | None = None,
    cache: bool | None = None,
    *,
    store: str | os.PathLike[str] | None = None,
    run_id: str | None = None,
) -> Run:
    """Run `function` as a tracked run and return the recorded `Run`.

    `params` are passed as they are (JSON values, recorded); `inputs` (paths, `store://` URIs or
    `Artifact`s) are unpacked by the function's type hints (or its handler's `inputs=`);
    `returns` (log hints) says how outputs are logged, and wins over the handler's. If the
    function raises, or an output cannot be packed, the run is recorded as `error` with every
    output that could be packed, and the exception is raised. Inside `satchel.workflow` the run
    is one of its steps (in its store, and its project unless `project` is given); `cache=True`
    reuses an identical earlier run instead of calling the function (None: the workflow's
    setting, else off). `run_id` is the id to record it under (a new one unless given: executors
    hand out the URIs of a run's outputs before it starts).
    """
    place = placement(function, project, name, cache, store)
    return execute_run(
        place.store,
        function,
        params,
        inputs,
        returns,
        place.project,
        place.name,
        place.cache,
        run_id=run_id,
        workflow=None if place.workflow is None else place.workflow.id,
    )


@dataclass(frozen=True)
class Placement:
    """Where a run (or a submitted step) is recorded, and as what: decided before it starts."""

    store: Store
    project: str
    name: str
    cache: bool
    workflow: Workflow | None


def placement(
    function: Callable[..., Any],
    project: str | None,
    name: str | None,
    cache: bool | None,
    store: str | os.PathLike[str] | None,
) -> Placement:
    """Inside a workflow: its store, its project unless given, its caching unless given, and a
    step name unique in it; outside: the given store, `default`, no caching."""
    flow = active_workflow()
    run_name = name or getattr(functions.unwrap(function), "__name__", "run")
    if flow is None:
        return Placement(open_store(store), project or DEFAULT_PROJECT, run_name, bool(cache), None)
    flow.check_store(store)
    return Placement(
        flow.store,
        flow.project if project is None else project,
        flow.step_name(run_name),
        bool(flow.cache if cache is None else cache),
        flow,
    )


def execute_run(
    opened: Store,
    function: Callable[..., Any],
    params: Mapping[str, Any] | None,
    inputs: Mapping[str, Any] | None,
    returns: Any,
    project: str,
    run_name: str,
    cache: bool,
    *,
    run_id: str | None = None,
    workflow: str | None = None,
) -> Run:
    """`satchel.run` once the store, the project, the run's name and its workflow are decided
    (executors call it on their workers with what the submitting process decided)."""
    spec = spec_of(function)
    hints = as_hint_list(returns) if returns is not None else spec.returns
    log_hints = parse_log_hints(list(hints)) if hints else []
    params = dict(params or {})
    _check_json("params", params)
    if hints is not None:
        _check_json("returns (log hints)", list(hints))
    check_name("project", project)
    custom = opened.records.custom_packagers(project) if opened.records.has_project(project) else []
    registry = registry_for(custom)  # a mandatory custom packager that fails stops the run here
    resolved = resolve_inputs(opened, dict(inputs or {}))
    host, pid, process_started = this_process()
    record = RunRecord(
        id=run_id or uuid.uuid4().hex,
        project=project,
        name=run_name,
        function=functions.import_path(function),
        source_hash=functions.source_hash(function),
        params=params,
        inputs={key: item.record for key, item in resolved.items()},
        returns=None if hints is None else list(hints),
        status=RUNNING,
        started=now(),
        versions={"python": python_version(), "satchel": __version__},
        host=host,
        pid=pid,
        process_started=process_started,
        workflow=workflow,
    )
    record.cache_key = caching.cache_key(record)
    if cache:
        reused, record.cache = caching.decide(opened, record)
        if reused is not None:
            return record_reuse(opened, caching.hit_record(record, reused))
    opened.records.start_run(record)
    workspace = Workspace(shared=_process_staging(opened.payloads.staging_root()))
    try:
        _execute(function, record, resolved, spec.inputs, log_hints, registry, workspace, opened)
    finally:
        report(None)
        workspace.clear()
    return Run(record, opened)


def record_reuse(store: Store, record: RunRecord) -> Run:
    """Record a run that reuses another's outputs (a cache hit, an earlier step of a rerun): a
    completed run with the same results and artifacts, no payload copied."""
    report(f"{record.name}: reusing run {record.cached_from}")
    try:
        store.records.start_run(record)
        record.status, record.ended = COMPLETED, now()
        store.records.finish_run(
            record.id,
            COMPLETED,
            record.results,
            list(record.artifacts.values()),
            None,
            record.ended,
            record.versions,
        )
    finally:
        report(None)
    return Run(record, store)


_STAGING: dict[tuple[int, Path], Path] = {}
_STAGING_LOCK = threading.Lock()


def _process_staging(staging_root: Path) -> Path:
    """This process's scratch folder in a store's staging area, shared by its runs (made once:
    a folder per run costs more than a small run itself), removed when the process exits."""
    key = (os.getpid(), staging_root)
    with _STAGING_LOCK:
        folder = _STAGING.get(key)
        if folder is None or not folder.is_dir():
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=staging_root))
            atexit.register(shutil.rmtree, folder, True)
            _STAGING[key] = folder
        return folder


def _execute(
    function: Callable[..., Any],
    record: RunRecord,
    resolved: dict[str, Input],
    input_hints: Any,
    log_hints: list[Any],
    registry: Any,
    workspace: Workspace,
    store: Store,
) -> None:
    try:
        if resolved:
            report("unpacking inputs")
        arguments = _unpack_inputs(function, resolved, input_hints, Unpacker(registry, workspace))
        report(f"running {record.name}")
        value = function(**record.params, **arguments)
    except Exception as error:
        _finish(store, record, ERROR, [], error)
        raise
    except BaseException as error:  # KeyboardInterrupt, SystemExit: the run did not finish
        _finish(store, record, ABORTED, [], error)
        raise
    if not log_hints and value is not None:
        warnings.warn(
            f"{record.name} returned a {type(value).__qualname__}, but no log hints say how to "
            "log it, so nothing was logged; give returns=[...] (or @satchel.handler(returns=...))",
            SatchelWarning,
            stacklevel=4,
        )
    packer = Packer(registry, workspace)
    failure: SatchelError | None = None
    try:
        if log_hints:
            report("packing outputs")
        outputs = packer.pack(value, log_hints) if log_hints else []
    except PackingError as error:
        outputs, failure = error.outputs, error
    except BaseException as error:
        _finish(store, record, ERROR if isinstance(error, Exception) else ABORTED, [], error)
        raise
    try:
        if outputs:
            report("storing payloads")
        stored, problems = _store_outputs(store, record, outputs)
    except BaseException as error:
        _finish(store, record, ERROR, [], error)
        raise
    if problems:
        failure = PackingError("; ".join([*([str(failure)] if failure else []), *problems]), outputs=outputs)
    _finish(store, record, ERROR if failure else COMPLETED, stored, failure)
    if failure is not None:
        raise failure


def _unpack_inputs(
    function: Callable[..., Any], resolved: dict[str, Input], input_hints: Any, unpacker: Unpacker
) -> dict[str, Any]:
    if input_hints is False:
        return {key: item.source for key, item in resolved.items()}
    annotations = functions.type_hints(function)
    if isinstance(input_hints, Mapping):
        annotations.update(input_hints)
    namespace = functions.namespace(function)
    arguments = {}
    for key, item in resolved.items():
        hint = annotations.get(key)
        if isinstance(hint, str):
            try:
                hint = resolve_hint(hint, namespace)
            except ValueError as error:
                raise UnpackingError(f"input {key!r}: {error}") from None
        try:
            arguments[key] = unpacker.unpack(item.source, hint)
        except UnpackingError as error:
            raise UnpackingError(f"input {key!r}: {error}") from None
    return arguments


def _store_outputs(store: Store, record: RunRecord, outputs: list[Any]) -> tuple[list[Artifact], list[str]]:
    """Move each payload into the store and gather the outputs; a key logged twice keeps its first."""
    artifacts: list[Artifact] = []
    twice: list[str] = []
    for output in outputs:
        if not isinstance(output, Artifact):
            for key, value in output.items():
                if key in record.results or key in record.artifacts:
                    twice.append(key)
                else:
                    record.results[key] = value
            continue
        if output.key in record.results or output.key in record.artifacts:
            twice.append(output.key)
            continue
        assert output.path is not None and output.hash is not None
        store.payloads.put(Path(output.path), output.hash)
        with_payload(store, output)  # the staged file is gone: read it from the store
        output.uri = str(ArtifactURI(record.project, output.key, record.id))
        record.artifacts[output.key] = output
        record.versions.update(output.versions)
        artifacts.append(output)
    problems = [
        f"output {key!r} was logged twice (the first is kept): give each its own key"
        for key in twice
    ]
    return artifacts, problems


def _finish(
    store: Store, record: RunRecord, status: str, artifacts: list[Artifact], error: BaseException | None
) -> None:
    record.status = status
    record.ended = now()
    if error is not None:
        message = " ".join(str(error).split())
        record.error = f"{type(error).__name__}: {message}" if message else type(error).__name__
    store.records.finish_run(
        record.id, status, record.results, artifacts, record.error, record.ended, record.versions
    )


def _check_json(what: str, value: Any) -> None:
    if not is_json_value(value):
        raise SatchelError(
            f"{what} must be JSON values (they are recorded and replayed): {value!r}; pass files and "
            "objects as inputs instead"
        )


