"""`RecordStore`: the interface for records of projects, runs and artifacts, and the records.

A backend implements it to keep records elsewhere (another database); the tracking code uses
nothing else. Every method is one short transaction; none is held open while a payload is
written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from satchel.packaging.artifact import Artifact

RUNNING, COMPLETED, ERROR, ABORTED = "running", "completed", "error", "aborted"
STATUSES = (RUNNING, COMPLETED, ERROR, ABORTED)


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
    }


@dataclass(frozen=True)
class RunQuery:
    """Which runs `list_runs` returns; None matches anything."""

    project: str | None = None
    status: str | None = None
    name: str | None = None
    workflow: str | None = None


class RecordStore(ABC):
    """Projects, runs and artifacts. Artifacts are returned with `uri` set and no local path."""

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
    def mark_aborted(self, run_ids: list[str], ended: str) -> list[str]:
        """Record runs that are still `running` as `aborted`; the ids that changed."""

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
