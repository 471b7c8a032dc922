"""A store made by real `satchel.run` calls, in a workflow, cached and rerun, and `satchel ui`
serving it on a free loopback port."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import satchel

XSS = "<script>alert('x')</script>"
HAS_PANDAS = importlib.util.find_spec("pandas") is not None


@dataclass
class UIStore:
    """The store and the ids the tests look for."""

    path: Path
    prepare: str
    train: str
    train_again: str
    cached: str
    workflow: str
    escaped: str
    failed: str
    xss: str = XSS


def prepare(rows: int = 20, seed: int = 0, with_table: bool = True):
    """Metrics, an array, a folder and (`with_table`) a DataFrame."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(200,))
    folder = Path(os.environ["UI_TEST_TMP"]) / f"report-{seed}-{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.md").write_text(f"{rows} rows\n")
    outputs = [{"rows": rows, "mean": float(weights.mean())}, weights, folder]
    if not with_table:
        return tuple(outputs)
    import pandas as pd

    table = pd.DataFrame({"x": np.arange(rows, dtype=float), "label": [f"row {i}" for i in range(rows)]})
    return (*outputs, table)


def train(weights, table=None, lr: float = 0.1, comment: str = "") -> tuple[float, dict]:
    """A loss that depends on the learning rate."""
    return float(abs(weights).mean() * lr), {"lr": lr, "note": "trained"}


def fail(lr: float = 0.1) -> int:
    """A step that raises."""
    raise ValueError("the step failed on purpose")


def _build(path: Path) -> UIStore:
    path.mkdir(parents=True, exist_ok=True)
    store = str(path / "store")
    os.environ["UI_TEST_TMP"] = str(path)
    pandas = HAS_PANDAS
    returns = ["**metric_", "weights", "report", *(["table:dataset"] if pandas else [])]
    params = {"rows": 20, "with_table": pandas}
    with satchel.workflow("nightly", project="demo", store=store) as flow:
        first = satchel.run(prepare, params=params, returns=returns)
        inputs = {"weights": f"store://demo/weights@{first.id}"}
        if pandas:
            inputs["table"] = f"store://demo/table@{first.id}"
        second = satchel.run(train, params={"lr": 0.1}, inputs=inputs, returns=["loss", "info"])
    workflow = flow.id
    again = satchel.run(
        train, params={"lr": 0.5}, inputs=inputs, returns=["loss", "info"], project="demo", store=store
    )
    with satchel.workflow("cached", project="demo", store=store, cache=True):
        cached = satchel.run(train, params={"lr": 0.1}, inputs=inputs, returns=["loss", "info"])
    assert cached.cached_from == second.id
    satchel.rerun(workflow, "train", store=store)  # a rerun workflow, with its reproduction report
    escaped = satchel.run(
        train, params={"lr": 0.3, "comment": XSS}, inputs=inputs, returns=["loss", "info"], name=XSS,
        project="other", store=store,
    )  # fmt: skip
    with pytest.raises(ValueError):
        satchel.run(fail, params={"lr": 1.0}, project="other", store=store)
    failed = satchel.list_runs(status="error", store=store)[-1].id
    return UIStore(path / "store", first.id, second.id, again.id, cached.id, workflow, escaped.id, failed)


@pytest.fixture(scope="session")
def ui_store(tmp_path_factory) -> UIStore:
    """The store every test of this folder reads (made once per session and worker)."""
    return _build(tmp_path_factory.mktemp("ui"))


@dataclass
class Server:
    """A `satchel ui` process and its URL."""

    process: subprocess.Popen
    url: str


def start_ui(store: Path, *extra: str) -> Server:
    """`satchel ui --port 0` in a subprocess, once it has printed its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "satchel", "ui", "--port", "0", "--store", str(store), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"(http://\S+/)", line)
    if match is None:
        process.kill()
        raise AssertionError(f"satchel ui printed {line!r}; stderr: {process.stderr.read()}")
    return Server(process, match[1])


def stop_ui(server: Server) -> None:
    """Stop the process started by `start_ui`."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    for stream in (server.process.stdout, server.process.stderr):
        if stream:
            stream.close()


@pytest.fixture(scope="session")
def ui_process():
    """`(start_ui, stop_ui)`, for tests that serve a store of their own."""
    return start_ui, stop_ui


@pytest.fixture(scope="module")
def ui_server(ui_store) -> Iterator[Server]:
    """`satchel ui` serving the store, for one test module."""
    server = start_ui(ui_store.path)
    yield server
    stop_ui(server)
