"""`DaskExecutor`: each submitted step is a Dask task running satchel's step on a worker.

The task gets the step's specification (the store's URLs, the run's name, id and workflow, its
parameters and input URIs) and the outcomes of the steps it takes inputs from, which Dask hands
it once they have finished; it returns the step's outcome (run id, status, artifact URIs). No
output passes through the scheduler: workers read and write the store themselves. `distributed`
is imported only when a step is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from satchel.backends import Executor, Step

#: The scheme of a scheduler address `executor=` may give instead of a client.
ADDRESS_SCHEMES = ("tcp://", "tls://", "ucx://", "inproc://")


class DaskExecutor(Executor):
    """Steps as tasks of a `dask.distributed.Client` (given, or connected to an address)."""

    @classmethod
    def accepts(cls, spec: object) -> bool:
        """A `distributed.Client`, or a scheduler address such as `tcp://host:8786`."""
        if isinstance(spec, str):
            return spec.startswith(ADDRESS_SCHEMES)
        return type(spec).__module__.startswith("distributed") and type(spec).__name__ == "Client"

    def __init__(self, spec: Any) -> None:
        if isinstance(spec, str):
            from distributed import Client

            spec = Client(spec)
        self.client = spec

    def submit(self, step: Step, spec: dict[str, Any], upstream: Mapping[str, Any]) -> Any:
        """One task per step, named after its run; Dask waits for the upstream tasks."""
        return self.client.submit(
            step,
            spec,
            dict(upstream),  # futures inside: Dask passes their results once they have finished
            key=f"satchel-{spec['name']}-{spec['run_id']}",
            pure=False,
        )

    def result(self, handle: Any, timeout: float | None = None) -> dict[str, Any]:
        """The task's outcome, or what it raised (`KilledWorker` when its worker died)."""
        return handle.result(timeout=timeout)

    def done(self, handle: Any) -> bool:
        """Whether the task has finished."""
        return bool(handle.done())
