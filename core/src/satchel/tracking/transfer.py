"""`satchel.export` and `satchel.import_bundle`: artifacts, runs and workflows moved between
stores and projects in one bundle file (`tracking/bundles.py` says what it holds).

Export takes an artifact URI (that artifact, with its run's record), a run id (all its
artifacts) or a workflow id (all its steps). Import checks the whole bundle before adding
anything, then stores the payloads (content-addressed: bytes already there are kept once) and
records, in one transaction, one new run per exported run, `origin` saying where it came from.
Imported artifacts are untrusted unless `trust=True`: nothing in them is ever unpickled, and
their packagers are never imported by name, until `satchel trust URI`. Importing the same
bundle twice adds new runs again (each import is recorded, with its time, in `origin`).
"""

from __future__ import annotations

import copy
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from satchel._version import __version__
from satchel.errors import SatchelError
from satchel.packaging.artifact import PICKLE_ARTIFACT_TYPE, Artifact
from satchel.packaging.timestamps import now
from satchel.payloads.hashing import remove_payload
from satchel.tracking.bundles import FORMAT, VERSION, exists_message, read_bundle, write_bundle
from satchel.tracking.inputs import find
from satchel.tracking.runs import Run, refresh
from satchel.tracking.store.opening import Store, open_store
from satchel.tracking.store.records import RUNNING, RunQuery, RunRecord, WorkflowRecord, run_document
from satchel.tracking.uris import ArtifactURI, check_name, is_uri, parse_uri

#: What of a run's record is not exported: decisions that name runs of the source store only.
_NOT_EXPORTED = ("cache", "cached_from")
#: The scratch folder of an export or import in the store's staging area: `run-<pid>-...`, so it
#: is swept (`folder_payloads.sweep_staging`) if its process dies before removing it.
_SCRATCH_PREFIX = "run-{pid}-transfer-"


@dataclass(frozen=True)
class ExportSummary:
    """What `satchel.export` wrote: the file, its size, the runs and artifact URIs it holds."""

    file: Path
    size: int
    runs: list[str]
    uris: list[str]
    workflow: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    """What `satchel.import_bundle` added: the new runs (and workflow), and their artifacts' URIs."""

    file: Path
    runs: list[Run]
    trusted: bool
    workflow: str | None = None
    #: each new artifact URI -> the URI it had in the store it was exported from
    uris: dict[str, str] = field(default_factory=dict)

    @property
    def untrusted_pickles(self) -> list[str]:
        """The new URIs of untrusted pickles (`object` artifacts): loading them needs `satchel trust`."""
        return [
            str(a.uri)
            for run in self.runs
            for a in run.artifacts.values()
            if a.kind == PICKLE_ARTIFACT_TYPE and not a.trusted
        ]


def export(
    target: str, file: str | os.PathLike[str], *, store: str | os.PathLike[str] | None = None
) -> ExportSummary:
    """Write `target` into the bundle `file`: an artifact URI (latest or pinned), a run id (all its
    artifacts) or a workflow id (all its steps' artifacts). A failed export leaves no file."""
    path = Path(file)
    if path.exists():
        raise SatchelError(exists_message(path))
    opened = open_store(store)
    runs, keys, workflow = _select(opened, target)
    runs = refresh(runs, opened)  # a `running` run whose process is gone is recorded as aborted
    for record in runs:
        if record.status == RUNNING:
            raise SatchelError(f"run {record.id} ({record.name}) is still running: export it once it ended")
    documents, payloads = [], {}
    for record in runs:
        document = {k: v for k, v in copy.deepcopy(run_document(record)).items() if k not in _NOT_EXPORTED}
        document["returns"] = copy.deepcopy(record.returns)
        document["artifacts"] = {
            key: {k: v for k, v in artifact.items() if k != "trusted"}
            for key, artifact in document["artifacts"].items()
            if keys is None or key in keys
        }
        for artifact in document["artifacts"].values():
            payloads[artifact["hash"]] = opened.payloads.local_path(artifact["hash"])
        documents.append(document)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported": {"satchel": __version__, "time": now(), "target": target},
        "workflow": None if workflow is None else _workflow_document(workflow),
        "runs": documents,
    }
    with _scratch(opened) as scratch:
        size = write_bundle(manifest, payloads, path, scratch)
    uris = [a["uri"] for document in documents for a in document["artifacts"].values()]
    return ExportSummary(path, size, [r.id for r in runs], uris, None if workflow is None else workflow.id)


def import_bundle(
    file: str | os.PathLike[str],
    *,
    project: str | None = None,
    trust: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> ImportSummary:
    """Add the runs of the bundle `file` to the store, in `project` (else each run's own).

    The whole bundle is checked first (members, the manifest's digest and format version, every
    payload's hash and size): a damaged, truncated or tampered one is a `SatchelError` naming
    what is wrong, and nothing is added. Artifacts are untrusted unless `trust`.
    """
    if project is not None:
        check_name("project", project)
    path = Path(file)
    opened = open_store(store)
    with _scratch(opened) as scratch:
        try:
            manifest, payloads = read_bundle(path, scratch)
            runs, workflow, uris = _records(manifest, payloads, project, trust, path.name)
        except SatchelError as error:
            raise type(error)(f"{error}; nothing was added") from None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SatchelError(
                f"bundle {path.name}: its manifest is malformed ({type(error).__name__}: {error}); "
                "nothing was added"
            ) from None
        for digest, payload in payloads.items():
            opened.payloads.put(payload, digest)
        opened.records.import_runs(runs, workflow)
    imported = [Run(opened.records.get_run(r.id) or r, opened) for r in runs]
    return ImportSummary(path, imported, trust, None if workflow is None else workflow.id, uris)


def _select(store: Store, target: str) -> tuple[list[RunRecord], set[str] | None, WorkflowRecord | None]:
    """The runs `target` names, the artifact keys to take (None: all), and its workflow."""
    if is_uri(target):
        artifact = find(store, target)
        pinned = parse_uri(str(artifact.uri))
        record = store.records.get_run(str(pinned.run_id))
        assert record is not None  # the artifact was found by its run
        return [record], {pinned.key}, None
    run = store.records.get_run(target)
    workflow = store.records.get_workflow(target)
    if run is not None and workflow is not None:
        raise SatchelError(f"{target!r} is the beginning of a run id and of a workflow id: give more of it")
    if run is not None:
        return [run], None, None
    if workflow is not None:
        steps = store.records.list_runs(RunQuery(workflow=workflow.id))
        return steps, None, workflow
    raise SatchelError(
        f"nothing to export called {target!r}: give an artifact URI (store://PROJECT/KEY[@RUN]), "
        f"a run id or a workflow id (satchel runs) in the store ({store.describe()})"
    )


def _workflow_document(workflow: WorkflowRecord) -> dict[str, Any]:
    keys = ("id", "project", "name", "status", "started", "ended", "error")
    return {key: getattr(workflow, key) for key in keys}


def _records(
    manifest: dict[str, Any], payloads: dict[str, Path], project: str | None, trust: bool, bundle: str
) -> tuple[list[RunRecord], WorkflowRecord | None, dict[str, str]]:
    """The new runs (and workflow) to record, checked against the payloads; nothing recorded yet."""
    imported = now()
    exported = manifest["exported"]
    source_flow = manifest.get("workflow")
    workflow = None
    if source_flow is not None:
        workflow = WorkflowRecord(
            id=uuid.uuid4().hex,
            project=project or source_flow["project"],
            name=source_flow["name"],
            status=source_flow["status"],
            started=source_flow["started"],
            ended=source_flow["ended"],
            error=source_flow["error"],
        )
        check_name("project", workflow.project)
    runs: list[RunRecord] = []
    uris: dict[str, str] = {}
    new_ids = {document["id"]: uuid.uuid4().hex for document in manifest["runs"]}
    for document in manifest["runs"]:
        run_id = new_ids[document["id"]]
        target = project or document["project"]
        check_name("project", target)
        artifacts = {}
        for key, entry in document["artifacts"].items():
            check_name("artifact", key)
            listed = manifest["payloads"].get(entry["hash"]) if entry["hash"] in payloads else None
            if listed is None or entry["key"] != key:
                raise SatchelError(f"bundle {bundle}: artifact {key!r} names no payload of the bundle")
            if entry["size"] != listed["size"]:
                raise SatchelError(f"bundle {bundle}: artifact {key!r} records another size than its payload")
            uri = str(ArtifactURI(target, key, run_id))
            fields = {name: entry[name] for name in ("kind", "packager", "object_type", "hash", "size")}
            artifacts[key] = Artifact(
                key=key, uri=uri, instructions=dict(entry["instructions"]), versions=dict(entry["versions"]),
                created=entry["created"], trusted=trust, preview=_preview(bundle, key, entry.get("preview")),
                **fields,
            )  # fmt: skip
            uris[uri] = entry["uri"]
        runs.append(
            RunRecord(
                id=run_id,
                project=target,
                name=document["name"],
                function=document["function"],
                source_hash=document["source_hash"],
                params=dict(document["params"]),
                inputs=_inputs(document["inputs"], manifest["runs"], new_ids, project),
                returns=document.get("returns"),
                status=document["status"],
                started=document["started"],
                ended=document["ended"],
                versions=dict(document["versions"]),
                results=dict(document["results"]),
                artifacts=artifacts,
                error=document["error"],
                workflow=None if workflow is None else workflow.id,
                cache_key=None,  # an imported run is never a cache hit
                origin={
                    "project": document["project"],
                    "run": document["id"],
                    "workflow": document.get("workflow"),
                    "uris": {key: entry["uri"] for key, entry in document["artifacts"].items()},
                    "bundle": bundle,
                    "exported": exported["time"],
                    "exported_by": f"satchel {exported['satchel']}",
                    "imported": imported,
                    **({"origin": document["origin"]} if document.get("origin") else {}),
                },
            )
        )
    return runs, workflow, uris


def _preview(bundle: str, key: str, preview: Any) -> dict[str, Any] | None:
    """An artifact's recorded preview as the bundle carries it (none in a bundle made before
    previews existed); refused unless it is a JSON object, as packing would have made it."""
    if preview is None:
        return None
    if type(preview) is not dict:
        raise SatchelError(f"bundle {bundle}: the preview of artifact {key!r} is not a JSON object")
    return dict(preview)


def _inputs(
    inputs: dict[str, Any], documents: list[dict[str, Any]], new_ids: dict[str, str], project: str | None
) -> dict[str, Any]:
    """A run's inputs, those made by a run of the bundle pointing at its new record (so that a
    workflow's steps still say which step made each input); the others as recorded."""
    logged = {(d["id"], key) for d in documents for key in d["artifacts"]}
    rewritten = {}
    for key, item in inputs.items():
        pinned = parse_uri(item["uri"]) if "uri" in item else None
        if pinned is not None and (pinned.run_id, pinned.key) in logged:
            moved = ArtifactURI(project or pinned.project, pinned.key, new_ids[str(pinned.run_id)])
            item = {**item, "uri": str(moved), "exported_as": item["uri"]}
        rewritten[key] = dict(item)
    return rewritten


@contextmanager
def _scratch(store: Store) -> Iterator[Path]:
    """A scratch folder in the store's staging area (same filesystem: payloads are put by a
    rename), removed when done, whatever happened."""
    prefix = _SCRATCH_PREFIX.format(pid=os.getpid())
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=store.payloads.staging_root()))
    try:
        yield path
    finally:
        remove_payload(path)
