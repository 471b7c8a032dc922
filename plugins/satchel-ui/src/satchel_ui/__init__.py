"""satchel-ui: `satchel ui`, a local read-only web page of runs, workflows and artifacts, and
`satchel ui --export DIR`, the same pages as a static site.

Importing `satchel` never imports this package: the command line finds it through its
`satchel.commands` entry point, and loads the server only when `satchel ui` runs.
"""

from satchel_ui.data import StoreView
from satchel_ui.export import export_site
from satchel_ui.server import serve, start_server

__all__ = ["StoreView", "export_site", "serve", "start_server"]
