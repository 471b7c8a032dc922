"""The interfaces a store backend or an executor implements (public, for their distributions).

A backend keeps records (projects, runs, artifacts) or payloads somewhere else than the embedded
store. It is a distribution with an entry point in the group `satchel.stores`, named after the
URL scheme it serves (`postgresql`, `s3`), pointing at a callable that takes the URL and returns
a `RecordStore` or a `PayloadStore`. `SATCHEL_RECORDS` / `SATCHEL_PAYLOADS` (or `records=` and
`payloads=`) choose it; the tracking code uses nothing but these interfaces.

An executor (where `satchel.submit` runs steps) is an `Executor` subclass with `accepts`, named
by an entry point in the group `satchel.executors` (`EXECUTORS_GROUP`); it runs the `Step` it is
given with the specification and upstream outcomes, all small JSON-able dicts.

`open_store` opens the store a location names (the same rules as `satchel.run`), for tools that
read records and payloads directly (`satchel-ui`); `run_document` is a run's JSON shape.

Also here for backends: `now()`, the clock runs and artifacts are recorded with (ISO 8601, UTC),
`StoreVersionError` for a store made by a newer version, and `run_document` /
`workflow_document`, what a run or workflow is as JSON (`list_runs_json` must give the same).
Conformance: `satchel.testing.check_record_store`.
"""

from satchel.packaging.timestamps import now
from satchel.tracking.executors import GROUP as EXECUTORS_GROUP
from satchel.tracking.executors import Executor, Step
from satchel.tracking.store.opening import GROUP, Store, open_store
from satchel.tracking.store.payloads import PayloadStore
from satchel.tracking.store.records import (
    ABORTED,
    ABORTED_ERROR,
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
    "ABORTED_ERROR",
    "COMPLETED",
    "ERROR",
    "EXECUTORS_GROUP",
    "GROUP",
    "RUNNING",
    "STATUSES",
    "Executor",
    "PayloadStore",
    "RecordStore",
    "RunQuery",
    "RunRecord",
    "Step",
    "Store",
    "StoreVersionError",
    "WorkflowRecord",
    "now",
    "open_store",
    "run_document",
    "workflow_document",
]
