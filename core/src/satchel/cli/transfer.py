"""`satchel export` and `satchel import`: artifacts, runs and workflows carried between stores
and projects in one bundle file."""

from __future__ import annotations

import argparse
from typing import Any

from satchel.cli.output import echo, echo_json, short, size_text, table


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `export` and `import`."""
    export = commands.add_parser(
        "export", parents=[common], help="write an artifact, a run or a workflow into one bundle file"
    )
    export.add_argument("target", metavar="URI|RUN|WORKFLOW")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the bundle file to write")
    export.add_argument("--json", action="store_true", help="print JSON")
    export.set_defaults(handler=_export)
    bundle = commands.add_parser(
        "import", parents=[common], help="add a bundle's runs to this store (untrusted unless --trust)"
    )
    bundle.add_argument("file", metavar="FILE")
    bundle.add_argument("--project", default=None, help="the project to add them to (default: their own)")
    bundle.add_argument(
        "--trust", action="store_true", help="trust its artifacts (they may then be unpickled)"
    )
    bundle.add_argument("--json", action="store_true", help="print JSON")
    bundle.set_defaults(handler=_import)


def _export(args: argparse.Namespace) -> int:
    from satchel.tracking.transfer import export

    summary = export(args.target, args.output, store=args.store)
    if args.json:
        echo_json(
            {
                "file": str(summary.file), "size": summary.size, "runs": summary.runs,
                "uris": summary.uris, "workflow": summary.workflow,
            }
        )  # fmt: skip
        return 0
    what = f"workflow {summary.workflow}: " if summary.workflow else ""
    echo(
        f"exported {what}{_count(len(summary.runs), 'run')}, {_count(len(summary.uris), 'artifact')} "
        f"to {summary.file} ({size_text(summary.size)})"
    )
    for uri in summary.uris:
        echo(f"  {uri}")
    echo(f"add them to another store: satchel import {summary.file} [--project P] [--store DIR]")
    return 0


def _import(args: argparse.Namespace) -> int:
    from satchel.tracking.transfer import import_bundle

    summary = import_bundle(args.file, project=args.project, trust=args.trust, store=args.store)
    if args.json:
        echo_json(
            {
                "runs": [run.to_dict() for run in summary.runs], "workflow": summary.workflow,
                "uris": summary.uris, "trusted": summary.trusted,
            }
        )  # fmt: skip
        return 0
    where = sorted({run.project for run in summary.runs})
    into = f" into project{'s' if len(where) > 1 else ''} {', '.join(where)}" if where else ""
    flow = f" (workflow {summary.workflow})" if summary.workflow else ""
    trusted = "trusted" if summary.trusted else "untrusted"
    echo(f"imported {_count(len(summary.runs), 'run')}{flow}{into} from {summary.file}, {trusted}")
    rows = [
        (short(run.id, 8), run.name, key, a.kind, a.object_type, size_text(a.size), a.uri)
        for run in summary.runs
        for key, a in run.artifacts.items()
    ]
    if rows:
        table(["run", "name", "key", "kind", "type", "size", "uri"], rows, fold=["uri", "type"])
    if not summary.trusted and rows:
        echo()
        echo(
            "untrusted: no pickle in them (pickled objects, numpy object arrays, pandas h5) is read, "
            "and no packager is imported by name, until trusted (satchel trust URI)"
        )
    pickles = summary.untrusted_pickles
    if pickles:
        echo("pickled objects; if you trust where they came from:")
        for uri in pickles:
            echo(f"  satchel trust {uri}")
    if summary.runs:
        echo(f"see where they came from: satchel show {summary.runs[0].id}")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
