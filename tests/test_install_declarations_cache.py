"""The declarations cache with a real installed plugin: acme-widgets built with hatchling and
installed by pip (into a folder of its own on PYTHONPATH), then upgraded, broken and removed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PLUGIN_SOURCES = Path(__file__).resolve().parent / "plugin_sources"
PACKAGERS = "acme_widgets.packagers"

START = f"""
import satchel

manager = satchel.PackagersManager()
result = {{
    "imported_by_collecting": {PACKAGERS!r} in sys.modules,
    "priorities": {{r.name: r.priority for r in manager.packagers if r.name.startswith("acme")}},
}}
from acme_widgets import Widget

result["imported_with_its_type"] = {PACKAGERS!r} in sys.modules
result["packager"] = manager.pack(Widget("gear", 3), "gear").packager
result["imported_by_packing"] = {PACKAGERS!r} in sys.modules
manager.clear()
"""

COLLECT = """
import satchel

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    manager = satchel.PackagersManager()
    packed = manager.pack(__import__("acme_widgets").Widget("gear", 3), "gear").packager
    manager.clear()
result = {
    "status": {p.name: [p.status, p.reason] for p in manager.plugins},
    "packed": packed,
    "warnings": [str(w.message) for w in caught],
}
"""


def _age(folder: Path) -> None:
    """Date every installed file an hour back, as if installed earlier: files modified in the
    last two seconds are not cached (an mtime that recent could hide an edit made right after)."""
    stamp = time.time() - 3600
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (stamp, stamp))


def _install(venv, wheel: Path, target: Path) -> None:
    """`pip install --target --upgrade`: replaces what an earlier install put there."""
    command = [venv.python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps"]
    command += ["--upgrade", "--target", str(target), str(wheel)]
    subprocess.run(command, env=venv.env(), check=True, capture_output=True, timeout=600)
    _age(target)


def _acme_source(tmp_path: Path, version: str, priority: int) -> Path:
    source = shutil.copytree(PLUGIN_SOURCES / "acme-widgets", tmp_path / f"acme-{version}")
    project = source / "pyproject.toml"
    project.write_text(project.read_text().replace('version = "1.2.3"', f'version = "{version}"'))
    packagers = source / "src" / "acme_widgets" / "packagers.py"
    packagers.write_text(packagers.read_text().replace("PRIORITY = 4", f"PRIORITY = {priority}"))
    return source


def test_an_installed_plugin_is_cached_upgraded_broken_and_removed(full_venv, hatch, tmp_path):
    target = tmp_path / "site"
    _install(full_venv, hatch(_acme_source(tmp_path, "1.2.3", 4), tmp_path / "wheels-1"), target)
    overlays = [target]

    first = full_venv.script(START, tmp=tmp_path, overlays=overlays)
    assert first["imported_by_collecting"], "nothing cached yet"
    second = full_venv.script(START, tmp=tmp_path, overlays=overlays)
    assert not second["imported_by_collecting"], "served from the cache"
    assert not second["imported_with_its_type"], "importing the library does not import the plugin"
    assert second["imported_by_packing"]
    assert second["packager"] == "acme_widgets.packagers.WidgetPackager"
    assert second["priorities"] == {"acme_widgets.packagers.WidgetPackager": 4}

    _install(full_venv, hatch(_acme_source(tmp_path, "1.2.4", 3), tmp_path / "wheels-2"), target)
    upgraded = full_venv.script(START, tmp=tmp_path, overlays=overlays)
    assert upgraded["imported_by_collecting"], "a new installation: not served"
    assert upgraded["priorities"] == {"acme_widgets.packagers.WidgetPackager": 3}
    assert not full_venv.script(START, tmp=tmp_path, overlays=overlays)["imported_by_collecting"]

    module = target / "acme_widgets" / "packagers.py"
    module.write_text(module.read_text() + "\nraise ImportError('acme broke after caching')\n")
    broken = full_venv.script(COLLECT, tmp=tmp_path, overlays=overlays)
    assert broken["status"]["acme"][0] == "failed"
    assert "acme broke after caching" in broken["status"]["acme"][1]
    assert broken["packed"] == "satchel.DefaultPackager"
    assert any(re.search(r"'acme'.*skipped", text) for text in broken["warnings"]), broken["warnings"]
    listing = full_venv.plugins_json(tmp_path, overlays=overlays)
    (acme,) = [plugin for plugin in listing["plugins"] if plugin["name"] == "acme"]
    assert acme["status"] == "failed" and "acme broke after caching" in acme["reason"]

    for path in target.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    listing = full_venv.plugins_json(tmp_path, overlays=overlays)
    assert "acme" not in [plugin["name"] for plugin in listing["plugins"]]
    assert {plugin["status"] for plugin in listing["plugins"]} == {"loaded"}
