"""The example job: two steps run as tracked runs on the embedded store (`./.satchel`).

`python3 dev.py example` runs them through the command line:

    satchel run examples/example_job.py:prepare --param rows=500 --project example
    satchel run examples/example_job.py:train --input table=store://example/table \\
        --input weights=store://example/weights --input report=store://example/report --project example

`prepare` returns metrics, a DataFrame, an array and a folder; `train` gets them back, unpacked
by its type hints, from the URIs of the first run's artifacts.

Run as a script, it runs both steps as one workflow, which `dev.py example` then shows and reruns
from its second step (a rerun imports the steps again from this file):

    python examples/example_job.py                    # prints the workflow's id
    satchel show example-nightly
    satchel rerun example-nightly --from train
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import satchel


@satchel.handler(returns=["**metric_", "table:dataset", "weights", "report"])
def prepare(rows: int = 1000, seed: int = 0) -> tuple[dict[str, float], pd.DataFrame, np.ndarray, Path]:
    """Make a data set, initial weights and a report folder, and measure the data."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "x": rng.normal(size=rows),
            "group": pd.Categorical(rng.choice(["a", "b", "c"], size=rows)),
            "when": pd.date_range("2026-01-01", periods=rows, freq="h", tz="UTC"),
        }
    )
    table["y"] = 3.0 * table["x"] + rng.normal(scale=0.1, size=rows)
    weights = rng.normal(size=(4,))
    report = Path(tempfile.mkdtemp(prefix="example-report-"))
    atexit.register(shutil.rmtree, report, True)  # the run has archived it by then
    (report / "figures").mkdir()
    (report / "summary.md").write_text(f"# Data\n{rows} rows, 3 groups\n")
    (report / "figures" / "x.csv").write_text(table["x"].describe().to_csv())
    metrics = {"rows": float(rows), "x_mean": float(table["x"].mean())}
    return metrics, table, weights, report


@satchel.handler(returns=["**score_", "slope"])
def train(table: pd.DataFrame, weights: np.ndarray, report: Path, epochs: int = 3) -> tuple[dict, float]:
    """Fit y = a*x + b by least squares; the inputs arrive unpacked by these type hints."""
    assert isinstance(table["group"].dtype, pd.CategoricalDtype)  # exact round trip
    design = np.column_stack([table["x"].to_numpy(), np.ones(len(table))])
    (slope, intercept), *_ = np.linalg.lstsq(design, table["y"].to_numpy(), rcond=None)
    residual = table["y"].to_numpy() - design @ np.array([slope, intercept])
    files = sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())
    scores = {"rmse": float(np.sqrt(np.mean(residual**2))), "report_files": float(len(files))}
    return scores, float(slope)


def nightly(rows: int = 500) -> satchel.Workflow:
    """Both steps as one workflow: train on the artifacts the first step made (pinned by run id)."""
    with satchel.workflow("example-nightly", project="example") as wf:
        made = satchel.run(prepare, params={"rows": rows})
        satchel.run(train, inputs={key: made.artifacts[key].uri for key in ("table", "weights", "report")})
    return wf


if __name__ == "__main__":
    print(nightly().id)
