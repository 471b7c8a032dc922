"""Pages rendered in process: workflow records where the store keeps them, damaged payloads."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import satchel
from satchel.backends import open_store
from satchel_ui.data import StoreView
from satchel_ui.pages import Site


@dataclass
class FakeWorkflowRecord:  # the shape of satchel.backends.WorkflowRecord, which is newer than this
    id: str
    project: str
    name: str
    status: str
    started: str
    rerun_of: str | None = None
    from_step: str | None = None
    report: dict | None = None


def test_workflow_records_give_names_reruns_and_reports(ui_store, monkeypatch):
    view = StoreView(ui_store.path)
    first = FakeWorkflowRecord(ui_store.workflow, "demo", "nightly", "completed", "2026-01-01T00:00:00+00:00")
    rerun = FakeWorkflowRecord(
        "rerun1", "demo", "nightly", "completed", "2026-01-02T00:00:00+00:00",
        rerun_of=ui_store.workflow, from_step="train", report={"reproduced": ["loss"], "differs": []},
    )  # fmt: skip
    monkeypatch.setattr(view.store.records, "list_workflows", lambda: [first, rerun], raising=False)
    site = Site(view)
    page = site.workflow_page(ui_store.workflow)
    assert "nightly" in page and 'class="rerun-link" href="/workflows/rerun1"' in page
    assert "keeps no workflow records" not in page
    report = site.workflow_page("rerun1")
    assert f'<a href="/workflows/{ui_store.workflow}">' in report and "<code>train</code>" in report
    assert "Reproduction report" in report and "&#34;reproduced&#34;" in report
    assert "badge rerun" in site.workflows_page()


def test_without_workflow_records_the_graph_comes_from_the_runs(ui_store):
    view = StoreView(ui_store.path)
    if hasattr(view.store.records, "list_workflows"):
        return  # a newer store keeps records: the test above covers it
    page = Site(view).workflow_page(ui_store.workflow)
    assert "keeps no workflow records" in page and "prepare &gt; train" in page


def make_list() -> list:
    return [1, 2, 3]


def test_a_damaged_payload_is_reported_by_verify(tmp_path):
    store = tmp_path / "store"
    run = satchel.run(make_list, returns="numbers:file", project="p", store=store)
    payload = Path(open_store(store).payloads.local_path(run.artifacts["numbers"].hash))
    os.chmod(payload, stat.S_IWUSR | stat.S_IRUSR)
    payload.write_text("[6, 6, 6]")
    page = Site(StoreView(store)).verify_page(run.id)
    assert '<span class="verify bad">damaged (now blake3:' in page
    payload.unlink()
    assert '<span class="verify bad">missing</span>' in Site(StoreView(store)).verify_page(run.id)


def test_a_cache_miss_says_which_parts_of_the_key_differed(ui_store, monkeypatch):
    view = StoreView(ui_store.path)
    document = view.run(ui_store.train_again)
    document["cache"] = {"miss": ["params", "inputs.weights"], "nearest": ui_store.train}
    document["origin"] = {"store": "elsewhere", "run": "abc"}
    monkeypatch.setattr(view, "run", lambda run_id: document if run_id == document["id"] else None)
    page = Site(view).run_page(document["id"])
    assert '<code class="differs">params</code> <code class="differs">inputs.weights</code>' in page
    assert f'<a href="/runs/{ui_store.train}">{ui_store.train[:8]}</a>' in page
    assert "imported from" in page and "elsewhere" in page


def test_the_graph_escapes_names(ui_store):
    from satchel_ui.data import Workflow
    from satchel_ui.graph import draw

    view = StoreView(ui_store.path)
    step = dict(view.run(ui_store.escaped), workflow="w")
    drawing = str(draw(Workflow("w", [step]), lambda run_id: f"/runs/{run_id}"))
    assert ui_store.xss not in drawing and "&lt;script&gt;" in drawing
