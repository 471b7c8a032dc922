"""Importing satchel and collecting packagers imports no heavy library (DESIGN §2, lazy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from satchel.discovery.entry_points import find_entry_points
from satchel.packaging.collecting import GROUP

HEAVY = ("numpy", "pandas", "pyarrow", "yaml", "cloudpickle", "rich", "sqlite3", "obstore")

SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
import satchel
after_import = sorted(set(sys.modules) & HEAVY)
manager = satchel.PackagersManager()
after_collect = sorted(set(sys.modules) & HEAVY)
plugins = [(s.name, s.status) for s in manager.plugins]
{extra}
print(json.dumps({{"import": after_import, "collect": after_collect, "plugins": plugins, "extra": extra}}))
"""


def run(extra: str = "extra = None", **env: str) -> dict:
    code = f"HEAVY = set({HEAVY!r})\n" + SCRIPT.format(extra=extra)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SATCHEL_")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_import_and_collect_installed_plugins_import_nothing_heavy():
    """With every installed plugin (the families included), nothing heavy is imported."""
    seen = run()
    assert seen["import"] == []
    assert seen["collect"] == []
    installed = {entry_point.name for entry_point in find_entry_points(GROUP)}
    assert {name for name, _ in seen["plugins"]} == installed


def test_core_alone_imports_nothing_heavy():
    names = ",".join(entry_point.name for entry_point in find_entry_points(GROUP))
    seen = run(SATCHEL_DISABLE_PLUGINS=names)
    assert seen["collect"] == []
    assert all(status == "disabled" for _, status in seen["plugins"])


def test_cloudpickle_is_imported_when_first_needed():
    """The control: the check above does see a heavy import once one happens."""
    names = ",".join(entry_point.name for entry_point in find_entry_points(GROUP))
    seen = run(
        "manager.pack(1, 'n'); extra = sorted(set(sys.modules) & HEAVY)",
        SATCHEL_DISABLE_PLUGINS=names,
    )
    assert seen["collect"] == []
    assert seen["extra"] == ["cloudpickle"]


def test_the_archive_toolkit_is_imported_when_first_used():
    """`import satchel` leaves out archives (shutil, tarfile, zipfile); `satchel.payloads` has them."""
    code = (
        "import sys, satchel; before = 'satchel.payloads.archives' in sys.modules; "
        "from satchel.payloads import pack_path, ARCHIVE_FORMATS; "
        "print(before, 'satchel.payloads.archives' in sys.modules, 'zip' in ARCHIVE_FORMATS)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


@pytest.mark.parametrize("module", ["satchel.cli", "satchel.testing", "satchel.payloads"])
def test_other_core_modules_import_nothing_heavy(module):
    code = f"import sys, {module}; print(sorted(set(sys.modules) & set({HEAVY!r})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
