"""The `ui` command's arguments (argparse only: every `satchel` command line imports this)."""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8321


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `satchel ui` (the `satchel.commands` entry point of satchel-ui)."""
    ui = commands.add_parser(
        "ui", parents=[common], help="serve a read-only web page of runs, workflows and artifacts"
    )
    ui.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    ui.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: a free port)"
    )
    ui.add_argument("--open", action="store_true", help="open the page in a web browser")
    ui.add_argument(
        "--export", default=None, metavar="DIR", help="write the pages as a static site into DIR instead"
    )
    ui.set_defaults(handler=_ui)


def _ui(args: argparse.Namespace) -> int:
    if args.export is not None:
        from satchel_ui.export import export_site

        index = export_site(args.export, store=args.store)
        print(f"wrote {index.parent} (open {index.as_uri()})", flush=True)
        return 0
    from satchel_ui.server import serve

    serve(host=args.host, port=args.port, store=args.store, open_browser=args.open)
    return 0
