"""Parsing the command line and running one command; every error becomes one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from satchel.errors import PackagerCollectionError, SatchelError


class UsageError(SatchelError):
    """The command line itself is wrong (unknown command, missing option)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors become one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    parser = _Parser(prog="satchel", description=__doc__, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plugins = commands.add_parser("plugins", parents=[common], help="list installed packager plugins")
    plugins.add_argument("--json", action="store_true", help="print JSON")
    explain = commands.add_parser(
        "explain", parents=[common], help="which packagers would take a type, and why"
    )
    explain.add_argument("--type", required=True, dest="type_name", help="a dotted type name")
    explain.add_argument("--artifact-type", default=None)
    return parser


def _plugins(as_json: bool) -> int:
    from satchel.packaging.manager import PackagersManager
    from satchel.packaging.registry import Registry

    failure: PackagerCollectionError | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are listed below, with their reasons
        try:
            manager = PackagersManager()
        except PackagerCollectionError as error:  # still list what was found, then fail
            failure, statuses = error, error.plugins
        else:
            statuses = manager.plugins
    plugins = [_describe(status) for status in statuses]
    default = Registry().default.describe()
    if as_json:
        print(json.dumps({"plugins": plugins, "default_packager": default}, indent=2))
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
    print(explanation)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit code 0 on success, else one line on stderr."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        if args.command == "plugins":
            return _plugins(args.json)
        return _explain(args.type_name, args.artifact_type)
    except (SatchelError, OSError) as error:
        if debug:
            traceback.print_exc()
        message = " ".join(str(error).split())
        print(f"satchel: {type(error).__name__}: {message}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1
