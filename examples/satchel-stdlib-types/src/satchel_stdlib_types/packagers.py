"""satchel packagers of satchel-stdlib-types: dataclasses, datetimes, `Decimal`, `UUID`, enums.

Every public `satchel.Packager` subclass defined in this module is collected (the entry point in
pyproject.toml names the module); the shared bases are private (`_Scalar`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import satchel
from satchel.payloads import is_json_value
from satchel_stdlib_types._codec import (
    class_name,
    fields_of,
    find_class,
    member,
    member_of,
    parse,
    rebuild,
    text_of,
    zone_of,
)


def _read_json(item: Any) -> Any:
    try:
        return json.loads(Path(item.local_path()).read_text(encoding="utf-8"))
    except ValueError as error:
        raise satchel.UnpackingError(f"{item.local_path()} is not a JSON file: {error}") from error


def _write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


_SCALARS = frozenset({dt.datetime, dt.date, dt.time, dt.timedelta, Decimal, uuid.UUID})


class _Scalar(satchel.DefaultPackager):
    """A value with one exact text: logged as that text, stored as a JSON file holding it."""

    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_result(self, obj: Any, key: str) -> str:
        """The exact text (ISO 8601, or `str`)."""
        return text_of(obj)

    def pack_file(self, obj: Any, key: str) -> tuple[Path, dict[str, Any]]:
        """A JSON file holding the exact text (`"2024-05-01T12:30:00.000123+05:30"`)."""
        return _write_json(self.staging_path(key, ".json"), text_of(obj)), {}

    def unpack_file(self, item: Any) -> Any:
        """The value of the text in the file (a plain JSON file with that text works too)."""
        return _parsed(self.PACKABLE_OBJECT_TYPE, _read_json(item), None)


def _parsed(kind: type, text: Any, zone: str | None) -> Any:
    if not isinstance(text, str):
        raise satchel.UnpackingError(f"a {kind.__qualname__} file holds a JSON string, not {text!r}")
    try:
        return parse(kind, text, zone)
    except (ValueError, ArithmeticError, KeyError) as error:
        raise satchel.UnpackingError(f"{text!r} is not a {kind.__qualname__}: {error}") from error


class DatetimePackager(_Scalar):
    """`datetime.datetime`, with its offset and microseconds; a `zoneinfo` zone is kept too."""

    PACKABLE_OBJECT_TYPE = dt.datetime

    def pack_file(self, obj: dt.datetime, key: str) -> tuple[Path, dict[str, Any]]:
        """The ISO 8601 text; the IANA zone (`Europe/Paris`) in the instructions, when it has one."""
        zone = zone_of(obj, key)
        path = _write_json(self.staging_path(key, ".json"), obj.isoformat())
        return path, ({"zone": zone} if zone else {})

    def unpack_file(self, item: Any, zone: str | None = None) -> dt.datetime:
        """The same instant, offset, microseconds (and zone, and so fold) as packed."""
        return _parsed(dt.datetime, _read_json(item), zone)


class DatePackager(_Scalar):
    """`datetime.date` (exactly: a datetime goes to `DatetimePackager`)."""

    PACKABLE_OBJECT_TYPE = dt.date


class TimePackager(_Scalar):
    """`datetime.time`, with its microseconds and fixed offset."""

    PACKABLE_OBJECT_TYPE = dt.time

    def pack_file(self, obj: dt.time, key: str) -> tuple[Path, dict[str, Any]]:
        """The ISO 8601 text (a zone other than a fixed offset cannot be kept: a warning)."""
        zone_of(obj, key)
        return super().pack_file(obj, key)


class TimedeltaPackager(_Scalar):
    """`datetime.timedelta` as an ISO 8601 duration, exact to the microsecond (`P1DT2H0.5S`)."""

    PACKABLE_OBJECT_TYPE = dt.timedelta


class DecimalPackager(_Scalar):
    """`decimal.Decimal` as its exact text: digits, exponent, sign of zero, NaN and infinities."""

    PACKABLE_OBJECT_TYPE = Decimal


class UUIDPackager(_Scalar):
    """`uuid.UUID` as its canonical text."""

    PACKABLE_OBJECT_TYPE = uuid.UUID


class EnumPackager(satchel.DefaultPackager):
    """Any `enum.Enum` member: logged by name (a `Flag` by value), stored as a JSON file.

    Unpacking finds the member in the hinted class (`self.hinted_class`), else in the class it
    was packed from (recorded, found among the modules already imported: none is imported).
    """

    PACKABLE_OBJECT_TYPE = enum.Enum
    PACK_SUBCLASSES = True  # every enum class, IntEnum and Flag included
    DEFAULT_PACKING_ARTIFACT_TYPE = "result"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_result(self, obj: enum.Enum, key: str) -> Any:
        """The member's name (`"RED"`); a `Flag`'s value, since a combination has no name."""
        return member_of(obj).popitem()[1]

    def pack_file(self, obj: enum.Enum, key: str) -> tuple[Path, dict[str, Any]]:
        """A JSON file with the name (or a `Flag`'s value); the class in the instructions."""
        (by, value), = member_of(obj).items()
        path = _write_json(self.staging_path(key, ".json"), value)
        return path, {"class": class_name(type(obj)), "by": by}

    def unpack_file(self, item: Any, by: str | None = None, **instructions: Any) -> enum.Enum:
        """The member; a plain JSON file holds its name or its value."""
        hinted = self.hinted_class
        if isinstance(hinted, enum.EnumMeta) and len(hinted):
            cls = hinted
        elif "class" in instructions:
            cls = find_class(instructions["class"])
        else:
            raise satchel.UnpackingError("hint the enum class to read a plain file as one of its members")
        value = _read_json(item)
        if by is None:  # a plain file: a name, else a value
            by = "name" if isinstance(value, str) and value in cls.__members__ else "value"
        return member(cls, {by: value})


def _result_key(name: Any, where: str) -> str:
    """A dict key as JSON writes it (`1` -> `"1"`); any other key cannot be logged."""
    if type(name) is str:
        return name
    if name is None or type(name) in (int, float, bool):
        return json.dumps(name)
    raise satchel.PackingError(
        f"{where} has a {type(name).__qualname__} key, which a result cannot hold; log it as 'file'"
    )


class DataclassPackager(satchel.DefaultPackager):
    """Any dataclass instance, as a JSON file of its fields (values JSON cannot say, tagged).

    Declared on `object` with `PACK_SUBCLASSES`, so it is a candidate for every object, and
    `is_packable` takes only dataclass instances. `PRIORITY = 9`, just ahead of satchel's
    pickling default (10): every packager of a type of its own (the families at 5, a dataclass's
    own packager) is tried first, and ints, dicts and lists never reach this one.
    """

    PACKABLE_OBJECT_TYPE = object
    PACK_SUBCLASSES = True
    PRIORITY = 9
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def is_packable(self, obj: Any, artifact_type: str, configurations: dict[str, Any]) -> bool:
        """Only an instance of a dataclass (not a dataclass itself), as a type it supports."""
        return (
            dataclasses.is_dataclass(obj)
            and not isinstance(obj, type)
            and super().is_packable(obj, artifact_type, configurations)
        )

    def pack_result(self, obj: Any, key: str) -> dict[str, Any]:
        """The fields as a JSON object; a field of another type as its own packager logs it."""
        return self._result(obj, key)

    def _result(self, value: Any, where: str) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                field.name: self._result(getattr(value, field.name), f"{where}.{field.name}")
                for field in dataclasses.fields(value)
            }
        if type(value) in (list, tuple):
            return [self._result(item, f"{where}[{index}]") for index, item in enumerate(value)]
        if type(value) in (set, frozenset):  # sorted by their logged text: the same every time
            items = [self._result(item, f"{where} item") for item in value]
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        if type(value) is dict:
            logged = {
                _result_key(name, where): self._result(item, f"{where}[{name!r}]")
                for name, item in value.items()
            }
            if len(logged) < len(value):
                raise satchel.PackingError(
                    f"{where}: two of its keys are the same once written as JSON; log it as 'file'"
                )
            return logged
        if is_json_value(value):
            return value
        if type(value) in _SCALARS:  # as its packager logs it; this family's text when none does
            return self.result_of(value, where, text_of(value))
        if isinstance(value, enum.Enum):
            return self.result_of(value, where, member_of(value).popitem()[1])
        return self.result_of(value, where)

    def pack_file(self, obj: Any, key: str) -> tuple[Path, dict[str, Any]]:
        """A JSON object of the fields; the dataclass's `module:qualname` in the instructions."""
        path = _write_json(self.staging_path(key, ".json"), fields_of(obj, key))
        return path, {"class": class_name(type(obj))}

    def unpack_file(self, item: Any, **instructions: Any) -> Any:
        """An instance of the hinted dataclass (else of the recorded one), fields as packed."""
        hinted = self.hinted_class
        if hinted is not None and dataclasses.is_dataclass(hinted):
            cls = hinted
        elif hinted not in (None, object):
            raise satchel.UnpackingError(
                f"{type(self).__qualname__} reads dataclasses, not {hinted.__qualname__}"
            )
        elif "class" in instructions:
            cls = find_class(instructions["class"])
        else:
            raise satchel.UnpackingError("hint the dataclass to read a plain file as one")
        return rebuild(cls, _read_json(item))
