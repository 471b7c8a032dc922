"""`satchel plugins` and `satchel explain`: what is installed, and who packs a type."""

from __future__ import annotations

import argparse
import json
import warnings
from typing import Any

from satchel.cli.output import echo
from satchel.errors import PackagerCollectionError, SatchelError


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `plugins` and `explain`."""
    plugins = commands.add_parser("plugins", parents=[common], help="list installed packager plugins")
    plugins.add_argument("--json", action="store_true", help="print JSON")
    plugins.set_defaults(handler=lambda args: _plugins(args.json))
    explain = commands.add_parser(
        "explain", parents=[common], help="which packagers would take a type, and why"
    )
    explain.add_argument("--type", required=True, dest="type_name", help="a dotted type name")
    explain.add_argument("--artifact-type", default=None)
    explain.set_defaults(handler=lambda args: _explain(args.type_name, args.artifact_type))


def _plugins(as_json: bool) -> int:
    from satchel.packaging.collecting import REQUIRED_FIX, collect_installed, collection_error
    from satchel.packaging.registry import Registry

    failure: PackagerCollectionError | None = None
    registry = Registry()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are listed below, with their reasons
        statuses, _ = collect_installed(registry)
        try:  # a diagnostic: import what the declarations cache let collection skip
            registry.load_all()
        except PackagerCollectionError:
            pass  # reported with every other mandatory failure below
    failures = [status for status in statuses if status.mandatory and status.status != "loaded"]
    if failures:  # still list what was found, then fail
        failure = collection_error(failures, statuses, REQUIRED_FIX)
    plugins = [_describe(status) for status in statuses]
    default = registry.default.describe()
    if as_json:
        echo(json.dumps({"plugins": plugins, "default_packager": default}, indent=2))
    else:
        _print_plugins(plugins, default)
    if failure is not None:
        raise failure
    return 0


def _describe(status: Any) -> dict[str, Any]:
    """What `satchel plugins --json` shows for one plugin."""
    return {
        "name": status.name,
        "value": status.value,
        "distribution": status.distribution,
        "version": status.version,
        "mandatory": status.mandatory,
        "status": status.status,
        "reason": status.reason,
        "packagers": [record.describe() for record in status.items],
    }


def _print_plugins(plugins: list[dict[str, Any]], default: dict[str, Any]) -> None:
    if not plugins:
        echo("no packager plugins installed; everything is pickled by the default packager")
    for plugin in plugins:
        origin = f"{plugin['distribution']} {plugin['version']}" if plugin["distribution"] else "custom"
        echo(f"{plugin['name']} ({origin}): {plugin['status']}")
        if plugin["reason"]:
            echo(f"    reason: {plugin['reason']}")
        for packager in plugin["packagers"]:
            echo(
                f"    {packager['class']}  priority {packager['priority']}  "
                f"type {packager['type']}  artifact types {', '.join(packager['artifact_types'])}"
            )
    echo(f"default: {default['class']}  artifact types {', '.join(default['artifact_types'])}")


def _explain(type_name: str, artifact_type: str | None) -> int:
    from satchel.packaging.manager import PackagersManager
    from satchel.packaging.type_hints import hint_origin, resolve_hint

    try:
        hint = resolve_hint(type_name)
    except ValueError as error:
        raise SatchelError(str(error)) from None
    cls = hint_origin(hint)
    if cls is None:
        raise SatchelError(f"{type_name!r} is not a type (it names a {type(hint).__qualname__})")
    explanation = PackagersManager().explain(cls, artifact_type)
    if cls is not hint:
        explanation.object_type = str(hint)
    echo(explanation)
    return 0


