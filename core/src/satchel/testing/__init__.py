"""Testing kit: `check_packager` for packager authors, `check_payload_store` for store backends,
and the pytest fixtures.

The pytest plugin (`satchel.testing.pytest_plugin`, entry point `pytest11`) adds the
`check_packager` and `packagers_manager` fixtures.
"""

from satchel.testing.conformance import check_packager
from satchel.testing.payload_store_kit import check_payload_store

__all__ = ["check_packager", "check_payload_store"]
