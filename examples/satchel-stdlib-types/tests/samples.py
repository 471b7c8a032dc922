"""Sample types and values for the tests: defined in an imported module, as users' classes are."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo


class Color(enum.Enum):
    RED = 1
    GREEN = "green"
    CRIMSON = 1  # an alias of RED


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Perm(enum.Flag):
    R = 4
    W = 2
    X = 1


@dataclass
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Stamp:
    at: dt.datetime
    amount: Decimal
    id: uuid.UUID


@dataclass
class Record:
    name: str
    where: Point
    stamps: list[Stamp]
    color: Color
    tags: set[str] = field(default_factory=set)
    extra: dict = field(default_factory=dict)
    note: str | None = None
    count: int = field(default=0, init=False)


@dataclass(slots=True)
class Slotted:
    values: tuple
    blob: bytes


PARIS = ZoneInfo("Europe/Paris")
UTC_PLUS_0530 = dt.timezone(dt.timedelta(hours=5, minutes=30))

DATETIMES = [
    dt.datetime(2024, 5, 1, 12, 30),
    dt.datetime(2024, 5, 1, 12, 30, 0, 123),
    dt.datetime(2024, 5, 1, 12, 30, 0, 999999, tzinfo=UTC_PLUS_0530),
    dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc),
    dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.timezone(-dt.timedelta(hours=9, minutes=30))),
    dt.datetime(2024, 7, 14, 9, 0, tzinfo=PARIS),
    dt.datetime(2024, 10, 27, 2, 30, tzinfo=PARIS),  # the first 02:30 of the night clocks go back
    dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=PARIS),  # the second
    dt.datetime.min,
    dt.datetime.max,
]
DATES = [dt.date(2024, 2, 29), dt.date.min, dt.date.max]
TIMES = [dt.time(0), dt.time(23, 59, 59, 999999), dt.time(12, 30, 5, 1, tzinfo=UTC_PLUS_0530)]
TIMEDELTAS = [
    dt.timedelta(0),
    dt.timedelta(microseconds=1),
    dt.timedelta(microseconds=-1),
    dt.timedelta(days=-1),
    dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5),
    dt.timedelta(seconds=59.5),
    dt.timedelta.max,
    dt.timedelta.min,
]
DECIMALS = [
    Decimal("0"),
    Decimal("-0"),
    Decimal("1.10"),
    Decimal("1E+3"),
    Decimal("-1.234567890123456789012345678901234567890E-400"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
]
UUIDS = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID("12345678-1234-5678-1234-567812345678")]
ENUMS = [Color.RED, Color.GREEN, Level.HIGH, Perm.R, Perm.R | Perm.W, Perm(0)]
STAMP = Stamp(dt.datetime(2024, 5, 1, 8, 0, 0, 7, tzinfo=PARIS), Decimal("19.990"), UUIDS[2])
DATACLASSES = [
    Point(1.5, -0.0),
    STAMP,
    Record("r", Point(0.0, 1e300), [STAMP, STAMP], Color.GREEN, {"b", "a"}, {1: (2, 3), "$type": None}),
]


def exact(expected, actual, where="value"):
    """Same class and equal all the way down; datetimes with the same offset, zone and fold,
    decimals with the same digits and exponent (`1.10` is not `1.1`), floats with their sign."""
    assert type(actual) is type(expected), f"{where}: got a {type(actual)!r}, expected a {type(expected)!r}"
    assert actual == expected, f"{where}: got {actual!r}, expected {expected!r}"
    if isinstance(expected, (dt.datetime, dt.time)):
        same = (actual.tzinfo, actual.utcoffset(), actual.fold, actual.isoformat())
        assert same == (expected.tzinfo, expected.utcoffset(), expected.fold, expected.isoformat()), where
    elif isinstance(expected, (Decimal, float)):
        assert repr(actual) == repr(expected), f"{where}: got {actual!r}, expected {expected!r}"
    elif is_dataclass(expected):
        for name in (f.name for f in fields(expected)):
            exact(getattr(expected, name), getattr(actual, name), f"{where}.{name}")
    elif isinstance(expected, (list, tuple)):
        for index, (one, other) in enumerate(zip(expected, actual)):
            exact(one, other, f"{where}[{index}]")
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), f"{where}: keys in another order"
        for name in expected:
            exact(expected[name], actual[name], f"{where}[{name!r}]")
    elif isinstance(expected, (set, frozenset)):
        for one, other in zip(sorted(expected, key=repr), sorted(actual, key=repr)):
            exact(one, other, f"{where} item")
