"""`satchel artifacts`, `trust` and `verify`: the store's artifacts, their trust and integrity."""

from __future__ import annotations

import argparse
from typing import Any

from satchel.cli.output import echo, echo_json, progress, short, size_text, table
from satchel.errors import SatchelError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `artifacts`, `trust` and `verify`."""
    listing = commands.add_parser("artifacts", parents=[common], help="list artifacts, newest last")
    listing.add_argument("--project", default=None)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_artifacts)
    trust = commands.add_parser(
        "trust", parents=[common], help="trust an artifact (it may then be unpickled)"
    )
    trust.add_argument("uri", metavar="URI")
    trust.set_defaults(handler=_trust)
    verify = commands.add_parser(
        "verify", parents=[common], help="re-hash payloads; non-zero exit if any is damaged"
    )
    verify.add_argument("uri", nargs="?", default=None, metavar="URI")
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.set_defaults(handler=_verify)


def _artifacts(args: argparse.Namespace) -> int:
    from satchel.tracking.store.opening import open_store

    artifacts = open_store(args.store).records.list_artifacts(args.project)
    if args.json:
        echo_json([artifact.to_dict() for artifact in artifacts], compact=True)
        return 0
    if not artifacts:
        echo("no artifacts yet" + (f" in project {args.project!r}" if args.project else ""))
        return 0
    rows = [
        (a.uri, a.kind, a.object_type, size_text(a.size), short(a.hash), "yes" if a.trusted else "no")
        for a in artifacts
    ]
    table(["uri", "kind", "type", "size", "hash", "trusted"], rows, fold=["uri", "type"])
    return 0


def _trust(args: argparse.Namespace) -> int:
    from satchel.tracking.integrity import trust
    from satchel.tracking.store.opening import open_store

    artifact = trust(open_store(args.store), args.uri)
    echo(f"trusted {artifact.uri}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from satchel.tracking.integrity import verify
    from satchel.tracking.store.opening import open_store

    store = open_store(args.store)
    total = None if args.uri else sum(a.size or 0 for a in store.records.list_artifacts())
    with progress("verifying payloads", total) as advance:
        checked, damaged = verify(store, args.uri, advance)
    if args.json:
        echo_json(
            {
                "checked": len(checked),
                "damaged": [
                    {"uri": d.artifact.uri, "hash": d.artifact.hash, "actual": d.actual} for d in damaged
                ],
            }
        )
    else:
        for damage in damaged:
            echo(damage.describe())
        echo(f"{len(checked)} artifact(s) checked, {len(damaged)} damaged")
    if damaged:
        raise SatchelError(
            f"{len(damaged)} artifact(s) damaged: " + ", ".join(str(d.artifact.uri) for d in damaged)
        )
    return 0
