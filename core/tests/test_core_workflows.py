"""Workflows and reruns: steps in order, a rerun from any step executes only that step and the
later ones, reads the inputs pinned the first time, and reports what reproduced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import satchel
from satchel import SatchelError
from satchel.cli import main

FLOW = """
import random
from pathlib import Path

import satchel

CALLS = Path({calls!r})


def _called(name):
    with CALLS.open("a") as calls:
        calls.write(name + "\\n")


def prepare(n: int = 3):
    _called("prepare")
    return list(range(n))


def train(numbers: list, factor: int = 2):
    _called("train")
    return {{"weights": [x * factor for x in numbers]}}


def evaluate(model: dict, numbers: list):
    _called("evaluate")
    return sum(model["weights"]) + sum(numbers)


def noisy(numbers: list):
    return {{"draw": random.random(), "count": len(numbers)}}


def nightly(n=3):
    with satchel.workflow("nightly", project="demo") as wf:
        prep = satchel.run(prepare, params={{"n": n}}, returns=["numbers:file"])
        numbers = prep.artifacts["numbers"].uri
        model = satchel.run(train, inputs={{"numbers": numbers}}, returns=["model:file"])
        satchel.run(
            evaluate,
            inputs={{"model": model.artifacts["model"].uri, "numbers": "store://demo/numbers"}},
            returns=["score"],
        )
    return wf


if __name__ == "__main__":
    print(nightly().id)
"""


@pytest.fixture
def flow(tmp_path, make_module):
    """A three-step workflow in a module; `calls()` reads which steps were executed since."""
    calls = tmp_path / "calls.txt"
    module = __import__(make_module(FLOW.format(calls=str(calls))))

    def executed() -> list[str]:
        text = calls.read_text() if calls.exists() else ""
        calls.write_text("")
        return text.split()

    module.executed = executed
    return module


def test_runs_in_a_workflow_are_its_steps_in_order_and_a_repeated_name_gets_a_suffix(store, flow):
    with satchel.workflow("twice", project="demo") as wf:
        satchel.run(flow.prepare, name="prepare", returns=["numbers:file"])
        satchel.run(flow.prepare, name="prepare", returns=["numbers:file"])
        satchel.run(flow.prepare, params={"n": 1}, name="prepare-2", returns=["numbers:file"])
    assert [step.name for step in wf.steps] == ["prepare", "prepare-2", "prepare-2-2"]
    assert {step.workflow for step in wf.steps} == {wf.id}
    assert {step.project for step in wf.steps} == {"demo"}
    again = satchel.get_workflow(wf.id[:8])
    assert (again.status, again.name, again.ended is not None) == ("completed", "twice", True)
    assert satchel.get_workflow("twice").id == wf.id
    assert [w.id for w in satchel.list_workflows("demo")] == [wf.id]
    assert wf.step("prepare-2").params == {}
    with pytest.raises(SatchelError, match=r"has no step 'train' \(its steps: prepare, prepare-2"):
        wf.step("train")


def test_a_workflow_that_raises_is_recorded_as_error_and_workflows_do_not_nest(store, flow):
    with pytest.raises(RuntimeError), satchel.workflow("broken") as wf:
        satchel.run(flow.prepare, returns=["numbers:file"])
        raise RuntimeError("stopped")
    recorded = satchel.get_workflow(wf.id)
    assert (recorded.status, recorded.error) == ("error", "RuntimeError: stopped")
    inner = satchel.workflow("inner")
    with satchel.workflow("outer"), pytest.raises(SatchelError, match="workflows do not nest"):
        inner.__enter__()


def test_rerun_from_the_middle_step_executes_only_it_and_the_later_ones(store, flow):
    original = flow.nightly()
    assert flow.executed() == ["prepare", "train", "evaluate"]
    outcome = satchel.rerun(original.id, "train")
    assert flow.executed() == ["train", "evaluate"]
    assert outcome.reproduced and outcome.reused == ["prepare"]
    assert [step.step for step in outcome.steps] == ["train", "evaluate"]
    assert outcome.steps[0].outputs["model"]["outcome"] == "reproduced"
    assert outcome.steps[1].outputs["score"] == {"outcome": "reproduced", "was": 9, "now": 9}
    new = outcome.workflow
    assert (new.rerun_of, new.from_step, new.name) == (original.id, "train", "nightly")
    steps = new.steps
    assert [s.name for s in steps] == ["prepare", "train", "evaluate"]
    assert steps[0].cached_from == original.step("prepare").id  # reused, not executed
    assert steps[0].artifacts["numbers"].hash == original.step("prepare").artifacts["numbers"].hash
    assert steps[2].results == original.step("evaluate").results
    # the evaluation read the model the rerun made, not the original one
    assert steps[2].inputs["model"]["uri"] == steps[1].artifacts["model"].uri
    assert satchel.get_workflow(new.id).report["reproduced"] is True


def test_a_rerun_reads_the_inputs_pinned_the_first_time_not_a_newer_artifact(store, flow):
    original = flow.nightly()
    # a newer run logs the same key the workflow read as "the latest": store://demo/numbers
    satchel.run(flow.prepare, params={"n": 10}, project="demo", returns=["numbers:file"])
    flow.executed()
    outcome = satchel.rerun(original.id, "evaluate")
    assert flow.executed() == ["evaluate"]
    assert outcome.reproduced, outcome.to_dict()
    evaluate = outcome.workflow.step("evaluate")
    assert evaluate.results == {"score": 9}  # n=10 would give 135
    assert evaluate.inputs["numbers"]["hash"] == original.step("evaluate").inputs["numbers"]["hash"]


def test_rerun_of_one_run_and_the_errors_that_say_what_to_do(store, flow):
    original = flow.nightly()
    run = original.step("evaluate")
    outcome = satchel.rerun(run.id)
    assert outcome.workflow is None and outcome.reproduced
    assert outcome.runs[0].workflow is None and outcome.runs[0].results == run.results
    with pytest.raises(SatchelError, match="is a run, not a workflow"):
        satchel.rerun(run.id, "train")
    with pytest.raises(SatchelError, match=r"no step 'banana' \(its steps: prepare, train, evaluate\)"):
        satchel.rerun(original.id, "banana")
    with pytest.raises(SatchelError, match="no workflow 'nope'"):
        satchel.rerun("nope")


def test_a_step_that_fails_in_the_rerun_stops_it_and_the_report_says_so(store, flow, tmp_path):
    original = flow.nightly()
    (tmp_path / "calls.txt").unlink()
    (tmp_path / "calls.txt").mkdir()  # the steps can no longer write their calls: they raise
    outcome = satchel.rerun(original.id, "train")
    train, evaluate = outcome.steps
    assert train.status == "error" and "IsADirectoryError" in train.error
    assert satchel.get_run(train.run).status == "error"
    assert evaluate.status == "not run" and not outcome.reproduced
    assert evaluate.error.startswith("not run: a step it takes inputs from failed (IsADirectoryError")
    assert evaluate.run is None and [s.name for s in outcome.workflow.steps] == ["prepare", "train"]
    recorded = satchel.get_workflow(outcome.workflow.id)
    assert recorded.status == "error" and "train: IsADirectoryError" in recorded.error
    assert recorded.report["steps"][1]["status"] == "not run"


def test_a_script_workflow_is_rerun_from_its_file_in_another_process(store, tmp_path):
    calls = tmp_path / "script-calls.txt"
    script = tmp_path / "flow.py"
    script.write_text(textwrap.dedent(FLOW.format(calls=str(calls))))
    env = {**__import__("os").environ, "SATCHEL_HOME": str(store)}
    made = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, check=True)
    workflow_id = made.stdout.strip()
    calls.write_text("")
    rerun = subprocess.run(
        [sys.executable, "-m", "satchel", "rerun", workflow_id, "--from", "train", "--json"],
        env=env, capture_output=True, text=True, cwd=tmp_path / "..",
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["reproduced"] and [s["step"] for s in report["steps"]] == ["train", "evaluate"]
    assert calls.read_text().split() == ["train", "evaluate"]
    assert satchel.get_run(report["steps"][0]["run"]).function == f"{script}:train"
    # the script changes: the rerun executes the new source and says so
    script.write_text(script.read_text().replace("x * factor", "x * factor * 3"))
    changed = subprocess.run(
        [sys.executable, "-m", "satchel", "rerun", workflow_id, "--from", "train", "--json"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert changed.returncode == 1
    train, evaluate = json.loads(changed.stdout)["steps"]
    assert train["source_changed"] and train["outputs"]["model"]["outcome"] == "differs"
    assert not evaluate["source_changed"]
    assert evaluate["outputs"]["score"] == {"outcome": "differs", "was": 9, "now": 21}
    assert "not reproduced: train, evaluate" in changed.stderr


def test_the_command_line_shows_a_workflow_and_reruns_it(store, flow, capsys):
    original = flow.nightly()
    assert main(["show", "nightly"]) == 0
    shown = capsys.readouterr().out
    assert f"workflow {original.id}  demo/nightly  completed" in shown
    assert "1. prepare  completed" in shown and "3. evaluate  completed" in shown
    assert "input   numbers = store://demo/numbers@" in shown and "(from step prepare)" in shown
    assert "input   model = store://demo/model@" in shown and "(from step train)" in shown
    assert main(["rerun", original.id, "--from", "evaluate"]) == 0
    report = capsys.readouterr().out
    assert "reused (not executed): prepare, train" in report
    assert "step evaluate: reproduced" in report and "reproduced score  9 -> 9" in report
    assert main(["workflows", "--project", "demo", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(w["rerun_of"], w["from_step"]) for w in listed] == [(None, None), (original.id, "evaluate")]
    assert [s["name"] for s in listed[1]["steps"]] == ["prepare", "train", "evaluate"]


def test_a_nondeterministic_step_is_not_reproduced_and_the_command_exits_non_zero(store, flow, capsys):
    with satchel.workflow("noisy", project="demo") as original:
        prep = satchel.run(flow.prepare, returns=["numbers:file"])
        satchel.run(flow.noisy, inputs={"numbers": prep.artifacts["numbers"].uri}, returns=["sample:file"])
    assert main(["rerun", original.id]) == 1
    captured = capsys.readouterr()
    assert "step prepare: reproduced" in captured.out
    assert "step noisy: NOT reproduced" in captured.out and "differs    sample" in captured.out
    assert "not reproduced: noisy" in captured.err


def test_a_step_recorded_in_another_store_is_refused(store, flow, tmp_path):
    with satchel.workflow("w"), pytest.raises(SatchelError, match="recorded in the workflow's store"):
        satchel.run(flow.prepare, returns=["numbers:file"], store=tmp_path / "elsewhere")


def test_a_workflow_whose_process_died_is_recorded_as_aborted(store, flow, tmp_path):
    script = tmp_path / "dies.py"
    script.write_text(
        textwrap.dedent(f"""
            import os, sys
            sys.path.insert(0, {str(Path(flow.__file__).parent)!r})
            import satchel
            from {flow.__name__} import prepare
            with satchel.workflow("dies", project="demo") as wf:
                satchel.run(prepare, returns=["numbers:file"])
                print(wf.id, flush=True)
                os._exit(3)
        """)
    )
    env = {**os.environ, "SATCHEL_HOME": str(store)}
    died = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert died.returncode == 3, died.stderr
    flow_record = satchel.get_workflow(died.stdout.strip())
    assert flow_record.status == "aborted" and "process running it ended" in flow_record.error
    assert [step.status for step in flow_record.steps] == ["completed"]
