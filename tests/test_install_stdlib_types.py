"""The example third-party plugin (examples/satchel-stdlib-types) from its wheel, in a fresh venv:
found through its entry point, used for every type it packs, behind the families, and its own
tests pass against the installed wheel.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "satchel-stdlib-types"

PACKAGERS = "satchel_stdlib_types.packagers."

ROUND_TRIPS = """
import dataclasses, datetime as dt, enum, uuid
from decimal import Decimal
from zoneinfo import ZoneInfo
import satchel

class Color(enum.Enum):
    RED = 1
    GREEN = 2

@dataclasses.dataclass(frozen=True)
class Order:
    at: dt.datetime
    total: Decimal
    id: uuid.UUID
    color: Color
    lines: list

values = {
    "datetime": dt.datetime(2024, 10, 27, 2, 30, 0, 123456, fold=1, tzinfo=ZoneInfo("Europe/Paris")),
    "offset": dt.datetime(2024, 5, 1, 12, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    "date": dt.date(2024, 2, 29),
    "time": dt.time(23, 59, 59, 999999),
    "timedelta": dt.timedelta(days=-1, microseconds=1),
    "decimal": Decimal("-1.2300E-30"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "enum": Color.GREEN,
    "dataclass": Order(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), Decimal("9.90"),
                       uuid.UUID(int=7), Color.RED, [(1, "a"), {2, 3}]),
}

def exact(a, b):
    return type(a) is type(b) and a == b and repr(a) == repr(b) and (
        not isinstance(a, dt.datetime) or (a.tzinfo is b.tzinfo or a.tzinfo == b.tzinfo) and a.fold == b.fold)

result = {}
manager = satchel.PackagersManager()
for name, value in values.items():
    artifact = manager.pack(value, {"key": name, "artifact_type": "file"})
    logged = manager.pack(value, {"key": name, "artifact_type": "result"})[name]
    result[name] = {
        "packager": artifact.packager,
        "hinted": exact(value, manager.unpack(artifact, type(value))),
        "unhinted": exact(value, manager.unpack(artifact)),
        "default": manager.explain(value).chosen,
        "logged": logged,
    }
result["others"] = {
    "int": manager.explain(7).chosen,
    "dict": manager.pack({"a": 1}, "d:file").packager,
    "nested": manager.pack({"when": values["date"], "c": Color.RED}, "m"),
}
manager.clear()
"""


def test_the_example_is_no_workspace_distribution():
    """dev.py installs core and plugins/* (editable) and pytest collects their tests: not the
    example's, which runs only from its wheel, in a venv of its own (below)."""
    spec = importlib.util.spec_from_file_location("satchel_dev", REPO / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert (EXAMPLE / "pyproject.toml").is_file()
    assert EXAMPLE not in dev.distributions() and all("examples" not in d.parts for d in dev.distributions())
    lines = (REPO / "pyproject.toml").read_text().splitlines()
    (testpaths,) = [line for line in lines if line.startswith("testpaths")]
    assert "examples" not in testpaths, testpaths
    assert importlib.util.find_spec("satchel_stdlib_types") is None, "not installed in the dev venv"


@pytest.mark.slow
def test_the_example_plugin_is_found(stdlib_types, tmp_path):
    listing = stdlib_types.venv.plugins_json(tmp_path)
    plugins = {plugin["name"]: plugin for plugin in listing["plugins"]}
    assert set(plugins) == {"stdlib_types", "builtins", "pathlib"}
    plugin = plugins["stdlib_types"]
    assert canonicalize_name(plugin["distribution"]) == "satchel-stdlib-types"
    assert (plugin["version"], plugin["status"], plugin["reason"]) == ("0.1.0", "loaded", None)
    found = {packager["class"].removeprefix(PACKAGERS): packager for packager in plugin["packagers"]}
    assert set(found) == {
        "DataclassPackager",
        "DatePackager",
        "DatetimePackager",
        "DecimalPackager",
        "EnumPackager",
        "TimePackager",
        "TimedeltaPackager",
        "UUIDPackager",
    }, "only the public classes: not the private _Scalar base"
    dataclasses = found["DataclassPackager"]
    declared = (dataclasses["type"], dataclasses["pack_subclasses"], dataclasses["priority"])
    assert declared == ("object", True, 9)
    assert found["EnumPackager"]["pack_subclasses"] is True
    assert found["DatetimePackager"]["priority"] == 5


@pytest.mark.slow
def test_each_type_is_packed_and_unpacked_in_the_venv(stdlib_types, tmp_path):
    outcome = stdlib_types.venv.script(ROUND_TRIPS, tmp=tmp_path, TMPDIR=str(tmp_path))
    others = outcome.pop("others")
    expected = {
        "datetime": "DatetimePackager",
        "offset": "DatetimePackager",
        "date": "DatePackager",
        "time": "TimePackager",
        "timedelta": "TimedeltaPackager",
        "decimal": "DecimalPackager",
        "uuid": "UUIDPackager",
        "enum": "EnumPackager",
        "dataclass": "DataclassPackager",
    }
    for name, packager in expected.items():
        got = outcome[name]
        assert got["packager"] == PACKAGERS + packager, (name, got)
        assert got["default"] == PACKAGERS + packager, (name, got)
        assert got["hinted"] and got["unhinted"], (name, got)
    logged = {name: got["logged"] for name, got in outcome.items()}
    assert logged["datetime"] == "2024-10-27T02:30:00.123456+01:00"
    assert logged["timedelta"] == "-PT23H59M59.999999S"
    assert logged["decimal"] == "-1.2300E-30"
    assert logged["enum"] == "GREEN"
    assert logged["dataclass"]["total"] == "9.90" and logged["dataclass"]["color"] == "RED"
    assert logged["dataclass"]["lines"] == [[1, "a"], [2, 3]]
    assert others["int"].startswith("satchel_builtins."), "the families still come first"
    assert others["dict"].startswith("satchel_builtins.")
    assert others["nested"] == {"m": {"when": "2024-02-29", "c": "RED"}}, "inside a builtins result"


@pytest.mark.slow
def test_the_examples_own_tests_pass_against_the_installed_wheel(stdlib_types, tmp_path):
    with zipfile.ZipFile(stdlib_types.wheel) as archive:
        assert not [name for name in archive.namelist() if "tests/" in name], "the wheel ships no tests"
    venv, source = stdlib_types.venv, stdlib_types.source
    where = venv.module("pip", "show", "-f", "satchel-stdlib-types", cwd=source).stdout
    assert "Editable project location" not in where, "installed from the wheel"
    # a basetemp of its own: the default one is shared with this run's workers, which clean it
    basetemp = f"--basetemp={tmp_path / 'inner'}"
    tested = venv.module("pytest", "-q", "-p", "no:cacheprovider", basetemp, "tests", cwd=source)
    assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout
