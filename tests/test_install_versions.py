"""Versions in lockstep, and what each built wheel declares (DESIGN §1).

Every wheel has core's version; each plugin's `satchel` requirement and core's `[all]` extra
admit it; each family's wheel declares its entry point; no wheel ships tests.
"""

from __future__ import annotations

import email
import email.message
import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def _read(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [name for name in archive.namelist() if name.endswith(f".dist-info/{suffix}")]
        return archive.read(name).decode()


def _metadata(wheel: Path) -> email.message.Message:
    return email.message_from_string(_read(wheel, "METADATA"))


def _requirements(wheel: Path) -> list[Requirement]:
    return [Requirement(text) for text in _metadata(wheel).get_all("Requires-Dist") or []]


def test_every_wheel_has_the_core_version(wheels, version):
    for wheel in [wheels.core, *wheels.families.values()]:
        assert _metadata(wheel)["Version"] == version, wheel.name
        assert wheel.name.split("-")[1] == version, wheel.name


def test_every_plugin_requires_a_satchel_that_admits_this_version(wheels, version):
    assert wheels.families, "no family wheel was built"
    for family, wheel in wheels.families.items():
        assert canonicalize_name(_metadata(wheel)["Name"]) == f"satchel-{family}"
        (core,) = [req for req in _requirements(wheel) if canonicalize_name(req.name) == "satchel"]
        assert core.marker is None, f"satchel-{family} needs satchel unconditionally"
        assert core.specifier.contains(version, prereleases=True), f"satchel-{family}: {core}"


def test_the_all_extra_names_every_family(wheels, families, version):
    metadata = _metadata(wheels.core)
    assert "all" in (metadata.get_all("Provides-Extra") or [])
    extra = {
        canonicalize_name(req.name): req
        for req in _requirements(wheels.core)
        if req.marker is not None and req.marker.evaluate({"extra": "all"})
    }
    present = {f"satchel-{family}" for family in families}
    assert present <= set(extra), f"[all] lacks {sorted(present - set(extra))}"
    in_repository = {
        canonicalize_name(re.search(r'^name = "([^"]+)"', path.read_text(), re.M).group(1))
        for path in (REPO / "plugins").glob("*/pyproject.toml")
    }
    assert set(extra) <= in_repository, f"[all] names {sorted(set(extra) - in_repository)}, not in plugins/"
    for name, req in extra.items():
        assert req.specifier.contains(version, prereleases=True), f"[all] {name}: {req}"


def test_each_family_wheel_declares_its_entry_point(wheels):
    for family, wheel in wheels.families.items():
        text = _read(wheel, "entry_points.txt")
        assert "[satchel.packagers]" in text, wheel.name
        assert f"{family} = satchel_{family}.packagers" in text, text


def test_the_core_wheel_declares_its_commands_and_pytest_plugin(wheels):
    text = _read(wheels.core, "entry_points.txt")
    assert "satchel = satchel.cli:main" in text
    assert "[pytest11]" in text and "satchel = satchel.testing.pytest_plugin" in text


def test_no_wheel_ships_tests(wheels):
    for wheel in [wheels.core, *wheels.families.values()]:
        with zipfile.ZipFile(wheel) as archive:
            shipped = [name for name in archive.namelist() if "tests/" in name or "/test_" in name]
        assert not shipped, f"{wheel.name} ships {shipped}"


def test_each_distribution_builds_from_its_sdist_alone(families, version, hatch, tmp_path):
    """A plugin's version comes from ../../core; its sdist must still build on its own."""
    for source in [REPO / "core", *families.values()]:
        sdist = hatch(source, tmp_path / "sdist" / source.name, "sdist")
        unpacked = tmp_path / "unpacked" / source.name
        with tarfile.open(sdist) as archive:
            archive.extractall(unpacked, filter="data")
        (root,) = unpacked.iterdir()  # outside the repository: ../../core is not there
        wheel = hatch(root, tmp_path / "wheels" / source.name)
        assert _metadata(wheel)["Version"] == version, f"{source.name}: {wheel.name}"
        with zipfile.ZipFile(wheel) as archive:
            modules = [name for name in archive.namelist() if name.endswith(".py")]
        assert modules, f"the wheel built from {sdist.name} has no modules"
