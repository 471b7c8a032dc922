"""`satchel.submit` on the in-process executor, and how a step executes wherever an executor runs
it: a step that completed is never made twice when the executor runs it again (Dask recomputes a
result lost with its worker), an attempt that did not complete is retried as a new run."""

from __future__ import annotations

import importlib

import pytest

import satchel
from satchel.tracking.submitting import execute_step

STEPS = """
CALLS = []


def make(n: int = 3):
    CALLS.append(n)
    return list(range(n))


def total(numbers: list) -> int:
    return sum(numbers)


def broken():
    raise RuntimeError("broken on purpose")
"""


@pytest.fixture
def steps(make_module):
    return importlib.import_module(make_module(STEPS))


def test_submit_runs_here_by_default_and_uri_feeds_a_later_step(store, steps):
    with satchel.workflow("here", project="demo") as wf:
        made = satchel.submit(steps.make, params={"n": 4}, returns=["numbers:file"])
        assert made.done() and made.uri("numbers") == f"store://demo/numbers@{made.run_id}"
        summed = satchel.submit(steps.total, inputs={"numbers": made.uri("numbers")}, returns=["sum"])
    assert summed.result().results == {"sum": 6}
    assert [s.name for s in wf.steps] == ["make", "total"] and wf.status == "completed"
    assert summed.result().inputs["numbers"]["uri"] == made.result().artifacts["numbers"].uri


def test_a_failed_step_fails_the_steps_that_take_its_outputs_and_the_block(store, steps):
    failed = pytest.raises(satchel.SatchelError, match="workflow broken failed: broken: RuntimeError")
    with failed, satchel.workflow("broken") as wf:
        bad = satchel.submit(steps.broken, returns=["x"])
        later = satchel.submit(steps.total, inputs={"numbers": bad.uri("x")}, returns=["sum"])
    with pytest.raises(RuntimeError, match="broken on purpose"):
        later.result()
    assert [s.name for s in wf.steps] == ["broken"]  # the later step never started
    assert satchel.get_workflow(wf.id).status == "error"


def test_a_step_executed_again_after_it_completed_gives_the_same_run(store, steps, monkeypatch):
    with satchel.workflow("again") as wf:
        made = satchel.submit(steps.make, params={"n": 2}, returns=["numbers:file"])
    spec = made._spec  # what the executor was given
    assert steps.CALLS == [2]
    outcome = execute_step(spec, {}, steps.make)  # as Dask does when it recomputes a lost result
    assert outcome["run"] == made.run_id and steps.CALLS == [2]
    assert len(wf.steps) == 1


def test_an_attempt_that_did_not_complete_is_retried_as_a_new_run(store, steps):
    from satchel.tracking.store.opening import open_store

    with satchel.workflow("retried") as wf:
        made = satchel.submit(steps.make, params={"n": 2}, returns=["numbers:file"])
    records = open_store(None).records
    records.mark_aborted([made.run_id], "2026-01-01T00:00:00+00:00")  # as if not yet ended
    with open_store(None).records._write() as connection:
        connection.execute("UPDATE runs SET status = 'aborted' WHERE id = ?", (made.run_id,))
    outcome = execute_step(made._spec, {}, steps.make)
    assert outcome["run"] != made.run_id and outcome["status"] == "completed"
    assert sorted(s.status for s in wf.steps) == ["aborted", "completed"]
    assert steps.CALLS == [2, 2]
