"""`RecordStore`: the interface for records of projects, runs, workflows and artifacts.

A backend implements it to keep records elsewhere (another database); the tracking code uses
nothing else. Every method is one short transaction; none is held open while a payload is
written. A run is read with its artifacts from one state of the store (never a finished run
without them), however many processes write at once. `satchel.testing.check_record_store`
checks an implementation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from satchel.packaging.artifact import Artifact

RUNNING, COMPLETED, ERROR, ABORTED = "running", "completed", "error", "aborted"
STATUSES = (RUNNING, COMPLETED, ERROR, ABORTED)
#: The error recorded on a run (or workflow) found `running` after its process ended.
ABORTED_ERROR = "Aborted: the process running it ended before it finished"


@dataclass
class RunRecord:
    """Everything recorded about one run (see `satchel.Run` for what each field means)."""

    id: str
    project: str
    name: str
    function: str | None
    source_hash: str | None
    params: dict[str, Any]
    inputs: dict[str, dict[str, Any]]
    returns: list[Any] | None
    status: str
    started: str
    versions: dict[str, str]
    host: str | None = None
    pid: int | None = None
    process_started: float | None = None
    results: dict[str, Any] = field(default_factory=dict)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    error: str | None = None
    ended: str | None = None
    workflow: str | None = None
    cached_from: str | None = None
    #: the run's cache key (None when it may not be reused: not completed, imported, uncachable)
    cache_key: str | None = None
    #: the cache decision: None (cache off), {"hit": run_id}, or {"miss": [parts], "nearest": id|None}
    cache: dict[str, Any] | None = None
    #: where an imported run came from (`satchel import`), None for a run executed here
    origin: dict[str, Any] | None = None


@dataclass
class WorkflowRecord:
    """One workflow: its steps are the runs recorded with its id, in the order they started."""

    id: str
    project: str
    name: str
    status: str
    started: str
    cache: bool = False
    ended: str | None = None
    error: str | None = None
    #: a rerun: the workflow it reran, and the step it reran from
    rerun_of: str | None = None
    from_step: str | None = None
    #: a rerun's reproduction report (see `satchel.rerun`), once it ended
    report: dict[str, Any] | None = None
    host: str | None = None
    pid: int | None = None
    process_started: float | None = None


def workflow_document(workflow: WorkflowRecord) -> dict[str, Any]:
    """A workflow as JSON-able data (without its steps)."""
    return {
        "id": workflow.id,
        "project": workflow.project,
        "name": workflow.name,
        "status": workflow.status,
        "started": workflow.started,
        "ended": workflow.ended,
        "error": workflow.error,
        "cache": workflow.cache,
        "rerun_of": workflow.rerun_of,
        "from_step": workflow.from_step,
        "report": workflow.report,
    }


def run_document(run: RunRecord) -> dict[str, Any]:
    """A run as JSON-able data: what `satchel show --json` and `satchel runs --json` print.

    It shares its dicts with the record: copy before changing them.
    """
    return {
        "id": run.id,
        "project": run.project,
        "name": run.name,
        "function": run.function,
        "source_hash": run.source_hash,
        "params": run.params,
        "inputs": run.inputs,
        "results": run.results,
        "artifacts": {key: artifact.to_dict() for key, artifact in run.artifacts.items()},
        "status": run.status,
        "error": run.error,
        "started": run.started,
        "ended": run.ended,
        "versions": run.versions,
        "workflow": run.workflow,
        "cached_from": run.cached_from,
        "cache": run.cache,
        "origin": run.origin,
    }


@dataclass(frozen=True)
class RunQuery:
    """Which runs `list_runs` returns; None matches anything."""

    project: str | None = None
    status: str | None = None
    name: str | None = None
    workflow: str | None = None
    function: str | None = None
    cache_key: str | None = None


class RecordStore(ABC):
    """Projects, runs and artifacts. Artifacts are returned with `uri` set and no local path."""

    #: the URL that opens this store again (`open_store(records=url)`, in another process too, as
    #: `satchel.submit`'s workers do): it may hold a password, so messages show it masked
    url: str

    # -- projects ------------------------------------------------------------------------------

    @abstractmethod
    def ensure_project(self, name: str) -> bool:
        """Create the project if it does not exist; True when it was created."""

    @abstractmethod
    def has_project(self, name: str) -> bool:
        """Whether the project exists."""

    @abstractmethod
    def projects(self) -> list[str]:
        """Every project's name, in the order they were created."""

    @abstractmethod
    def add_custom_packager(self, project: str, path: str, mandatory: bool) -> bool:
        """Record a custom packager of the project; False (nothing changed) if already there."""

    @abstractmethod
    def remove_custom_packager(self, project: str, path: str) -> bool:
        """Forget a custom packager; False if the project had none of that path."""

    @abstractmethod
    def custom_packagers(self, project: str) -> list[tuple[str, bool]]:
        """`(path, is_mandatory)` of each custom packager, in the order they were added."""

    # -- runs ----------------------------------------------------------------------------------

    @abstractmethod
    def start_run(self, run: RunRecord) -> None:
        """Record a new run (status `running`), creating its project if needed."""

    @abstractmethod
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
        """Record how a run ended, with its results, artifacts and the versions of what packed
        them, in one transaction.

        Each artifact's payload is already stored (the caller stored it first).
        """

    def import_runs(self, runs: list[RunRecord], workflow: WorkflowRecord | None = None) -> None:
        """Record runs that ended elsewhere (`satchel import`), with their artifacts, and the
        workflow they are steps of; a backend should do it in one transaction (this default
        does not). Their payloads are already stored."""
        if workflow is not None:
            ended = workflow.ended or workflow.started
            self.start_workflow(workflow)
            self.finish_workflow(workflow.id, workflow.status, ended, workflow.error, workflow.report)
        for run in runs:
            artifacts, ended = list(run.artifacts.values()), run.ended or run.started
            self.start_run(run)
            self.finish_run(run.id, run.status, run.results, artifacts, run.error, ended, run.versions)

    @abstractmethod
    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with this id (or the only run whose id starts with it), or None."""

    @abstractmethod
    def list_runs(self, query: RunQuery) -> list[RunRecord]:
        """Every matching run, oldest first."""

    def list_runs_json(self, query: RunQuery) -> str:
        """`list_runs` as one JSON array of `run_document`s; a backend may build it faster."""
        import json

        return json.dumps([run_document(run) for run in self.list_runs(query)], ensure_ascii=False)

    @abstractmethod
    def latest_run(self, query: RunQuery) -> RunRecord | None:
        """The most recently started matching run, or None (cache lookups: a point query)."""

    @abstractmethod
    def mark_aborted(self, run_ids: list[str], ended: str) -> list[str]:
        """Record runs that are still `running` as `aborted`; the ids that changed."""

    # -- workflows -----------------------------------------------------------------------------

    @abstractmethod
    def start_workflow(self, workflow: WorkflowRecord) -> None:
        """Record a new workflow (status `running`), creating its project if needed."""

    @abstractmethod
    def finish_workflow(
        self, workflow_id: str, status: str, ended: str, error: str | None, report: dict[str, Any] | None
    ) -> None:
        """Record how a workflow ended (and a rerun's reproduction report)."""

    @abstractmethod
    def get_workflow(self, workflow_id: str) -> WorkflowRecord | None:
        """The workflow with this id (or the only one whose id starts with it), or None."""

    @abstractmethod
    def list_workflows(self, project: str | None = None, name: str | None = None) -> list[WorkflowRecord]:
        """Every matching workflow, oldest first."""

    @abstractmethod
    def mark_workflows_aborted(self, workflow_ids: list[str], ended: str) -> list[str]:
        """Record workflows that are still `running` as `aborted`; the ids that changed."""

    # -- artifacts -----------------------------------------------------------------------------

    @abstractmethod
    def find_artifact(self, project: str, key: str, run_id: str | None = None) -> Artifact | None:
        """The artifact `key` of that run, or of the most recently started run that logged it."""

    @abstractmethod
    def list_artifacts(self, project: str | None = None) -> list[Artifact]:
        """Every artifact (of one project), oldest run first."""

    @abstractmethod
    def set_trusted(self, project: str, key: str, run_id: str, trusted: bool) -> bool:
        """Trust (or distrust) one artifact; False if there is no such artifact."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release connections (the store may be used again afterwards)."""
