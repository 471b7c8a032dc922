"""What the files hold, what results log, plain files read by type hint, and the priorities."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import samples

import satchel
from satchel_stdlib_types import packagers
from satchel_stdlib_types._codec import find_class, parse_duration


@pytest.fixture
def manager():
    with satchel.PackagersManager(installed=False) as mgr:
        mgr.collect_packagers(["satchel_stdlib_types.packagers"], mandatory=True)
        yield mgr


def payload(artifact):
    return json.loads(Path(artifact.local_path()).read_text())


@pytest.mark.parametrize(
    "value,text",
    [
        (samples.DATETIMES[2], "2024-05-01T12:30:00.999999+05:30"),
        (samples.DATETIMES[7], "2024-10-27T02:30:00+01:00"),  # the second 02:30: its own offset
        (dt.date(2024, 2, 29), "2024-02-29"),
        (dt.time(12, 30, 5, 1, tzinfo=samples.UTC_PLUS_0530), "12:30:05.000001+05:30"),
        (dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5), "P1DT2H3M4.000005S"),
        (dt.timedelta(microseconds=-500000), "-PT0.5S"),
        (dt.timedelta(0), "PT0S"),
        (Decimal("1.10"), "1.10"),
        (Decimal("-0"), "-0"),
        (Decimal("1E+3"), "1E+3"),
        (samples.UUIDS[2], "12345678-1234-5678-1234-567812345678"),
    ],
)
def test_a_file_holds_the_exact_text_and_a_result_logs_it(manager, value, text):
    artifact = manager.pack(value, "value:file")
    assert payload(artifact) == text
    assert manager.pack(value, "value") == {"value": text}, "logged as a result by default"


def test_a_zoneinfo_zone_is_kept_in_the_instructions(manager):
    artifact = manager.pack(samples.DATETIMES[7], "when:file")
    assert artifact.instructions == {"zone": "Europe/Paris"}
    back = manager.unpack(artifact, dt.datetime)
    assert back.tzinfo is samples.PARIS and back.fold == 1


def test_another_tzinfo_keeps_its_offset_with_a_warning(manager):
    class Fixed(dt.tzinfo):
        def utcoffset(self, when):
            return dt.timedelta(hours=3)

        def dst(self, when):
            return dt.timedelta(0)

    value = dt.datetime(2024, 1, 1, tzinfo=Fixed())
    with pytest.warns(satchel.SatchelWarning, match="only as its UTC offset"):
        artifact = manager.pack(value, "when:file")
    back = manager.unpack(artifact, dt.datetime)
    assert back == value and back.utcoffset() == dt.timedelta(hours=3)


def test_a_time_in_a_zone_comes_back_naive_with_a_warning(manager):
    with pytest.warns(satchel.SatchelWarning, match="comes back naive"):
        artifact = manager.pack(dt.time(9, 0, tzinfo=samples.PARIS), "t:file")
    assert manager.unpack(artifact, dt.time) == dt.time(9, 0)


def test_decimal_nan_comes_back_exactly(manager):
    for text in ("NaN", "-NaN", "sNaN12"):
        back = manager.unpack(manager.pack(Decimal(text), "d:file"), Decimal)
        assert str(back) == text


def test_durations_parse_back(manager):
    for value in samples.TIMEDELTAS:
        assert parse_duration(packagers.text_of(value)) == value
    with pytest.raises(ValueError):
        parse_duration("P")


def test_enums_log_their_name_and_flags_their_value(manager):
    assert manager.pack(samples.Color.CRIMSON, "c") == {"c": "RED"}
    assert manager.pack(samples.Perm.R | samples.Perm.W, "p") == {"p": 6}
    artifact = manager.pack(samples.Color.GREEN, "c:file")
    assert payload(artifact) == "GREEN"
    assert artifact.instructions == {"class": "samples:Color", "by": "name"}


def test_a_dataclass_file_is_a_json_object_of_its_fields(manager):
    artifact = manager.pack(samples.Point(1.5, 2.0), "point")
    assert artifact.kind == "file", "a dataclass is a file by default"
    assert payload(artifact) == {"x": 1.5, "y": 2.0}
    assert artifact.instructions == {"class": "samples:Point"}
    stamp = payload(manager.pack(samples.STAMP, "stamp"))
    at = {"$type": "datetime", "value": "2024-05-01T08:00:00.000007+02:00", "zone": "Europe/Paris"}
    assert stamp["at"] == at
    assert stamp["amount"] == {"$type": "decimal", "value": "19.990"}


def test_a_dataclass_result_logs_its_fields_as_their_packagers_do(manager):
    logged = manager.pack(samples.DATACLASSES[2], "record:result")["record"]
    assert logged["stamps"][0] == {
        "at": "2024-05-01T08:00:00.000007+02:00",
        "amount": "19.990",
        "id": "12345678-1234-5678-1234-567812345678",
    }
    assert (logged["color"], logged["tags"]) == ("GREEN", ["a", "b"])
    assert logged["extra"] == {"1": [2, 3], "$type": None}


@dataclass
class OtherPoint:
    x: float
    y: float


def test_the_hinted_class_is_rebuilt(manager):
    artifact = manager.pack(samples.Point(1.0, 2.0), "point")
    assert manager.unpack(artifact, OtherPoint) == OtherPoint(1.0, 2.0)
    assert manager.unpack(artifact, samples.Point) == samples.Point(1.0, 2.0)


def test_plain_files_are_read_by_type_hint(manager, tmp_path):
    def plain(name, value):
        path = tmp_path / name
        path.write_text(json.dumps(value))
        return path

    assert manager.unpack(plain("p.json", {"x": 1, "y": 2}), samples.Point) == samples.Point(1, 2)
    fields = {"name": "r", "where": {"x": 0, "y": 0}, "stamps": [], "color": "RED"}
    record = manager.unpack(plain("r.json", fields), samples.Record)
    assert (record.tags, record.note, record.count) == (set(), None, 0), "missing fields take their defaults"
    assert manager.unpack(plain("c.json", "RED"), samples.Color) is samples.Color.RED
    assert manager.unpack(plain("v.json", "green"), samples.Color) is samples.Color.GREEN, "by value"
    assert manager.unpack(plain("l.json", 2), samples.Level) is samples.Level.HIGH
    when = manager.unpack(plain("d.json", "2024-05-01T00:00:00-03:00"), dt.datetime)
    assert when.utcoffset() == -dt.timedelta(hours=3)
    assert manager.unpack(plain("m.json", "0.10"), Decimal) == Decimal("0.10")
    assert manager.unpack(plain("u.json", str(samples.UUIDS[2])), uuid.UUID) == samples.UUIDS[2]
    with pytest.raises(satchel.UnpackingError, match="has no field z"):
        manager.unpack(plain("z.json", {"x": 1, "y": 2, "z": 3}), samples.Point)


def test_a_field_no_file_can_hold_suggests_object(manager):
    with pytest.raises(satchel.PackingError, match=r"point\.x is a object.*'object'"):
        manager.pack(samples.Point(object(), 1.0), "point")


def test_dataclasses_come_after_every_packager_of_a_type_of_its_own(manager):
    class PointPackager(satchel.DefaultPackager):
        PACKABLE_OBJECT_TYPE = samples.Point
        DEFAULT_PACKING_ARTIFACT_TYPE = "object"

    manager.collect_packagers([PointPackager])
    assert manager.explain(samples.Point(1, 2)).chosen.endswith("PointPackager")
    assert manager.explain(samples.STAMP).chosen == "satchel_stdlib_types.packagers.DataclassPackager"
    assert manager.explain(7).chosen == "satchel.DefaultPackager", "declined: not a dataclass"
    assert not packagers.DataclassPackager().is_packable(samples.Point, "file", {}), "a class is no instance"


def test_a_class_is_never_imported_to_unpack():
    with pytest.raises(satchel.UnpackingError, match="not imported here"):
        find_class("satchel_no_such_module:Point")
    assert find_class("samples:Record") is samples.Record


def test_no_warning_for_plain_values(manager):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in [*samples.DATETIMES, *samples.TIMES]:
            manager.pack(value, "v:file")
