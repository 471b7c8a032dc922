"""`satchel.rerun`: re-execute a workflow from one of its steps (or one run), and prove what
reproduced.

Steps before STEP are reused: recorded again in the new workflow with `cached_from`, their
artifacts pinned. STEP and the later steps are executed again from their recorded import paths,
parameters, log hints and inputs: an input made by a re-executed step points at its new output,
any other input is the one pinned when the step first ran (never a newer artifact logged under
the same key). The report says, for each re-executed step, which outputs reproduced the original
hashes (or result values) and which did not, whether its source changed, and which plain-file
inputs changed since.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from satchel.errors import SatchelError
from satchel.packaging.timestamps import now
from satchel.payloads.hashing import hash_path
from satchel.tracking import functions
from satchel.tracking.runs import Run, refresh
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import COMPLETED, RunRecord
from satchel.tracking.uris import ArtifactURI, parse_uri
from satchel.tracking.workflows import StepsFailedError, Workflow, get_workflow, workflow

REPRODUCED, DIFFERS, MISSING, NEW = "reproduced", "differs", "missing", "new"


@dataclass
class StepReport:
    """What one re-executed step gave, against what it gave the first time."""

    step: str
    original: str
    run: str | None = None
    status: str = "not run"
    error: str | None = None
    source_changed: bool = False
    changed_inputs: list[str] = field(default_factory=list)
    #: key -> {"outcome": reproduced|differs|missing|new, "was": hash or value, "now": ...}
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def reproduced(self) -> bool:
        """Whether it completed and every output reproduced."""
        return self.status == COMPLETED and all(o["outcome"] == REPRODUCED for o in self.outputs.values())

    def to_dict(self) -> dict[str, Any]:
        """As JSON-able data."""
        return {
            "step": self.step,
            "original": self.original,
            "run": self.run,
            "status": self.status,
            "error": self.error,
            "source_changed": self.source_changed,
            "changed_inputs": self.changed_inputs,
            "outputs": self.outputs,
            "reproduced": self.reproduced,
        }


@dataclass
class Rerun:
    """The outcome of `satchel.rerun`: the new workflow (or run) and the reproduction report."""

    original: str
    workflow: Workflow | None
    from_step: str | None
    reused: list[str]
    steps: list[StepReport]
    _store: Store = field(repr=False)

    @property
    def reproduced(self) -> bool:
        """Whether every re-executed step completed and reproduced every output."""
        return all(step.reproduced for step in self.steps)

    @property
    def runs(self) -> list[Run]:
        """The re-executed runs, in order."""
        from satchel.tracking.runs import get_run

        return [get_run(step.run, store=self._store) for step in self.steps if step.run]

    def to_dict(self) -> dict[str, Any]:
        """The report as data (`satchel rerun --json`)."""
        return {
            "original": self.original,
            "workflow": None if self.workflow is None else self.workflow.id,
            "from_step": self.from_step,
            "reused": self.reused,
            "steps": [step.to_dict() for step in self.steps],
            "reproduced": self.reproduced,
        }


def rerun(
    target: str,
    from_step: str | None = None,
    *,
    project: str | None = None,
    store: str | os.PathLike[str] | None = None,
    executor: Any = "local",
) -> Rerun:
    """Re-execute a workflow (id or name) from `from_step` (default: its first step), or one run
    (its id), and report which outputs reproduced. A step that fails does not raise: the
    report says so (and the steps that take its outputs are not run); raises `SatchelError`
    when the target or the step cannot be found. `executor` is where a workflow's steps run
    (as for `satchel.workflow`).
    """
    opened = open_store(store)
    if opened.records.get_workflow(target) is None:
        run_record = opened.records.get_run(target)
        if run_record is not None:
            if from_step is not None:
                raise SatchelError(f"{target} is a run, not a workflow: --from STEP is for workflows")
            return _rerun_run(opened, refresh([run_record], opened)[0])
    original = get_workflow(target, project=project, store=opened)
    return _rerun_workflow(opened, original, from_step, executor)


def _rerun_run(store: Store, original: RunRecord) -> Rerun:
    report = StepReport(original.name, original.id)
    future = _submit(store, original, {}, report)
    if future is not None:
        _collect(store, original, future, report)
    return Rerun(original.id, None, None, [], [report], store)


def _rerun_workflow(store: Store, original: Workflow, from_step: str | None, executor: Any) -> Rerun:
    steps = original.step_records()
    if not steps:
        raise SatchelError(f"workflow {original.name} ({original.id}) has no steps to rerun")
    names = [step.name for step in steps]
    if from_step is None:
        start = 0
    elif from_step in names:
        start = names.index(from_step)
    else:
        raise SatchelError(
            f"workflow {original.name} ({original.id}) has no step {from_step!r} "
            f"(its steps: {', '.join(names)})"
        )
    for step in steps[:start]:
        if step.status != COMPLETED:
            raise SatchelError(
                f"step {step.name} of workflow {original.name} did not complete ({step.status}), so its "
                f"outputs cannot be reused: rerun from it (--from {step.name})"
            )
    new = workflow(
        original.name,
        original.project,
        original.cache,
        store=store,
        rerun_of=original.id,
        from_step=names[start],
        executor=executor,
    )
    made: dict[str, Any] = {}  # original run id (and what it reused) -> its run (id) or future now
    reports = [StepReport(step.name, step.id) for step in steps[start:]]
    futures: list[Any] = []
    try:
        with new:
            for step in steps[:start]:
                made[step.id] = _reuse(store, new, step)
            for step, report in zip(steps[start:], reports):
                future = _submit(store, step, made, report)
                futures.append(future)
                if future is not None:
                    made[step.id] = future
                    if step.cached_from:
                        made[step.cached_from] = future
            outcome = Rerun(original.id, new, names[start], names[:start], reports, store)
            for step, report, future in zip(steps[start:], reports, futures):
                if future is not None:
                    _collect(store, step, future, report)
            new.report_on_exit = outcome.to_dict()
    except StepsFailedError:  # recorded, and said by the report
        pass
    return outcome


def _reuse(store: Store, flow: Workflow, step: RunRecord) -> str:
    """Record an earlier step in the new workflow as reused (no payload copied); its new id."""
    from satchel.tracking.running import record_reuse

    source = step.cached_from or step.id
    record = RunRecord(
        id=uuid.uuid4().hex,
        project=step.project,
        name=flow.step_name(step.name),
        function=step.function,
        source_hash=step.source_hash,
        params=dict(step.params),
        inputs=dict(step.inputs),
        returns=step.returns,
        status=COMPLETED,
        started=now(),  # recorded now, in the new workflow: its outputs are the earlier ones
        versions=dict(step.versions),
        results=dict(step.results),
        artifacts=dict(step.artifacts),
        workflow=flow.id,
        cached_from=source,
        cache_key=step.cache_key,
    )
    record_reuse(store, record)
    return record.id


def _submit(store: Store, step: RunRecord, made: dict[str, Any], report: StepReport) -> Any:
    """Submit the step again, from its recorded import path; None (and the report says why)
    when it cannot even be loaded."""
    from satchel.tracking.submitting import submit

    if not step.function:
        report.status, report.error = "error", f"step {step.name} recorded no function to call"
        return None
    try:
        function = functions.load_function(step.function)
    except SatchelError as error:
        report.status = "error"
        report.error = f"{error}; a step must be importable (a module, or a script with a main guard)"
        return None
    report.source_changed = functions.source_hash(function) != step.source_hash
    inputs = {key: _input(key, item, made, report) for key, item in step.inputs.items()}
    return submit(
        function,
        params=step.params,
        inputs=inputs,
        returns=step.returns,
        project=step.project,
        name=step.name,
        cache=False,
        store=store,
    )


def _collect(store: Store, step: RunRecord, future: Any, report: StepReport) -> None:
    """Wait for the re-executed step and fill in its report."""
    try:
        new_run = future.result()
    except Exception as error:  # its own failure, or an input step's: reported, not raised
        recorded = store.records.get_run(future.run_id)
        report.run = future.run_id if recorded is not None else None
        report.status = recorded.status if recorded is not None else "not run"
        text = " ".join(str(error).split())
        report.error = f"{type(error).__name__}: {text}" if text else type(error).__name__
        if recorded is None:
            report.error = f"not run: a step it takes inputs from failed ({report.error})"
        return
    report.run, report.status = new_run.id, new_run.status
    report.outputs = _compare(step, new_run)


def _input(key: str, item: dict[str, Any], made: dict[str, Any], report: StepReport) -> Any:
    """What to give the re-executed step for one recorded input."""
    if "uri" in item:
        pinned = parse_uri(item["uri"])
        now = made.get(pinned.run_id)
        if isinstance(now, str):  # made by a reused step: the same artifact, recorded again
            return str(ArtifactURI(pinned.project, pinned.key, now))
        if now is not None:  # made by a step executed again: its new output, once it exists
            return now.uri(pinned.key)
        return item["uri"]  # made outside the workflow: as pinned when the step first ran
    path = item["path"]
    if not os.path.exists(path):
        report.changed_inputs.append(f"{key}: {path} is gone")
    elif hash_path(path)[0] != item.get("hash"):
        report.changed_inputs.append(f"{key}: {path} changed since the original run")
    return path


def _compare(original: RunRecord, new: Run) -> dict[str, dict[str, Any]]:
    """Each output of either run: reproduced, differs, missing (now) or new."""
    was: dict[str, Any] = {key: a.hash for key, a in original.artifacts.items()}
    was.update({key: ("value", value) for key, value in original.results.items()})
    now: dict[str, Any] = {key: a.hash for key, a in new.artifacts.items()}
    now.update({key: ("value", value) for key, value in new.results.items()})
    outputs = {}
    for key in [*was, *(k for k in now if k not in was)]:
        before, after = _shown(was.get(key)), _shown(now.get(key))
        if key not in now:
            outcome = MISSING
        elif key not in was:
            outcome = NEW
        else:
            outcome = REPRODUCED if _same(was[key], now[key]) else DIFFERS
        outputs[key] = {"outcome": outcome, "was": before, "now": after}
    return outputs


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):  # a result: its value
        return value[1]
    return value
