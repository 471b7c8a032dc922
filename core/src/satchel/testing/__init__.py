"""Testing kit for packager authors: `check_packager`, and the pytest fixtures of the same name.

The pytest plugin (`satchel.testing.pytest_plugin`, entry point `pytest11`) adds the
`check_packager` and `packagers_manager` fixtures.
"""

from satchel.testing.conformance import check_packager

__all__ = ["check_packager"]
