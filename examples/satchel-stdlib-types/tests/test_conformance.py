"""satchel's conformance check on every packager of satchel-stdlib-types: run it with `pytest`."""

from __future__ import annotations

import pytest
import samples

from satchel.testing import check_packager
from satchel_stdlib_types import packagers as p

CASES = [
    (p.DatetimePackager, samples.DATETIMES),
    (p.DatePackager, samples.DATES),
    (p.TimePackager, samples.TIMES),
    (p.TimedeltaPackager, samples.TIMEDELTAS),
    (p.DecimalPackager, samples.DECIMALS),
    (p.UUIDPackager, samples.UUIDS),
    (p.EnumPackager, samples.ENUMS),
    (p.DataclassPackager, samples.DATACLASSES),
]
# bytes in a result are for the builtins family (satchel-builtins) to log, not installed here
NOT_RESULTS = [samples.Slotted((1, "two", (3.0,), frozenset({4})), b"\x00\xff")]


@pytest.mark.parametrize("packager,values", CASES, ids=[cls.__name__ for cls, _ in CASES])
def test_conformance(packager, values):
    """Each sample as result, file and object: unpacked back exactly (type, value and repr)."""
    check_packager(packager, values, assert_equal=samples.exact)


def test_conformance_of_dataclasses_whose_fields_no_result_holds():
    types = ["file", "object"]
    check_packager(p.DataclassPackager, NOT_RESULTS, artifact_types=types, assert_equal=samples.exact)
