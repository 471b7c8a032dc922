"""The interfaces a store backend implements (public, for backend distributions).

A backend keeps records (projects, runs, artifacts) or payloads somewhere else than the embedded
store. It is a distribution with an entry point in the group `satchel.stores`, named after the
URL scheme it serves (`postgresql`, `s3`), pointing at a callable that takes the URL and returns
a `RecordStore` or a `PayloadStore`. `SATCHEL_RECORDS` / `SATCHEL_PAYLOADS` (or `records=` and
`payloads=`) choose it; the tracking code uses nothing but these interfaces.

Also here for backends: `now()`, the clock runs and artifacts are recorded with (ISO 8601, UTC),
`StoreVersionError` for a store made by a newer version, and `run_document` /
`workflow_document`, what a run or workflow is as JSON (`list_runs_json` must give the same).
Conformance: `satchel.testing.check_record_store`.
"""

from satchel.packaging.timestamps import now
from satchel.tracking.store.opening import GROUP
from satchel.tracking.store.payloads import PayloadStore
from satchel.tracking.store.records import (
    ABORTED,
    COMPLETED,
    ERROR,
    RUNNING,
    STATUSES,
    RecordStore,
    RunQuery,
    RunRecord,
    WorkflowRecord,
    run_document,
    workflow_document,
)
from satchel.tracking.store.sqlite_schema import StoreVersionError

__all__ = [
    "ABORTED",
    "COMPLETED",
    "ERROR",
    "GROUP",
    "RUNNING",
    "STATUSES",
    "PayloadStore",
    "RecordStore",
    "RunQuery",
    "RunRecord",
    "StoreVersionError",
    "WorkflowRecord",
    "now",
    "run_document",
    "workflow_document",
]
