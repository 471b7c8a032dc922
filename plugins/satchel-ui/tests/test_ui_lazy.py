"""`import satchel` and the command line's start-up never import jinja2 or the server."""

from __future__ import annotations

import subprocess
import sys


def test_import_satchel_and_the_command_line_stay_light():
    code = (
        "import importlib, sys, satchel\nm = importlib.import_module(\"satchel.cli.main\")\n"
        "m._parser()\n"  # every command registered, the plugins' included
        "heavy = ('jinja2', 'satchel_ui.server', 'satchel_ui.pages', 'http.server')\n"
        "print([n for n in heavy if n in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_satchel_ui_help_names_its_options():
    out = subprocess.run(
        [sys.executable, "-m", "satchel", "ui", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in ("--host", "--port", "--open", "--export", "--store"):
        assert option in out
