"""The `satchel` command line (also `python -m satchel`)."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from collections.abc import Sequence

from satchel.errors import SatchelError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="satchel", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)
    plugins = commands.add_parser("plugins", help="list installed packager plugins")
    plugins.add_argument("--json", action="store_true", help="print JSON")
    explain = commands.add_parser("explain", help="which packagers would take a type, and why")
    explain.add_argument("--type", required=True, dest="type_name", help="a dotted type name")
    explain.add_argument("--artifact-type", default=None)
    return parser


def _plugins(as_json: bool) -> int:
    from satchel.manager import PackagersManager

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are listed below, with their reasons
        manager = PackagersManager()
    plugins = [status.describe() for status in manager.plugins]
    default = manager.packagers[-1].describe()
    if as_json:
        print(json.dumps({"plugins": plugins, "default_packager": default}, indent=2))
        return 0
    if not plugins:
        print("no packager plugins installed; everything is pickled by the default packager")
    for plugin in plugins:
        origin = f"{plugin['distribution']} {plugin['version']}" if plugin["distribution"] else "custom"
        print(f"{plugin['name']} ({origin}): {plugin['status']}")
        if plugin["reason"]:
            print(f"    reason: {plugin['reason']}")
        for packager in plugin["packagers"]:
            print(
                f"    {packager['class']}  priority {packager['priority']}  "
                f"type {packager['type']}  artifact types {', '.join(packager['artifact_types'])}"
            )
    print(f"default: {default['class']}  artifact types {', '.join(default['artifact_types'])}")
    return 0


def _explain(type_name: str, artifact_type: str | None) -> int:
    from satchel.manager import PackagersManager
    from satchel.type_hints import resolve_hint

    try:
        cls = resolve_hint(type_name)
    except ValueError as error:
        raise SatchelError(str(error)) from None
    print(PackagersManager().explain(cls, artifact_type))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit code 0 on success, else one line on stderr."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "plugins":
            return _plugins(args.json)
        return _explain(args.type_name, args.artifact_type)
    except (SatchelError, OSError) as error:
        if args.debug:
            traceback.print_exc()
        message = " ".join(str(error).split())
        print(f"satchel: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
