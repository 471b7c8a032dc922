"""The one version of every satchel distribution (they move in lockstep while on 0.x)."""

__version__ = "0.1.0"
