"""`satchel workflows` and `satchel rerun`: list workflows, re-execute one from a step (or one
run) and report which outputs reproduced; also how `satchel show WORKFLOW` prints one."""

from __future__ import annotations

import argparse
from typing import Any

from satchel.cli.output import activity, echo, echo_json, short, table
from satchel.errors import SatchelError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `workflows` and `rerun`."""
    listing = commands.add_parser("workflows", parents=[common], help="list workflows, newest last")
    listing.add_argument("--project", default=None)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_workflows)
    rerun = commands.add_parser(
        "rerun", parents=[common], help="re-execute a workflow from a step (or one run); say what reproduced"
    )
    rerun.add_argument("target", metavar="RUN|WORKFLOW")
    rerun.add_argument(
        "--from", dest="from_step", default=None, metavar="STEP", help="the first step to execute again"
    )
    rerun.add_argument("--project", default=None, help="where to look for a workflow given by name")
    rerun.add_argument(
        "--executor", default="local", metavar="ADDRESS", help="where the steps run: local, or tcp://HOST:PORT"
    )
    rerun.add_argument("--json", action="store_true", help="print the reproduction report as JSON")
    rerun.set_defaults(handler=_rerun)


class NotReproducedError(SatchelError):
    """A rerun ran, and some step failed or some output did not reproduce (exit code 1)."""


def _workflows(args: argparse.Namespace) -> int:
    from satchel.tracking.workflows import list_workflows

    flows = list_workflows(args.project, store=args.store)
    if args.json:
        echo_json([flow.to_dict() for flow in flows])
        return 0
    if not flows:
        echo("no workflows yet" + (f" in project {args.project!r}" if args.project else ""))
        return 0
    rows = [
        (
            short(flow.id, 8), flow.project, flow.name, flow.status, flow.started[:19].replace("T", " "),
            ", ".join(step.name for step in flow.steps),
            f"of {short(flow.rerun_of, 8)} from {flow.from_step}" if flow.rerun_of else "",
        )
        for flow in flows
    ]  # fmt: skip
    table(["id", "project", "name", "status", "started (UTC)", "steps", "rerun"], rows, fold=["steps"])
    return 0


def _rerun(args: argparse.Namespace) -> int:
    from satchel.tracking.activity import REPORTER
    from satchel.tracking.rerunning import rerun

    with activity(f"satchel rerun {args.target}") as reporter:
        token = REPORTER.set(reporter)
        try:
            outcome = rerun(
                args.target, args.from_step, project=args.project, store=args.store, executor=args.executor
            )
        finally:
            REPORTER.reset(token)
    if args.json:
        echo_json(outcome.to_dict())
    else:
        print_rerun(outcome)
    if not outcome.reproduced:
        failed = [s.step for s in outcome.steps if not s.reproduced]
        raise NotReproducedError(f"not reproduced: {', '.join(failed)} (the report above says what differed)")
    return 0


def print_rerun(outcome: Any) -> None:
    """The reproduction report, a block per re-executed step."""
    if outcome.workflow is not None:
        flow = outcome.workflow
        echo(f"rerun of workflow {outcome.original} from step {outcome.from_step}: workflow {flow.id}")
        if outcome.reused:
            echo(f"  reused (not executed): {', '.join(outcome.reused)}")
    else:
        echo(f"rerun of run {outcome.original}")
    for step in outcome.steps:
        verdict = "reproduced" if step.reproduced else "NOT reproduced"
        if step.status != "completed":
            verdict = step.status
        echo(f"  step {step.step}: {verdict}" + (f"  (run {step.run})" if step.run else ""))
        if step.source_changed:
            echo("    source changed since the original run: executed with the new source")
        for change in step.changed_inputs:
            echo(f"    input {change}")
        if step.error:
            echo(f"    error: {step.error}")
        for key, output in step.outputs.items():
            echo(f"    {output['outcome']:<10} {key}  {_shown(output['was'])} -> {_shown(output['now'])}")
    total = len(outcome.steps)
    good = sum(step.reproduced for step in outcome.steps)
    echo(f"{good} of {total} re-executed step{'s' if total != 1 else ''} reproduced every output")


def print_workflow(flow: Any) -> None:
    """`satchel show WORKFLOW`: the workflow, then each step with its inputs (and which step made
    each) and outputs."""
    echo(f"workflow {flow.id}  {flow.project}/{flow.name}  {flow.status}")
    echo(f"  started   {flow.started}   ended {flow.ended or '-'}")
    if flow.rerun_of:
        echo(f"  rerun of  {flow.rerun_of} from step {flow.from_step}")
    if flow.error:
        echo(f"  error     {flow.error}")
    steps = flow.steps
    maker = {}
    for step in steps:
        maker[step.id] = step.name
        if step.cached_from:
            maker.setdefault(step.cached_from, step.name)
    for number, step in enumerate(steps, 1):
        how = f"  (reused run {short(step.cached_from, 8)})" if step.cached_from else ""
        echo(f"  {number}. {step.name}  {step.status}  run {step.id}{how}")
        for key, item in step.inputs.items():
            source = item.get("uri") or item.get("path")
            run_id = str(source).rpartition("@")[2] if item.get("uri") else None
            origin = f"from step {maker[run_id]}" if run_id in maker else "from outside the workflow"
            echo(f"       input   {key} = {source}  ({origin})")
        for key, value in step.results.items():
            echo(f"       result  {key} = {value!r}")
        for key, artifact in step.artifacts.items():
            echo(f"       output  {key} ({artifact.kind}, {short(artifact.hash)})  {artifact.uri}")
        if step.error:
            echo(f"       error   {step.error}")
    if flow.report:
        echo("  reproduction:")
        for step in flow.report.get("steps", []):
            echo(f"    {step['step']}: {'reproduced' if step['reproduced'] else 'not reproduced'}")


def _shown(value: Any) -> str:
    if isinstance(value, str) and value.startswith("blake3:"):
        return short(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
