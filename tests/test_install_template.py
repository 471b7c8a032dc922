"""`satchel new-plugin` from the satchel wheel, on a real install: the plugin it writes builds with
hatchling, installs with pip, passes its own conformance test and is listed by `satchel plugins`.

So the template cannot rot: a change to satchel that breaks it fails here.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

CORE = Path(__file__).resolve().parents[1] / "core"
TEMPLATES = sorted(path.name for path in (CORE / "src/satchel/cli/plugin_template").glob("*.tmpl"))

pytestmark = pytest.mark.slow


def test_a_new_plugin_builds_installs_and_passes_its_conformance_test(wheels, hatch, fresh_venv, tmp_path):
    venv = fresh_venv(tmp_path / "venv")
    venv.pip_install(wheels.core, "pytest>=8")  # the template comes from the wheel, as users get it
    work = tmp_path / "work"
    work.mkdir()
    written = venv.satchel("new-plugin", "satchel-points", tmp=work)
    assert "satchel-points" in written.stdout
    source = work / "satchel-points"

    wheel = hatch(source, tmp_path / "dist")
    assert canonicalize_name(wheel.name.split("-")[0]) == "satchel-points"
    venv.pip_install(wheel)

    # a basetemp of its own: the default one is shared with this run's workers, which clean it
    basetemp = f"--basetemp={tmp_path / 'inner'}"
    tested = venv.module("pytest", "-q", "-p", "no:cacheprovider", basetemp, "tests", cwd=source)
    assert " passed" in tested.stdout and "failed" not in tested.stdout, tested.stdout

    listing = venv.plugins_json(work)
    (plugin,) = [plugin for plugin in listing["plugins"] if plugin["name"] == "points"]
    assert canonicalize_name(plugin["distribution"]) == "satchel-points"
    assert (plugin["version"], plugin["status"], plugin["reason"]) == ("0.1.0", "loaded", None)
    assert plugin["value"] == "satchel_points.packagers"
    (packager,) = plugin["packagers"]
    assert packager["class"] == "satchel_points.packagers.FractionPackager"
    assert set(packager["artifact_types"]) == {"file", "object", "result"}

    again = venv.satchel("new-plugin", "satchel-points", tmp=work, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr, again.stderr


def test_the_template_files_are_in_the_wheel_and_in_the_wheel_built_from_the_sdist(wheels, hatch, tmp_path):
    assert len(TEMPLATES) == 5, TEMPLATES
    sdist = hatch(CORE, tmp_path / "sdist", "sdist")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (root,) = (tmp_path / "unpacked").iterdir()
    for wheel in (wheels.core, hatch(root, tmp_path / "from-sdist")):
        with zipfile.ZipFile(wheel) as archive:
            shipped = sorted(
                name.rpartition("/")[2] for name in archive.namelist() if "/cli/plugin_template/" in name
            )
        assert shipped == TEMPLATES, wheel.name
