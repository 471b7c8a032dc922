"""The PostgreSQL records pass the record store conformance kit, every check of it."""

from __future__ import annotations

import pytest

from satchel.testing import check_record_store
from satchel.testing.record_store_kit import CHECKS
from satchel_postgresql import open_records


@pytest.mark.parametrize("check", list(CHECKS))
def test_the_postgresql_records_pass_the_kit(new_url, check):
    check_record_store(open_records, new_url, only=[check], processes=4, runs_per_process=20)
