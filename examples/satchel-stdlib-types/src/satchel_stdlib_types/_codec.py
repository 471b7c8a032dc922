"""Exact text for the standard library's value types, and the tagged JSON of dataclass fields.

Each scalar has one text that says everything about it, used as its result and in its file:
ISO 8601 for datetimes (offset and microseconds included) and durations, `str` for `Decimal`
(exact digits and exponent, `-0`, `NaN`, `Infinity`) and `UUID`. A dataclass file is a JSON
object of its fields, in which a value JSON cannot say exactly is a tagged object
(`{"$type": "datetime", "value": "..."}`).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import json
import math
import re
import sys
import uuid
import warnings
from decimal import Decimal
from typing import Any

from satchel import PackingError, SatchelWarning, UnpackingError

TAG = "$type"
_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,6}))?S)?)?$")
_MICROSECONDS_PER_DAY = 86_400 * 10**6


# -- the scalars ---------------------------------------------------------------------------------


def zone_of(value: dt.datetime | dt.time, key: str) -> str | None:
    """The IANA zone of an aware value (`zoneinfo.ZoneInfo`), to rebuild it; None for a fixed offset.

    Any other tzinfo keeps only its offset: a `SatchelWarning` says so.
    """
    tzinfo = value.tzinfo
    if tzinfo is None or isinstance(tzinfo, dt.timezone):
        return None
    zone = getattr(tzinfo, "key", None)
    if type(tzinfo).__module__ == "zoneinfo" and isinstance(zone, str) and isinstance(value, dt.datetime):
        return zone
    offset = value.utcoffset()
    kept = (
        f"is kept only as its UTC offset ({offset}); it comes back with a fixed-offset datetime.timezone"
        if offset is not None
        else "gives no UTC offset here, so it is not kept; it comes back naive"
    )
    warnings.warn(f"{key!r}: its tzinfo {tzinfo!r} {kept}", SatchelWarning, stacklevel=2)
    return None


def duration_text(value: dt.timedelta) -> str:
    """ISO 8601 duration, exact to the microsecond: `P1DT2H3M4.000005S`, `-PT0.5S`, `PT0S`."""
    total = (value.days * 86_400 + value.seconds) * 10**6 + value.microseconds
    sign, total = ("-" if total < 0 else ""), abs(total)
    days, rest = divmod(total, _MICROSECONDS_PER_DAY)
    seconds, micro = divmod(rest, 10**6)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    clock = "".join(
        f"{number}{unit}" for number, unit in ((hours, "H"), (minutes, "M")) if number
    ) + (f"{seconds}.{micro:06d}".rstrip("0").rstrip(".") + "S" if seconds or micro else "")
    text = f"{sign}P{f'{days}D' if days else ''}{'T' + clock if clock else ''}"
    return text if text not in ("P", "-P") else "PT0S"


def parse_duration(text: str) -> dt.timedelta:
    """The `timedelta` of an ISO 8601 duration in days, hours, minutes and seconds."""
    found = _DURATION.match(text.strip())
    if not found or text.strip() in ("P", "-P", "PT", "-PT"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P1DT2H3M4.5S")
    sign, days, hours, minutes, seconds, fraction = found.groups()
    micro = int((fraction or "").ljust(6, "0") or 0)
    total = ((int(days or 0) * 24 + int(hours or 0)) * 60 + int(minutes or 0)) * 60 + int(seconds or 0)
    value = dt.timedelta(seconds=total, microseconds=micro)
    return -value if sign else value


def text_of(value: Any) -> str:
    """The exact text of a datetime, date, time, timedelta, Decimal or UUID."""
    if isinstance(value, dt.timedelta):
        return duration_text(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    return str(value)


def parse(kind: type, text: str, zone: str | None = None) -> Any:
    """The value of class `kind` whose exact text is `text` (`zone`: the datetime's IANA zone)."""
    if kind is dt.timedelta:
        return parse_duration(text)
    if kind is Decimal:
        return Decimal(text.strip())  # exact whatever the context's precision
    if kind is uuid.UUID:
        return uuid.UUID(text.strip())
    value = kind.fromisoformat(text.strip())
    if zone is not None:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(zone))  # the same instant, its fold included
    return value


# -- classes by name, never imported -----------------------------------------------------------


def class_name(cls: type) -> str:
    """`module:qualname`, how a class is recorded."""
    return f"{cls.__module__}:{cls.__qualname__}"


def find_class(name: str) -> type:
    """The class recorded as `module:qualname`, from a module already imported (none is imported)."""
    module_name, _, qualname = name.partition(":")
    found: Any = sys.modules.get(module_name)
    if found is None:
        raise UnpackingError(
            f"the class {qualname} is in module {module_name}, which is not imported here: hint the "
            f"class, or import {module_name} first (nothing is imported to unpack)"
        )
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if not isinstance(found, type):
        raise UnpackingError(f"{module_name} has no class {qualname}: hint the class to unpack it")
    return found


# -- dataclass fields as tagged JSON -----------------------------------------------------------

_SCALARS = {cls.__name__: cls for cls in (dt.datetime, dt.date, dt.time, dt.timedelta, Decimal, uuid.UUID)}
_SCALARS["decimal"], _SCALARS["uuid"] = _SCALARS.pop("Decimal"), _SCALARS.pop("UUID")
_TAGS = {cls: tag for tag, cls in _SCALARS.items()}


def encode(value: Any, where: str) -> Any:
    """`value` as JSON that says it exactly (see the module's docstring); `where` names it in errors."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {TAG: "float", "value": repr(value)}
    if kind is list:
        return [encode(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if kind is dict:
        if all(type(name) is str for name in value) and TAG not in value:
            return {name: encode(item, f"{where}[{name!r}]") for name, item in value.items()}
        pairs = [
            [encode(name, f"{where} key"), encode(item, f"{where}[{name!r}]")] for name, item in value.items()
        ]
        return {TAG: "dict", "items": pairs}
    if kind in (tuple, set, frozenset):
        items = [encode(item, f"{where} item") for item in value]
        if kind is not tuple:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))  # the same file every time
        return {TAG: kind.__name__, "items": items}
    if kind in (bytes, bytearray):
        return {TAG: kind.__name__, "base64": base64.b64encode(value).decode("ascii")}
    if kind in _TAGS:
        tagged = {TAG: _TAGS[kind], "value": text_of(value)}
        if kind is dt.datetime and (zone := zone_of(value, where)) is not None:
            tagged["zone"] = zone
        return tagged
    if isinstance(value, enum.Enum):
        return {TAG: "enum", "class": class_name(kind), **member_of(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {TAG: "dataclass", "class": class_name(kind), "fields": fields_of(value, where)}
    raise PackingError(
        f"{where} is a {kind.__qualname__}, which a dataclass file cannot hold (it holds JSON values, "
        "containers, datetimes, Decimal, UUID, enums and dataclasses); log it as 'object' instead"
    )


def fields_of(obj: Any, where: str) -> dict[str, Any]:
    """The encoded fields of the dataclass instance `obj`."""
    return {
        field.name: encode(getattr(obj, field.name), f"{where}.{field.name}")
        for field in dataclasses.fields(obj)
    }


def decode(value: Any) -> Any:
    """The value `encode` wrote as `value`."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {name: decode(item) for name, item in value.items()}
    if tag == "float":
        return float(value["value"])
    if tag == "dict":
        return {decode(name): decode(item) for name, item in value["items"]}
    if tag in ("tuple", "set", "frozenset"):
        items = (decode(item) for item in value["items"])
        return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
    if tag in ("bytes", "bytearray"):
        return {"bytes": bytes, "bytearray": bytearray}[tag](base64.b64decode(value["base64"]))
    if tag in _SCALARS:
        return parse(_SCALARS[tag], value["value"], value.get("zone"))
    if tag == "enum":
        return member(find_class(value["class"]), value)
    if tag == "dataclass":
        return rebuild(find_class(value["class"]), value["fields"])
    raise UnpackingError(f"unknown tagged value {tag!r} in a dataclass file")


def rebuild(cls: type, fields: dict[str, Any]) -> Any:
    """An instance of the dataclass `cls` holding `fields` (encoded), `__init__` not called.

    Like pickle and `copy`, the state comes back as it was packed; `__post_init__` does not run
    again. A field missing from a plain file takes its default.
    """
    if not isinstance(fields, dict):
        raise UnpackingError(f"a {cls.__qualname__} file holds a JSON object of its fields")
    declared = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(fields) - set(declared))
    if unknown:
        raise UnpackingError(f"{cls.__qualname__} has no field {', '.join(unknown)}")
    obj = cls.__new__(cls)
    for name, field in declared.items():
        if name in fields:
            value = decode(fields[name])
        elif field.default is not dataclasses.MISSING:
            value = field.default
        elif field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        else:
            raise UnpackingError(f"the {cls.__qualname__} file has no field {name!r}, which has no default")
        object.__setattr__(obj, name, value)  # frozen dataclasses too
    return obj


# -- enums -------------------------------------------------------------------------------------


def member_of(value: enum.Enum) -> dict[str, Any]:
    """How a member is found again: by name, or by value for a `Flag` (a combination has no name)."""
    if isinstance(value, enum.Flag):
        return {"value": value.value}
    return {"name": value.name}


def member(cls: type, recorded: dict[str, Any]) -> enum.Enum:
    """The member of the enum `cls` recorded as `{"name": ...}` or `{"value": ...}`."""
    try:
        return cls[recorded["name"]] if "name" in recorded else cls(recorded["value"])
    except (KeyError, ValueError) as error:
        raise UnpackingError(f"{cls.__qualname__} has no member {recorded}") from error
