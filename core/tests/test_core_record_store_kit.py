"""The record store conformance kit (`satchel.testing.check_record_store`) on the embedded
SQLite records, and the kit failing on a store that breaks the interface."""

from __future__ import annotations

import itertools

import pytest

from satchel.testing import check_record_store
from satchel.tracking.store.sqlite_records import SQLiteRecords

_numbers = itertools.count()


@pytest.mark.slow
def test_the_sqlite_records_pass_the_kit(tmp_path):
    check_record_store(SQLiteRecords, lambda: str(tmp_path / f"store-{next(_numbers)}" / "satchel.db"))


class ForgetfulRecords(SQLiteRecords):
    """Breaks the interface: `latest_run` gives the oldest matching run."""

    def latest_run(self, query):
        runs = self.list_runs(query)
        return runs[0] if runs else None


class PrefixlessRecords(SQLiteRecords):
    """Breaks the interface: a run id prefix finds nothing."""

    def get_run(self, run_id):
        run = super().get_run(run_id) if len(run_id) == 32 or not run_id.isalnum() else None
        return run if run is None or run.id == run_id else None


@pytest.mark.parametrize(
    "broken,check,message",
    [
        (ForgetfulRecords, "queries", "latest_run"),
        (PrefixlessRecords, "prefixes", "unique prefix"),
    ],
)
def test_the_kit_fails_a_store_that_breaks_the_interface(tmp_path, broken, check, message):
    with pytest.raises(AssertionError, match=message):
        check_record_store(broken, lambda: str(tmp_path / f"s{next(_numbers)}.db"), only=[check])


def test_the_kit_refuses_an_opener_other_processes_cannot_import(tmp_path):
    with pytest.raises(AssertionError, match="module-level"):
        check_record_store(lambda url: SQLiteRecords(url), lambda: str(tmp_path / "s.db"))
