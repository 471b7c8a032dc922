"""The `satchel` command line (also `python -m satchel`)."""

from satchel.cli.main import main

__all__ = ["main"]
