"""Importing satchel and collecting every installed plugin imports no heavy library."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

HEAVY = ("numpy", "pandas", "pyarrow", "yaml", "cloudpickle")

CHECK = f"""
import contextlib, importlib.util, io

heavy = {HEAVY!r}
installed = [name for name in heavy if importlib.util.find_spec(name) is not None]
imported = lambda: sorted(name for name in heavy if name in sys.modules)
result = {{"installed": installed, "at_start": imported()}}

import satchel
result["after_import"] = imported()
manager = satchel.PackagersManager()
result["loaded"] = sorted(p.name for p in manager.plugins if p.status == "loaded")
result["after_collecting"] = imported()

manager.pack({{"a": 1}}, "small")       # a result: nothing to pickle, nothing to write
manager.pack(3, "count")
manager.explain([1, 2])
result["after_small_results"] = imported()

from satchel.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["plugins", "--json"])
result["after_plugins_command"] = imported()
"""


def test_collecting_every_plugin_imports_no_heavy_library(full_venv, wheels, tmp_path):
    outcome = full_venv.script(CHECK, tmp=tmp_path)
    families = set(wheels.families)
    expected = {"numpy", "cloudpickle"}  # numpy is installed even before its family exists
    expected |= {"yaml"} if "builtins" in families else set()
    expected |= {"pandas", "pyarrow"} if "pandas" in families else set()
    assert expected <= set(outcome["installed"]), "the check only means something if they are installed"
    assert outcome["loaded"] == sorted(families), "every family was collected"
    assert outcome["at_start"] == []
    assert outcome["after_import"] == [], "import satchel"
    assert outcome["after_collecting"] == [], "satchel.PackagersManager()"
    assert outcome["after_small_results"] == [], "packing small results and explaining"
    assert outcome["after_plugins_command"] == [], "satchel plugins --json"
