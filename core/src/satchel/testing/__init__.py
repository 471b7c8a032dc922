"""Testing kits: `check_packager` for packager authors, `check_record_store` for store backends.

The pytest plugin (`satchel.testing.pytest_plugin`, entry point `pytest11`) adds the
`check_packager` and `packagers_manager` fixtures.
"""

from satchel.testing.conformance import check_packager
from satchel.testing.record_store_kit import check_record_store

__all__ = ["check_packager", "check_record_store"]
