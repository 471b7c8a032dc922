"""satchel-ui: `satchel ui`, a local read-only web page of runs, workflows and artifacts, and
`satchel ui --export DIR`, the same pages as a static site.

Importing `satchel` never imports this package: the command line finds it through its
`satchel.commands` entry point (`satchel_ui.command`, argparse only), and the server, the pages
and Jinja2 are imported only when `satchel ui` runs; so are the names below, on first use.
"""

from __future__ import annotations

import importlib

_NAMES = {
    "StoreView": "satchel_ui.data",
    "export_site": "satchel_ui.export",
    "serve": "satchel_ui.server",
    "start_server": "satchel_ui.server",
}


def __getattr__(name: str) -> object:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'satchel_ui' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["StoreView", "export_site", "serve", "start_server"]
