"""Parsing the command line and running one command; every error becomes one line on stderr
(a collection error listing several failed plugins keeps one line for each)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from satchel._version import __version__
from satchel.cli import artifacts, new_plugin, plugins, runs, transfer, workflows
from satchel.cli.extensions import add_plugin_commands
from satchel.errors import PackagerCollectionError, SatchelError

#: The modules that add commands, in the order `satchel --help` lists them; then come the commands
#: other distributions add (`satchel.commands` entry points, see `extensions.py`).
COMMAND_MODULES = (runs, workflows, artifacts, transfer, plugins, new_plugin)


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
    common.add_argument(
        "--store",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="the store's folder (default: $SATCHEL_HOME, else ./.satchel)",
    )
    for option, variable in (("--records", "SATCHEL_RECORDS"), ("--payloads", "SATCHEL_PAYLOADS")):
        where = f"where {option[2:]} are kept (default: ${variable})"
        common.add_argument(option, default=argparse.SUPPRESS, metavar="URL", help=where)
    parser = _Parser(prog="satchel", description="satchel: tracked, reproducible artifacts", parents=[common])
    parser.add_argument("--version", action="version", version=f"satchel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.add_commands(commands, common)
    add_plugin_commands(commands, common)
    return parser


def _warning_line(message: Any, category: Any, *_where: Any, **_also: Any) -> str:
    """A warning under the command line is one line: what, not where in satchel's source."""
    text = " ".join(str(message).split())
    return f"satchel: {category.__name__}: {text}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit code 0 on success, else one line on stderr."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    previous = warnings.formatwarning
    warnings.formatwarning = _warning_line
    try:
        parser = _parser()
        args, extra = parser.parse_known_args(arguments)
        if extra and not getattr(args, "accepts_anything", False):  # a stub takes anything
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.store = getattr(args, "store", None)
        records, payloads = getattr(args, "records", None), getattr(args, "payloads", None)
        if records or payloads:  # every command opens the store through args.store
            from satchel.tracking.store.opening import open_store

            args.store = open_store(args.store, records=records, payloads=payloads)
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `satchel runs | head`: the reader has all it wanted
        _silence_stdout()
        return 0
    except (SatchelError, OSError) as error:
        if debug:  # from where it started: the function's own error, not the re-raise
            cause = error.__cause__ if isinstance(error, runs.FunctionError) else None
            traceback.print_exception(cause or error)
        if isinstance(error, PackagerCollectionError):  # a list of failures: keep its lines
            message = "\n".join(line.rstrip() for line in str(error).strip().splitlines())
        else:
            message = " ".join(str(error).split())
        print(f"satchel: {type(error).__name__}: {message}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1
    finally:
        warnings.formatwarning = previous


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
