"""`satchel run`, `runs` and `show`: run a function as a tracked run, list runs, show one."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from satchel.cli.output import activity, echo, echo_json, short, size_text, table
from satchel.errors import SatchelError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `run`, `runs` and `show`."""
    run = commands.add_parser("run", parents=[common], help="run a function as a tracked run")
    run.add_argument("target", metavar="FILE.py:FUNC|module:FUNC")
    repeatable = {"action": "append"}
    run.add_argument("--param", **repeatable, default=[], metavar="K=V", help="a parameter (repeatable)")
    run.add_argument("--input", **repeatable, default=[], metavar="K=PATH|URI", help="an input (repeatable)")
    run.add_argument("--returns", **repeatable, default=None, metavar="HINT", help="a log hint (repeatable)")
    run.add_argument("--project", default="default")
    run.add_argument("--name", default=None)
    run.add_argument("--json", action="store_true", help="print the run as JSON")
    run.set_defaults(handler=_run)
    runs = commands.add_parser("runs", parents=[common], help="list runs, newest last")
    runs.add_argument("--project", default=None)
    runs.add_argument("--json", action="store_true", help="print JSON")
    runs.set_defaults(handler=_runs)
    show = commands.add_parser("show", parents=[common], help="show a run, or an artifact by URI")
    show.add_argument("what", metavar="RUN|URI")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)


def _run(args: argparse.Namespace) -> int:
    import satchel
    from satchel.cli.params import convert_params, log_hint, pairs
    from satchel.tracking.functions import load_function

    function = load_function(args.target)
    params = convert_params(function, pairs("--param", args.param))
    inputs = pairs("--input", args.input)
    returns = None if args.returns is None else [log_hint(text) for text in args.returns]
    from satchel.tracking.activity import REPORTER

    try:
        with activity(f"satchel run {args.target}") as reporter:
            token = REPORTER.set(reporter)
            try:
                run = satchel.run(
                    function, params=params, inputs=inputs, returns=returns, project=args.project,
                    name=args.name, store=args.store,
                )  # fmt: skip
            finally:
                REPORTER.reset(token)
    except SatchelError:
        raise
    except Exception as error:  # the function's own error: the run is recorded as `error`
        message = f"{type(error).__name__}: {error} (recorded as a run in error: satchel runs)"
        raise FunctionError(message) from error
    if args.json:
        echo_json(run.to_dict())
        return 0
    _print_run(run)
    if run.artifacts:
        first = next(iter(run.artifacts.values()))
        echo()
        echo("load them back in Python:")
        echo(f"  import satchel; satchel.load({first.uri!r})")
        echo(f"or look at them: satchel show {first.uri}")
    return 0


class FunctionError(SatchelError):
    """The function run by `satchel run` raised; `--debug` shows its own traceback."""


def _runs(args: argparse.Namespace) -> int:
    from satchel.tracking.runs import list_runs, list_runs_json

    if args.json:  # straight from the store, for big stores: no Run objects on the way
        echo(list_runs_json(args.project, store=args.store))
        return 0
    runs = list_runs(args.project, store=args.store)
    if not runs:
        echo("no runs yet" + (f" in project {args.project!r}" if args.project else ""))
        return 0
    rows = [
        (
            short(run.id, 8), run.project, run.name, run.status, run.started[:19].replace("T", " "),
            _duration(run.started, run.ended), _results_text(run.results),
        )
        for run in runs
    ]  # fmt: skip
    columns = ["id", "project", "name", "status", "started (UTC)", "duration", "results"]
    table(columns, rows, fold=["name", "results"])
    return 0


def _show(args: argparse.Namespace) -> int:
    from satchel.tracking.inputs import find
    from satchel.tracking.runs import get_run
    from satchel.tracking.store.opening import open_store
    from satchel.tracking.uris import is_uri

    if is_uri(args.what):
        store = open_store(args.store)
        artifact = find(store, args.what)
        if args.json:
            echo_json(artifact.to_dict())
        else:
            _print_artifact(artifact, store.payloads)
        return 0
    opened = open_store(args.store)
    if opened.records.get_run(args.what) is None:  # not a run: a workflow, by id or name
        from satchel.cli.workflows import print_workflow
        from satchel.tracking.workflows import get_workflow

        try:
            flow = get_workflow(args.what, store=opened)
        except SatchelError:
            raise SatchelError(
                f"no run or workflow {args.what!r} in the store ({opened.describe()}); give a run id, "
                "a workflow id or name (satchel runs, satchel workflows), or a store:// URI"
            ) from None
        echo_json(flow.to_dict()) if args.json else print_workflow(flow)
        return 0
    run = get_run(args.what, store=opened)
    if args.json:
        echo_json(run.to_dict())
    else:
        _print_run(run)
    return 0


def _print_run(run: Any) -> None:
    echo(f"run {run.id}  {run.project}/{run.name}  {run.status}")
    echo(f"  function  {run.function}")
    echo(f"  started   {run.started}   ended {run.ended or '-'}   ({_duration(run.started, run.ended)})")
    if run.error:
        echo(f"  error     {run.error}")
    if run.workflow:
        echo(f"  workflow  {run.workflow}")
    _print_cache(run)
    if run.origin:  # imported (satchel import): where from
        o = run.origin
        where = f"({o.get('bundle')}, {o.get('imported')})"
        echo(f"  imported  from run {o.get('run')} of project {o.get('project')} {where}")
    if run.params:
        echo("  params    " + ", ".join(f"{k}={v!r}" for k, v in run.params.items()))
    for key, item in run.inputs.items():
        source = item.get("uri") or item.get("path")
        echo(f"  input     {key} = {source}  ({short(item.get('hash'))})")
    for key, value in run.results.items():
        echo(f"  result    {key} = {value!r}")
    if run.artifacts:
        echo("  artifacts:")
        rows = [
            (key, a.kind, a.object_type, size_text(a.size), short(a.hash), a.uri)
            for key, a in run.artifacts.items()
        ]
        indented = [("  " + row[0], *row[1:]) for row in rows]
        table(["  key", "kind", "type", "size", "hash", "uri"], indented, fold=["uri"])


def _print_cache(run: Any) -> None:
    """A cache hit names the run it reused; a miss says which parts of the key differed."""
    decision = run.cache or {}
    if run.cached_from:
        echo(f"  cache     hit: reused the outputs of run {run.cached_from} (the function was not called)")
    elif "miss" in decision:
        nearest = decision.get("nearest")
        against = f" from the nearest earlier run {nearest}" if nearest else ""
        echo(f"  cache     miss: executed; what differed{against}:")
        for part in decision["miss"]:
            echo(f"              {part['part']}: {part['detail']}")


def _print_artifact(artifact: Any, payloads: Any) -> None:
    echo(f"artifact {artifact.uri}")
    for label, value in (
        ("kind", artifact.kind),
        ("type", artifact.object_type),
        ("packager", artifact.packager),
        ("size", f"{size_text(artifact.size)} ({artifact.size} bytes)"),
        ("hash", artifact.hash),
        ("trusted", "yes" if artifact.trusted else "no (never unpickled; satchel trust URI)"),
        ("created", artifact.created),
        ("payload", artifact.path or (payloads.location(artifact.hash) if artifact.hash else None)),
    ):
        echo(f"  {label:<14}{value}")
    if artifact.instructions:
        echo(f"  {'instructions':<14}{artifact.instructions}")
    versions = ", ".join(f"{name} {version}" for name, version in artifact.versions.items())
    echo(f"  {'versions':<14}{versions}")


def _duration(started: str | None, ended: str | None) -> str:
    if not started or not ended:
        return "-"
    seconds = (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def _results_text(results: dict[str, Any], width: int = 60) -> str:
    parts = []
    for key, value in results.items():
        if isinstance(value, (dict, list)):
            text = "{...}" if isinstance(value, dict) else "[...]"
        elif isinstance(value, float):
            text = f"{value:.4g}"  # `satchel show` has them in full
        else:
            text = repr(value)
        parts.append(f"{key}={text}")
    joined = ", ".join(parts)
    return joined if len(joined) <= width else joined[: width - 1] + "…"

