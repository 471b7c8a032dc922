"""Testing kits: `check_packager` for packager authors; `check_payload_store` and
`check_record_store` for store backends.

The pytest plugin (`satchel.testing.pytest_plugin`, entry point `pytest11`) adds the
`check_packager` and `packagers_manager` fixtures. `check_record_store` is imported on first use
(it brings the store interfaces, which a packager's tests do not need).
"""

from typing import Any

from satchel.testing.conformance import check_packager
from satchel.testing.payload_store_kit import check_payload_store

__all__ = ["check_packager", "check_payload_store", "check_record_store"]


def __getattr__(name: str) -> Any:
    if name == "check_record_store":
        from satchel.testing.record_store_kit import check_record_store

        return check_record_store
    raise AttributeError(f"module 'satchel.testing' has no attribute {name!r}")
