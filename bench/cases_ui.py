"""satchel-ui: the runs page over a store of 10,000 runs (the store of `runs-json-10k`).

- `ui-runs-page-10k`: one page of the runs table (50 rows of 10,000), rendered in process and
  fetched over HTTP from `satchel ui`'s server, against reading every run's JSON from the
  record store (what the page has to read at least).
- `ui-export-1k`: `satchel ui --export` of a store of 1,000 runs (a page per run, the runs table,
  the workflows), against reading those runs' JSON.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

from bench.cases_runs import STORE_RUNS, build_runs_store, runs_store_dir
from bench.harness import Comparison, Target, Variant


def _records_setup(_data: Any, _scratch: Path) -> Any:
    from satchel.backends import RunQuery, open_store

    records = open_store(runs_store_dir()).records
    return lambda: records.list_runs_json(RunQuery())


def _page_setup(**query: Any) -> Any:
    def setup(_data: Any, _scratch: Path) -> Any:
        from satchel_ui.data import StoreView
        from satchel_ui.pages import Site

        site = Site(StoreView(runs_store_dir()))
        return lambda: site.runs_page(**query)

    return setup


def _http_setup(_data: Any, _scratch: Path) -> Any:
    from satchel_ui.server import start_server

    server, _thread = start_server(port=0, store=runs_store_dir())  # a daemon thread: ends with the process
    url = server.url + "?sort=result:x&order=asc&page=100"

    def fetch() -> bytes:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()

    return fetch


EXPORT_RUNS = 1_000


def _export_store(scratch: Path) -> Path:
    """A store of 1,000 small runs (one param, one result; every 10th with a file artifact)."""
    import satchel
    from bench.cases_runs import store_step, store_step_file

    store = scratch / "export-store"
    if not (store / "satchel.db").exists():
        for i in range(EXPORT_RUNS):
            if i % 10:
                satchel.run(store_step, params={"i": i}, returns=["x"], project="bench", store=store)
            else:
                step, hints = store_step_file, ["x", "numbers:file"]
                satchel.run(step, params={"i": i}, returns=hints, project="bench", store=store)
    return store


def _export_records_setup(_data: Any, scratch: Path) -> Any:
    from satchel.backends import RunQuery, open_store

    records = open_store(_export_store(scratch)).records
    return lambda: records.list_runs_json(RunQuery())


def _export_setup(_data: Any, scratch: Path) -> Any:
    import itertools
    import shutil

    from satchel_ui.export import export_site

    store = _export_store(scratch)
    counter = itertools.count()

    def export() -> Path:
        site = scratch / f"site-{next(counter)}"
        try:
            return export_site(site, store)
        finally:
            shutil.rmtree(site, ignore_errors=True)

    return export


def _call(state: Any) -> Any:
    return state()


def cases() -> list[Comparison]:
    """The UI cases (skipped by discovery when satchel-ui is not installed)."""
    import importlib.util

    if importlib.util.find_spec("satchel_ui") is None:
        return []
    return [
        Comparison(
            name="ui-runs-page-10k",
            description=f"one page (50 rows) of the runs table over {STORE_RUNS:,} runs",
            variants=[
                Variant("records.list_runs_json", _call, setup=_records_setup),
                Variant("runs page 1 (render)", _call, setup=_page_setup()),
                Variant("page 100 by a result (render)", _call, setup=_page_setup(sort="result:x", page=100)),
                Variant("GET page 100 by a result (HTTP)", _call, setup=_http_setup),
            ],
            prepare=build_runs_store,
            memory=False,
            repeat=5,
            targets=[Target("time", 0.3, variant="GET page 100 by a result (HTTP)")],
            notes=["the whole table is read, filtered and sorted per request: no cache to go stale"],
        ),
        Comparison(
            name="ui-export-1k",
            description=f"satchel ui --export of a store of {EXPORT_RUNS:,} runs",
            variants=[
                Variant("records.list_runs_json", _call, setup=_export_records_setup),
                Variant("export_site (static pages)", _call, setup=_export_setup),
            ],
            memory=False,
            repeat=5,
            notes=["the export's folder is written to the scratch folder and removed after each call"],
        ),
    ]
