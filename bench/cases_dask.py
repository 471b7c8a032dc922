"""Steps on a Dask cluster: what satchel adds to a step that Dask runs.

- `dask-step`: one small step (a list in, its sum out as a result) on a `LocalCluster` of two
  worker processes on loopback, submitted and waited for: the raw `client.submit(f, x).result()`
  against `satchel.submit` in a workflow on that cluster (the run recorded by the worker in the
  embedded store, the workflow recorded around it) and `satchel.run` of it in this process.
- `dask-200-steps`: 200 such steps submitted at once and all waited for (time per step): raw
  `client.submit` against `satchel.submit` in one workflow, and 200 `satchel.run`s here.

Skipped (with a note) when `distributed` is not installed.
"""

from __future__ import annotations

import atexit
import importlib.util
from pathlib import Path
from typing import Any

from bench.harness import Comparison, Variant

STEPS = 20  # steps per repetition, one after another
BATCH = 200  # steps submitted at once (the batch case)


def total(numbers: list[int]) -> int:
    """The step: a small result."""
    return sum(numbers)


_CLIENT: list[Any] = []


def _client() -> Any:
    """One cluster for the whole benchmark run, closed at exit."""
    if not _CLIENT:
        import distributed

        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False}, silence_logs=40,
        )  # fmt: skip
        client = distributed.Client(cluster)
        atexit.register(cluster.close)
        atexit.register(client.close)
        _CLIENT.append(client)
    return _CLIENT[0]


def _raw_setup(_data: Any, _scratch: Path) -> Any:
    client = _client()
    return lambda: client.submit(total, [1, 2, 3], pure=False).result()


def _submit_setup(_data: Any, scratch: Path) -> Any:
    import satchel

    client = _client()
    store = scratch / "store"

    def step() -> Any:
        with satchel.workflow("bench", project="bench", executor=client, store=store):
            future = satchel.submit(total, params={"numbers": [1, 2, 3]}, returns=["sum"])
        return future.result()

    step()  # the first (schema, imports on the workers) is not what is measured
    return step


def _raw_batch_setup(_data: Any, _scratch: Path) -> Any:
    client = _client()

    def batch() -> Any:
        return client.gather([client.submit(total, [i, 2, 3], pure=False) for i in range(BATCH)])

    return batch


def _submit_batch_setup(_data: Any, scratch: Path) -> Any:
    import satchel

    client = _client()
    store = scratch / "store-batch"

    def batch() -> Any:
        with satchel.workflow("bench-batch", project="bench", executor=client, store=store):
            futures = [
                satchel.submit(total, params={"numbers": [i, 2, 3]}, returns=["sum"]) for i in range(BATCH)
            ]
        return [future.run_id for future in futures]

    batch()
    return batch


def _run_batch_setup(_data: Any, scratch: Path) -> Any:
    import satchel

    store = scratch / "store-batch-here"

    def batch() -> Any:
        run = satchel.run
        return [run(total, params={"numbers": [i, 2, 3]}, returns=["sum"], store=store) for i in range(BATCH)]

    batch()
    return batch


def _per_step(state: Any) -> Any:
    return state()


def _run_setup(_data: Any, scratch: Path) -> Any:
    import satchel

    store = scratch / "store-here"

    def step() -> Any:
        return satchel.run(total, params={"numbers": [1, 2, 3]}, returns=["sum"], store=store)

    step()
    return step


def _call(step: Any) -> Any:
    return step()


def cases() -> list[Comparison]:
    """The Dask case, when `distributed` is installed."""
    if importlib.util.find_spec("distributed") is None:
        return []
    return [
        Comparison(
            name="dask-step",
            description="one small step submitted to a 2-worker LocalCluster and waited for",
            variants=[
                Variant("client.submit(f).result()", _call, setup=_raw_setup, number=STEPS),
                Variant("satchel.submit in a workflow", _call, setup=_submit_setup, number=STEPS),
                Variant("satchel.run here (no cluster)", _call, setup=_run_setup, number=STEPS),
            ],
            memory=False,
            notes=[
                "satchel.submit: the workflow recorded (start, end), the run recorded by the worker in "
                "the embedded store (SQLite on this machine), its outcome (run id, URIs) back through "
                "the scheduler, and the Run read back by future.result()",
            ],
        ),
        Comparison(
            name="dask-200-steps",
            description=f"{BATCH} small steps submitted at once to the 2-worker cluster, all waited for",
            variants=[
                Variant(f"{BATCH} x client.submit, gather", _per_step, setup=_raw_batch_setup),
                Variant(f"{BATCH} x satchel.submit, one workflow", _per_step, setup=_submit_batch_setup),
                Variant(f"{BATCH} x satchel.run here", _per_step, setup=_run_batch_setup),
            ],
            memory=False,
            repeat=5,
            notes=[
                f"times are for all {BATCH} steps: divide by {BATCH} for the time per step",
                "satchel.submit: each step recorded by a worker in the embedded store (SQLite, two "
                "worker processes writing at once), the Run not read back",
            ],
        ),
    ]
