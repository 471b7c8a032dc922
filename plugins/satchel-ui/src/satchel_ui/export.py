"""`satchel ui --export DIR`: the same pages as a static site that opens from `file://`.

Every page is a file in one folder, linked by relative names; the runs table is filtered,
sorted and paginated by a small script of the package over the rows in the page, and
comparing runs is drawn by another from the runs embedded in `compare.html`. Nothing is
fetched from the network. Verifying payloads needs the store, so the static site has no
verify links.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from satchel_ui.data import StoreView, is_number
from satchel_ui.links import ExportLinks, file_id
from satchel_ui.server import static_files


def export_site(folder: str | os.PathLike[str], store: str | os.PathLike[str] | None = None) -> Path:
    """Write the static site into `folder` (created if needed); returns its `index.html`."""
    from satchel_ui.pages import Site

    target = Path(folder).absolute()
    (target / "static").mkdir(parents=True, exist_ok=True)
    view = StoreView(store)
    site = Site(view, ExportLinks())
    links = site.links
    runs = view.runs()
    _write(target / "index.html", site.runs_page(everything=True))
    for run in runs:
        _write(target / links.run(run["id"]), site.run_page(run["id"]) or "")
    _write(target / "workflows.html", site.workflows_page())
    for workflow in view.workflows(runs):
        _write(target / links.workflow(workflow.id), site.workflow_page(workflow.id) or "")
    for key in sorted({k for run in runs for k, v in run["results"].items() if is_number(v)}):
        _write(target / f"chart-{file_id(key)}.html", site.chart_page(key))
    _write(
        target / "compare.html",
        site.env.get_template("compare_static.html").render(
            links=links, version=_version(), static_site=True, runs=[_comparable(run, links) for run in runs]
        ),
    )
    for name, body in static_files().items():
        (target / "static" / name).write_bytes(body)
    return target / "index.html"


def _comparable(run: dict[str, Any], links: ExportLinks) -> dict[str, Any]:
    """What the static compare page needs of a run."""
    return {
        "id": run["id"],
        "name": run["name"],
        "link": links.run(run["id"]),
        "params": run["params"],
        "results": run["results"],
        "artifacts": {key: artifact.get("hash") for key, artifact in run["artifacts"].items()},
        "function": {"function": run["function"], "source": run["source_hash"]},
    }


def _version() -> str:
    import satchel

    return satchel.__version__


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
