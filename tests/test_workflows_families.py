"""Reruns prove reproduction for every kind of output: a deterministic workflow with a DataFrame
dataset, an array and a folder reproduces every hash when rerun from its first step, in another
process, reading the script from its file; a nondeterministic step is reported as not reproduced
(README: "Workflows, reruns and caching")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

FLOW = """
from pathlib import Path
import sys

import numpy as np
import pandas as pd

import satchel


def make_table(rows: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.random(rows),
        "g": pd.Categorical(["a", "b"] * (rows // 2)),
        "t": pd.date_range("2026-01-01", periods=rows, freq="h", tz="Europe/Paris"),
    })


def fit(table: pd.DataFrame, noise: bool = False):
    weights = np.polyfit(np.arange(len(table)), table["x"].to_numpy(), 2)
    if noise:
        weights = weights + np.random.default_rng().random(3)
    report = Path("report")
    (report / "plots").mkdir(parents=True, exist_ok=True)
    (report / "summary.txt").write_text(table.describe().to_string())
    (report / "plots" / "weights.csv").write_text(",".join(map(str, weights)))
    return weights, report, {"rmse": float(np.sqrt(np.mean(table["x"].to_numpy() ** 2)))}


def score(weights: np.ndarray, report: Path) -> float:
    return float(weights.sum()) + len(list(report.rglob("*")))


def main(noise: bool):
    with satchel.workflow("reproducible", project="families") as wf:
        table = satchel.run(make_table, returns=["table:dataset"])
        model = satchel.run(
            fit, params={"noise": noise}, inputs={"table": table.artifacts["table"].uri},
            returns=["weights", "report", "metrics"],
        )
        made = {key: model.artifacts[key].uri for key in ("weights", "report")}
        satchel.run(score, inputs=made, returns=["score"])
    print(wf.id)


if __name__ == "__main__":
    main(noise=sys.argv[1:] == ["noise"])
"""


@pytest.fixture
def flow(tmp_path):
    script = tmp_path / "flow.py"
    script.write_text(textwrap.dedent(FLOW))
    env = {**os.environ, "SATCHEL_HOME": str(tmp_path / "store")}
    env.pop("SATCHEL_RECORDS", None)
    env.pop("SATCHEL_PAYLOADS", None)

    def satchel_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "satchel", *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )

    def start(*args: str) -> str:
        made = subprocess.run(
            [sys.executable, str(script), *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()

    return start, satchel_cli


def test_a_deterministic_workflow_reproduces_every_hash_from_its_first_step(flow):
    start, satchel_cli = flow
    workflow_id = start()
    rerun = satchel_cli("rerun", workflow_id, "--json")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    report = json.loads(rerun.stdout)
    assert report["reproduced"] and report["reused"] == []
    outcomes = {(s["step"], key): o["outcome"] for s in report["steps"] for key, o in s["outputs"].items()}
    assert outcomes == {
        ("make_table", "table"): "reproduced",  # a dataset (parquet), time zone and categories included
        ("fit", "weights"): "reproduced",  # an array
        ("fit", "report"): "reproduced",  # a folder
        ("fit", "metrics"): "reproduced",  # a result
        ("score", "score"): "reproduced",
    }
    table = next(s for s in report["steps"] if s["step"] == "make_table")["outputs"]["table"]
    assert table["was"] == table["now"] and table["was"].startswith("blake3:")
    shown = satchel_cli("show", report["workflow"])
    assert "rerun of  " + workflow_id in shown.stdout and "fit: reproduced" in shown.stdout


def test_a_nondeterministic_step_is_reported_with_what_it_changed_downstream(flow):
    start, satchel_cli = flow
    workflow_id = start("noise")
    rerun = satchel_cli("rerun", workflow_id, "--from", "fit")
    assert rerun.returncode == 1
    assert "reused (not executed): make_table" in rerun.stdout
    assert "step fit: NOT reproduced" in rerun.stdout and "step score: NOT reproduced" in rerun.stdout
    outcomes = [line.split()[:2] for line in rerun.stdout.splitlines() if line.startswith("    ")]
    assert outcomes == [
        ["differs", "report"],  # the folder holds the weights
        ["differs", "weights"],
        ["reproduced", "metrics"],
        ["differs", "score"],
    ]
    assert "not reproduced: fit, score" in rerun.stderr
