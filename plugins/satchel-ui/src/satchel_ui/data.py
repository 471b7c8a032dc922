"""What the pages show, read from the store through satchel's public interfaces only.

Runs are `run_document` dicts (the JSON shape of `satchel show --json`); nothing here writes to
the store, except what reading runs always does (a `running` run whose process is gone is
recorded as aborted, by `satchel.list_runs`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import satchel
from satchel.backends import RunQuery, open_store

#: `store://project/key@run_id`, the pinned form inputs are recorded in.
URI = re.compile(r"store://(?P<project>[^/@]+)/(?P<key>[^/@]+)(?:@(?P<run>[A-Za-z0-9]+))?\Z")

#: The columns the runs table sorts by besides results (`result:<key>`).
COLUMNS = ("project", "name", "status", "started", "duration", "workflow")


@dataclass(frozen=True)
class Filters:
    """Which runs the table shows; empty strings match anything (`name` is a substring)."""

    project: str = ""
    status: str = ""
    name: str = ""
    workflow: str = ""

    def query(self) -> dict[str, str]:
        """The non-empty filters, for links."""
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Workflow:
    """A workflow: its steps (runs sharing its id, oldest first) and its record, if there is one."""

    id: str
    steps: list[dict[str, Any]]
    record: dict[str, Any] | None = None
    reruns: list[str] = field(default_factory=list)

    @property
    def project(self) -> str:
        """The project of its record, else of its first step."""
        if self.record and self.record.get("project"):
            return str(self.record["project"])
        return str(self.steps[0]["project"]) if self.steps else ""

    @property
    def name(self) -> str:
        """Its recorded name, else the names of its steps."""
        if self.record and self.record.get("name"):
            return str(self.record["name"])
        return " > ".join(dict.fromkeys(str(step["name"]) for step in self.steps)) or self.id

    @property
    def started(self) -> str:
        """When its first step (or its record) started."""
        if self.record and self.record.get("started"):
            return str(self.record["started"])
        return str(self.steps[0]["started"]) if self.steps else ""

    @property
    def status(self) -> str:
        """Its recorded status, else the worst of its steps'."""
        if self.record and self.record.get("status"):
            return str(self.record["status"])
        statuses = {step["status"] for step in self.steps}
        for status in ("error", "aborted", "running"):
            if status in statuses:
                return status
        return "completed"


class StoreView:
    """Read-only access to one store for the pages (`store`: a folder, as `--store` takes)."""

    def __init__(self, store: str | os.PathLike[str] | None = None) -> None:
        self.location = store
        self.store = open_store(store)

    # -- runs ----------------------------------------------------------------------------------

    def runs(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """The matching runs as documents, oldest first."""
        satchel.list_runs(status="running", store=self.location)  # aborted runs noticed first
        query = RunQuery(filters.project or None, filters.status or None, None, filters.workflow or None)
        documents = json.loads(self.store.records.list_runs_json(query))  # run_documents, built fast
        if filters.name:
            needle = filters.name.lower()
            documents = [d for d in documents if needle in str(d["name"]).lower()]
        return documents

    def run(self, run_id: str) -> dict[str, Any] | None:
        """One run's document (a unique id prefix will do), or None."""
        try:
            return satchel.get_run(run_id, store=self.location).to_dict()
        except satchel.SatchelError:
            return None

    def projects(self) -> list[str]:
        """Every project's name."""
        return list(self.store.records.projects())

    # -- workflows -----------------------------------------------------------------------------

    def workflow_records(self) -> dict[str, dict[str, Any]]:
        """The workflow records, by id, where the record store keeps them (newer satchel), else {}."""
        records = self.store.records
        if not hasattr(records, "list_workflows"):  # workflow records are newer than this plugin
            return {}
        return {w.id: _workflow_document(w) for w in records.list_workflows()}

    def workflows(self, runs: list[dict[str, Any]] | None = None) -> list[Workflow]:
        """Every workflow: those recorded, and those only runs name; oldest first."""
        runs = self.runs() if runs is None else runs
        steps: dict[str, list[dict[str, Any]]] = {}
        for run in runs:
            if run.get("workflow"):
                steps.setdefault(run["workflow"], []).append(run)
        records = self.workflow_records()
        workflows = {wid: Workflow(wid, sorted(s, key=lambda r: r["started"])) for wid, s in steps.items()}
        for wid, record in records.items():
            workflows.setdefault(wid, Workflow(wid, [])).record = record
        for workflow in workflows.values():
            rerun_of = (workflow.record or {}).get("rerun_of")
            if rerun_of in workflows:
                workflows[rerun_of].reruns.append(workflow.id)
        return sorted(workflows.values(), key=lambda w: (w.started, w.id))

    def workflow(self, workflow_id: str, runs: list[dict[str, Any]] | None = None) -> Workflow | None:
        """One workflow by id, or None."""
        for workflow in self.workflows(runs):
            if workflow.id == workflow_id:
                return workflow
        return None

    # -- payloads ------------------------------------------------------------------------------

    def payload_path(self, digest: str | None) -> str | None:
        """The local path of a stored payload, to read only; None when it is not stored."""
        if not digest or not self.store.payloads.exists(digest):
            return None
        return os.fspath(self.store.payloads.local_path(digest))

    def verify(self, run: dict[str, Any]) -> dict[str, str]:
        """Re-hash each artifact's payload of a run: key -> `ok`, `missing` or `damaged (now ...)`."""
        outcome: dict[str, str] = {}
        for key, artifact in run["artifacts"].items():
            digest = artifact.get("hash")
            actual = self.store.payloads.verify(digest) if digest else None
            if actual is None:
                outcome[key] = "missing"
            elif actual == digest:
                outcome[key] = "ok"
            else:
                outcome[key] = f"damaged (now {actual})"
        return outcome


def _workflow_document(workflow: Any) -> dict[str, Any]:
    """A `WorkflowRecord` as a dict (its dataclass fields)."""
    import dataclasses

    if dataclasses.is_dataclass(workflow):
        return dataclasses.asdict(workflow)  # type: ignore[arg-type]
    return dict(vars(workflow))


def parse_uri(uri: Any) -> tuple[str, str, str | None] | None:
    """`(project, key, run_id)` of a `store://` URI, or None for anything else."""
    match = URI.match(uri) if isinstance(uri, str) else None
    return (match["project"], match["key"], match["run"]) if match else None


def duration(run: dict[str, Any]) -> float | None:
    """Seconds from start to end, None while running (or when a time does not parse)."""
    try:
        started = datetime.fromisoformat(run["started"])
        ended = datetime.fromisoformat(run["ended"]) if run.get("ended") else None
    except (TypeError, ValueError):
        return None
    return None if ended is None else (ended - started).total_seconds()


def is_number(value: Any) -> bool:
    """A JSON number that charts and sorts as one (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def result_columns(runs: list[dict[str, Any]], limit: int = 6) -> list[str]:
    """The result keys to show as columns: scalar results, the most common first."""
    counts: dict[str, int] = {}
    for run in runs:
        for key, value in run["results"].items():
            if value is None or isinstance(value, (str, int, float, bool)):
                counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))[:limit]


def sort_runs(runs: list[dict[str, Any]], column: str, descending: bool) -> list[dict[str, Any]]:
    """The runs sorted by a column (`result:<key>` for a result); missing values always last."""

    def value(run: dict[str, Any]) -> Any:
        if column == "duration":
            return duration(run)
        if column.startswith("result:"):
            return run["results"].get(column[len("result:") :])
        return run.get(column)

    present = [(value(run), run) for run in runs]
    missing = [run for v, run in present if v is None]
    numbers = [(v, run) for v, run in present if is_number(v)]
    others = [(str(v), run) for v, run in present if v is not None and not is_number(v)]
    ordered = [run for _, run in sorted(numbers, key=lambda p: p[0], reverse=descending)]
    ordered += [run for _, run in sorted(others, key=lambda p: p[0], reverse=descending)]
    return ordered + missing
