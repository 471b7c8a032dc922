"""Each page as HTML, from Jinja2 templates that escape every value (autoescape on)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

import satchel
from satchel_ui import graph, previews, svg
from satchel_ui.data import (
    COLUMNS,
    Filters,
    StoreView,
    duration,
    is_number,
    parse_uri,
    result_columns,
    sort_runs,
)
from satchel_ui.links import ServerLinks

PER_PAGE = 50
MAX_PER_PAGE = 500
STATUSES = ("running", "completed", "error", "aborted")


def environment() -> jinja2.Environment:
    """The templates of this package, every value escaped."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("satchel_ui", "templates"),
        autoescape=True,  # every template, whatever its name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = show_value
    env.filters["seconds"] = show_seconds
    env.filters["size"] = show_size
    env.filters["short"] = lambda text: str(text or "")[:8]
    env.filters["when"] = lambda text: str(text or "").replace("T", " ")[:19]
    return env


def show_value(value: Any) -> str:
    """A JSON value as short text (a string as itself)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def show_seconds(seconds: float | None) -> str:
    """A duration: `0.25 s`, `3 min 2 s`, or blank."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.3g} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def show_size(size: int | None) -> str:
    """Bytes in a readable unit."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class Site:
    """Renders the pages of one store with one kind of links (server or static site)."""

    def __init__(self, view: StoreView, links: ServerLinks | None = None) -> None:
        self.view = view
        self.links = links or ServerLinks()
        self.env = environment()

    def _render(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(
            links=self.links, version=satchel.__version__, static_site=self.links.static_site, **values
        )

    # -- runs ----------------------------------------------------------------------------------

    def runs_page(
        self,
        filters: Filters = Filters(),  # noqa: B008 - frozen
        sort: str = "started",
        order: str = "desc",
        page: int = 1,
        per_page: int = PER_PAGE,
        everything: bool = False,
    ) -> str:
        """The runs table: filtered, sorted, one page of it (`everything`: every row, for the
        static site, where the page's script filters, sorts and paginates)."""
        runs = self.view.runs(filters)
        columns = result_columns(runs)
        if sort not in COLUMNS and not (sort.startswith("result:") and sort[7:] in columns):
            sort = "started"
        descending = order != "asc"
        ordered = sort_runs(runs, sort, descending)
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        pages = max(1, math.ceil(len(ordered) / per_page))
        page = max(1, min(page, pages))
        shown = ordered if everything else ordered[(page - 1) * per_page : page * per_page]
        base = {**filters.query(), "sort": sort, "order": order}

        def sort_link(column: str) -> str:
            flip = "asc" if column == sort and descending else "desc"
            return self.links.runs({**filters.query(), "sort": column, "order": flip})

        rows = [
            {
                "run": run,
                "duration": duration(run),
                "results": [run["results"].get(key) for key in columns],
            }
            for run in shown
        ]
        numeric = [key for key in columns if any(is_number(run["results"].get(key)) for run in runs)]
        return self._render(
            "runs.html",
            rows=rows,
            columns=columns,
            numeric=numeric,
            total=len(ordered),
            page=page,
            pages=pages,
            per_page=per_page,
            sort=sort,
            order="desc" if descending else "asc",
            filters=filters,
            projects=self.view.projects(),
            statuses=STATUSES,
            workflow_ids=sorted({r["workflow"] for r in runs if r.get("workflow")}),
            sort_link=sort_link,
            page_link=lambda n: self.links.runs({**base, "page": n, "per": per_page}),
            chart_query=filters.query(),
            everything=everything,
        )

    # -- one run -------------------------------------------------------------------------------

    def run_page(self, run_id: str, verified: Mapping[str, str] | None = None) -> str | None:
        """A run: parameters, inputs, results, artifacts with previews, error, cache decision."""
        run = self.view.run(run_id)
        if run is None:
            return None
        inputs = []
        for name, recorded in run["inputs"].items():
            parsed = parse_uri(recorded.get("uri"))
            maker = self.view.run(parsed[2]) if parsed and parsed[2] else None
            inputs.append(
                {
                    "name": name,
                    "uri": recorded.get("uri"),
                    "path": recorded.get("path"),
                    "hash": recorded.get("hash"),
                    "key": parsed[1] if parsed else None,
                    "maker": maker,
                    "maker_id": parsed[2] if parsed else None,
                }
            )
        artifacts = []
        for key, artifact in run["artifacts"].items():
            shown = previews.preview(artifact, self.view.payload_path(artifact.get("hash")))
            if shown.get("histogram"):
                shown["svg"] = svg.histogram(shown["histogram"])
            artifacts.append({"key": key, "artifact": artifact, "preview": shown})
        return self._render(
            "run.html",
            run=run,
            duration=duration(run),
            inputs=inputs,
            artifacts=artifacts,
            cache=_cache_decision(run),
            cached_from=run.get("cached_from"),
            origin=run.get("origin"),
            verified=verified,
            workflow_link=self.links.workflow(run["workflow"]) if run.get("workflow") else None,
        )

    def verify_page(self, run_id: str) -> str | None:
        """A run's page with each artifact's payload re-hashed now."""
        run = self.view.run(run_id)
        return None if run is None else self.run_page(run["id"], self.view.verify(run))

    # -- workflows -----------------------------------------------------------------------------

    def workflows_page(self) -> str:
        """Every workflow, with its steps' count and status."""
        return self._render("workflows.html", workflows=list(reversed(self.view.workflows())))

    def workflow_page(self, workflow_id: str) -> str | None:
        """A workflow's graph, its steps, its reruns and (for a rerun) its reproduction report."""
        runs = self.view.runs()
        workflow = self.view.workflow(workflow_id, runs)
        if workflow is None:
            return None
        record = workflow.record or {}
        report = record.get("report")
        return self._render(
            "workflow.html",
            workflow=workflow,
            record=record,
            drawing=graph.draw(workflow, self.links.run),
            report=json.dumps(report, indent=2, ensure_ascii=False) if report is not None else None,
            has_records=hasattr(self.view.store.records, "list_workflows"),
        )

    # -- comparing and charts ------------------------------------------------------------------

    def compare_page(self, run_ids: Sequence[str]) -> str | None:
        """Runs side by side: parameters, results and artifact hashes; what differs highlighted."""
        runs = [run for run in (self.view.run(run_id) for run_id in run_ids) if run is not None]
        if not runs:
            return None
        sections = compare(runs)
        charts = []
        for key in sorted({k for run in runs for k, v in run["results"].items() if is_number(v)}):
            points = [
                (f"{run['name']} {run['id'][:8]}", float(run["results"][key]), self.links.run(run["id"]))
                for run in runs
                if is_number(run["results"].get(key))
            ]
            charts.append(svg.line_chart(points, key))
        return self._render("compare.html", runs=runs, sections=sections, charts=charts)

    def chart_page(self, key: str, filters: Filters = Filters()) -> str:  # noqa: B008 - frozen
        """A numeric result across the matching runs, oldest first."""
        runs = [run for run in self.view.runs(filters) if is_number(run["results"].get(key))]
        points = [
            (f"{run['name']} {run['id'][:8]}", float(run["results"][key]), self.links.run(run["id"]))
            for run in runs
        ]
        chart = svg.line_chart(points, f"{key} across {len(points)} run(s)") if points else Markup("")
        return self._render("chart.html", key=key, chart=chart, runs=runs, filters=filters)

    def not_found(self, what: str) -> str:
        """The page of a 404."""
        return self._render("not_found.html", what=what)


def _cache_decision(run: dict[str, Any]) -> dict[str, Any] | None:
    """What the run's cache decision was, for the page: hit, miss (and why), or None."""
    cache = run.get("cache")
    if isinstance(cache, dict) and "hit" in cache:
        return {"hit": cache["hit"]}
    if isinstance(cache, dict) and "miss" in cache:
        return {"miss": list(cache.get("miss") or []), "nearest": cache.get("nearest")}
    if run.get("cached_from"):
        return {"hit": run["cached_from"]}
    return None


def compare(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections (params, results, artifacts) of rows `{key, values, differs}` across runs."""

    def rows(values_of: Any) -> list[dict[str, Any]]:
        keys = sorted({key for run in runs for key in values_of(run)})
        found = []
        for key in keys:
            values = [values_of(run).get(key, _MISSING) for run in runs]
            texts = ["—" if v is _MISSING else show_value(v) for v in values]
            found.append({"key": key, "cells": texts, "differs": len(set(texts)) > 1})
        return found

    return [
        {"title": "Parameters", "rows": rows(lambda run: run["params"])},
        {"title": "Results", "rows": rows(lambda run: run["results"])},
        {
            "title": "Artifact hashes",
            "rows": rows(lambda run: {k: a.get("hash") for k, a in run["artifacts"].items()}),
        },
        {
            "title": "Function",
            "rows": rows(lambda run: {"function": run["function"], "source": run["source_hash"]}),
        },
    ]


_MISSING = object()
