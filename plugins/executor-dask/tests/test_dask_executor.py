"""Steps on a real Dask cluster (a `LocalCluster` of two worker processes on loopback): each step
runs on a worker, which opens the store from the URLs it is given; a step takes another's
`future.uri(key)` before it has finished; a worker killed mid-step leaves its run aborted and
its future raising, and other steps are unaffected; caching and results are as local runs
(plugins/executor-dask/README.md)."""

from __future__ import annotations

import os
import textwrap

import pytest

import satchel

distributed = pytest.importorskip("distributed")

STEPS = """
import os
import time
from pathlib import Path


def make(n: int = 4, pause: float = 0.0):
    time.sleep(pause)
    return list(range(n)), {"pid": os.getpid(), "home": os.environ.get("SATCHEL_HOME")}


def total(numbers: list, factor: int = 1):
    return sum(numbers) * factor, os.getpid()


def report(numbers: list, folder: str):
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "numbers.txt").write_text(",".join(map(str, numbers)))
    return out


def die():
    os.kill(os.getpid(), 9)
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two worker processes, each with a SATCHEL_HOME of its own that must stay empty."""
    import dask

    homes = [tmp_path_factory.mktemp(f"worker-home-{i}") for i in range(2)]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        # on loopback only and free ports: their HTTP servers too (no dashboards)
        cluster = distributed.LocalCluster(
            n_workers=0, threads_per_worker=1, processes=True, host="127.0.0.1", silence_logs=40,
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
        )  # fmt: skip
        for home in homes:  # one spec per worker: its own environment
            options = {"nthreads": 1, "env": {"SATCHEL_HOME": str(home)}, "host": "127.0.0.1"}
            options.update(dashboard=False, dashboard_address="127.0.0.1:0")
            cluster.worker_spec[f"w-{home.name}"] = {"cls": distributed.Nanny, "options": options}
        cluster.scale(2)
        client = distributed.Client(cluster)
        client.wait_for_workers(2, timeout=120)
        try:
            yield client, homes
        finally:
            client.close()
            cluster.close()


@pytest.fixture
def steps(tmp_path):
    """The steps, in a script file the workers import by its path."""
    from satchel.tracking.functions import load_function

    path = tmp_path / "steps.py"
    path.write_text(textwrap.dedent(STEPS))
    return lambda name: load_function(f"{path}:{name}")


@pytest.fixture
def store(tmp_path, monkeypatch):
    from satchel.tracking.store.opening import forget_open_stores

    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path / "store"))
    yield tmp_path / "store"
    forget_open_stores()


def test_a_workflow_of_steps_on_workers_gives_what_it_gives_locally(cluster, steps, store, tmp_path):
    client, homes = cluster
    with satchel.workflow("on-dask", project="dask", executor=client) as wf:
        made = satchel.submit(steps("make"), params={"n": 5, "pause": 0.5}, returns=["numbers:file", "where"])
        # both take `made`'s output before it has finished: the workers wait for it
        summed = satchel.submit(steps("total"), params={"factor": 2}, inputs={"numbers": made.uri("numbers")},
                                returns=["total", "pid"])  # fmt: skip
        folder = satchel.submit(
            steps("report"), params={"folder": str(tmp_path / "out-dask")},
            inputs={"numbers": made.uri("numbers")}, returns=["report"],
        )  # fmt: skip
        assert not made.done()
    names = [s.name for s in wf.steps]  # in the order they started: the two last ran side by side
    assert names[0] == "make" and sorted(names[1:]) == ["report", "total"]
    assert all(s.status == "completed" and s.workflow == wf.id for s in wf.steps)
    runs = {future.name: future.result() for future in (made, summed, folder)}
    assert runs["make"].id == made.run_id and runs["total"].results["total"] == 20
    assert runs["total"].inputs["numbers"]["uri"] == runs["make"].artifacts["numbers"].uri
    worker_pids = {runs["make"].results["where"]["pid"], runs["total"].results["pid"]}
    assert os.getpid() not in worker_pids  # executed on the workers
    assert runs["make"].results["where"]["home"] in {str(h) for h in homes}
    assert all(not any(home.iterdir()) for home in homes)  # the workers used the store they were given

    with satchel.workflow("local", project="dask") as local:  # the same steps, here
        here = satchel.run(steps("make"), params={"n": 5}, returns=["numbers:file", "where"])
        numbers = {"numbers": here.artifacts["numbers"].uri}
        there = satchel.run(
            steps("report"), params={"folder": str(tmp_path / "out-here")}, inputs=numbers, returns=["report"]
        )
    assert here.artifacts["numbers"].hash == runs["make"].artifacts["numbers"].hash
    assert there.artifacts["report"].hash == runs["report"].artifacts["report"].hash
    assert local.status == "completed"


def test_caching_on_the_cluster_reuses_a_local_run(cluster, steps, store):
    client, _ = cluster
    local = satchel.run(steps("make"), params={"n": 3}, returns=["numbers:file", "where"], project="dask")
    with satchel.workflow("cached", project="dask", executor=client, cache=True):
        hit = satchel.submit(steps("make"), params={"n": 3}, returns=["numbers:file", "where"])
        miss = satchel.submit(steps("make"), params={"n": 6}, returns=["numbers:file", "where"])
    assert hit.result().cached_from == local.id
    assert miss.result().cached_from is None
    assert [p["part"] for p in miss.result().cache["miss"]] == ["params"]


def test_a_killed_worker_leaves_its_run_aborted_and_other_steps_unaffected(cluster, steps, store):
    client, _ = cluster
    failed = pytest.raises(satchel.SatchelError, match=r"steps of workflow dies failed: die: KilledWorker")
    with failed, satchel.workflow("dies", project="dask", executor=client) as wf:
        dead = satchel.submit(steps("die"), returns=["nothing"])
        fine = satchel.submit(steps("make"), params={"n": 2}, returns=["numbers:file", "where"])
    with pytest.raises(distributed.KilledWorker):
        dead.result()
    assert satchel.get_run(dead.run_id).status == "aborted"
    assert fine.result().status == "completed"
    assert satchel.get_workflow(wf.id).status == "error"
    client.wait_for_workers(2, timeout=120)  # the nanny restarted the worker for the next tests


def test_a_step_whose_input_step_failed_is_not_run(cluster, steps, store):
    client, _ = cluster
    failed = pytest.raises(satchel.SatchelError, match="failed")
    with failed, satchel.workflow("broken", executor=client) as wf:
        made = satchel.submit(steps("make"), params={"n": "not a number"}, returns=["numbers:file", "where"])
        satchel.submit(steps("total"), inputs={"numbers": made.uri("numbers")}, returns=["total", "pid"])
    assert [s.name for s in wf.steps] == ["make"]  # `total` never started: no run
    assert wf.steps[0].status == "error" and "TypeError" in wf.steps[0].error


def test_an_executor_nobody_serves_is_a_clear_error(store):
    unknown = pytest.raises(satchel.SatchelError, match="no installed executor takes executor=42")
    with unknown, satchel.workflow("nowhere", executor=42):
        satchel.submit(print, returns=None)
    (recorded,) = satchel.list_workflows(name="nowhere")
    assert recorded.status == "error" and "satchel-dask" in recorded.error


def test_dask_is_imported_only_when_a_step_is_submitted_to_it():
    import subprocess
    import sys

    script = (
        "import sys, satchel, satchel.backends\n"
        "from satchel.tracking.executors import executor_for\n"
        "executor_for('local')\n"
        "try:\n"
        "    executor_for(object())\n"
        "except satchel.SatchelError:\n"
        "    pass\n"
        "assert 'satchel_dask.executor' in sys.modules  # asked whether it takes the object\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask', 'tornado')))\n"
    )
    checked = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert checked.stdout.strip() == "[]"


def test_a_workflow_is_rerun_on_the_cluster_from_a_step(cluster, steps, store):
    client, _ = cluster
    with satchel.workflow("again", project="dask", executor=client) as original:
        made = satchel.submit(steps("make"), params={"n": 4}, returns=["numbers:file", "where"])
        satchel.submit(steps("total"), params={"factor": 3}, inputs={"numbers": made.uri("numbers")},
                       returns=["total", "pid"])  # fmt: skip
    outcome = satchel.rerun(original.id, "total", executor=client)
    (step,) = outcome.steps
    assert step.outputs["total"] == {"outcome": "reproduced", "was": 18, "now": 18}
    assert step.outputs["pid"]["now"] != os.getpid()  # executed on a worker again
    assert [s.name for s in outcome.workflow.steps] == ["make", "total"]
    assert outcome.workflow.steps[0].cached_from == original.step("make").id
